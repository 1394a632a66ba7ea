//! Framing tests: bounds in bytes and time, truncation, and real sockets.
use super::*;
use proptest::prelude::*;
use std::io::Cursor;
use std::net::TcpListener;
use std::thread;

/// An in-memory connection: reads from `input`, records the timeouts
/// asked for, discards writes. `reads` counts bytes handed out so tests
/// can tell that no payload was read.
struct Mem {
    input: Cursor<Vec<u8>>,
    max_read: usize,
    timeouts: std::cell::Cell<usize>,
}

impl Mem {
    fn new(input: &[u8]) -> Mem {
        Mem {
            input: Cursor::new(input.to_vec()),
            max_read: usize::MAX,
            timeouts: 0.into(),
        }
    }
}

impl Read for Mem {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.max_read);
        self.input.read(&mut buf[..n])
    }
}

impl Write for Mem {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Conn for Mem {
    fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        assert!(
            timeout.is_some_and(|t| !t.is_zero()),
            "a usable timeout is set"
        );
        self.timeouts.set(self.timeouts.get() + 1);
        Ok(())
    }
}

/// Fails every read with the given kind, to check the error mapping.
struct Failing(io::ErrorKind, usize);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.1 += 1;
        if self.0 == io::ErrorKind::Interrupted && self.1 > 3 {
            // After three interruptions, a clean end of stream.
            return Ok(0);
        }
        Err(io::Error::new(self.0, "test failure"))
    }
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Conn for Failing {
    fn set_read_timeout(&self, _: Option<Duration>) -> io::Result<()> {
        Ok(())
    }
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

fn read_mem(input: &[u8], max_len: usize) -> Result<Vec<u8>, FrameError> {
    read_frame(&mut Mem::new(input), max_len, soon())
}

#[test]
fn encode_frame_prefixes_big_endian_length() {
    assert_eq!(encode_frame(b"abc").unwrap(), b"\x00\x00\x00\x03abc");
    assert_eq!(encode_frame(b"").unwrap(), b"\x00\x00\x00\x00");
    assert_eq!(encode_frame(&[7u8; 772]).unwrap()[..4], [0, 0, 0x03, 0x04]);
    assert_eq!(length_prefix(0x0102_0304).unwrap(), [1, 2, 3, 4]);
    assert_eq!(length_prefix(u32::MAX as usize).unwrap(), [0xff; 4]);
}

#[test]
fn length_over_u32_is_refused() {
    let len = u32::MAX as usize + 1;
    let err = length_prefix(len).unwrap_err();
    assert_eq!(
        err.to_string(),
        "message of 4294967296 bytes exceeds the limit of 4294967295"
    );
}

#[test]
fn write_frame_writes_the_encoded_frame() {
    let mut out = Vec::new();
    write_frame(&mut out, "ok: applied".as_bytes()).unwrap();
    assert_eq!(out, b"\x00\x00\x00\x0bok: applied");
}

#[test]
fn round_trips_through_memory() {
    for payload in [&b""[..], b"x", b"{\"version\": 1}", &[0u8; 200_000]] {
        let frame = encode_frame(payload).unwrap();
        assert_eq!(read_mem(&frame, 1 << 20).unwrap(), payload);
    }
}

#[test]
fn reads_exactly_one_frame_and_no_further() {
    let mut input = encode_frame(b"first").unwrap();
    input.extend(encode_frame(b"second").unwrap());
    let mut mem = Mem::new(&input);
    assert_eq!(read_frame(&mut mem, 100, soon()).unwrap(), b"first");
    assert_eq!(read_frame(&mut mem, 100, soon()).unwrap(), b"second");
}

#[test]
fn one_byte_reads_assemble_the_frame_and_set_a_timeout_each_time() {
    let mut mem = Mem::new(b"\x00\x00\x00\x05hello");
    mem.max_read = 1;
    assert_eq!(read_frame(&mut mem, 100, soon()).unwrap(), b"hello");
    assert_eq!(mem.timeouts.get(), 9);
}

#[test]
fn limit_equal_to_length_is_accepted() {
    assert_eq!(read_mem(b"\x00\x00\x00\x03abc", 3).unwrap(), b"abc");
}

#[test]
fn error_messages() {
    let cases: [(&[u8], usize, &str); 8] = [
        (b"", 10, "connection closed after 0 of 4 length bytes"),
        (
            b"\x00\x00\x00",
            10,
            "connection closed after 3 of 4 length bytes",
        ),
        (
            b"\x00\x00\x00\x64abcdefghij",
            1000,
            "connection closed after 10 of 100 payload bytes",
        ),
        (
            b"\x00\x00\x00\x01",
            10,
            "connection closed after 0 of 1 payload bytes",
        ),
        (
            b"\x00\x4c\x4b\x40",
            1_048_576,
            "message of 5000000 bytes exceeds the limit of 1048576",
        ),
        (
            b"\xff\xff\xff\xff",
            1_048_576,
            "message of 4294967295 bytes exceeds the limit of 1048576",
        ),
        (
            b"\x00\x00\x00\x04abcd",
            3,
            "message of 4 bytes exceeds the limit of 3",
        ),
        (
            b"\x00\x00\x00\x01x",
            0,
            "message of 1 bytes exceeds the limit of 0",
        ),
    ];
    for (input, max, want) in cases {
        let err = read_mem(input, max).unwrap_err();
        assert_eq!(err.to_string(), want, "input {input:?}");
    }
    assert_eq!(
        FrameError::TimedOut.to_string(),
        "timed out waiting for the message"
    );
}

#[test]
fn too_large_claim_reads_no_payload() {
    let mut input = b"\xff\xff\xff\xff".to_vec();
    input.extend_from_slice(b"payload that must stay unread");
    let mut mem = Mem::new(&input);
    let err = read_frame(&mut mem, 1 << 20, soon()).unwrap_err();
    assert!(matches!(
        err,
        FrameError::TooLarge {
            claimed: 4_294_967_295,
            max: 1_048_576
        }
    ));
    assert_eq!(mem.input.position(), 4, "only the length prefix was read");
}

#[test]
fn huge_allowed_claim_grows_only_with_what_arrives() {
    // A 4 GiB claim within a 4 GiB limit, then 10 bytes and a close.
    // Sizing the buffer by the claim would zero 4 GiB here; growing by
    // chunks as bytes arrive touches 64 KiB.
    let mut mem = Mem::new(b"\xff\xff\xff\xffabcdefghij");
    let err = read_frame(&mut mem, u32::MAX as usize, soon()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "connection closed after 10 of 4294967295 payload bytes"
    );
}

#[test]
fn io_errors_are_mapped() {
    let read = |kind| read_frame(&mut Failing(kind, 0), 10, soon()).unwrap_err();
    assert!(matches!(
        read(io::ErrorKind::WouldBlock),
        FrameError::TimedOut
    ));
    assert!(matches!(
        read(io::ErrorKind::TimedOut),
        FrameError::TimedOut
    ));
    let err = read(io::ErrorKind::ConnectionReset);
    assert_eq!(err.to_string(), "reading the message failed: test failure");
    assert_eq!(
        std::error::Error::source(&err).unwrap().to_string(),
        "test failure"
    );
    // Interrupted reads are retried; the stream then ends.
    let err = read(io::ErrorKind::Interrupted);
    assert_eq!(
        err.to_string(),
        "connection closed after 0 of 4 length bytes"
    );
}

#[test]
fn past_deadline_reads_nothing() {
    let mut mem = Mem::new(b"\x00\x00\x00\x01x");
    let err = read_frame(&mut mem, 10, Instant::now()).unwrap_err();
    assert!(matches!(err, FrameError::TimedOut));
    assert_eq!(mem.input.position(), 0);
}

fn tcp_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, server)
}

