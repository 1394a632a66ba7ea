//! Differential test: the same texts through `loglisten::ini` and through
//! CPython's `configparser.ConfigParser().read_string` in ONE python3
//! process; sections, options, raw and interpolated values, or the
//! exception type and message, must agree exactly.

use loglisten::ini::{parse, Error, Options};

#[path = "support/python.rs"]
mod python;
use python::run_python;

/// Reads cases from stdin, one a line: `T:x<hex text>` then `D:x<hex name>:x<hex
/// value>` per default. Writes per case the lines Rust writes in `render`,
/// then `END`. Every string is hex of its UTF-8 behind an `x`, so nothing
/// needs escaping. The leading BOM is removed first: skipping it is our
/// documented difference from 3.11.
const SCRIPT: &str = r#"
import sys, configparser
def h(s): return 'x' + s.encode('utf-8', 'surrogatepass').hex()
def d(s): return bytes.fromhex(s[1:]).decode('utf-8')
def err(e): return type(e).__name__ + ' ' + h(str(e).replace('\n\t', ' ').replace('\n', ' '))
for line in sys.stdin:
    parts = line.split()
    text = d(parts[0][2:]).removeprefix('\ufeff')
    defaults = {}
    for p in parts[1:]:
        _, k, v = p.split(':')
        defaults[d(k)] = d(v)
    out = []
    try:
        cp = configparser.ConfigParser(defaults)
        cp.read_string(text)
    except configparser.Error as e:
        out.append('X ' + err(e))
    else:
        for sec in ['DEFAULT'] + cp.sections():
            out.append('S ' + h(sec))
            names = list(cp.defaults()) if sec == 'DEFAULT' else cp.options(sec)
            for o in names:
                try:
                    v = 'V ' + h(cp.get(sec, o))
                except configparser.Error as e:
                    v = 'E ' + err(e)
                out.append('O %s %s %s' % (h(o), h(cp.get(sec, o, raw=True)), v))
    out.append('END')
    print('\n'.join(out))
"#;

