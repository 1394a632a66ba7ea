//! Differential tests against CPython: the same text through
//! `ast.literal_eval` (literals) or `eval(text, vars(logging))` (what
//! fileConfig does), compared by `repr`. All cases of a test go to one
//! python3 process. Skipped, with a message, when python3 is absent.

use loglisten::pyliteral::parse;
use proptest::prop_oneof;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::ffi::OsStr;

#[path = "support/python.rs"]
mod python;

/// Reads `MODE HEX` lines (L: literal_eval, E: eval in logging's namespace,
/// with `sys` replaced so the streams print as `sys.stdout`), answers
/// `OK repr` or `ERR ExceptionName`, one line each.
const SCRIPT: &str = r#"
import ast, logging, logging.config, logging.handlers, sys, warnings
warnings.simplefilter('ignore')
class Stream:
    def __init__(self, name): self.name = name
    def __repr__(self): return self.name
class FakeSys:
    stdout = Stream('sys.stdout')
    stderr = Stream('sys.stderr')
namespace = dict(vars(logging), sys=FakeSys)
out = []
for line in sys.stdin:
    mode, _, data = line.rstrip('\n').partition(' ')
    text = bytes.fromhex(data).decode('utf-8')
    try:
        value = ast.literal_eval(text) if mode == 'L' else eval(text, dict(namespace))
        out.append('OK ' + repr(value))
    except BaseException as e:
        out.append('ERR ' + type(e).__name__)
sys.stdout.write('\n'.join(out) + '\n')
"#;

#[derive(Clone, Copy)]
enum Mode {
    Literal,
    Eval,
}

/// Python's answers for `cases`, or `None` (after saying so) without python3.
fn python(mode: Mode, cases: &[String]) -> Option<Vec<Result<String, String>>> {
    let tag = match mode {
        Mode::Literal => 'L',
        Mode::Eval => 'E',
    };
    let mut input = String::new();
    for case in cases {
        input.push(tag);
        input.push(' ');
        for b in case.bytes() {
            input.push_str(&format!("{b:02x}"));
        }
        input.push('\n');
    }
    let text = python::python_stdout(
        &[OsStr::new("-c"), OsStr::new(SCRIPT)],
        &[("PYTHONIOENCODING", "utf-8")],
        input.as_bytes(),
        "Python literals",
    )?;
    let answers: Vec<_> = text
        .lines()
        .map(|l| match l.split_once(' ') {
            Some(("OK", repr)) => Ok(repr.to_string()),
            Some((_, exc)) => Err(exc.to_string()),
            None => Err(l.to_string()),
        })
        .collect();
    assert_eq!(answers.len(), cases.len(), "one answer per case");
    Some(answers)
}

/// Every case must give Python's value, printed the same.
fn same_values(mode: Mode, cases: &[String]) {
    let Some(answers) = python(mode, cases) else {
        return;
    };
    for (case, answer) in cases.iter().zip(answers) {
        let ours = parse(case)
            .map(|v| v.to_string())
            .map_err(|e| e.to_string());
        assert_eq!(
            ours,
            answer.map_err(|e| format!("Python raised {e}")),
            "input {case:?}"
        );
    }
}

fn strings(cases: &[&str]) -> Vec<String> {
    cases.iter().map(|s| s.to_string()).collect()
}

