//! Positions in source text, and the one shape of the parsers' errors: a
//! message and the [`Position`] it applies to.

use std::borrow::Cow;
use std::fmt;

/// Where in a text an error was found: the byte offset and the 1-based line
/// and column (the column counts characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// Byte offset from the start of the text.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// Computes the line and column of `offset` in `text`. Called only when an
    /// error is built, so the parsers never track lines on the hot path. An
    /// offset past the end, or inside a character, is moved back to the end
    /// or to that character's start, so the three fields always agree.
    pub(crate) fn locate(text: &str, offset: usize) -> Position {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            offset: end,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} column {}", self.line, self.column)
    }
}

/// What the JSON and Python-literal errors share: a message (static for
/// most, built for those that quote the input) and where it applies.
/// `Display` is one line: `<message> at line L column C`. The errors box
/// it, so a parser's `Result`s stay small on the path without errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    message: Cow<'static, str>,
    position: Position,
}

impl Located {
    /// The error `message` at byte `offset` of `text`.
    #[cold]
    pub(crate) fn new(text: &str, offset: usize, message: impl Into<Cow<'static, str>>) -> Located {
        Located {
            message: message.into(),
            position: Position::locate(text, offset),
        }
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn position(&self) -> Position {
        self.position
    }

    pub(crate) fn with_position(self, position: Position) -> Located {
        Located { position, ..self }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.message, self.position)
    }
}

#[cfg(test)]
mod tests {
    use super::{Located, Position};

    #[test]
    fn located_displays_one_line() {
        let e = Located::new("[1,\n x]", 5, "expected value");
        assert_eq!(e.to_string(), "expected value at line 2 column 2");
        assert_eq!((e.message(), e.position().offset), ("expected value", 5));
        let moved = e.with_position(Position {
            offset: 40,
            line: 7,
            column: 9,
        });
        assert_eq!(moved.to_string(), "expected value at line 7 column 9");
    }

    #[test]
    fn locate_counts_lines_and_characters() {
        let text = "ab\nçd\nef";
        assert_eq!(
            Position::locate(text, 0),
            Position {
                offset: 0,
                line: 1,
                column: 1
            }
        );
        assert_eq!(
            Position::locate(text, 3),
            Position {
                offset: 3,
                line: 2,
                column: 1
            }
        );
        // 'ç' is two bytes: offset 5 is the 'd', the second character.
        assert_eq!(
            Position::locate(text, 5),
            Position {
                offset: 5,
                line: 2,
                column: 2
            }
        );
        assert_eq!(
            Position::locate(text, 99),
            Position {
                offset: 9,
                line: 3,
                column: 3
            },
            "past the end is the end"
        );
        assert_eq!(
            Position::locate(text, 4),
            Position {
                offset: 3,
                line: 2,
                column: 1
            },
            "inside a character is its start"
        );
    }
}