fn hex(s: &str) -> String {
    let mut out = String::from("x");
    for b in s.bytes() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn unhex(s: &str) -> String {
    let digits = s.get(1..).unwrap_or("");
    let bytes: Vec<u8> = (0..digits.len() / 2)
        .map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn err(e: &Error) -> String {
    format!("{} {}", e.kind().python_name(), hex(&e.to_string()))
}

/// Our answer in the script's format.
fn render(text: &str, defaults: &[(String, String)]) -> String {
    let options = Options {
        defaults: defaults.to_vec(),
        ..Options::default()
    };
    let mut out = Vec::new();
    match parse(text, &options) {
        Err(e) => out.push(format!("X {}", err(&e))),
        Ok(ini) => {
            let default_names: Vec<&str> = ini.defaults().iter().map(|p| p.0).collect();
            let sections = std::iter::once("DEFAULT").chain(ini.sections());
            for section in sections {
                out.push(format!("S {}", hex(section)));
                let names = if section == "DEFAULT" {
                    default_names.clone()
                } else {
                    ini.options(section).unwrap()
                };
                for name in names {
                    let value = match ini.get(section, name) {
                        Ok(v) => format!("V {}", hex(&v)),
                        Err(e) => format!("E {}", err(&e)),
                    };
                    let raw = ini.get_raw(section, name).unwrap();
                    out.push(format!("O {} {} {value}", hex(name), hex(raw)));
                }
            }
        }
    }
    out.push("END".to_string());
    out.join("\n")
}

/// Makes a hex-encoded record line human-readable for failure messages.
fn readable(block: &str) -> String {
    let words = block.split_whitespace();
    let words: Vec<String> = words
        .map(|w| {
            if w.starts_with('x') {
                format!("{:?}", unhex(w))
            } else {
                w.to_string()
            }
        })
        .collect();
    words.join(" ")
}

const CORPUS: &[&str] = &[
    "",
    "\n\n# only a comment\n",
    "[a]\nk = v\n",
    "[a]\nk: v\n",
    "[a]\nk=v=w\nj:v=w\ni=v:w\n",
    "[a]\nKey Name  =  Some Value  \n",
    "[a]\nk =\nj:\n",
    "[a]\nk = v # not a comment\nj = x ; nor this\n",
    "[a]\n# c\n; c\n   # indented c\nk = v\n",
    "[A]\n[a]\n",
    "[ spaced ]\n",
    "[a] trailing text\nk=1\n",
    "[a]b]\n[]]\n[[x]]\n",
    "  [a]\n  k = v\n",
    "[a]\nk = one\n  two\n\tthree\n",
    "[a]\nk = one\n\n  two\n\n\n",
    "[a]\nk =\n  two\n",
    "[a]\nk = one\n# comment\n  two\n",
    "[a]\nk = one\n  # comment too\n  two\n",
    "[a]\nk = one\n  [b]\n  x = y\n",
    "[a]\n  k = one\n    more\n j = two\n",
    "[a]\nk = v\n   \n",
    "[a]\r\nk = v\r\n  w\r\n",
    "[a]\nk = v\rw\n",
    "[a]\nk = v\u{2028}w\n",
    "[a]\n\u{1c}k\u{3000}=\u{a0}v\u{85}\n",
    "[a]\n\u{200b}k = v\n",
    "[a]\n\u{3000}k = v\n  \u{3000}w\n",
    "[DEFAULT]\nz = 1\nb = 2\n[s]\nb = 3\nc = 4\n",
    "[s]\nk = 1\n[DEFAULT]\nd = 2\n",
    "[DEFAULT]\na = 1\n[DEFAULT]\nb = 2\n",
    "[default]\na = 1\n",
    "[a]\nÉTÉ = Été\nİ = x\nΣΑΣ = y\n",
    "\u{feff}[a]\nk = v\n",
    "k = v\n",
    "\n# c\n  k = v",
    "\u{feff}\u{feff}[a]\n",
    "[]\n",
    "[x]\n[y]\n\n\n[x]\n",
    "[x]\na = 1\nb = 2\nA = 3\n",
    "[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n",
    "[x]\nbad\n[x]\n",
    "[a]\nno delimiter\nk = v\n[]\n = x\n= y\n",
    "[a]\n=1\n=2\n",
    "[a]\nit's\n",
    "[a]\nsaid \"it's\"\n",
    "[a]\nback\\slash\n",
    "[a]\n\n\n\n\n\n\n\n\nx\n",
    "[a]\nk = 1\nbogus\n  cont\n",
    "[a]\n= v\n  cont\n\n",
    "[DEFAULT]\nbase = /srv\n[s]\npath = %(BASE)s/log\npct = 100%%\nboth = %(path)s:%(pct)s\n",
    "[s]\nmissing = a %(nope)s b\nlone = 5 %\nletter = %d\nunclosed = %(name\nnos = %(name)x\nempty = %()s\n",
    "[s]\nself = %(self)s\nviamissing = %(missing)s\nmulti = %(pct)s\n  %(pct)s\npct = %%\n",
    "[d]\nd1 = %(d2)s\nd2 = %(d3)s\nd3 = %(d4)s\nd4 = %(d5)s\nd5 = %(d6)s\nd6 = %(d7)s\nd7 = %(d8)s\nd8 = %(d9)s\nd9 = %(d10)s\nd10 = %%\nd0 = %(d1)s\n",
    "[d]\nd1 = %(d2)s\nd2 = %(d3)s\nd3 = %(d4)s\nd4 = %(d5)s\nd5 = %(d6)s\nd6 = %(d7)s\nd7 = %(d8)s\nd8 = %(d9)s\nd9 = %(d10)s\nd10 = x\nd0 = %(d1)s\n",
    "[DEFAULT]\nx = %(y)s!\n[a]\ny = 1\n",
    "[s]\na = %(ÉTÉ)s\nété = summer\nb = %(İ)s\n",
    "[s]\na = %(b\n c)s\n",
    "[s]\na = 100%\n",
    "[formatters]\nkeys=simple\n\n[formatter_simple]\nformat=%(asctime)s - %(name)s - %(levelname)s - %(message)s\ndatefmt=\n",
    "[loggers]\nkeys=root\n\n[handlers]\nkeys=h\n\n[logger_root]\nlevel=DEBUG\nhandlers=h\n\n[handler_h]\nclass=StreamHandler\nargs=(sys.stdout,)\n",
    "[a]\nk = \u{0}\u{7}\u{e000}\u{e0001}\n",
];

/// A small seeded generator (xorshift64*), so the cases are the same on
/// every run and need no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

fn generated(rng: &mut Rng) -> (String, Vec<(String, String)>) {
    const NAMES: &[&str] = &["a", "b", "A", "DEFAULT", "default", " sp ", "x]y", "é", "s"];
    const KEYS: &[&str] = &["a", "b", "B", "key name", "İ", "ΣΑΣ", "", "pct", "x\ty"];
    const DELIMS: &[&str] = &["=", ":", " = ", " : ", "=:", ":=", "\t=\t", " =  "];
    const SPACE: &[&str] = &[" ", "  ", "\t", "\u{3000}", "\u{1c}", "\u{a0}", " \u{c}"];
    const PIECES: &[&str] = &[
        "plain",
        "%(a)s",
        "%(b)s",
        "%%",
        "%",
        "%(nope)s",
        "%(a",
        "%(B)s",
        "x=y",
        "# not",
        "; nor",
        "é",
        "\u{a0}",
        "\u{2028}",
        "\r",
        "'",
        "\"",
        "\\",
        " ",
        "%(pct)s",
        "%(key name)s",
        "%()s",
        "%s",
        "\u{85}",
        "😀",
        "\u{7f}",
    ];
    const JUNK: &[&str] = &["junk", "[]", "[", "x]", "]", "no delimiter here"];
    let mut text = String::new();
    if rng.below(20) == 0 {
        text.push('\u{feff}');
    }
    let lines = rng.below(14);
    for i in 0..lines {
        // Most documents start with a header so that they get further.
        let kind = if i == 0 && rng.below(8) != 0 {
            0
        } else {
            rng.below(12)
        };
        let indent = |rng: &mut Rng, min: usize| {
            let n = min + rng.below(3);
            (0..n).map(|_| rng.pick(SPACE)).collect::<String>()
        };
        let value = |rng: &mut Rng| {
            let n = rng.below(4);
            (0..n).map(|_| rng.pick(PIECES)).collect::<String>()
        };
        let line = match kind {
            0 | 1 => {
                let pad = if rng.below(4) == 0 {
                    indent(rng, 0)
                } else {
                    String::new()
                };
                let tail = if rng.below(6) == 0 { " ; tail" } else { "" };
                format!("{pad}[{}]{tail}", rng.pick(NAMES))
            }
            2..=5 => {
                let pad = if rng.below(4) == 0 {
                    indent(rng, 0)
                } else {
                    String::new()
                };
                format!("{pad}{}{}{}", rng.pick(KEYS), rng.pick(DELIMS), value(rng))
            }
            6 | 7 => format!("{}{}", indent(rng, 1), value(rng)),
            8 => format!("{}{}comment", indent(rng, 0), rng.pick(&["#", ";"])),
            9 => indent(rng, 0).chars().take(rng.below(2)).collect(),
            10 => rng.pick(JUNK).to_string(),
            _ => String::new(),
        };
        text.push_str(&line);
        if i + 1 < lines || rng.below(3) != 0 {
            text.push_str(if rng.below(10) == 0 { "\r\n" } else { "\n" });
        }
    }
    let mut defaults = Vec::new();
    if rng.below(6) == 0 {
        let pool = [
            ("A", "1"),
            ("b", "%(a)s"),
            ("Dir", "x%%"),
            ("a", "again"),
            ("pct", " 5 "),
        ];
        for _ in 0..1 + rng.below(2) {
            let (k, v) = pool[rng.below(pool.len())];
            if !defaults.iter().any(|(dk, _): &(String, String)| dk == k) {
                defaults.push((k.to_string(), v.to_string()));
            }
        }
    }
    (text, defaults)
}

/// Whether python3 is 3.11, whose messages are compared; says why not.
fn python_is_311() -> bool {
    let script = "import sys; print('%d.%d' % sys.version_info[:2])";
    let Some(version) = run_python(script, "", "configparser") else {
        return false;
    };
    let version = version.trim();
    if version != "3.11" {
        python::skip(&format!(
            "ini differential test: python3 is {version:?}, the messages compared are 3.11's"
        ));
    }
    version == "3.11"
}

#[test]
fn agrees_with_cpython_configparser() {
    if !python_is_311() {
        return;
    }
    let mut cases: Vec<(String, Vec<(String, String)>)> =
        CORPUS.iter().map(|t| (t.to_string(), Vec::new())).collect();
    cases.push((
        "[s]\nx = %(dir)s/%(a)s\n".into(),
        vec![("Dir".into(), "/t".into()), ("a".into(), "%%".into())],
    ));
    cases.push((
        "[DEFAULT]\nb = 3\nc = 4\n".into(),
        vec![("a".into(), "1".into()), ("b".into(), " 2 ".into())],
    ));
    cases.push((
        "[s]\n".into(),
        vec![("A".into(), "1".into()), ("a".into(), "2".into())],
    ));
    let mut rng = Rng(0x5eed_1a1b_2c3d_4e5f);
    for _ in 0..600 {
        cases.push(generated(&mut rng));
    }
    let input: String = cases
        .iter()
        .map(|(text, defaults)| {
            let mut line = format!("T:{}", hex(text));
            for (k, v) in defaults {
                line.push_str(&format!(" D:{}:{}", hex(k), hex(v)));
            }
            line + "\n"
        })
        .collect();
    let output = run_python(SCRIPT, &input, "configparser").expect("python3 starts");

    let theirs: Vec<&str> = output.split_terminator("END\n").collect();
    assert_eq!(theirs.len(), cases.len(), "one answer per case");
    let mut failures = Vec::new();
    let mut errors = 0;
    for ((text, defaults), theirs) in cases.iter().zip(&theirs) {
        let ours = render(text, defaults);
        let theirs = format!("{theirs}END");
        errors += usize::from(theirs.starts_with('X'));
        if ours != theirs {
            failures.push(format!(
                "input {text:?} defaults {defaults:?}\n  ours:   {}\n  python: {}",
                readable(&ours),
                readable(&theirs)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures[..failures.len().min(5)].join("\n")
    );
    // The generator must exercise both outcomes to mean anything.
    assert!(
        errors > 50 && errors < cases.len() - 100,
        "{errors} parse errors in {} cases",
        cases.len()
    );
}
