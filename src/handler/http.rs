//! Python's `HTTPHandler`: each record's dict URL-encoded and sent as a
//! GET query or a POST form over HTTP/1.1, on a plain `TcpStream`.

use super::attrs::{record_dict, Attr};
use super::encode::{base64, urlencode};
use super::Handler;
use crate::record::Record;
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// `HTTPHandler(host, url, method='GET', secure=False, credentials=None)`.
/// `secure` is not offered: there is no TLS in a std-only crate.
///
/// ```
/// use loglisten::handler::HttpSettings;
/// let s = HttpSettings::new("localhost:8080", "/log");
/// assert_eq!((s.method.as_str(), s.credentials.is_none()), ("GET", true));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpSettings {
    /// `host`, optionally with `:port` (default 80).
    pub host: String,
    /// `url`: the request path.
    pub url: String,
    /// `method`: `GET` (the dict in the query) or `POST` (in the body).
    pub method: String,
    /// `credentials`: `(user, password)` for basic authentication.
    pub credentials: Option<(String, String)>,
    /// Bounds connecting, writing and reading the reply.
    pub timeout: Duration,
}

impl HttpSettings {
    /// CPython's defaults for `host` and `url`.
    pub fn new(host: &str, url: &str) -> HttpSettings {
        HttpSettings {
            host: host.to_string(),
            url: url.to_string(),
            method: "GET".to_string(),
            credentials: None,
            timeout: Duration::from_secs(2),
        }
    }

    /// The method in capitals; an error unless GET or POST (CPython's
    /// `ValueError("method must be GET or POST")`).
    pub fn check(&self) -> io::Result<()> {
        match self.method.to_ascii_uppercase().as_str() {
            "GET" | "POST" => Ok(()),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "method must be GET or POST",
            )),
        }
    }

    /// `host` split into name and port, as `http.client` splits it.
    fn host_port(&self) -> (&str, u16) {
        if let Some((name, port)) = self.host.rsplit_once(':') {
            if let Ok(port) = port.parse() {
                return (name, port);
            }
        }
        (self.host.as_str(), 80)
    }
}

/// Python's `logging.handlers.HTTPHandler`: one request per record, the
/// record's attributes as `mapLogRecord` gives them (`record.__dict__`),
/// URL-encoded; the reply's status is read and otherwise ignored, as in
/// CPython. Each request is bounded by the settings' timeout.
///
/// ```
/// use loglisten::handler::{HttpHandler, HttpSettings};
/// let handler = HttpHandler::new(HttpSettings::new("localhost:8080", "/log"))?;
/// assert_eq!(handler.settings().method, "GET");
/// let mut put = HttpSettings::new("localhost", "/log");
/// put.method = "PUT".to_string();
/// assert_eq!(HttpHandler::new(put).unwrap_err().to_string(), "method must be GET or POST");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct HttpHandler {
    settings: HttpSettings,
}

impl HttpHandler {
    /// A handler for checked settings.
    pub fn new(mut settings: HttpSettings) -> io::Result<HttpHandler> {
        settings.check()?;
        settings.method = settings.method.to_ascii_uppercase();
        Ok(HttpHandler { settings })
    }

    /// The settings (the method in capitals).
    pub fn settings(&self) -> &HttpSettings {
        &self.settings
    }

