//! [`Location`]: where a logging call is in the source, and how the
//! macros name the enclosing function.

/// Where a logging call is in the source; the macros make one `static` per
/// call site, so capturing it costs nothing at run time.
///
/// ```
/// static HERE: loglisten::Location =
///     loglisten::Location::new("app::db", "src/db.rs", 7, None);
/// assert_eq!((HERE.file(), HERE.line()), ("src/db.rs", 7));
/// assert_eq!(HERE.function(), "<unknown>");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Location {
    module_path: &'static str,
    file: &'static str,
    line: u32,
    // Derived only when a format asks for funcName (type names are not const).
    function: Option<fn() -> &'static str>,
}

impl Location {
    /// A location; `function` returns the enclosing function's name when
    /// called (the macros pass one, built with [`std::any::type_name_of_val`]).
    pub const fn new(
        module_path: &'static str,
        file: &'static str,
        line: u32,
        function: Option<fn() -> &'static str>,
    ) -> Location {
        Location {
            module_path,
            file,
            line,
            function,
        }
    }

    /// The Rust module path, e.g. `app::db`.
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file as `file!()` gives it.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The 1-based line.
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The enclosing function's name, or `<unknown>`.
    pub fn function(&self) -> &'static str {
        self.function.map_or("<unknown>", |f| f())
    }
}

/// Turns `type_name_of_val` of a marker fn declared in the caller (its path
/// ends `::{function}::__loglisten_fn::__loglisten_here`) into the caller's
/// name, skipping closure segments. Used by the macros.
#[doc(hidden)]
pub fn __function_name(marker_path: &'static str) -> &'static str {
    let path = marker_path
        .strip_suffix("::__loglisten_fn::__loglisten_here")
        .unwrap_or(marker_path);
    path.rsplit("::")
        .find(|segment| !segment.starts_with('{'))
        .unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_name_is_cut_from_the_marker_path() {
        let path = "app::db::connect::__loglisten_fn::__loglisten_here";
        assert_eq!(__function_name(path), "connect");
        let closure = "app::run::{{closure}}::__loglisten_fn::__loglisten_here";
        assert_eq!(__function_name(closure), "run");
    }
}