#[test]
fn literal_corpus_matches_literal_eval() {
    same_values(
        Mode::Literal,
        &strings(&[
            "None",
            "True",
            "False",
            "0",
            "00",
            "0_0",
            "-0",
            "+7",
            "1_000",
            "0x_1F",
            "0O17",
            "0b1_01",
            "9223372036854775807",
            "-9223372036854775807",
            "0.0",
            "-0.0",
            "1.5",
            ".5",
            "1.",
            "1e3",
            "1E-3",
            "1_0.5e-1_0",
            "01.5",
            "1e16",
            "1e15",
            "1e-5",
            "1e-4",
            "0.1",
            "1e308",
            "1e999",
            "-1e999",
            "5e-324",
            "123456789012345678901234567890.0",
            "'a'",
            "\"a\"",
            "'''a'''",
            "\"\"\"a\"\"\"",
            "''",
            "\"\"",
            "'a' 'b'",
            "'a' \"b\" r'c'",
            "'it''s'",
            "\"it's\"",
            "'\"'",
            "'\\''",
            "'\\'\"'",
            "'\\\\'",
            "'\\a\\b\\f\\n\\r\\t\\v'",
            "'\\0\\7\\07\\077\\0777\\400\\777'",
            "'\\x00\\x1f\\x7f\\x80\\xff'",
            "'\\u0100\\u2028\\uffff'",
            "'\\U00010000\\U0010ffff\\U0001F600'",
            "'\\d\\w\\ \\8\\9\\z'",
            "'a\\\nb'",
            "'''a\nb'''",
            "'''a\r\nb'''",
            "'''a\rb'''",
            "'''a'b\"c'''",
            "r'\\n'",
            "r'\\''",
            "R\"\\\"\"",
            "r'a\\\nb'",
            "u'x'",
            "U'x'",
            "'é中😀\u{301}'",
            "'\u{85}\u{a0}\u{ad}\u{200b}'",
            "'\u{e000}\u{378}\u{feff}'",
            "'tab\there'",
            "'\\x41\\101\\u0041\\U00000041'",
            "()",
            "(1,)",
            "(1, 2)",
            "(1, 2,)",
            "(1)",
            "((1,),)",
            "[]",
            "[1]",
            "[1,]",
            "[[], [[]]]",
            "{}",
            "{'a': 1}",
            "{'a': 1,}",
            "{'a': 1, 'a': 2}",
            "{'a': 1, 'b': 2, 'a': 3}",
            "{1: 'a', True: 'b', 1.0: 'c'}",
            "{0: 1, False: 2, -0.0: 3, 0.0: 4}",
            "{(1, 2): 'a', (1.0, 2): 'b'}",
            "{None: None, 1.5: [], (): {}}",
            "{9223372036854775807: 1}",
            "{9007199254740993: 1, 9007199254740992.0: 2}",
            "1, 2",
            "'a',",
            "[1,\n 2  # two\n]",
            "(1,\r\n2)",
            " 1 ",
            "\n1\n",
            "{'a'\n:\n\n1}",
            "-1.5",
            "+1.5",
            "- 1",
            "-(1)",
            "[-1, +2, -3.5]",
        ]),
    );
}

#[test]
fn expression_corpus_matches_eval() {
    same_values(
        Mode::Eval,
        &strings(&[
            "(sys.stdout,)", "(sys.stderr,)", "sys . stderr", "('a.log', 'a', 10*1024*1024, 5)",
            "DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL, FATAL, NOTSET",
            "handlers.SysLogHandler.LOG_EMERG, handlers.SysLogHandler.LOG_ALERT, handlers.SysLogHandler.LOG_CRIT, handlers.SysLogHandler.LOG_ERR",
            "handlers.SysLogHandler.LOG_WARNING, handlers.SysLogHandler.LOG_NOTICE, handlers.SysLogHandler.LOG_INFO, handlers.SysLogHandler.LOG_DEBUG",
            "handlers.SysLogHandler.LOG_KERN, handlers.SysLogHandler.LOG_USER, handlers.SysLogHandler.LOG_MAIL, handlers.SysLogHandler.LOG_DAEMON",
            "handlers.SysLogHandler.LOG_AUTH, handlers.SysLogHandler.LOG_SYSLOG, handlers.SysLogHandler.LOG_LPR, handlers.SysLogHandler.LOG_NEWS",
            "handlers.SysLogHandler.LOG_UUCP, handlers.SysLogHandler.LOG_CRON, handlers.SysLogHandler.LOG_AUTHPRIV, handlers.SysLogHandler.LOG_FTP",
            "handlers.SysLogHandler.LOG_NTP, handlers.SysLogHandler.LOG_SECURITY, handlers.SysLogHandler.LOG_CONSOLE, handlers.SysLogHandler.LOG_SOLCRON",
            "handlers.SysLogHandler.LOG_LOCAL0, handlers.SysLogHandler.LOG_LOCAL1, handlers.SysLogHandler.LOG_LOCAL2, handlers.SysLogHandler.LOG_LOCAL3",
            "handlers.SysLogHandler.LOG_LOCAL4, handlers.SysLogHandler.LOG_LOCAL5, handlers.SysLogHandler.LOG_LOCAL6, handlers.SysLogHandler.LOG_LOCAL7",
            "handlers.DEFAULT_TCP_LOGGING_PORT, handlers.DEFAULT_UDP_LOGGING_PORT, handlers.DEFAULT_HTTP_LOGGING_PORT",
            "handlers.DEFAULT_SOAP_LOGGING_PORT, handlers.SYSLOG_UDP_PORT, handlers.SYSLOG_TCP_PORT",
            "config.DEFAULT_LOGGING_CONFIG_PORT", "{sys.stdout: 1, 'level': DEBUG}",
            "1 + 2 * 3", "(1 + 2) * 3", "10 - 3 - 2", "100 // 10 // 3", "2 ** 3 ** 2",
            "-2 ** 2", "(-2) ** 2", "-2 ** -0", "2 * -3", "- - -1", "+-+1", "--1", "1--1",
            "-7 // 2, 7 // -2, -7 // -2, 7 // 2", "-7 % 3, 7 % -3, -7 % -3, 7 % 3, -6 % 3",
            "0 ** 0, 1 ** 99999999999, (-1) ** 99999999999, (-1) ** 10 ** 10, 0 ** 5",
            "2 ** 62 - 1 + 2 ** 62", "-9223372036854775807 - 1", "(-9223372036854775807 - 1) // 1",
            "(-9223372036854775807 - 1) % -1", "(-9223372036854775807 - 1) % 7",
            "(-9223372036854775807 - 1) // 7", "9223372036854775807 % -2",
            "True + True, -True, +False, True * 3, True ** 2", "3 % 2 * 4 // 3", "2 ** 2 * 3 ** 2",
            "-3 ** 2 ** 2", "2 ** --1 ** 2 * 0 + 1", "1 + \\\n 2",
            "(1 +\n 2)", "[1, 2 * 3, {'a': -4 // 3}]",
        ]),
    );
}

