//! Exact results of `pyliteral::parse`: values (printed as Python's repr)
//! and error messages with their positions.

use loglisten::pyliteral::{parse, PyValue};

fn check_ok(cases: &[(&str, &str)]) {
    for (input, want) in cases {
        match parse(input) {
            Ok(v) => assert_eq!(v.to_string(), *want, "input {input:?}"),
            Err(e) => panic!("input {input:?}: unexpected error {e}"),
        }
    }
}

fn check_err(cases: &[(&str, &str)]) {
    for (input, want) in cases {
        match parse(input) {
            Ok(v) => panic!("input {input:?}: expected error {want:?}, got {v}"),
            Err(e) => assert_eq!(e.to_string(), *want, "input {input:?}"),
        }
    }
}

#[test]
fn fileconfig_examples() {
    check_ok(&[
        ("(sys.stdout,)", "(sys.stdout,)"),
        ("(sys.stderr, )", "(sys.stderr,)"),
        ("('python.log', 'w')", "('python.log', 'w')"),
        (
            "('app.log', 'a', 10*1024*1024, 5)",
            "('app.log', 'a', 10485760, 5)",
        ),
        (
            "('localhost', handlers.DEFAULT_TCP_LOGGING_PORT)",
            "('localhost', 9020)",
        ),
        (
            "(('localhost', handlers.SYSLOG_UDP_PORT), handlers.SysLogHandler.LOG_USER)",
            "(('localhost', 514), 1)",
        ),
        (
            "('/dev/log', handlers.SysLogHandler.LOG_LOCAL7)",
            "('/dev/log', 23)",
        ),
        (
            "(r'C:\\logs\\app.log', 'midnight', 1, 7)",
            "('C:\\\\logs\\\\app.log', 'midnight', 1, 7)",
        ),
        (
            "{'encoding': 'utf-8', 'delay': True}",
            "{'encoding': 'utf-8', 'delay': True}",
        ),
        (
            "('localhost:9022', '/log', 'GET')",
            "('localhost:9022', '/log', 'GET')",
        ),
        ("(100, ERROR)", "(100, 40)"),
        ("()", "()"),
        ("{}", "{}"),
    ]);
}

#[test]
fn names() {
    check_ok(&[
        (
            "DEBUG, INFO, WARNING, WARN, ERROR, CRITICAL, FATAL, NOTSET",
            "(10, 20, 30, 30, 40, 50, 50, 0)",
        ),
        ("True, False, None", "(True, False, None)"),
        (
            "handlers.SysLogHandler.LOG_EMERG, handlers.SysLogHandler.LOG_DEBUG, \
             handlers.SysLogHandler.LOG_KERN, handlers.SysLogHandler.LOG_SOLCRON, \
             handlers.SysLogHandler.LOG_LOCAL0",
            "(0, 7, 0, 15, 16)",
        ),
        (
            "handlers.SysLogHandler.LOG_WARNING, handlers.SysLogHandler.LOG_AUTHPRIV",
            "(4, 10)",
        ),
        (
            "handlers.DEFAULT_UDP_LOGGING_PORT, handlers.DEFAULT_HTTP_LOGGING_PORT, \
             handlers.DEFAULT_SOAP_LOGGING_PORT, handlers.SYSLOG_TCP_PORT",
            "(9021, 9022, 9023, 514)",
        ),
        ("config.DEFAULT_LOGGING_CONFIG_PORT", "9030"),
        ("sys . stdout", "sys.stdout"),
        ("DEBUG + 5", "15"),
    ]);
}

