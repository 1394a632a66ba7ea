//! The parser: operator precedence with an explicit stack instead of
//! recursion, so no input can overflow the thread's stack.

use std::borrow::Cow;

use super::arith::{self, BinOp, UNARY_PREC};
use super::dict::DictBuilder;
use super::lex::{Lexer, Tok, Token};
use super::names::{lookup, Lookup, KEYWORDS};
use super::{Error, PyValue};

#[derive(Clone, Copy, PartialEq, Eq)]
enum SeqKind {
    /// The whole input: `a, b` at the top is a tuple, as `eval` accepts.
    Top,
    Paren,
    List,
}

impl SeqKind {
    /// Whether `tok` closes this bracket (the end of input, for the top).
    fn closed_by(self, tok: &Tok) -> bool {
        matches!(
            (self, tok),
            (SeqKind::Top, Tok::Eof)
                | (SeqKind::Paren, Tok::Punct(")"))
                | (SeqKind::List, Tok::Punct("]"))
        )
    }
}

/// Pending work: an operator waiting for its right operand, or an open
/// bracket collecting items.
enum Frame {
    Unary {
        negate: bool,
        at: usize,
    },
    Binary {
        lhs: PyValue,
        op: BinOp,
        at: usize,
    },
    Seq {
        kind: SeqKind,
        open_at: usize,
        items: Vec<PyValue>,
        comma: bool,
    },
    Dict {
        open_at: usize,
        dict: DictBuilder,
        key: Option<PyValue>,
        item_at: usize,
    },
}

/// What to do once a bracket has seen a `,`, `:` or its closer.
enum Next {
    Operand,
    Value(PyValue),
    Done(PyValue),
}

/// The deepest nesting [`parse`](super::parse) accepts: open brackets plus
/// unary operators and `**` awaiting their right operand.
///
/// ```
/// use loglisten::pyliteral::{parse, MAX_DEPTH};
/// assert!(parse(&format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))).is_ok());
/// assert!(parse(&format!("{}1", "-".repeat(MAX_DEPTH + 1))).is_err());
/// ```
pub const MAX_DEPTH: usize = 100;

/// [`parse`](super::parse): rejects a null byte (as Python: source code
/// cannot contain one, even in a string), then parses.
pub(super) fn parse_text(text: &str) -> Result<PyValue, Error> {
    if let Some(at) = text.bytes().position(|b| b == 0) {
        return Err(Error::new(text, at, "null character in the text".into()));
    }
    Parser::new(text).parse()
}