/// Texts we reject must be errors in Python too, apart from the documented
/// differences (checked in the table tests, not here).
#[test]
fn syntax_errors_are_python_errors() {
    let cases = strings(&[
        "",
        "(",
        "(1, 2",
        "(1]",
        "1)",
        "(,)",
        "1,,",
        "1 +",
        "* 2",
        "1\n2",
        "1 +\n2",
        "'a'\n'b'",
        "(1 2)",
        "(1 'a')",
        "1 x",
        "(1:2)",
        "{'a': 1: 2}",
        "1; 2",
        "1 = 1",
        "1 ! 2",
        "1 $",
        "'abc",
        "'''abc''",
        "r'\\'",
        "'\\x4'",
        "'\\u12'",
        "'\\U0001F60'",
        "'\\U00110000'",
        "01",
        "0_7",
        "1_",
        "1__0",
        "1_.5",
        "1._5",
        "1e",
        "1e+",
        "0x",
        "0x_",
        "0x1__2",
        "0b102",
        "0o8",
        "12abc",
        "1.real",
        "'a\0'",
        "ur'x'",
        "{1: 2, [1]: 3}",
        "1 // 0",
        "1 % 0",
        "'a' - 1",
        "-'a'",
        "None + 1",
        "undefined_name",
        "undefined_name()",
    ]);
    let Some(answers) = python(Mode::Eval, &cases) else {
        return;
    };
    for (case, answer) in cases.iter().zip(answers) {
        assert!(parse(case).is_err(), "we accept {case:?}");
        assert!(answer.is_err(), "Python accepts {case:?}: {answer:?}");
    }
}

/// `count` samples of `strategy`, deterministic from run to run.
fn sample(strategy: impl Strategy<Value = String>, count: usize) -> Vec<String> {
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).expect("sample").current())
        .collect()
}

/// A non-negative integer literal in a random base, with random `_`s.
fn int_literal(small: bool) -> impl Strategy<Value = String> {
    let value = if small {
        (0i64..40).boxed()
    } else {
        (0..=i64::MAX).boxed()
    };
    (value, 0u8..4, proptest::num::u64::ANY, proptest::bool::ANY).prop_map(
        |(n, base, unders, upper)| {
            let (digits, prefix) = match base {
                0 => (format!("{n:x}"), "0x"),
                1 => (format!("{n:o}"), "0o"),
                2 => (format!("{n:b}"), "0b"),
                _ => (n.to_string(), ""),
            };
            let mut out = if upper {
                prefix.to_uppercase()
            } else {
                prefix.to_string()
            };
            for (i, c) in digits.chars().enumerate() {
                // Between digits, or right after a base prefix.
                if unders >> (i % 64) & 1 == 1 && (i > 0 || !prefix.is_empty()) {
                    out.push('_');
                }
                out.push(c);
            }
            out
        },
    )
}

