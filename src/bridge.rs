//! Bridges from the `log` and `tracing` facades: macros that expand in the
//! user's crate (which depends on `log` / `tracing`), so this crate keeps
//! no dependency. What they share lives here: target → logger mapping with
//! a per-thread cache, level mapping, and `max_level` from the live levels.

use crate::level::Level;
use crate::logger::{get_logger, Logger};
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The logger name for a `log`/`tracing` target: `::` and `.` separate
/// parts, empty parts are dropped (so `a::b::c` is `a.b.c`, and `::a..b.`
/// is `a.b`); a target with no part left (`""`, `"::"`, `"."`) is the root
/// logger.
///
/// ```
/// use loglisten::target_logger_name;
/// assert_eq!(target_logger_name("hyper::proto::h1"), "hyper.proto.h1");
/// assert_eq!(target_logger_name("..a::::b."), "a.b");
/// assert_eq!(target_logger_name(""), "root");
/// ```
pub fn target_logger_name(target: &str) -> String {
    let mut name = String::with_capacity(target.len());
    for part in target.split("::").flat_map(|p| p.split('.')) {
        if !part.is_empty() {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(part);
        }
    }
    if name.is_empty() {
        name.push_str("root");
    }
    name
}

/// Slots of the per-thread target cache (direct-mapped by address).
const SLOTS: usize = 64;

/// Most distinct targets given a process-wide entry; past it, targets
/// (say, built per request) are looked up each time instead of kept.
const MAX_TARGETS: usize = 10_000;

/// A cached target: its address, its text, and its logger. When the
/// caller proved the target `'static`, `target` is the caller's own text
/// (same address): no other text can ever be at that address, so a hit
/// needs no compare of the text. Plain `Copy` data, so the thread-local
/// needs no destructor and costs one access.
#[derive(Clone, Copy)]
struct Slot {
    address: usize,
    target: &'static str,
    logger: &'static Logger,
}

thread_local! {
    static TARGETS: [Cell<Option<Slot>>; SLOTS] = const { [const { Cell::new(None) }; SLOTS] };
}

/// Every target text seen (up to [`MAX_TARGETS`]) with its logger, kept
/// for the process's life as the registry keeps its loggers: the slots
/// point into it.
fn interned(target: &str) -> Option<(&'static str, &'static Logger)> {
    type Table = HashMap<&'static str, &'static Logger>;
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    let mut table = TABLE
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some((&text, &logger)) = table.get_key_value(target) {
        return Some((text, logger));
    }
    if table.len() >= MAX_TARGETS {
        return None;
    }
    let text: &'static str = Box::leak(target.into());
    let logger: &'static Logger = Box::leak(Box::new(get_logger(&target_logger_name(target))));
    table.insert(text, logger);
    Some((text, logger))
}

fn slot_of(target: &str) -> usize {
    let address = target.as_ptr() as usize;
    // Distinct targets are distinct texts, at least a word apart.
    (address >> 3) % SLOTS
}

/// Equal texts, compared inline a word at a time (the last word
/// overlapping): a target is a few words long, and a call to `memcmp`
/// would cost more than the compare (and keep the caller from being a
/// leaf).
#[inline]
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        let word = |s: &[u8], at: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&s[at..at + 8]);
            u64::from_ne_bytes(w)
        };
        if n > 16 {
            let mut at = 0;
            while at + 8 < n {
                if word(a, at) != word(b, at) {
                    return false;
                }
                at += 8;
            }
        } else if word(a, 0) != word(b, 0) {
            return false;
        }
        word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        let word = |s: &[u8], at: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&s[at..at + 4]);
            u32::from_ne_bytes(w)
        };
        word(a, 0) == word(b, 0) && word(a, n - 4) == word(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// The cached logger of `target`. Targets are nearly always `&'static
/// str` from `module_path!()`, so the cache is keyed by address and
/// length; a slot filled from a text not proven `'static` is checked
/// against the text too, which keeps a reused address from ever giving
/// another target's logger.
#[inline]
fn cached(target: &str) -> Option<&'static Logger> {
    let slot = TARGETS.with(|cache| cache[slot_of(target)].get())?;
    let address = target.as_ptr() as usize;
    let hit = slot.address == address
        && slot.target.len() == target.len()
        && (slot.target.as_ptr() as usize == address || same_text(slot.target, target));
    hit.then_some(slot.logger)
}

