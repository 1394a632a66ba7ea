//! Python's `SMTPHandler`: each record mailed as CPython builds the
//! message (`EmailMessage` with From, To, Subject, Date and the formatted
//! record as its text), over plain SMTP with `smtplib`'s commands.

use super::encode::base64;
use super::Handler;
use crate::record::Record;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// `SMTPHandler(mailhost, fromaddr, toaddrs, subject, credentials=None,
/// secure=None, timeout=5.0)`. `secure` (STARTTLS) is not offered: there
/// is no TLS in a std-only crate.
///
/// ```
/// use loglisten::handler::SmtpSettings;
/// let s = SmtpSettings::new("mail.example.org", "app@example.org", &["ops@example.org"], "Alert");
/// assert_eq!((s.port, s.timeout.as_secs()), (25, 5));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpSettings {
    /// `mailhost`'s host.
    pub host: String,
    /// `mailhost`'s port (25 when `mailhost` is a plain host).
    pub port: u16,
    /// `fromaddr`.
    pub from: String,
    /// `toaddrs`.
    pub to: Vec<String>,
    /// `subject`.
    pub subject: String,
    /// `credentials`: `(user, password)`, sent with AUTH PLAIN or LOGIN.
    pub credentials: Option<(String, String)>,
    /// `timeout`: bounds connecting and each reply.
    pub timeout: Duration,
}

impl SmtpSettings {
    /// CPython's defaults for the required arguments.
    pub fn new(host: &str, from: &str, to: &[&str], subject: &str) -> SmtpSettings {
        SmtpSettings {
            host: host.to_string(),
            port: 25,
            from: from.to_string(),
            to: to.iter().map(|s| s.to_string()).collect(),
            subject: subject.to_string(),
            credentials: None,
            timeout: Duration::from_secs(5),
        }
    }
}

/// Python's `logging.handlers.SMTPHandler`: one mail per record, sent
/// with the commands `smtplib` sends (EHLO, AUTH when given credentials,
/// MAIL, RCPT for each address, DATA, QUIT), each reply bounded by the
/// timeout.
///
/// ```
/// use loglisten::handler::{SmtpHandler, SmtpSettings};
/// let h = SmtpHandler::new(SmtpSettings::new("localhost", "a@x", &["b@x"], "s"));
/// assert_eq!(h.settings().subject, "s");
/// ```
#[derive(Debug)]
pub struct SmtpHandler {
    settings: SmtpSettings,
}

impl SmtpHandler {
    /// A handler with these settings.
    pub fn new(settings: SmtpSettings) -> SmtpHandler {
        SmtpHandler { settings }
    }

    /// The settings.
    pub fn settings(&self) -> &SmtpSettings {
        &self.settings
    }

    /// The message CPython's `emit` builds, with CRLF line ends.
    pub(crate) fn message(&self, record: &Record<'_>, text: &str) -> String {
        let s = &self.settings;
        let mut out = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\n",
            s.from,
            s.to.join(","),
            s.subject,
            rfc2822_date(record.created_since_epoch().as_secs() as i64)
        );
        let mut body = text.replace("\r\n", "\n");
        if !body.ends_with('\n') {
            body.push('\n');
        }
        // email's raw_data_manager: short lines go as they are, 7bit when
        // ASCII; longer ones are encoded (here always base64).
        let short = body.lines().all(|l| l.len() <= 78);
        let cte = match (short, body.is_ascii()) {
            (true, true) => "7bit",
            (true, false) => "8bit",
            (false, _) => "base64",
        };
        out.push_str("Content-Type: text/plain; charset=\"utf-8\"\r\n");
        out.push_str(&format!("Content-Transfer-Encoding: {cte}\r\n"));
        out.push_str("MIME-Version: 1.0\r\n\r\n");
        if short {
            out.push_str(&body.replace('\n', "\r\n"));
        } else {
            let encoded = base64(body.as_bytes());
            for chunk in encoded.as_bytes().chunks(76) {
                out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
                out.push_str("\r\n");
            }
        }
        out
    }

    fn connect(&self) -> io::Result<TcpStream> {
        let s = &self.settings;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "host has no address");
        for address in crate::resolve::resolve(&s.host, s.port, s.timeout)? {
            match TcpStream::connect_timeout(&address, s.timeout) {
                Ok(sock) => {
                    sock.set_write_timeout(Some(s.timeout))?;
                    sock.set_read_timeout(Some(s.timeout))?;
                    return Ok(sock);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn send(&self, message: &str) -> io::Result<()> {
        let s = &self.settings;
        let sock = self.connect()?;
        let local = sock.local_addr()?.ip();
        let mut session = Session {
            writer: sock.try_clone()?,
            reader: BufReader::new(sock).take(MAX_REPLY),
        };
        session.expect(&[220])?;
        let features = match session.command(&format!("ehlo [{local}]"))? {
            (250, text) => text,
            _ => {
                session.command_expect(&format!("helo [{local}]"), &[250])?;
                String::new()
            }
        };
        let has = |ext: &str| {
            features.lines().skip(1).find_map(|l| {
                let (name, rest) = l.split_once(' ').unwrap_or((l, ""));
                name.eq_ignore_ascii_case(ext)
                    .then(|| rest.to_ascii_uppercase())
            })
        };
        if let Some((user, password)) = &s.credentials {
            let auth = has("auth")
                .ok_or_else(|| io::Error::other("SMTP AUTH extension not supported by server."))?;
            let offered: Vec<&str> = auth.split_whitespace().collect();
            if offered.contains(&"PLAIN") {
                let token = base64(format!("\0{user}\0{password}").as_bytes());
                session.command_expect(&format!("AUTH PLAIN {token}"), &[235, 503])?;
            } else if offered.contains(&"LOGIN") {
                let user = base64(user.as_bytes());
                session.command_expect(&format!("AUTH LOGIN {user}"), &[334])?;
                session.command_expect(&base64(password.as_bytes()), &[235, 503])?;
            } else {
                return Err(io::Error::other(
                    "No suitable authentication method found (PLAIN or LOGIN).",
                ));
            }
        }
        let size = match has("size") {
            Some(_) => format!(" size={}", message.len()),
            None => String::new(),
        };
        session.command_expect(&format!("mail FROM:<{}>{size}", s.from), &[250])?;
        for to in &s.to {
            session.command_expect(&format!("rcpt TO:<{to}>"), &[250, 251])?;
        }
        session.command_expect("data", &[354])?;
        let mut data = String::with_capacity(message.len() + 8);
        for line in message.split_inclusive("\r\n") {
            if line.starts_with('.') {
                data.push('.');
            }
            data.push_str(line);
        }
        data.push_str(".\r\n");
        session.writer.write_all(data.as_bytes())?;
        session.expect(&[250])?;
        session.command_expect("quit", &[221])?;
        Ok(())
    }
}

impl Handler for SmtpHandler {
    fn emit(&mut self, record: &Record, text: &str) -> io::Result<()> {
        let message = self.message(record, text);
        self.send(&message)
    }
}

/// The most of one reply that is read.
const MAX_REPLY: u64 = 64 * 1024;

struct Session<R> {
    writer: TcpStream,
    reader: R,
}

impl<R: BufRead> Session<R> {
    fn command(&mut self, line: &str) -> io::Result<(u16, String)> {
        self.writer.write_all(format!("{line}\r\n").as_bytes())?;
        read_reply(&mut self.reader)
    }

    fn command_expect(&mut self, line: &str, codes: &[u16]) -> io::Result<String> {
        self.writer.write_all(format!("{line}\r\n").as_bytes())?;
        self.expect(codes)
    }

    fn expect(&mut self, codes: &[u16]) -> io::Result<String> {
        let (code, text) = read_reply(&mut self.reader)?;
        if codes.contains(&code) {
            Ok(text)
        } else {
            Err(io::Error::other(format!(
                "SMTP server replied {code} {text}"
            )))
        }
    }
}

/// Reads one reply, continuation lines (`250-...`) included: its code
/// and text, one line per line.
pub(crate) fn read_reply(reader: &mut impl BufRead) -> io::Result<(u16, String)> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut text = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Err(bad("connection closed in an SMTP reply"));
        }
        let l = std::str::from_utf8(&line).map_err(|_| bad("SMTP reply is not text"))?;
        let l = l.trim_end_matches(['\r', '\n']);
        let code = l.get(..3).and_then(|c| c.parse::<u16>().ok());
        let code = code.filter(|_| l.as_bytes()[..3].iter().all(u8::is_ascii_digit));
        let code = code.ok_or_else(|| bad("not an SMTP reply"))?;
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(l.get(4..).unwrap_or(""));
        if l.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, text));
        }
    }
}