/// Integer expressions mixing all operators, unary signs, names and
/// parentheses; `**` only takes a small exponent so Python stays fast.
fn int_expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => int_literal(true),
        1 => int_literal(false),
        1 => proptest::sample::select(vec!["True", "False", "DEBUG", "handlers.SysLogHandler.LOG_LOCAL3"])
            .prop_map(str::to_string),
    ];
    leaf.prop_recursive(5, 40, 2, |inner| {
        let exponent = (proptest::sample::select(vec!["", "-", "+", "--"]), 0u8..7)
            .prop_map(|(sign, e)| format!("{sign}{e}"));
        prop_oneof![
            (
                inner.clone(),
                proptest::sample::select(vec!["+", "-", "*", "//", "%"]),
                inner.clone(),
                proptest::bool::ANY
            )
                .prop_map(|(a, op, b, space)| if space {
                    format!("{a} {op} {b}")
                } else {
                    format!("{a}{op}{b}")
                }),
            // A base with its own `**` gets parentheses: a tower such as
            // `9 ** 6 ** 6` would take Python a while.
            (inner.clone(), exponent).prop_map(|(a, e)| {
                if a.contains("**") {
                    format!("({a}) ** {e}")
                } else {
                    format!("{a} ** {e}")
                }
            }),
            (
                proptest::sample::select(vec!["-", "+", "- "]),
                inner.clone()
            )
                .prop_map(|(s, a)| format!("{s}{a}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

#[test]
fn generated_arithmetic_matches_eval() {
    let cases = sample(int_expression(), 400);
    let Some(answers) = python(Mode::Eval, &cases) else {
        return;
    };
    let mut compared = 0;
    for (case, answer) in cases.iter().zip(answers) {
        let ours = parse(case)
            .map(|v| v.to_string())
            .map_err(|e| e.message().to_string());
        match (&ours, &answer) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "input {case:?}");
                compared += 1;
            }
            // Python's int is unbounded; ours is i64. Where we stop, Python
            // goes on to a number, a later division by zero, or a number too
            // long for `repr` (ValueError).
            (Err(e), py) if e.starts_with("integer overflow") => {
                let number = |s: &String| {
                    s.parse::<f64>().is_ok()
                        || s.trim_start_matches('-')
                            .bytes()
                            .all(|b| b.is_ascii_digit())
                };
                assert!(
                    py.as_ref()
                        .map_or_else(|e| e == "ZeroDivisionError" || e == "ValueError", number),
                    "input {case:?}: {py:?}"
                )
            }
            // Python gives a float for a negative exponent (or fails on
            // `0 ** -1`); we refuse.
            (Err(e), py) if e.starts_with("negative exponent") => {
                let float = |s: &String| s.contains(['.', 'e']) || s.contains("inf");
                assert!(
                    py.as_ref().map_or_else(|e| e == "ZeroDivisionError", float),
                    "input {case:?}: {py:?}"
                )
            }
            (Err(e), Err(py)) if py == "ZeroDivisionError" => {
                assert!(
                    e.starts_with("integer division by zero"),
                    "input {case:?}: {e}"
                )
            }
            _ => panic!("input {case:?}: ours {ours:?}, Python {answer:?}"),
        }
    }
    assert!(compared > 200, "only {compared} cases compared by value");
}

/// One character of a string body, written plainly or as an escape.
fn string_piece(quote: char, raw: bool) -> impl Strategy<Value = String> {
    let chars = vec![
        'a',
        'Z',
        '0',
        ' ',
        '\'',
        '"',
        '\\',
        '\n',
        '\t',
        '\r',
        '\u{7}',
        '\u{7f}',
        'é',
        '\u{85}',
        '\u{a0}',
        '\u{ad}',
        '中',
        '\u{301}',
        '\u{2028}',
        '\u{e000}',
        '\u{ffff}',
        '😀',
        '\u{10ffff}',
    ];
    (proptest::sample::select(chars), 0u8..6).prop_map(move |(c, how)| {
        let code = c as u32;
        if raw {
            // Raw strings: plain characters and backslash pairs only.
            return match c {
                '\\' => "\\\\".to_string(),
                '\n' | '\r' => "\\d".to_string(),
                c if c == quote => format!("\\{c}"),
                c => c.to_string(),
            };
        }
        match how {
            0 if !matches!(c, '\\' | '\n' | '\r') && c != quote => c.to_string(),
            1 => match c {
                '\n' => "\\n".into(),
                '\t' => "\\t".into(),
                '\r' => "\\r".into(),
                '\u{7}' => "\\a".into(),
                '\\' => "\\\\".into(),
                '\'' => "\\'".into(),
                '"' => "\\\"".into(),
                'a' => "\\d".into(),
                _ => format!("\\U{code:08x}"),
            },
            2 if code < 0x100 => format!("\\x{code:02x}"),
            3 if code < 0x200 => format!("\\{code:03o}"),
            4 if code < 0x10000 => format!("\\u{code:04X}"),
            5 if c == 'a' => "\\\n".into(),
            _ => format!("\\U{code:08x}"),
        }
    })
}

fn string_literal() -> impl Strategy<Value = String> {
    let one = (
        0u8..4,
        proptest::sample::select(vec!["", "r", "R", "u", "U"]),
    )
        .prop_flat_map(|(style, prefix)| {
            let quote = if style % 2 == 0 { '\'' } else { '"' };
            let fence = if style >= 2 {
                quote.to_string().repeat(3)
            } else {
                quote.to_string()
            };
            let raw = prefix.eq_ignore_ascii_case("r");
            proptest::collection::vec(string_piece(quote, raw), 0..8)
                .prop_map(move |pieces| format!("{prefix}{fence}{}{fence}", pieces.concat()))
        });
    proptest::collection::vec(one, 1..3).prop_map(|parts| parts.join(" "))
}

fn float_literal() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::num::f64::POSITIVE | proptest::num::f64::ZERO | proptest::num::f64::SUBNORMAL,
        (0u32..1000).prop_map(|n| n as f64 / 8.0),
    ]
    .prop_map(|x| format!("{x:?}"))
}