/// Calls `f` with the logger for `target` (see [`target_logger_name`]).
#[doc(hidden)]
#[inline]
pub fn __with_logger<R>(target: &str, f: impl FnOnce(&Logger) -> R) -> R {
    match cached(target) {
        Some(logger) => f(logger),
        None => cache_miss(target, None, f),
    }
}

/// [`__with_logger`] for a `'static` target (tracing's callsites): its
/// later look-ups compare no text.
#[doc(hidden)]
#[inline]
pub fn __with_static_logger<R>(target: &'static str, f: impl FnOnce(&Logger) -> R) -> R {
    match cached(target) {
        Some(logger) => f(logger),
        None => cache_miss(target, Some(target), f),
    }
}

/// Whether a record at `level` for `target` would be handled; from the
/// cache, one atomic load after the first call for a target.
#[doc(hidden)]
#[inline]
pub fn __enabled(target: &str, level: Level) -> bool {
    __with_logger(target, |logger| logger.is_enabled_for(level))
}

/// The `log` bridge's fast path: whether `target`'s logger handles
/// `level`, from this thread's cache (`None`: not cached, ask
/// [`__enabled_log`]). Calls nothing, so the caller stays a leaf.
#[doc(hidden)]
#[inline]
pub fn __cached_enabled(target: &str, level: Level) -> Option<bool> {
    cached(target).map(|logger| logger.is_enabled_for(level))
}

/// [`__enabled`] for the `log` bridge: `module_path` is the record's
/// `&'static` module path, which is the target itself (same address)
/// when the call named no target; then the target is proven `'static`
/// and later look-ups compare no text.
#[doc(hidden)]
#[inline(never)]
pub fn __enabled_log(target: &str, module_path: Option<&'static str>, level: Level) -> bool {
    match cached(target) {
        Some(logger) => logger.is_enabled_for(level),
        None => cache_miss(target, module_path, |logger| logger.is_enabled_for(level)),
    }
}

#[cold]
#[inline(never)]
fn cache_miss<R>(target: &str, proven: Option<&'static str>, f: impl FnOnce(&Logger) -> R) -> R {
    match interned(target) {
        Some((text, logger)) => {
            let address = target.as_ptr() as usize;
            // The caller's own text when it is `'static` (and is the same
            // text at the same address), else the interned copy.
            let target_text = proven
                .filter(|p| p.as_ptr() as usize == address && p.len() == target.len())
                .unwrap_or(text);
            let slot = Slot {
                address,
                target: target_text,
                logger,
            };
            TARGETS.with(|cache| cache[slot_of(target)].set(Some(slot)));
            f(logger)
        }
        None => f(&get_logger(&target_logger_name(target))),
    }
}

/// `log::Level as usize` (1 Error … 5 Trace) as a level: ERROR, WARNING,
/// INFO, DEBUG, TRACE.
#[doc(hidden)]
#[inline]
pub const fn __level_of(facade_level: usize) -> Level {
    // A table, not a match: one load on the bridge's hot path.
    const LEVELS: [Level; 6] = [
        Level::TRACE,
        Level::ERROR,
        Level::WARNING,
        Level::INFO,
        Level::DEBUG,
        Level::TRACE,
    ];
    let at = if facade_level < 5 { facade_level } else { 5 };
    LEVELS[at]
}

/// The most verbose facade level (0 off, 1 Error … 5 Trace) any logger
/// handles now: what `log::set_max_level` and tracing's level hint get.
///
/// ```
/// use loglisten::{facade_max_level, get_logger, Level};
/// get_logger("doc.facade").set_level(Level::TRACE);
/// assert_eq!(facade_max_level(), 5);
/// get_logger("doc.facade").set_level(Level::NOTSET);
/// ```
pub fn facade_max_level() -> usize {
    let most_verbose = crate::registry::most_verbose_level();
    [5, 4, 3, 2, 1]
        .into_iter()
        .find(|&facade| __level_of(facade) >= most_verbose)
        .unwrap_or(0)
}