#[test]
fn containers() {
    check_ok(&[
        ("(1)", "1"),
        ("((1))", "1"),
        ("(1,)", "(1,)"),
        ("(1, 2)", "(1, 2)"),
        ("(1, 2,)", "(1, 2)"),
        ("1,", "(1,)"),
        ("1, 2", "(1, 2)"),
        ("'a', 'b',", "('a', 'b')"),
        ("((),)", "((),)"),
        ("[]", "[]"),
        ("[1]", "[1]"),
        ("[1,]", "[1]"),
        ("[(1), (2,), [3]]", "[1, (2,), [3]]"),
        ("{'a': 1}", "{'a': 1}"),
        ("{'a': 1,}", "{'a': 1}"),
        (
            "{'a': 1, 'b': [2], 'c': {'d': ()}}",
            "{'a': 1, 'b': [2], 'c': {'d': ()}}",
        ),
        ("{'a': 1, 'b': 2, 'a': 3}", "{'a': 3, 'b': 2}"),
        ("{1: 'a', True: 'b', 1.0: 'c', 2: 'd'}", "{1: 'c', 2: 'd'}"),
        ("{0: 'a', -0.0: 'b', False: 'c'}", "{0: 'c'}"),
        ("{(1, 'x'): 1, (1, 'x'): 2}", "{(1, 'x'): 2}"),
        (
            "{None: 1, sys.stdout: 2, 1.5: 3}",
            "{None: 1, sys.stdout: 2, 1.5: 3}",
        ),
        ("[\n  1,  # one\n  2,\n]", "[1, 2]"),
        ("(1,\r\n 2)", "(1, 2)"),
        ("  \n (1, 2) \n\n", "(1, 2)"),
        ("1 + \\\n 2", "3"),
        ("{'a'\n:\n1}", "{'a': 1}"),
    ]);
}

#[test]
fn strings() {
    check_ok(&[
        ("'a'", "'a'"),
        ("\"a\"", "'a'"),
        ("'it''s'", "'its'"),
        ("\"it's\"", "\"it's\""),
        ("'a' \"b\" '''c''' \"\"\"d\"\"\"", "'abcd'"),
        ("('a'\n 'b')", "'ab'"),
        ("'''a\nb'''", "'a\\nb'"),
        ("'''a\r\nb\rc'''", "'a\\nb\\nc'"),
        ("'''a'b''c'''", "\"a'b''c\""),
        ("\"\"\"x\"\"\"\"\"\"y\"\"\"", "'xy'"),
        (
            "'\\\\ \\' \\\" \\a \\b \\f \\n \\r \\t \\v'",
            "'\\\\ \\' \" \\x07 \\x08 \\x0c \\n \\r \\t \\x0b'",
        ),
        ("'\\0 \\12 \\101 \\1011 \\777'", "'\\x00 \\n A A1 ǿ'"),
        ("'\\x41\\x7e\\xe9'", "'A~é'"),
        ("'\\u00e9\\u4e2d\\U0001F600'", "'é中😀'"),
        ("'a\\\nb'", "'ab'"),
        ("'a\\\r\nb'", "'ab'"),
        ("'\\d\\w \\. \\8'", "'\\\\d\\\\w \\\\. \\\\8'"),
        ("r'\\n\\d'", "'\\\\n\\\\d'"),
        ("R'\\''", "\"\\\\'\""),
        ("r'a\\\nb'", "'a\\\\\\nb'"),
        ("r'''\\'''' ", "\"\\\\'\""),
        ("u'x' U\"y\"", "'xy'"),
        ("'é中😀'", "'é中😀'"),
        (
            "'\\x85\\xa0\\u2028\\U0010ffff'",
            "'\\x85\\xa0\\u2028\\U0010ffff'",
        ),
        ("'tab\there'", "'tab\\there'"),
    ]);
}

#[test]
fn numbers() {
    check_ok(&[
        ("0", "0"),
        ("00", "0"),
        ("0_0", "0"),
        ("7", "7"),
        ("1_000_000", "1000000"),
        (
            "0x1F, 0X_ff, 0o17, 0O_7, 0b101, 0B_1_0",
            "(31, 255, 15, 7, 5, 2)",
        ),
        ("9223372036854775807", "9223372036854775807"),
        ("0x7fffffffffffffff", "9223372036854775807"),
        (
            "1.5, .5, 1., 1e3, 1E-3, 1_0.5, 1_0e1_0, 01.5, 1.e2, 0e0",
            "(1.5, 0.5, 1.0, 1000.0, 0.001, 10.5, 100000000000.0, 1.5, 100.0, 0.0)",
        ),
        (
            "1e16, 1e15, 1e-5, 1e-4, 1e999, -1e999",
            "(1e+16, 1000000000000000.0, 1e-05, 0.0001, inf, -inf)",
        ),
        ("0.1, -0.0, +1.5", "(0.1, -0.0, 1.5)"),
    ]);
}

