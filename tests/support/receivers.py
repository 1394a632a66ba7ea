# Receivers for the network handler tests, after the logging cookbook:
# python3 receivers.py MODE COUNT prints "PORT n", then receives COUNT
# records (or mails, or requests), prints one JSON line for each, exits.
# An alarm bounds the whole run.
import json, pickle, signal, socketserver, struct, sys, logging, email, email.policy
import http.server, urllib.parse

signal.alarm(30)
mode, count = sys.argv[1], int(sys.argv[2])
FIELDS = ["name", "levelno", "levelname", "msg", "args", "pathname", "filename",
          "module", "lineno", "exc_info", "exc_text", "stack_info", "processName"]
out = []

def record_line(obj):
    record = logging.makeLogRecord(obj)
    line = {k: getattr(record, k, None) for k in FIELDS}
    line["created"] = record.created
    line["message"] = record.getMessage()
    out.append(json.dumps(line, sort_keys=True))

class Stream(socketserver.StreamRequestHandler):
    def handle(self):
        while len(out) < count:
            chunk = self.connection.recv(4)
            if len(chunk) < 4:
                return
            slen = struct.unpack(">L", chunk)[0]
            data = self.connection.recv(slen)
            while len(data) < slen:
                data = data + self.connection.recv(slen - len(data))
            record_line(pickle.loads(data))

class Datagram(socketserver.BaseRequestHandler):
    def handle(self):
        data = self.request[0]
        assert struct.unpack(">L", data[:4])[0] == len(data) - 4
        record_line(pickle.loads(data[4:]))

class Http(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def reply(self, query):
        fields = {k: v[0] for k, v in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        fields.pop("created"); fields.pop("msecs"); fields.pop("relativeCreated")
        fields.pop("thread"); fields.pop("threadName"); fields.pop("process")
        fields.pop("funcName")
        headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
        out.append(json.dumps({"method": self.command, "path": self.path.split("?")[0],
                               "keys": list(urllib.parse.parse_qs(query, keep_blank_values=True)),
                               "fields": fields, "headers": headers}, sort_keys=True))
        self.send_response(200)
        self.end_headers()
    def do_GET(self):
        self.reply(urllib.parse.urlsplit(self.path).query)
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.reply(body)

class Smtp(socketserver.StreamRequestHandler):
    def handle(self):
        commands = []
        def send(line):
            self.wfile.write(line.encode() + b"\r\n")
        send("220 sink ready")
        while True:
            line = self.rfile.readline().decode().rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ")[0].lower()
            commands.append(verb if verb in ("ehlo", "helo") else line)
            if verb == "ehlo":
                send("250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 100000")
            elif verb == "auth":
                send("235 ok")
            elif verb == "data":
                send("354 go on")
                lines = []
                while True:
                    l = self.rfile.readline()
                    if l == b".\r\n":
                        break
                    lines.append(l[1:] if l.startswith(b".") else l)
                msg = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                mail = {k: v for k, v in msg.items() if k != "Date"}
                mail["date"] = email.utils.parsedate_to_datetime(msg["Date"]).timestamp()
                mail["body"] = msg.get_content()
                mail["raw_without_date"] = b"".join(l for l in lines if not l.startswith(b"Date:")).decode()
                send("250 kept")
            elif verb == "quit":
                send("221 bye")
                out.append(json.dumps({"commands": commands, "mail": mail}, sort_keys=True))
                return
            else:
                send("250 ok")

servers = {"tcp": (socketserver.TCPServer, Stream),
           "udp": (socketserver.UDPServer, Datagram),
           "http": (http.server.HTTPServer, Http),
           "smtp": (socketserver.TCPServer, Smtp)}
kind, handler = servers[mode]
kind.allow_reuse_address = True
server = kind(("127.0.0.1", 0), handler)
print("PORT", server.server_address[1], flush=True)
while len(out) < count:
    server.handle_request()
for line in out[:count]:
    print(line)
