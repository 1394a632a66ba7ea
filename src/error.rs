//! Positions in source text, shared by the parsers' error types.

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
    /// error is built, so the parsers never track lines on the hot path.
    pub(crate) fn locate(text: &str, offset: usize) -> Position {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            offset,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} column {}", self.line, self.column)
    }
}

#[cfg(test)]
mod tests {
    use super::Position;

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
        assert_eq!(Position::locate(text, 99).line, 3);
        assert_eq!(
            Position::locate(text, 4).column,
            1,
            "inside a character rounds down"
        );
    }
}