#[test]
fn arithmetic() {
    check_ok(&[
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 3 - 2", "5"),
        ("100 // 10 // 3", "3"),
        ("2 ** 3 ** 2", "512"),
        ("-2 ** 2", "-4"),
        ("(-2) ** 2", "4"),
        ("2 ** -0", "1"),
        ("-2 ** -0", "-1"),
        ("2 * -3", "-6"),
        ("- - -1", "-1"),
        ("+-+1", "-1"),
        ("-7 // 2, 7 // -2, -7 // -2, 7 // 2", "(-4, -4, 3, 3)"),
        (
            "-7 % 3, 7 % -3, -7 % -3, 7 % 3, -6 % 3",
            "(2, -2, -1, 1, 0)",
        ),
        (
            "0 ** 0, 1 ** 99999999999, (-1) ** 99999999999, 0 ** 5",
            "(1, 1, -1, 0)",
        ),
        ("2 ** 62 - 1 + 2 ** 62", "9223372036854775807"),
        ("-9223372036854775807 - 1", "-9223372036854775808"),
        ("(-9223372036854775807 - 1) // 1", "-9223372036854775808"),
        ("(-9223372036854775807 - 1) % -1", "0"),
        ("True + True, -True, +False, True * 3", "(2, -1, 0, 3)"),
        ("10*1024*1024", "10485760"),
        ("3 % 2 * 4 // 3", "1"),
        ("- 1.5", "-1.5"),
    ]);
}

#[test]
fn values_are_structured() {
    let v = parse("{'a': [1, (2.5, None)], 'b': sys.stdout}").unwrap();
    assert_eq!(
        v,
        PyValue::Dict(vec![
            (
                PyValue::Str("a".into()),
                PyValue::List(vec![
                    PyValue::Int(1),
                    PyValue::Tuple(vec![PyValue::Float(2.5), PyValue::None])
                ])
            ),
            (PyValue::Str("b".into()), PyValue::Stdout),
        ])
    );
}

#[test]
fn syntax_errors() {
    check_err(&[
        (
            "",
            "expected a value, found end of input at line 1 column 1",
        ),
        (
            "   ",
            "expected a value, found end of input at line 1 column 4",
        ),
        ("(", "'(' was never closed at line 1 column 1"),
        ("(1, 2", "'(' was never closed at line 1 column 1"),
        ("[1,", "'[' was never closed at line 1 column 1"),
        ("{'a': 1", "'{' was never closed at line 1 column 1"),
        ("(1]", "closing ']' does not match '(' at line 1 column 3"),
        (
            "{'a': 1)",
            "closing ')' does not match '{' at line 1 column 8",
        ),
        ("1)", "unmatched ')' at line 1 column 2"),
        ("(,)", "expected a value, found ',' at line 1 column 2"),
        ("1,,", "expected a value, found ',' at line 1 column 3"),
        (
            "1 +",
            "expected a value, found end of input at line 1 column 4",
        ),
        ("* 2", "expected a value, found '*' at line 1 column 1"),
        (
            "1\n2",
            "unexpected line break outside brackets at line 2 column 1",
        ),
        (
            "1 +\n2",
            "unexpected line break outside brackets at line 2 column 1",
        ),
        (
            "'a'\n'b'",
            "unexpected line break outside brackets at line 2 column 1",
        ),
        ("(1 2)", "unexpected number at line 1 column 4"),
        ("('a' 1)", "unexpected number at line 1 column 6"),
        ("(1 'a')", "unexpected string at line 1 column 4"),
        ("1 x", "unexpected name 'x' at line 1 column 3"),
        ("(1:2)", "unexpected ':' at line 1 column 3"),
        ("{'a': 1: 2}", "unexpected ':' at line 1 column 8"),
        ("{'a' 1}", "unexpected number at line 1 column 6"),
        ("1; 2", "unexpected ';' at line 1 column 2"),
        ("a = 1", "unknown name 'a' at line 1 column 1"),
        ("1 = 1", "unexpected '=' at line 1 column 3"),
        ("...", "expected a value, found '...' at line 1 column 1"),
        ("1 ! 2", "unexpected character '!' at line 1 column 3"),
        ("1 $", "unexpected character '$' at line 1 column 3"),
        ("1 \\ 2", "unexpected character '\\\\' at line 1 column 3"),
        ("'a\0'", "null character in the text at line 1 column 3"),
    ]);
}