/// Installs the `log` facade's backend: a `log::Log` that hands every
/// record to the logger named after its target (see
/// [`target_logger_name`](crate::target_logger_name)), and keeps
/// `log::max_level()` at the most verbose level any logger handles, after
/// every reconfiguration (see [`on_reconfigure`](crate::on_reconfigure)).
/// Levels: Error→ERROR, Warn→WARNING, Info→INFO, Debug→DEBUG,
/// Trace→TRACE (5). The record's file, line and module path are kept
/// (`%(pathname)s`, `%(filename)s`, `%(lineno)d`, `%(module)s`).
///
/// Expands in your crate, which depends on `log`; evaluates to
/// `Result<(), log::SetLoggerError>` (an error if a logger is already
/// set). Forms: `log_bridge!()`, `log_bridge!(kv)` (your `log` has the
/// `kv` feature: key-values become extra fields), and with a path for a
/// renamed `log` crate: `log_bridge!(my_log)`, `log_bridge!(my_log, kv)`.
///
/// ```text
/// loglisten::log_bridge!().expect("no other logger set");
/// log::info!(target: "db::pool", "connected"); // logger "db.pool"
/// ```
#[macro_export]
macro_rules! log_bridge {
    () => {
        $crate::__log_bridge!(::log,)
    };
    (kv) => {
        $crate::__log_bridge!(::log, kv)
    };
    ($log:path) => {
        $crate::__log_bridge!($log,)
    };
    ($log:path, kv) => {
        $crate::__log_bridge!($log, kv)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __log_bridge {
    ($log:path, $($kv:ident)?) => {{
        use $log as __loglisten_log;
        struct LoglistenLog;
        impl __loglisten_log::Log for LoglistenLog {
            fn enabled(&self, metadata: &__loglisten_log::Metadata<'_>) -> bool {
                $crate::__enabled(metadata.target(), $crate::__level_of(metadata.level() as usize))
            }
            fn log(&self, record: &__loglisten_log::Record<'_>) {
                let level = $crate::__level_of(record.level() as usize);
                // A call its logger refuses stops here, in a leaf: the
                // rest is out of line.
                match $crate::__cached_enabled(record.target(), level) {
                    Some(false) => {}
                    Some(true) => emit(record, level),
                    None => look_up(record, level),
                }
            }
            fn flush(&self) {}
        }
        #[cold]
        #[inline(never)]
        fn look_up(record: &__loglisten_log::Record<'_>, level: $crate::Level) {
            if $crate::__enabled_log(record.target(), record.module_path_static(), level) {
                emit(record, level);
            }
        }
        #[inline(never)]
        fn emit(record: &__loglisten_log::Record<'_>, level: $crate::Level) {
            $crate::__with_logger(record.target(), |logger| {
                let mut out = $crate::Record::from_args(logger.name(), level, *record.args());
                if let (Some(file), Some(line)) = (record.file_static(), record.line()) {
                    let module = record.module_path_static().unwrap_or("");
                    out = out.with_source(module, file, line);
                }
                $crate::__log_bridge_kv!(__loglisten_log, record, out, logger, $($kv)?);
            });
        }
        fn sync_max_level() {
            __loglisten_log::set_max_level(match $crate::facade_max_level() {
                0 => __loglisten_log::LevelFilter::Off,
                1 => __loglisten_log::LevelFilter::Error,
                2 => __loglisten_log::LevelFilter::Warn,
                3 => __loglisten_log::LevelFilter::Info,
                4 => __loglisten_log::LevelFilter::Debug,
                _ => __loglisten_log::LevelFilter::Trace,
            });
        }
        static LOGGER: LoglistenLog = LoglistenLog;
        __loglisten_log::set_logger(&LOGGER).map(|()| {
            $crate::on_reconfigure(sync_max_level);
            sync_max_level();
        })
    }};
}

#[doc(hidden)]
#[macro_export]
macro_rules! __log_bridge_kv {
    ($log:ident, $record:ident, $out:ident, $logger:ident, ) => {
        $logger.log_record(&$out)
    };
    ($log:ident, $record:ident, $out:ident, $logger:ident, kv) => {{
        // Keys and text values borrow from the record: no copy.
        struct Collect<'kvs>(::std::vec::Vec<$crate::Field<'kvs>>);
        impl<'kvs> $log::kv::VisitSource<'kvs> for Collect<'kvs> {
            fn visit_pair(
                &mut self,
                key: $log::kv::Key<'kvs>,
                value: $log::kv::Value<'kvs>,
            ) -> ::core::result::Result<(), $log::kv::Error> {
                if $crate::is_reserved_field(key.as_str()) {
                    return Ok(());
                }
                let name: ::std::borrow::Cow<'kvs, str> = match key.to_borrowed_str() {
                    Some(name) => ::std::borrow::Cow::Borrowed(name),
                    None => ::std::borrow::Cow::Owned(key.as_str().to_string()),
                };
                let value: $crate::FieldValue<'kvs> = if let Some(b) = value.to_bool() {
                    b.into()
                } else if let Some(n) = value.to_i64() {
                    n.into()
                } else if let Some(n) = value.to_u64() {
                    n.into()
                } else if let Some(x) = value.to_f64() {
                    x.into()
                } else if let Some(s) = value.to_borrowed_str() {
                    s.into()
                } else {
                    $crate::__display_field(&value).into()
                };
                self.0.push($crate::Field::new(name, value));
                Ok(())
            }
        }
        let source = $record.key_values();
        if source.count() == 0 {
            $logger.log_record(&$out)
        } else {
            let mut collect = Collect(::std::vec::Vec::with_capacity(source.count()));
            let _ = source.visit(&mut collect);
            $logger.log_record(&$out.with_fields(&collect.0))
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_map_to_dotted_names_and_bad_ones_to_root() {
        for (target, name) in [
            ("a::b::c", "a.b.c"),
            ("a.b", "a.b"),
            ("", "root"),
            ("::", "root"),
            (".", "root"),
            (".a", "a"),
            ("::a::", "a"),
            ("a:b", "a:b"),
        ] {
            assert_eq!(target_logger_name(target), name, "{target:?}");
        }
    }

    #[test]
    fn cached_loggers_are_the_targets_even_at_a_reused_address() {
        let first = String::from("bridge::cache::one");
        assert_eq!(
            __with_logger(&first, |l| l.name().to_string()),
            "bridge.cache.one"
        );
        assert_eq!(
            __with_logger(&first, |l| l.name().to_string()),
            "bridge.cache.one"
        );
        // Same address, other text: the text check refuses the slot.
        let mut reused = first;
        reused.replace_range(15.., "two");
        assert_eq!(
            __with_logger(&reused, |l| l.name().to_string()),
            "bridge.cache.two"
        );
    }

    #[test]
    fn texts_compare_equal_only_when_equal_at_every_length() {
        let long = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        for n in 0..=long.len() {
            let a = &long[..n];
            let b = String::from(a);
            assert!(same_text(a, &b), "{n}");
            for at in 0..n {
                let mut c = b.clone().into_bytes();
                c[at] = b'#';
                let c = String::from_utf8(c).unwrap();
                assert!(!same_text(a, &c), "{n} {at}");
            }
        }
        assert!(!same_text("abc", "abcd"));
    }

    #[test]
    fn the_fast_path_answers_short_and_static_targets_and_defers_the_rest() {
        let log = get_logger("bridge.fast");
        log.set_level(Level::INFO);
        // Short text, not proven static.
        let short = String::from("bridge::fast");
        assert_eq!(
            __cached_enabled(&short, Level::INFO),
            None,
            "not cached yet"
        );
        assert!(__enabled_log(&short, None, Level::INFO));
        assert_eq!(__cached_enabled(&short, Level::INFO), Some(true));
        assert_eq!(__cached_enabled(&short, Level::DEBUG), Some(false));
        // A long text not proven static: compared too.
        let long_name = "bridge::fast::a::rather::long::target";
        let long = String::from(long_name);
        assert!(!__enabled_log(&long, None, Level::DEBUG));
        assert_eq!(__cached_enabled(&long, Level::INFO), Some(true));
        // Proven static (the record's module path is the target): the
        // slot keeps the caller's own text, so a hit compares no text.
        let slot_text = |target: &str| {
            TARGETS
                .with(|cache| cache[slot_of(target)].get())
                .map(|s| s.target.as_ptr())
        };
        assert!(__enabled_log(long_name, Some(long_name), Level::INFO));
        assert_eq!(slot_text(long_name), Some(long_name.as_ptr()));
        assert_eq!(__cached_enabled(long_name, Level::INFO), Some(true));
        assert_eq!(__cached_enabled(long_name, Level::DEBUG), Some(false));
        // A module path that is not the target proves nothing: the slot
        // keeps the interned copy (at another address).
        let other = "bridge::fast::another::rather::long::target";
        assert!(__enabled_log(other, Some("bridge::fast"), Level::INFO));
        assert_ne!(slot_text(other), Some(other.as_ptr()));
        assert_eq!(__cached_enabled(other, Level::INFO), Some(true));
        log.set_level(Level::NOTSET);
    }

    #[test]
    fn facade_levels_map_to_python_levels() {
        let levels: Vec<i32> = (0..=7).map(|n| __level_of(n).0).collect();
        assert_eq!(levels, [5, 40, 30, 20, 10, 5, 5, 5]);
        let log = get_logger("bridge.enabled");
        log.set_level(Level::ERROR);
        assert!(__enabled("bridge::enabled", Level::ERROR));
        assert!(!__enabled("bridge::enabled", Level::WARNING));
        log.set_level(Level::NOTSET);
    }
}
