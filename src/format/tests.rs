//! The shortcut of `FormatterBuilder::build`: compiling first and
//! validating only when compiling did not prove the format valid must
//! give exactly what validating first, then compiling, gives.

use super::{brace, dollar, percent, Formatter, FormatterBuilder, Style};
use proptest::prelude::*;

/// Python's order: validate, then compile; the segments, or the error.
fn reference(style: Style, fmt: &str, defaults: &[(String, String)]) -> Result<String, String> {
    let validated = match style {
        Style::Percent => percent::validate(fmt),
        Style::Brace => brace::validate(fmt),
        Style::Dollar => dollar::validate(fmt),
    };
    validated.map_err(|e| e.to_string())?;
    let compiled = match style {
        Style::Percent => percent::compile(fmt, defaults),
        Style::Brace => brace::compile(fmt, defaults),
        Style::Dollar => dollar::compile(fmt, defaults),
    };
    compiled
        .map(|c| format!("{:?}", c.finish()))
        .map_err(|e| e.to_string())
}

fn built(style: Style, fmt: &str, defaults: &[(&str, &str)]) -> Result<String, String> {
    let mut builder = Formatter::builder().fmt(fmt).style(style);
    for (k, v) in defaults {
        builder = builder.default_value(*k, *v);
    }
    FormatterBuilder::build(builder)
        .map(|f| format!("{:?}", f.inner.segments))
        .map_err(|e| e.to_string())
}

/// Defaults with a word name and with names `validate` rejects.
const DEFAULTS: &[(&str, &str)] = &[("app", "x"), ("a-b", "y"), ("é", "z"), ("c\n", "w")];

fn same(style: Style, fmt: &str) {
    let owned: Vec<(String, String)> = DEFAULTS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    // An empty format means the style's default.
    let effective = if fmt.is_empty() {
        style.default_format()
    } else {
        fmt
    };
    let expected = reference(style, effective, &owned);
    assert_eq!(built(style, fmt, DEFAULTS), expected, "{style:?} {fmt:?}");
}

#[test]
fn shortcut_matches_validate_then_compile_on_a_table() {
    let cases: &[(Style, &str)] = &[
        (Style::Percent, "%(name)s"),
        (Style::Percent, "%(name).s"),
        (Style::Percent, "%(name)hs"),
        (Style::Percent, "%(a-b)s"),
        (Style::Percent, "%(a-b)s %(name)s"),
        (Style::Percent, "%%(name)s"),
        (Style::Percent, "%(app)s"),
        (Style::Percent, "%(é)s"),
        (Style::Percent, "%(levelno)5.2d|%(app)-4s"),
        (Style::Percent, "plain"),
        (Style::Brace, "{name}"),
        (Style::Brace, "{a-b}"),
        (Style::Brace, "{a-b} {name}"),
        (Style::Brace, "{é:>3}"),
        (Style::Brace, "{c\n}"),
        (Style::Brace, "{name:z}"),
        (Style::Brace, "{levelno:_d}"),
        (Style::Brace, "{{name}}"),
        (Style::Brace, "{app!r:^9}"),
        (Style::Dollar, "$name"),
        (Style::Dollar, "$$name"),
        (Style::Dollar, "${app}-$"),
        (Style::Dollar, "text"),
    ];
    for (style, fmt) in cases {
        same(*style, fmt);
    }
}

fn pieces() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z %{}$!:.()<>=^+#0-9_-]{0,3}",
        prop::sample::select(vec![
            "%(name)s",
            "%(app)s",
            "%(a-b)s",
            "%(é)s",
            "%(levelno)d",
            "%(name).s",
            "%(name)hs",
            "%(name)-5s",
            "{name}",
            "{app}",
            "{a-b}",
            "{é}",
            "{name:>4}",
            "{levelno:z}",
            "{name!r}",
            "$name",
            "${app}",
            "$a",
            "${é}",
            "é",
            "\n",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..5).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    #[test]
    fn shortcut_matches_validate_then_compile(fmt in pieces(), which in 0..3usize) {
        let style = [Style::Percent, Style::Brace, Style::Dollar][which];
        same(style, &fmt);
    }
}