pub(super) struct Parser<'a> {
    src: &'a str,
    lex: Lexer<'a>,
    stack: Vec<Frame>,
    /// Open brackets, unary operators and `**` awaiting their operand.
    depth: usize,
    /// Open brackets only: line breaks are allowed when > 0.
    open: usize,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str) -> Self {
        Parser {
            src,
            lex: Lexer::new(src),
            stack: Vec::new(),
            depth: 0,
            open: 0,
        }
    }

    fn err(&self, offset: usize, message: impl Into<String>) -> Error {
        Error::new(self.src, offset, message.into())
    }

    pub fn parse(mut self) -> Result<PyValue, Error> {
        self.stack.push(Frame::Seq {
            kind: SeqKind::Top,
            open_at: 0,
            items: Vec::new(),
            comma: false,
        });
        loop {
            let value = self.operand()?;
            if let Some(done) = self.operator(value)? {
                return Ok(done);
            }
        }
    }

    fn check_line(&self, tok: &Token) -> Result<(), Error> {
        check_line(self.src, self.open, tok)
    }

    fn enter(&mut self, at: usize) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(
                at,
                format!("nesting too deep (the limit is {MAX_DEPTH} levels)"),
            ));
        }
        Ok(())
    }

    fn peek_is(&mut self, punct: &str) -> Result<bool, Error> {
        Ok(matches!(self.lex.peek()?.tok, Tok::Punct(p) if p == punct))
    }

    /// Reads prefix operators and open brackets up to a complete atom.
    fn operand(&mut self) -> Result<PyValue, Error> {
        loop {
            let tok = self.lex.next()?;
            self.check_line(&tok)?;
            let at = tok.start;
            match tok.tok {
                Tok::Int(i) => return Ok(PyValue::Int(i)),
                Tok::Float(x) => return Ok(PyValue::Float(x)),
                Tok::Str(mut s) => {
                    // Adjacent literals are one string: 'a' "b" == 'ab'.
                    while matches!(self.lex.peek()?.tok, Tok::Str(_)) {
                        let next = self.lex.next()?;
                        self.check_line(&next)?;
                        if let Tok::Str(more) = next.tok {
                            s.push_str(&more);
                        }
                    }
                    return Ok(PyValue::Str(s));
                }
                Tok::Name => return self.name(&tok),
                Tok::Punct(p @ ("-" | "+")) => {
                    self.enter(at)?;
                    self.stack.push(Frame::Unary {
                        negate: p == "-",
                        at,
                    });
                }
                Tok::Punct(p @ ("(" | "[")) => {
                    let kind = if p == "(" {
                        SeqKind::Paren
                    } else {
                        SeqKind::List
                    };
                    if self.peek_closer(kind)? {
                        self.lex.next()?;
                        return Ok(if p == "(" {
                            PyValue::Tuple(Vec::new())
                        } else {
                            PyValue::List(Vec::new())
                        });
                    }
                    self.enter(at)?;
                    self.open += 1;
                    self.stack.push(Frame::Seq {
                        kind,
                        open_at: at,
                        items: Vec::new(),
                        comma: false,
                    });
                }
                Tok::Punct("{") => {
                    if self.peek_is("}")? {
                        self.lex.next()?;
                        return Ok(PyValue::Dict(Vec::new()));
                    }
                    self.enter(at)?;
                    self.open += 1;
                    let item_at = self.lex.peek()?.start;
                    self.stack.push(Frame::Dict {
                        open_at: at,
                        dict: DictBuilder::default(),
                        key: None,
                        item_at,
                    });
                }
                Tok::Eof => return Err(self.eof_error(at)),
                Tok::Punct(p) => {
                    return Err(match p {
                        "~" => self.unsupported_operator(at, p),
                        _ => self.err(at, format!("expected a value, found '{p}'")),
                    })
                }
            }
        }
    }

    fn eof_error(&self, at: usize) -> Error {
        for frame in self.stack.iter().rev() {
            match frame {
                Frame::Seq {
                    kind: SeqKind::Top, ..
                } => break,
                Frame::Seq { kind, open_at, .. } => {
                    let open = if *kind == SeqKind::List { '[' } else { '(' };
                    return self.err(*open_at, format!("'{open}' was never closed"));
                }
                Frame::Dict { open_at, .. } => return self.err(*open_at, "'{' was never closed"),
                _ => {}
            }
        }
        self.err(at, "expected a value, found end of input")
    }

    fn unsupported_operator(&self, at: usize, p: &str) -> Error {
        match p {
            "/" => self.err(
                at,
                "unsupported operator '/' (true division gives a float; use '//')",
            ),
            "<" | ">" | "<=" | ">=" | "==" | "!=" | "&" | "|" | "^" | "~" | "<<" | ">>" | "@"
            | ":=" => self.err(at, format!("unsupported operator '{p}'")),
            _ => self.err(at, format!("unexpected '{p}'")),
        }
    }

    /// A name, dotted through the namespaces we know (`sys.stdout`,
    /// `handlers.SysLogHandler.LOG_USER`).
    fn name(&mut self, tok: &Token) -> Result<PyValue, Error> {
        let first = self.lex.text(tok);
        let mut found = lookup(first);
        if found.is_none() && KEYWORDS.contains(&first) {
            return Err(self.err(tok.start, format!("unsupported keyword '{first}'")));
        }
        // A range of the source while the dotted name is written without
        // spaces (`sys.stderr`); owned only if it is not.
        let mut path = Cow::Borrowed(first);
        let mut end = tok.end;
        loop {
            if self.peek_is("(")? {
                let at = self.lex.peek()?.start;
                return Err(self.err(at, format!("unsupported call of '{path}'")));
            }
            match found {
                Some(Lookup::Value(v)) => return Ok(v),
                Some(Lookup::Namespace) if self.peek_is(".")? => {
                    let dot = self.lex.next()?;
                    let attr = self.lex.next()?;
                    if !matches!(attr.tok, Tok::Name) {
                        return Err(self.err(attr.start, "expected a name after '.'"));
                    }
                    match &mut path {
                        Cow::Borrowed(_) if dot.start == end && attr.start == dot.end => {
                            path = Cow::Borrowed(&self.src[tok.start..attr.end]);
                            end = attr.end;
                        }
                        _ => {
                            let path = path.to_mut();
                            path.push('.');
                            path.push_str(self.lex.text(&attr));
                        }
                    }
                    found = lookup(&path);
                }
                Some(Lookup::Namespace) => {
                    return Err(self.err(
                        tok.start,
                        format!("unsupported name '{path}' (not a value)"),
                    ))
                }
                None => return Err(self.err(tok.start, format!("unknown name '{path}'"))),
            }
        }
    }

    /// After a complete operand: binary operators, `,`, `:` and closers.
    /// Returns the result once the input is complete, `None` when another
    /// operand is due.
    fn operator(&mut self, mut value: PyValue) -> Result<Option<PyValue>, Error> {
        loop {
            let tok = self.lex.peek()?;
            check_line(self.src, self.open, tok)?;
            let at = tok.start;
            match tok.tok {
                Tok::Punct("(") => return Err(self.err(at, "unsupported call")),
                Tok::Punct("[") => return Err(self.err(at, "unsupported subscript")),
                Tok::Punct(".") => {
                    self.lex.next()?;
                    let attr = self.lex.next()?;
                    return Err(match attr.tok {
                        Tok::Name => {
                            let name = self.lex.text(&attr);
                            self.err(attr.start, format!("unsupported attribute '{name}'"))
                        }
                        _ => self.err(at, "unexpected '.'"),
                    });
                }
                Tok::Punct("," | ":" | ")" | "]" | "}") | Tok::Eof => {
                    let tok = self.lex.next()?;
                    value = self.reduce(value, 0)?;
                    match self.close(value, &tok)? {
                        Next::Operand => return Ok(None),
                        Next::Value(v) => value = v,
                        Next::Done(v) => return Ok(Some(v)),
                    }
                }
                Tok::Punct(p) => {
                    let Some(op) = BinOp::from_symbol(p) else {
                        return Err(self.unsupported_operator(at, p));
                    };
                    self.lex.next()?;
                    value = self.reduce(value, op.precedence())?;
                    if op == BinOp::Pow {
                        self.enter(at)?;
                    }
                    self.stack.push(Frame::Binary { lhs: value, op, at });
                    return Ok(None);
                }
                Tok::Name => {
                    let name = &self.src[tok.start..tok.end];
                    return Err(if KEYWORDS.contains(&name) {
                        self.err(at, format!("unsupported keyword '{name}'"))
                    } else {
                        self.err(at, format!("unexpected name '{name}'"))
                    });
                }
                Tok::Int(_) | Tok::Float(_) => return Err(self.err(at, "unexpected number")),
                Tok::Str(_) => return Err(self.err(at, "unexpected string")),
            }
        }
    }

    /// Applies the pending operators that bind tighter than `precedence`
    /// (or as tight, for the left-associative ones) to `value`.
    fn reduce(&mut self, mut value: PyValue, precedence: u8) -> Result<PyValue, Error> {
        loop {
            let (result, at) = match self.stack.last() {
                Some(Frame::Unary { at, .. }) if UNARY_PREC > precedence => {
                    let Some(Frame::Unary { negate, at }) = self.stack.pop() else {
                        break;
                    };
                    self.depth -= 1;
                    (arith::unary(negate, value), at)
                }
                Some(Frame::Binary { op, .. })
                    if op.precedence() > precedence
                        || (op.precedence() == precedence && *op != BinOp::Pow) =>
                {
                    let Some(Frame::Binary { lhs, op, at }) = self.stack.pop() else {
                        break;
                    };
                    if op == BinOp::Pow {
                        self.depth -= 1;
                    }
                    (arith::binary(op, &lhs, &value), at)
                }
                _ => break,
            };
            value = result.map_err(|m| self.err(at, m))?;
        }
        Ok(value)
    }

    /// Handles `,`, `:` or a closer for the innermost bracket (or the top).
    fn close(&mut self, value: PyValue, tok: &Token) -> Result<Next, Error> {
        let punct = match tok.tok {
            Tok::Punct(p) => p,
            _ => "",
        };
        let at = tok.start;
        let src = self.src;
        let unhashable = |at, type_name| {
            Error::new(
                src,
                at,
                format!("unhashable type '{type_name}' as dict key"),
            )
        };
        let Some(frame) = self.stack.last_mut() else {
            return Err(self.err(at, "internal error: empty parser stack"));
        };
        match frame {
            Frame::Seq {
                kind,
                open_at,
                items,
                comma,
            } => {
                let (kind, open_at) = (*kind, *open_at);
                if punct == "," {
                    items.push(value);
                    *comma = true;
                    if self.peek_closer(kind)? {
                        self.lex.next()?;
                        return Ok(self.finish());
                    }
                    return Ok(Next::Operand);
                }
                if kind.closed_by(&tok.tok) {
                    if !*comma && items.is_empty() && kind != SeqKind::List {
                        // `(x)` and a lone `x` are the value itself.
                        self.stack.pop();
                        if kind == SeqKind::Top {
                            return Ok(Next::Done(value));
                        }
                        self.depth -= 1;
                        self.open -= 1;
                        return Ok(Next::Value(value));
                    }
                    items.push(value);
                    return Ok(self.finish());
                }
                let open = match kind {
                    SeqKind::Top => None,
                    SeqKind::Paren => Some('('),
                    SeqKind::List => Some('['),
                };
                Err(self.mismatch(open, open_at, punct, at))
            }
            Frame::Dict {
                open_at,
                dict,
                key,
                item_at,
            } => {
                let (open_at, item_at) = (*open_at, *item_at);
                match (punct, key.take()) {
                    (":", None) => {
                        DictBuilder::check_key(&value).map_err(|t| unhashable(item_at, t))?;
                        *key = Some(value);
                        Ok(Next::Operand)
                    }
                    ("," | "}", Some(k)) => {
                        dict.insert(k, value).map_err(|t| unhashable(item_at, t))?;
                        if punct == "}" || self.peek_is("}")? {
                            if punct == "," {
                                self.lex.next()?;
                            }
                            return Ok(self.finish());
                        }
                        let next_at = self.lex.peek()?.start;
                        if let Some(Frame::Dict { item_at, .. }) = self.stack.last_mut() {
                            *item_at = next_at;
                        }
                        Ok(Next::Operand)
                    }
                    ("," | "}", None) => Err(self.err(open_at, "unsupported set literal")),
                    (":", Some(_)) => Err(self.err(at, "unexpected ':'")),
                    _ => Err(self.mismatch(Some('{'), open_at, punct, at)),
                }
            }
            _ => Err(self.err(at, "internal error: operator left on the parser stack")),
        }
    }

    /// Whether the next token closes the bracket (the end, for the top).
    fn peek_closer(&mut self, kind: SeqKind) -> Result<bool, Error> {
        Ok(kind.closed_by(&self.lex.peek()?.tok))
    }

    fn mismatch(&self, open: Option<char>, open_at: usize, punct: &str, at: usize) -> Error {
        match (open, punct) {
            (Some(open), "") => self.err(open_at, format!("'{open}' was never closed")),
            (_, ":") => self.err(at, "unexpected ':'"),
            (None, p) => self.err(at, format!("unmatched '{p}'")),
            (Some(open), p) => self.err(at, format!("closing '{p}' does not match '{open}'")),
        }
    }

    /// Pops the innermost bracket and builds its value.
    fn finish(&mut self) -> Next {
        let value = match self.stack.pop() {
            Some(Frame::Seq {
                kind: SeqKind::List,
                items,
                ..
            }) => PyValue::List(items),
            Some(Frame::Seq {
                kind,
                mut items,
                comma,
                ..
            }) => {
                let value = match items.pop() {
                    Some(v) if !comma && items.is_empty() => v,
                    Some(v) => {
                        items.push(v);
                        PyValue::Tuple(items)
                    }
                    None => PyValue::Tuple(items),
                };
                if kind == SeqKind::Top {
                    return Next::Done(value);
                }
                value
            }
            Some(Frame::Dict { dict, .. }) => dict.finish(),
            _ => PyValue::None,
        };
        self.depth -= 1;
        self.open -= 1;
        Next::Value(value)
    }
}

/// Python allows line breaks between tokens only inside brackets.
fn check_line(src: &str, open: usize, tok: &Token) -> Result<(), Error> {
    if tok.newline_before && open == 0 && !matches!(tok.tok, Tok::Eof) {
        return Err(Error::new(
            src,
            tok.start,
            "unexpected line break outside brackets".into(),
        ));
    }
    Ok(())
}
