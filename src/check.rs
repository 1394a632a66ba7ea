//! Checking a configuration without applying it.

use crate::config::{dict, file, ConfigError, ConfigKind, FileConfigOptions};
use crate::json::Value;

/// Parses and validates `bytes` as the listener would apply them, and
/// applies nothing: UTF-8, then a JSON object is read as dictConfig,
/// anything else as fileConfig. When both fail, the JSON error is reported
/// if the text starts with `{`, the INI error otherwise (INI text starts
/// with `[` too, so `[` alone says nothing). Returns which kind it is.
///
/// It checks what reading checks: syntax, structure, levels, class names,
/// fileConfig `args`. Whether files can be opened is known only when a
/// configuration is applied.
///
/// ```
/// use loglisten::{check_config, ConfigKind};
/// assert_eq!(check_config(br#"{"version": 1}"#).unwrap(), ConfigKind::Dict);
/// let err = check_config(b"{\"version\": 1,}").unwrap_err();
/// assert_eq!(err.to_string(), "trailing comma at line 1 column 14");
/// assert_eq!(err.position().unwrap().line, 1);
/// ```
pub fn check_config(bytes: &[u8]) -> Result<ConfigKind, ConfigError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ConfigError::new(
            "",
            format!(
                "configuration is not UTF-8: invalid byte at offset {}",
                e.valid_up_to()
            ),
        )
    })?;
    let json = crate::json::parse(text);
    if let Ok(value @ Value::Object(_)) = &json {
        return dict::read(value).map(|_| ConfigKind::Dict);
    }
    match file::read(text, &FileConfigOptions::default()) {
        Ok(_) => Ok(ConfigKind::File),
        Err(ini_error) => Err(match json {
            Err(e) if text.trim_start().starts_with('{') => {
                ConfigError::at(e.to_string(), e.position())
            }
            _ => ini_error,
        }),
    }
}
