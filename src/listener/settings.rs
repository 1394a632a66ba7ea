//! What the builder decided, read by the connection threads: the closures
//! a program plugs in and the limits.

use super::audit::Audit;
use super::outcome::Outcome;
use crate::config::{Applied, NotApplied};
use crate::registry::Registry;
use crate::verify::HmacVerifier;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) type VerifyClosure = dyn Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync;
/// The apply step of a push. The default (the registry's
/// `apply_config_when`) takes its turn at the registry's apply gate; a
/// program's own step takes it at the builder's gate. Either way pushes go
/// one at a time, in arrival order, each waiting only until its deadline.
pub(crate) type ApplyClosure =
    dyn Fn(&[u8], &Turn<'_>) -> Result<Applied, NotApplied> + Send + Sync;

/// The terms of one push's turn: applied by `by` or not at all, and
/// dropped if `still_wanted` says its client has gone after a long wait.
pub(crate) struct Turn<'a> {
    pub by: Instant,
    pub still_wanted: &'a dyn Fn() -> bool,
}
pub(crate) type OnMessage = dyn Fn(&str, &Outcome) + Send + Sync;
pub(crate) type OnAudit = dyn Fn(&Audit) + Send + Sync;

/// Which local users may drive the listener over TCP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Peers {
    /// Only peers whose socket is owned by this uid (the process's own);
    /// a peer that cannot be identified is passed on only to a verify.
    SameUser(u32),
    /// Anyone who can connect (CPython's behaviour).
    AnyLocalUser,
}

pub(crate) struct Settings {
    pub peers: Peers,
    /// Where configurations from the wire may write and connect.
    pub confine: crate::confine::Confine,
    pub verify: Option<Arc<VerifyClosure>>,
    /// Set by `verify_hmac`: the verifier behind `verify`, asked directly
    /// so the audit has the key id and the reason for a refusal.
    pub hmac: Option<Arc<HmacVerifier>>,
    /// Where commands are carried out (and the generation is read).
    pub registry: Registry,
    pub apply: Arc<ApplyClosure>,
    pub on_message: Option<Arc<OnMessage>>,
    pub on_audit: Option<Arc<OnAudit>>,
    pub max_message_bytes: usize,
    pub receive_deadline: Duration,
    /// The 4-byte length prefix is due this long after the connection is
    /// served (an idle connection is let go).
    pub header_deadline: Duration,
    /// How long building a configuration may take (connecting sockets).
    pub apply_deadline: Duration,
    pub max_connections: usize,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("peers", &self.peers)
            .field("confine", &self.confine)
            .field("verify", &self.verify.is_some())
            .field("hmac", &self.hmac)
            .field("on_message", &self.on_message.is_some())
            .field("on_audit", &self.on_audit.is_some())
            .field("max_message_bytes", &self.max_message_bytes)
            .field("receive_deadline", &self.receive_deadline)
            .field("header_deadline", &self.header_deadline)
            .field("apply_deadline", &self.apply_deadline)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}
