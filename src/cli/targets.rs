//! Target addresses: `--to host:port` and `--targets FILE`.

/// Checks that `text` is `host:port`: a host without spaces (an IPv6
/// address in brackets, `[::1]:9030`) and a port from 1 to 65535. The
/// host is not resolved here but when the target is contacted.
pub(crate) fn parse_target(text: &str) -> Result<String, String> {
    let bad = |why: &str| format!("'{text}' is not host:port ({why})");
    let (host, port) = text.rsplit_once(':').ok_or_else(|| bad("no port"))?;
    match port.parse::<u16>() {
        Ok(p) if p != 0 && port.bytes().all(|b| b.is_ascii_digit()) => {}
        _ => return Err(bad("the port must be a number from 1 to 65535")),
    }
    let inner = match host.strip_prefix('[') {
        Some(rest) => rest.strip_suffix(']').ok_or_else(|| bad("unclosed '['"))?,
        None if host.contains(':') => return Err(bad("write an IPv6 address as [addr]:port")),
        None => host,
    };
    if inner.is_empty() {
        return Err(bad("no host"));
    }
    if inner
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "[]#/".contains(c))
    {
        return Err(bad("bad character in the host"));
    }
    Ok(text.to_string())
}

/// The targets listed in `text`, the contents of the file `name`: one
/// `host:port` a line, optionally followed by a `# comment`; blank lines
/// and lines starting with `#` are skipped. An error names `name:line`.
pub(crate) fn parse_targets_file(name: &str, text: &str) -> Result<Vec<String>, String> {
    let mut targets = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let content = match line.find('#') {
            Some(at) => &line[..at],
            None => line,
        };
        let mut words = content.split_whitespace();
        let Some(first) = words.next() else { continue };
        let at = format!("{name}:{}", index + 1);
        if let Some(second) = words.next() {
            return Err(format!(
                "{at}: one address a line, found '{first}' and '{second}'"
            ));
        }
        targets.push(parse_target(first).map_err(|e| format!("{at}: {e}"))?);
    }
    if targets.is_empty() {
        return Err(format!("{name}: no targets in the file"));
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_host_and_port() {
        for text in [
            "127.0.0.1:9030",
            "localhost:1",
            "db-1.example.com:65535",
            "[::1]:9030",
            "[fe80::1%eth0]:9030",
        ] {
            assert_eq!(parse_target(text), Ok(text.to_string()));
        }
    }

    #[test]
    fn rejects_anything_else_in_one_line() {
        let cases = [
            ("127.0.0.1", "no port"),
            ("", "no port"),
            ("host:", "the port must be a number from 1 to 65535"),
            ("host:0", "the port must be a number from 1 to 65535"),
            ("host:65536", "the port must be a number from 1 to 65535"),
            ("host:+80", "the port must be a number from 1 to 65535"),
            ("host:http", "the port must be a number from 1 to 65535"),
            (":9030", "no host"),
            ("[]:9030", "no host"),
            ("::1:9030", "write an IPv6 address as [addr]:port"),
            ("[::1:9030", "unclosed '['"),
            ("a b:9030", "bad character in the host"),
            ("a/b:9030", "bad character in the host"),
            ("a\u{7}:9030", "bad character in the host"),
        ];
        for (text, why) in cases {
            assert_eq!(
                parse_target(text),
                Err(format!("'{text}' is not host:port ({why})")),
                "{text:?}"
            );
        }
    }

    #[test]
    fn reads_one_address_a_line_skipping_comments_and_blanks() {
        let text = "# the fleet\n\n127.0.0.1:9031\n  127.0.0.1:9032   # db\r\n\t\n[::1]:9033\n#127.0.0.1:1\n127.0.0.1:9031";
        assert_eq!(
            parse_targets_file("fleet.txt", text),
            Ok(vec![
                "127.0.0.1:9031".to_string(),
                "127.0.0.1:9032".to_string(),
                "[::1]:9033".to_string(),
                "127.0.0.1:9031".to_string(),
            ])
        );
    }

    #[test]
    fn file_errors_name_the_file_and_line() {
        let cases = [
            (
                "127.0.0.1:1\n\n127.0.0.1\n",
                "f.txt:3: '127.0.0.1' is not host:port (no port)",
            ),
            (
                "# x\n127.0.0.1:1 127.0.0.1:2\n",
                "f.txt:2: one address a line, found '127.0.0.1:1' and '127.0.0.1:2'",
            ),
            (
                "a:1\nb:99999 # too big\n",
                "f.txt:2: 'b:99999' is not host:port (the port must be a number from 1 to 65535)",
            ),
            ("", "f.txt: no targets in the file"),
            ("# only\n\n  # comments\n", "f.txt: no targets in the file"),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_targets_file("f.txt", text),
                Err(want.to_string()),
                "{text:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_file_parses_or_fails_in_one_line(text in "[\\PC\n\r\t #:\\[\\]0-9]{0,80}") {
            match parse_targets_file("f", &text) {
                Ok(targets) => {
                    prop_assert!(!targets.is_empty());
                    for target in targets {
                        prop_assert_eq!(parse_target(&target), Ok(target.clone()));
                        prop_assert!(text.contains(&target));
                    }
                }
                Err(e) => {
                    prop_assert!(!e.contains('\n'), "{}", e);
                    prop_assert!(e.starts_with("f:"), "{}", e);
                }
            }
        }

        #[test]
        fn listed_addresses_come_back_in_order(ports in proptest::collection::vec(1u16.., 1..20)) {
            let text: String = ports.iter().map(|p| format!("127.0.0.1:{p}  # port {p}\n\n")).collect();
            let want: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
            prop_assert_eq!(parse_targets_file("f", &text), Ok(want));
        }
    }
}