#[test]
fn unsupported_constructs() {
    check_err(&[
        ("f()", "unsupported call of 'f' at line 1 column 2"),
        (
            "(1, open('x'))",
            "unsupported call of 'open' at line 1 column 9",
        ),
        (
            "__import__('os')",
            "unsupported call of '__import__' at line 1 column 11",
        ),
        (
            "sys.exit(1)",
            "unsupported call of 'sys.exit' at line 1 column 9",
        ),
        (
            "sys.stdout.write('x')",
            "unsupported attribute 'write' at line 1 column 12",
        ),
        ("os.system('rm')", "unknown name 'os' at line 1 column 1"),
        ("os", "unknown name 'os' at line 1 column 1"),
        ("logging.DEBUG", "unknown name 'logging' at line 1 column 1"),
        ("sys.stdin", "unknown name 'sys.stdin' at line 1 column 1"),
        (
            "handlers.SysLogHandler.LOG_NOPE",
            "unknown name 'handlers.SysLogHandler.LOG_NOPE' at line 1 column 1",
        ),
        (
            "handlers.LOG_USER",
            "unknown name 'handlers.LOG_USER' at line 1 column 1",
        ),
        (
            "sys",
            "unsupported name 'sys' (not a value) at line 1 column 1",
        ),
        (
            "(handlers.SysLogHandler,)",
            "unsupported name 'handlers.SysLogHandler' (not a value) at line 1 column 2",
        ),
        ("sys.", "expected a name after '.' at line 1 column 5"),
        (
            "sys.1",
            "unsupported name 'sys' (not a value) at line 1 column 1",
        ),
        (
            "'abc'.upper",
            "unsupported attribute 'upper' at line 1 column 7",
        ),
        (
            "DEBUG.real",
            "unsupported attribute 'real' at line 1 column 7",
        ),
        ("1 .real", "unsupported attribute 'real' at line 1 column 4"),
        ("(1).", "unexpected '.' at line 1 column 4"),
        ("(1)(2)", "unsupported call at line 1 column 4"),
        ("'a'()", "unsupported call at line 1 column 4"),
        ("[1][0]", "unsupported subscript at line 1 column 4"),
        ("'abc'[0]", "unsupported subscript at line 1 column 6"),
        (
            "lambda: 0",
            "unsupported keyword 'lambda' at line 1 column 1",
        ),
        ("not True", "unsupported keyword 'not' at line 1 column 1"),
        (
            "1 if True else 2",
            "unsupported keyword 'if' at line 1 column 3",
        ),
        (
            "True and False",
            "unsupported keyword 'and' at line 1 column 6",
        ),
        ("1 in []", "unsupported keyword 'in' at line 1 column 3"),
        (
            "[1 for x in y]",
            "unsupported keyword 'for' at line 1 column 4",
        ),
        ("[x for x in y]", "unknown name 'x' at line 1 column 2"),
        ("{1}", "unsupported set literal at line 1 column 1"),
        ("{1, 2}", "unsupported set literal at line 1 column 1"),
        ("{**x}", "expected a value, found '**' at line 1 column 2"),
        ("(*x,)", "expected a value, found '*' at line 1 column 2"),
        ("1 < 2", "unsupported operator '<' at line 1 column 3"),
        ("1 == 2", "unsupported operator '==' at line 1 column 3"),
        ("1 != 2", "unsupported operator '!=' at line 1 column 3"),
        ("1 | 2", "unsupported operator '|' at line 1 column 3"),
        ("1 << 2", "unsupported operator '<<' at line 1 column 3"),
        ("~1", "unsupported operator '~' at line 1 column 1"),
        ("1 @ 2", "unsupported operator '@' at line 1 column 3"),
        ("(x := 1)", "unknown name 'x' at line 1 column 2"),
        (
            "1 / 2",
            "unsupported operator '/' (true division gives a float; use '//') at line 1 column 3",
        ),
        ("b'x'", "unsupported bytes literal at line 1 column 1"),
        ("Rb'x', 1", "unsupported bytes literal at line 1 column 1"),
        ("f'{x}'", "unsupported f-string at line 1 column 1"),
        ("rF'x'", "unsupported f-string at line 1 column 1"),
        ("ur'x'", "unknown name 'ur' at line 1 column 1"),
        ("1j", "unsupported complex literal at line 1 column 1"),
        ("1.5J", "unsupported complex literal at line 1 column 1"),
        ("é", "unknown name 'é' at line 1 column 1"),
        ("('é', ö)", "unknown name 'ö' at line 1 column 7"),
    ]);
}

