//! Checks that a parser's error or value position is in the text it was
//! given. Included by the parsers' property tests.

use loglisten::Position;

/// Asserts that `at` is a character boundary of `text` (or its end) and
/// that its line and column are those of that offset, counted here anew.
pub fn assert_in_text(text: &str, at: Position) {
    assert!(text.is_char_boundary(at.offset), "{at:?} in {text:?}");
    let before = &text[..at.offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    assert_eq!((at.line, at.column), (line, column), "{at:?} in {text:?}");
}
