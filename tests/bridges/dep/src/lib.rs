//! A dependency that logs through `log` and `tracing`, as a real crate
//! would: its targets are its module paths, `bridges_dep` and
//! `bridges_dep::db`.

/// Logs one record per `log` level at target `bridges_dep`; returns the
/// line of the first call (each next call is one line further).
pub fn log_every_level() -> u32 {
    let first = line!() + 1;
    log::error!("dep error");
    log::warn!("dep warn");
    log::info!("dep info");
    log::debug!("dep debug");
    log::trace!("dep trace");
    first
}

/// The database part of the dependency.
pub mod db {
    /// Logs at INFO and DEBUG at target `bridges_dep::db` through `log`,
    /// with a key-value; returns the line of the first call.
    pub fn query(rows: u64) -> u32 {
        let first = line!() + 1;
        log::info!(rows; "query done");
        log::debug!("query plan");
        first
    }

    /// Logs at INFO and DEBUG through `tracing` inside a span with a
    /// field; returns the line of the first event.
    pub fn traced_query(rows: u64) -> u32 {
        let span = tracing::info_span!("query", table = "users", rows = 0u64);
        let _entered = span.enter();
        let first = line!() + 1;
        tracing::info!(rows, "query done");
        tracing::debug!("query plan");
        first
    }
}
