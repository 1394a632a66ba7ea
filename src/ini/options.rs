//! The knobs of [`parse`](super::parse), and the name of DEFAULT.

/// The name of the section every other section inherits from.
pub(crate) const DEFAULT_SECTION: &str = "DEFAULT";

/// How to read the text: the one set of knobs for [`parse`](super::parse).
///
/// ```
/// use loglisten::ini::{parse, Options};
///
/// let options = Options {
///     defaults: vec![("LogDir".into(), "/var/log".into())],
///     ..Options::default()
/// };
/// let ini = parse("[h]\nfile = %(logdir)s/app.log\n", &options).unwrap();
/// assert_eq!(ini.get("h", "file").unwrap(), "/var/log/app.log");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// fileConfig's `defaults`: merged into DEFAULT before the text is read
    /// (names lower-cased; the text's `[DEFAULT]` overrides them). Two names
    /// equal once lower-cased are a [`ErrorKind::DuplicateOption`](super::ErrorKind::DuplicateOption).
    pub defaults: Vec<(String, String)>,
    /// The source name quoted in messages; `<string>` like `read_string`.
    pub source: String,
    /// Bound on the work of one interpolated [`Ini::get`](super::Ini::get): bytes produced
    /// plus bytes of `%(name)s` references followed. Beyond it the lookup
    /// fails with [`ErrorKind::InterpolationTooLarge`](super::ErrorKind::InterpolationTooLarge) instead of exhausting
    /// memory (nested references can grow exponentially). Default 16 MiB.
    pub max_expansion: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            defaults: Vec::new(),
            source: "<string>".to_string(),
            max_expansion: 16 << 20,
        }
    }
}