#[test]
fn literal_errors() {
    check_err(&[
        ("'abc", "unterminated string literal at line 1 column 1"),
        (
            "('a',\n 'b\n')",
            "unterminated string literal at line 2 column 2",
        ),
        (
            "'''abc''",
            "unterminated triple-quoted string literal at line 1 column 1",
        ),
        ("r'\\'", "unterminated string literal at line 1 column 1"),
        ("'\\", "unterminated string literal at line 1 column 1"),
        ("'\\x4'", "truncated \\xXX escape at line 1 column 2"),
        ("'ab\\xg0'", "truncated \\xXX escape at line 1 column 4"),
        ("'\\u12'", "truncated \\uXXXX escape at line 1 column 2"),
        (
            "'\\U0001F60'",
            "truncated \\UXXXXXXXX escape at line 1 column 2",
        ),
        (
            "'\\U00110000'",
            "illegal Unicode character in \\UXXXXXXXX escape at line 1 column 2",
        ),
        (
            "'\\ud800'",
            "unsupported lone surrogate \\ud800 (not valid UTF-8) at line 1 column 2",
        ),
        (
            "'\\N{DASH}'",
            "unsupported \\N{...} escape at line 1 column 2",
        ),
        (
            "01",
            "leading zeros in decimal integer literals are not permitted at line 1 column 1",
        ),
        (
            "0_7",
            "leading zeros in decimal integer literals are not permitted at line 1 column 1",
        ),
        ("1_", "invalid number literal at line 1 column 1"),
        ("1__0", "invalid number literal at line 1 column 1"),
        ("1_.5", "invalid number literal at line 1 column 1"),
        ("1._5", "invalid number literal at line 1 column 1"),
        ("1e", "invalid number literal at line 1 column 1"),
        ("1e+", "invalid number literal at line 1 column 1"),
        ("1e_5", "invalid number literal at line 1 column 1"),
        ("0x", "invalid number literal at line 1 column 1"),
        ("0x_", "invalid number literal at line 1 column 1"),
        ("0x1__2", "invalid number literal at line 1 column 1"),
        ("0b102", "invalid number literal at line 1 column 1"),
        ("0o8", "invalid number literal at line 1 column 1"),
        ("0xfg", "invalid number literal at line 1 column 1"),
        ("12abc", "invalid number literal at line 1 column 1"),
        ("1.real", "invalid number literal at line 1 column 1"),
        (
            "9223372036854775808",
            "integer literal too large (the limit is 64 bits) at line 1 column 1",
        ),
        (
            "-9223372036854775808",
            "integer literal too large (the limit is 64 bits) at line 1 column 2",
        ),
        (
            "0x8000000000000000",
            "integer literal too large (the limit is 64 bits) at line 1 column 1",
        ),
    ]);
}

