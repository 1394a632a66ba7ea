//! A dependency that logs through `log` and `tracing`, as a real crate would.