/// Hashable keys, from a small set so that duplicates (and `1 == 1.0 ==
/// True`) happen often.
fn key_literal() -> impl Strategy<Value = String> {
    let atom = proptest::sample::select(vec![
        "0", "1", "1.0", "True", "False", "0.0", "-0.0", "'a'", "\"a\"", "'b'", "None",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        3 => atom.clone(),
        1 => proptest::collection::vec(atom, 0..3).prop_map(|items| format!("({},)", items.join(", ")).replace("(,)", "()")),
    ]
}

fn literal() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        2 => int_literal(false),
        1 => (proptest::sample::select(vec!["-", "+", ""]), int_literal(false)).prop_map(|(s, n)| format!("{s}{n}")),
        2 => float_literal(),
        1 => float_literal().prop_map(|f| format!("-{f}")),
        3 => string_literal(),
        1 => proptest::sample::select(vec!["None", "True", "False"]).prop_map(str::to_string),
    ];
    let gap = proptest::sample::select(vec!["", " ", "\n", "  # note\n", "\n\n "]);
    leaf.prop_recursive(4, 48, 5, move |inner| {
        let items = proptest::collection::vec((inner.clone(), gap.clone()), 0..5);
        prop_oneof![
            (items.clone(), proptest::bool::ANY).prop_map(|(items, trailing)| {
                let body: Vec<String> = items.iter().map(|(v, g)| format!("{g}{v}")).collect();
                let comma = if !body.is_empty() && (trailing || body.len() == 1) {
                    ","
                } else {
                    ""
                };
                format!("({}{comma})", body.join(","))
            }),
            (items, proptest::bool::ANY).prop_map(|(items, trailing)| {
                let body: Vec<String> = items.iter().map(|(v, g)| format!("{v}{g}")).collect();
                let comma = if trailing && !body.is_empty() {
                    ","
                } else {
                    ""
                };
                format!("[{}{comma}]", body.join(", "))
            }),
            proptest::collection::vec((key_literal(), inner, gap.clone()), 0..5).prop_map(
                |entries| {
                    let body: Vec<String> = entries
                        .iter()
                        .map(|(k, v, g)| format!("{k}:{g}{v}"))
                        .collect();
                    format!("{{{}}}", body.join(", "))
                }
            ),
        ]
    })
}

#[test]
fn generated_literals_match_literal_eval() {
    let cases = sample(literal(), 300);
    same_values(Mode::Literal, &cases);
}
