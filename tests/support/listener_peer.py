# The Python side of tests/listener_python.rs. Reads one command a line on
# stdin, answers on stdout:
#
#   configs                  -> "config10 HEX" and "config1 HEX": test_logging's
#                               ConfigDictTest.config10 (as json.dumps) and
#                               ConfigFileTest.config1 (dedented), with the
#                               stdout stream handler turned into a FileHandler
#                               on @LOGFILE@ (hex of the UTF-8 text)
#   send PORT MODE HEX       -> "sent": test_logging's setup_via_listener client
#                               (connect, struct.pack('>L', len) + data, close).
#                               MODE: plain; reverse (the text reversed before
#                               encoding, as test_listen_verify sends it); hmac
#                               (a signed envelope, as in README's wire
#                               section); tampered (the same with the data's
#                               last byte flipped after signing)
#   reference SCENARIO HEX   -> "done": the CPython test SCENARIO replayed in
#                               this process with dictConfig/fileConfig applied
#                               as CPython's listener applies what it receives,
#                               output in DIR/py-*.log (DIR: hex of its UTF-8 path)
import hashlib, hmac, io, json, logging, logging.config, os, socket, struct, sys, textwrap, time

KEY = b"interop key"


def redirected_configs():
    from test.test_logging import ConfigDictTest, ConfigFileTest

    config10 = json.loads(json.dumps(ConfigDictTest.config10))
    hand1 = config10["handlers"]["hand1"]
    assert hand1.pop("stream") == "ext://sys.stdout"
    assert hand1["class"] == "logging.StreamHandler"
    hand1["class"] = "logging.FileHandler"
    hand1["filename"] = "@LOGFILE@"
    config1 = textwrap.dedent(ConfigFileTest.config1)
    for old, new in [("class=StreamHandler", "class=FileHandler"),
                     ("args=(sys.stdout,)", "args=('@LOGFILE@',)")]:
        assert config1.count(old) == 1, old
        config1 = config1.replace(old, new)
    return {"config10": json.dumps(config10), "config1": config1}


def send(port, data):
    # test_logging's setup_via_listener, its client half.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(2.0)
    sock.connect(('localhost', port))

    slen = struct.pack('>L', len(data))
    s = slen + data
    sentsofar = 0
    left = len(s)
    while left > 0:
        sent = sock.send(s[sentsofar:])
        sentsofar += sent
        left -= sent
    sock.close()


def verify_fail(stuff):
    return None


def verify_reverse(stuff):
    return stuff[::-1]


class Reference:
    """One of test_logging's listener tests, with BaseTest's StringIO and
    each captured stdout replaced by files, and the listener replaced by
    what it does with the bytes it receives."""

    def __init__(self, out_dir):
        self.out_dir = out_dir
        self.configs = redirected_configs()
        self.message_num = 0
        # BaseTest.setUp: root at DEBUG, a handler with BaseTest.log_format.
        root = logging.getLogger("")
        root.setLevel(logging.DEBUG)
        hdlr = logging.FileHandler(self.path("base"))
        hdlr.setFormatter(logging.Formatter("%(name)s -> %(levelname)s: %(message)s"))
        root.addHandler(hdlr)

    def path(self, name):
        return os.path.join(self.out_dir, "py-%s.log" % name)

    def next_message(self):
        self.message_num += 1
        return "%d" % self.message_num

    def setup_via_listener(self, config, out, verify=None, reverse=False):
        text = self.configs[config].replace("@LOGFILE@", self.path(out))
        if reverse:
            text = text[::-1]
        chunk = text.encode("utf-8")
        if verify is not None:
            chunk = verify(chunk)
        if chunk is None:
            return
        # logging.config's ConfigStreamHandler.handle: a JSON object is a
        # dictConfig, anything else a fileConfig.
        chunk = chunk.decode("utf-8")
        try:
            d = json.loads(chunk)
            assert isinstance(d, dict)
            logging.config.dictConfig(d)
        except Exception:
            logging.config.fileConfig(io.StringIO(chunk))

    def listen_config_10_ok(self):
        self.setup_via_listener("config10", "config10")
        logger = logging.getLogger("compiler.parser")
        logger.warning(self.next_message())
        logger = logging.getLogger('compiler')
        logger.warning(self.next_message())
        logger = logging.getLogger('compiler.lexer')
        logger.warning(self.next_message())
        logger = logging.getLogger("compiler.parser.codegen")
        logger.error(self.next_message())

    def listen_config_1_ok(self):
        self.setup_via_listener("config1", "config1")
        logger = logging.getLogger("compiler.parser")
        logger.info(self.next_message())
        logger.error(self.next_message())

    def listen_verify(self):
        logger = logging.getLogger("compiler.parser")
        self.setup_via_listener("config1", "verify-fail", verify_fail)
        logger.info(self.next_message())
        logger.error(self.next_message())
        self.setup_via_listener("config1", "verify-none")
        logger = logging.getLogger("compiler.parser")
        logger.info(self.next_message())
        logger.error(self.next_message())
        self.setup_via_listener("config1", "verify-reverse", verify_reverse, reverse=True)
        logger = logging.getLogger("compiler.parser")
        logger.info(self.next_message())
        logger.error(self.next_message())


for line in sys.stdin:
    cmd, *args = line.split()
    if cmd == "configs":
        for name, text in redirected_configs().items():
            print(name, text.encode("utf-8").hex())
    elif cmd == "send":
        port, mode, data = int(args[0]), args[1], bytes.fromhex(args[2])
        if mode == "reverse":
            data = data.decode("utf-8")[::-1].encode("utf-8")
        elif mode in ("hmac", "tampered"):
            body = b"LLS1" + struct.pack(">Q", int(time.time())) + os.urandom(16) + data
            data = body + hmac.new(KEY, body, hashlib.sha256).digest()
            if mode == "tampered":
                data = data[:-33] + bytes([data[-33] ^ 1]) + data[-32:]
        else:
            assert mode == "plain", mode
        send(port, data)
        print("sent")
    elif cmd == "reference":
        scenario, out_dir = args[0], bytes.fromhex(args[1]).decode("utf-8")
        getattr(Reference(out_dir), scenario)()
        logging.shutdown()
        print("done")
    else:
        raise SystemExit("unknown command: " + cmd)
    sys.stdout.flush()