#[test]
fn round_trip_over_loopback_tcp_with_reply() {
    let (mut client, mut server) = tcp_pair();
    let payload: Vec<u8> = (0..300_000u32).map(|i| i as u8).collect();
    let sent = payload.clone();
    let writer = thread::spawn(move || {
        write_frame(&mut client, &sent).unwrap();
        read_frame(&mut client, 1000, soon()).unwrap()
    });
    assert_eq!(read_frame(&mut server, 1 << 20, soon()).unwrap(), payload);
    write_frame(&mut server, b"ok").unwrap();
    assert_eq!(writer.join().unwrap(), b"ok");
}

#[test]
fn trickling_peer_is_cut_off_at_the_deadline() {
    let (mut client, mut server) = tcp_pair();
    // A byte every 50 ms never trips a per-read timeout of 200 ms; only
    // a deadline for the whole frame stops it.
    let writer = thread::spawn(move || {
        client.set_nodelay(true).unwrap();
        client.write_all(b"\x00\x00\x00\x64").unwrap();
        for _ in 0..40 {
            if client.write_all(b"x").is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
    });
    let start = Instant::now();
    let err = read_frame(&mut server, 1000, start + Duration::from_millis(200)).unwrap_err();
    let took = start.elapsed();
    assert!(matches!(err, FrameError::TimedOut), "got {err}");
    assert!(took >= Duration::from_millis(200), "took {took:?}");
    assert!(took < Duration::from_millis(600), "took {took:?}");
    drop(server);
    writer.join().unwrap();
}

#[test]
fn the_header_is_due_early_the_payload_by_the_deadline() {
    // Header at once, payload 150 ms later: inside the deadline, past the
    // header's.
    let (mut client, mut server) = tcp_pair();
    let writer = thread::spawn(move || {
        client.set_nodelay(true).unwrap();
        client.write_all(b"\x00\x00\x00\x02").unwrap();
        thread::sleep(Duration::from_millis(150));
        client.write_all(b"ok").unwrap();
        client
    });
    let start = Instant::now();
    let header_by = start + Duration::from_millis(50);
    let got = read_frame_by(&mut server, 10, header_by, start + Duration::from_secs(5));
    assert_eq!(got.unwrap(), b"ok");
    drop(writer.join().unwrap());
    // Silent: let go at the header's deadline, not the message's.
    let (_client, mut server) = tcp_pair();
    let start = Instant::now();
    let header_by = start + Duration::from_millis(50);
    let err = read_frame_by(&mut server, 10, header_by, start + Duration::from_secs(5));
    assert!(matches!(err, Err(FrameError::TimedOut)));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn silent_peer_times_out() {
    let (_client, mut server) = tcp_pair();
    let start = Instant::now();
    let err = read_frame(&mut server, 1000, start + Duration::from_millis(100)).unwrap_err();
    assert_eq!(err.to_string(), "timed out waiting for the message");
    assert!(start.elapsed() >= Duration::from_millis(100));
}

#[test]
fn peer_closing_mid_payload_over_tcp() {
    let (mut client, mut server) = tcp_pair();
    client.write_all(b"\x00\x00\x00\x64abcdefghij").unwrap();
    drop(client);
    let err = read_frame(&mut server, 1000, soon()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "connection closed after 10 of 100 payload bytes"
    );
}

#[cfg(unix)]
#[test]
fn round_trip_over_unix_stream() {
    let (mut a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
    write_frame(&mut a, b"[loggers]\nkeys=root\n").unwrap();
    assert_eq!(
        read_frame(&mut b, 100, soon()).unwrap(),
        b"[loggers]\nkeys=root\n"
    );
    let err = read_frame(&mut b, 100, Instant::now() + Duration::from_millis(50)).unwrap_err();
    assert!(matches!(err, FrameError::TimedOut));
}

proptest! {
    #[test]
    fn arbitrary_bytes_give_the_payload_or_an_error(
        input in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..64),
            // A plausible length prefix, so that most cases get past it.
            (0u32..80, proptest::collection::vec(any::<u8>(), 0..80)).prop_map(|(n, tail)| {
                let mut v = n.to_be_bytes().to_vec();
                v.extend(tail);
                v
            }),
        ],
        max_len in 0usize..80,
        max_read in 1usize..9,
    ) {
        let mut mem = Mem::new(&input);
        mem.max_read = max_read;
        match read_frame(&mut mem, max_len, soon()) {
            Ok(payload) => {
                prop_assert!(input.len() >= 4);
                let len = u32::from_be_bytes([input[0], input[1], input[2], input[3]]) as usize;
                prop_assert!(len <= max_len);
                prop_assert_eq!(&payload[..], &input[4..4 + len]);
            }
            Err(FrameError::TooLarge { claimed, max }) => {
                prop_assert_eq!(max, max_len);
                prop_assert!(claimed > max_len);
                prop_assert_eq!(mem.input.position(), 4);
            }
            Err(FrameError::Truncated { in_length, expected, got }) => {
                prop_assert!(got < expected);
                let total = if in_length { got } else { 4 + got };
                prop_assert_eq!(total, input.len());
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }

    #[test]
    fn any_payload_round_trips(
        payload in proptest::collection::vec(any::<u8>(), 0..2000),
        max_read in 1usize..300,
    ) {
        let mut mem = Mem::new(&encode_frame(&payload).unwrap());
        mem.max_read = max_read;
        prop_assert_eq!(read_frame(&mut mem, payload.len(), soon()).unwrap(), payload);
    }
}
