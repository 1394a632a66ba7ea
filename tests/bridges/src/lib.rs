//! Helpers for the bridge tests.
