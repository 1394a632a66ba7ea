//! What the builder decided, read by the connection threads: the closures
//! a program plugs in and the limits.

use super::outcome::Outcome;
use crate::config::{Applied, ConfigError};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

pub(crate) type VerifyClosure = dyn Fn(&[u8]) -> Option<Vec<u8>> + Send + Sync;
/// The apply step. The default, [`apply_config`](crate::apply_config),
/// serializes itself; a program's own step is serialized by the builder.
pub(crate) type ApplyClosure = dyn Fn(&[u8]) -> Result<Applied, ConfigError> + Send + Sync;
pub(crate) type OnMessage = dyn Fn(&str, &Outcome) + Send + Sync;

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
    pub apply: Arc<ApplyClosure>,
    pub on_message: Option<Arc<OnMessage>>,
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
            .field("on_message", &self.on_message.is_some())
            .field("max_message_bytes", &self.max_message_bytes)
            .field("receive_deadline", &self.receive_deadline)
            .field("header_deadline", &self.header_deadline)
            .field("apply_deadline", &self.apply_deadline)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}