    /// The request CPython's `HTTPHandler.emit` sends for `record`.
    pub(crate) fn request(&self, record: &Record<'_>) -> Vec<u8> {
        let mut dict = record_dict(record);
        // `record.__dict__` holds the call's args: () for a ready message.
        dict[2].1 = Attr::Str(Cow::Borrowed("()"));
        let data = urlencode(&dict);
        let s = &self.settings;
        let mut url = s.url.clone();
        if s.method == "GET" {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&data);
        }
        let (name, port) = s.host_port();
        let host = if port == 80 {
            name.to_string()
        } else {
            format!("{name}:{port}")
        };
        let mut head = format!(
            "{} {url} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n",
            s.method
        );
        if s.method == "POST" {
            head.push_str("Content-type: application/x-www-form-urlencoded\r\n");
            head.push_str(&format!("Content-length: {}\r\n", data.len()));
        }
        if let Some((user, password)) = &s.credentials {
            let token = base64(format!("{user}:{password}").as_bytes());
            head.push_str(&format!("Authorization: Basic {token}\r\n"));
        }
        head.push_str("\r\n");
        if s.method == "POST" {
            head.push_str(&data);
        }
        head.into_bytes()
    }

    fn connect(&self) -> io::Result<TcpStream> {
        let timeout = self.settings.timeout;
        let mut last = io::Error::new(io::ErrorKind::NotFound, "host has no address");
        let (host, port) = self.settings.host_port();
        for address in crate::resolve::resolve(host, port, timeout)? {
            match TcpStream::connect_timeout(&address, timeout) {
                Ok(sock) => {
                    sock.set_write_timeout(Some(timeout))?;
                    sock.set_read_timeout(Some(timeout))?;
                    return Ok(sock);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

impl Handler for HttpHandler {
    fn emit(&mut self, record: &Record, _text: &str) -> io::Result<()> {
        let request = self.request(record);
        let mut sock = self.connect()?;
        sock.write_all(&request)?;
        read_status(BufReader::new(sock).take(MAX_HEAD)).map(|_| ())
    }

    fn wants_text(&self) -> bool {
        false
    }
}

/// The most of a reply's head that is read.
const MAX_HEAD: u64 = 64 * 1024;

/// Reads a reply's status line and headers; the status code.
pub(crate) fn read_status(mut reader: impl BufRead) -> io::Result<u16> {
    let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line)?;
    let text = std::str::from_utf8(&line).map_err(|_| bad("reply status is not text"))?;
    let mut parts = text.trim_end().splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if !version.starts_with("HTTP/") || code.len() != 3 {
        return Err(bad("not an HTTP reply"));
    }
    let code: u16 = code.parse().map_err(|_| bad("not an HTTP status"))?;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Err(bad("reply ended in its headers"));
        }
        if line == b"\r\n" || line == b"\n" {
            return Ok(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;
    use proptest::prelude::*;

    #[test]
    fn post_with_credentials_has_cpythons_headers() {
        let mut settings = HttpSettings::new("example.org:8080", "/log?x=1");
        settings.method = "post".to_string();
        settings.credentials = Some(("u".to_string(), "p".to_string()));
        let handler = HttpHandler::new(settings).unwrap();
        let record = Record::new("app", Level::INFO, "hi there");
        let text = String::from_utf8(handler.request(&record)).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let lines: Vec<&str> = head.split("\r\n").collect();
        assert_eq!(lines[0], "POST /log?x=1 HTTP/1.1");
        assert_eq!(lines[1], "Host: example.org:8080");
        assert_eq!(lines[2], "Accept-Encoding: identity");
        assert_eq!(lines[3], "Content-type: application/x-www-form-urlencoded");
        assert_eq!(lines[4], format!("Content-length: {}", body.len()));
        assert_eq!(lines[5], "Authorization: Basic dTpw");
        assert!(body.starts_with("name=app&msg=hi+there&args=%28%29&levelname=INFO&levelno=20&"));
    }

    #[test]
    fn get_appends_the_query_and_a_bad_method_is_refused() {
        let handler = HttpHandler::new(HttpSettings::new("h", "/p")).unwrap();
        let text = String::from_utf8(handler.request(&Record::new("a", Level::INFO, "m"))).unwrap();
        assert!(text.starts_with("GET /p?name=a&msg=m&"), "{text}");
        assert!(text.contains("\r\nHost: h\r\n"));
        let mut bad = HttpSettings::new("h", "/p");
        bad.method = "PUT".to_string();
        let error = HttpHandler::new(bad).unwrap_err();
        assert_eq!(error.to_string(), "method must be GET or POST");
    }

    #[test]
    fn status_lines_are_read() {
        let read = |s: &str| read_status(s.as_bytes()).map_err(|e| e.to_string());
        assert_eq!(read("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nbody"), Ok(200));
        assert_eq!(read("HTTP/1.1 404 Not Found\n\n"), Ok(404));
        assert_eq!(
            read("SMTP 200\r\n\r\n"),
            Err("not an HTTP reply".to_string())
        );
        assert_eq!(
            read("HTTP/1.1 200 OK\r\n"),
            Err("reply ended in its headers".to_string())
        );
    }

    proptest! {
        #[test]
        fn any_reply_bytes_give_a_status_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok(code) = read_status(&bytes[..]) {
                prop_assert!(bytes.starts_with(b"HTTP/"));
                prop_assert!(code <= 999);
            }
        }
    }
}