/// `email.utils.format_datetime(localtime())` at `timestamp`.
fn rfc2822_date(timestamp: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let tm = crate::time::localtime(timestamp);
    let offset = tm.utc_offset / 60;
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} {sign}{:02}{:02}",
        DAYS[tm.weekday as usize % 7],
        tm.day,
        MONTHS[(tm.month as usize + 11) % 12],
        tm.year,
        tm.hour,
        tm.minute,
        tm.second,
        offset.abs() / 60,
        offset.abs() % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;
    use proptest::prelude::*;

    #[test]
    fn the_message_is_the_one_email_builds() {
        let h = SmtpHandler::new(SmtpSettings::new("h", "a@b", &["c@d", "e@f"], "subj"));
        let record = Record::new("x", Level::ERROR, "m")
            .with_created(std::time::UNIX_EPOCH + Duration::from_secs(1_796_400_000));
        let message = h.message(&record, "hello\n.dot");
        let date = rfc2822_date(1_796_400_000);
        assert_eq!(
            message,
            format!(
                "From: a@b\r\nTo: c@d,e@f\r\nSubject: subj\r\nDate: {date}\r\n\
                 Content-Type: text/plain; charset=\"utf-8\"\r\n\
                 Content-Transfer-Encoding: 7bit\r\nMIME-Version: 1.0\r\n\r\nhello\r\n.dot\r\n"
            )
        );
        let script = "import email.utils, time, os\n\
            os.environ.setdefault('TZ', '')\n\
            print(email.utils.format_datetime(email.utils.localtime(\
            __import__('datetime').datetime.fromtimestamp(1796400000).astimezone())))";
        if let Some(out) = crate::python_test::run_python(script, "", "SMTP Date header") {
            assert_eq!(out.trim_end(), date);
        }
    }

    #[test]
    fn replies_with_continuation_lines_are_read_whole() {
        let mut input: &[u8] = b"250-host\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 100\r\n221 bye\r\n";
        assert_eq!(
            read_reply(&mut input).unwrap(),
            (250, "host\nAUTH PLAIN LOGIN\nSIZE 100".to_string())
        );
        assert_eq!(read_reply(&mut input).unwrap(), (221, "bye".to_string()));
        assert!(read_reply(&mut input).is_err());
        let mut bad: &[u8] = b"2x0 no\r\n";
        assert_eq!(
            read_reply(&mut bad).unwrap_err().to_string(),
            "not an SMTP reply"
        );
    }

    proptest! {
        #[test]
        fn any_reply_bytes_give_a_code_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut input = &bytes[..];
            if let Ok((code, _)) = read_reply(&mut input) {
                prop_assert!(code <= 999);
                prop_assert!(bytes[..3].iter().all(u8::is_ascii_digit));
            }
        }
    }
}
