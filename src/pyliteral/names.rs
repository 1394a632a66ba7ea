//! The names `eval(args, vars(logging))` can see that we resolve: the
//! standard streams, the level numbers and the `logging.handlers` constants.

use super::PyValue;

/// What a (dotted) name is.
pub(super) enum Lookup {
    Value(PyValue),
    /// A module or class: only useful with an attribute after it.
    Namespace,
}

/// Python keywords other than `True`, `False` and `None`: never a name.
pub(super) const KEYWORDS: [&str; 32] = [
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

pub(super) fn lookup(path: &str) -> Option<Lookup> {
    let int = |i: i64| Some(Lookup::Value(PyValue::Int(i)));
    match path {
        "True" => Some(Lookup::Value(PyValue::Bool(true))),
        "False" => Some(Lookup::Value(PyValue::Bool(false))),
        "None" => Some(Lookup::Value(PyValue::None)),
        "sys" | "handlers" | "handlers.SysLogHandler" | "config" => Some(Lookup::Namespace),
        "sys.stdout" => Some(Lookup::Value(PyValue::Stdout)),
        "sys.stderr" => Some(Lookup::Value(PyValue::Stderr)),
        // logging/__init__.py
        "CRITICAL" | "FATAL" => int(50),
        "ERROR" => int(40),
        "WARNING" | "WARN" => int(30),
        "INFO" => int(20),
        "DEBUG" => int(10),
        "NOTSET" => int(0),
        // logging/config.py
        "config.DEFAULT_LOGGING_CONFIG_PORT" => int(9030),
        _ => handlers(path.strip_prefix("handlers.")?),
    }
}

/// logging/handlers.py: module constants and `SysLogHandler.LOG_*`.
fn handlers(name: &str) -> Option<Lookup> {
    let value = match name {
        "DEFAULT_TCP_LOGGING_PORT" => 9020,
        "DEFAULT_UDP_LOGGING_PORT" => 9021,
        "DEFAULT_HTTP_LOGGING_PORT" => 9022,
        "DEFAULT_SOAP_LOGGING_PORT" => 9023,
        "SYSLOG_UDP_PORT" | "SYSLOG_TCP_PORT" => 514,
        _ => syslog(name.strip_prefix("SysLogHandler.LOG_")?)?,
    };
    Some(Lookup::Value(PyValue::Int(value)))
}

fn syslog(name: &str) -> Option<i64> {
    const NAMES: [&str; 32] = [
        // priorities 0..=7
        "EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG",
        // facilities 0..=15 (the values shifted left by 3 are computed by the handler)
        "KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR", "NEWS", "UUCP", "CRON",
        "AUTHPRIV", "FTP", "NTP", "SECURITY", "CONSOLE", "SOLCRON",
        // facilities 16..=23
        "LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7",
    ];
    let i = NAMES.iter().position(|n| *n == name)? as i64;
    Some(if i < 8 { i } else { i - 8 })
}