#[test]
fn arithmetic_errors() {
    check_err(&[
        ("1 // 0", "integer division by zero ('//') at line 1 column 3"),
        ("1 % (1 - 1)", "integer division by zero ('%') at line 1 column 3"),
        ("True // False", "integer division by zero ('//') at line 1 column 6"),
        ("2 ** -1", "negative exponent in '**' is not supported (Python's result is a float) at line 1 column 3"),
        ("2 ** 63", "integer overflow in '**' (the limit is 64 bits) at line 1 column 3"),
        ("3 ** 99999999999", "integer overflow in '**' (the limit is 64 bits) at line 1 column 3"),
        ("2 ** 62 * 2", "integer overflow in '*' (the limit is 64 bits) at line 1 column 9"),
        ("9223372036854775807 + 1", "integer overflow in '+' (the limit is 64 bits) at line 1 column 21"),
        ("-9223372036854775807 - 2", "integer overflow in '-' (the limit is 64 bits) at line 1 column 22"),
        ("-(-9223372036854775807 - 1)", "integer overflow in unary '-' (the limit is 64 bits) at line 1 column 1"),
        ("(-9223372036854775807 - 1) // -1", "integer overflow in '//' (the limit is 64 bits) at line 1 column 28"),
        ("1.5 + 1", "float arithmetic is not supported ('+'); only integers at line 1 column 5"),
        ("2 * 0.5", "float arithmetic is not supported ('*'); only integers at line 1 column 3"),
        ("2 ** 0.5", "float arithmetic is not supported ('**'); only integers at line 1 column 3"),
        ("'a' * 3", "unsupported operand types for '*': 'str' and 'int' at line 1 column 5"),
        ("'a' + 'b'", "unsupported operand types for '+': 'str' and 'str' at line 1 column 5"),
        ("(1,) + (2,)", "unsupported operand types for '+': 'tuple' and 'tuple' at line 1 column 6"),
        ("None - 1", "unsupported operand types for '-': 'NoneType' and 'int' at line 1 column 6"),
        ("sys.stdout % 1", "unsupported operand types for '%': 'TextIOWrapper' and 'int' at line 1 column 12"),
        ("-'a'", "unsupported operand type for unary '-': 'str' at line 1 column 1"),
        ("+[]", "unsupported operand type for unary '+': 'list' at line 1 column 1"),
        ("{[1]: 2}", "unhashable type 'list' as dict key at line 1 column 2"),
        ("{'a': 1, {}: 2}", "unhashable type 'dict' as dict key at line 1 column 10"),
        ("{(1, [2]): 3}", "unhashable type 'list' as dict key at line 1 column 2"),
    ]);
}

#[test]
fn depth_limit() {
    let ok = |open: &str, close: &str, n: usize| {
        let text = format!("{}1{}", open.repeat(n), close.repeat(n));
        parse(&text).unwrap_or_else(|e| panic!("{open} x {n}: {e}"))
    };
    assert_eq!(ok("(", ")", 100).to_string(), "1");
    assert_eq!(
        ok("[", "]", 100).to_string(),
        format!("{}1{}", "[".repeat(100), "]".repeat(100))
    );
    assert_eq!(
        ok("{1:", "}", 100).to_string(),
        format!("{}1{}", "{1: ".repeat(100), "}".repeat(100))
    );
    assert_eq!(ok("-", "", 100).to_string(), "1");
    assert_eq!(ok("1**", "", 100).to_string(), "1");
    assert_eq!(ok("(-", ")", 50).to_string(), "1");
    let msg = "nesting too deep (the limit is 100 levels)";
    check_err(&[
        (
            &format!("{}1{}", "(".repeat(101), ")".repeat(101)),
            &format!("{msg} at line 1 column 101"),
        ),
        (
            &format!("{}1", "[".repeat(101)),
            &format!("{msg} at line 1 column 101"),
        ),
        (
            &format!("{}1", "-".repeat(101)),
            &format!("{msg} at line 1 column 101"),
        ),
        (
            &format!("{}1", "1**".repeat(101)),
            &format!("{msg} at line 1 column 302"),
        ),
        (&"{1:".repeat(101), &format!("{msg} at line 1 column 301")),
    ]);
    // Left-associative chains do not nest: they are reduced as they go.
    let long = vec!["1"; 100_000].join(" + ");
    assert_eq!(parse(&long).unwrap(), PyValue::Int(100_000));
    let long = format!("({})", vec!["1"; 1000].join("*"));
    assert_eq!(parse(&long).unwrap(), PyValue::Int(1));
}

#[test]
fn positions_count_characters_and_lines() {
    let e = parse("('é中', \n\t  x)").unwrap_err();
    assert_eq!(e.to_string(), "unknown name 'x' at line 2 column 4");
    assert_eq!(e.position().offset, 14);
    assert_eq!(e.message(), "unknown name 'x'");
}

#[test]
fn surrounding_blank_lines_and_indentation_are_accepted() {
    check_ok(&[
        ("\n  (1,\n 2)\n\t\n", "(1, 2)"),
        ("\t# comment\n 'x'  # trailing\n", "'x'"),
    ]);
}
