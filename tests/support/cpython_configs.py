# Runs CPython's own test_logging configs (ConfigDictTest.config*,
# ConfigFileTest.config*) with their stream handlers redirected to a file,
# makes a fixed series of log calls after each, and prints one JSON line per
# config: the config text (with @LOGFILE@ where the file goes), whether it
# applied, and what was written. The Rust test replays the same and compares.
import json, logging, logging.config, os, re, sys, io
from test.test_logging import ConfigDictTest, ConfigFileTest

out_dir = sys.argv[1]
LOGGERS = ["", "compiler", "compiler.parser", "compiler.lexer", "compiler.parser.codegen", "other"]
LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL]


def calls():
    n = 0
    for name in LOGGERS:
        for level in LEVELS:
            logging.getLogger(name).log(level, "m%d" % n)
            n += 1


def redirect(node):
    """Stream handlers to stdout/stderr become FileHandlers on @LOGFILE@."""
    if isinstance(node, dict):
        cls = node.get("class")
        if isinstance(cls, str) and cls.endswith("StreamHandler") and str(node.get("stream", "")).startswith("ext://sys.std"):
            del node["stream"]
            node["class"] = "logging.FileHandler"
            node["filename"] = "@LOGFILE@"
        for v in node.values():
            redirect(v)
    elif isinstance(node, list):
        for v in node:
            redirect(v)


def dict_cases():
    for name in sorted(n for n in vars(ConfigDictTest) if re.fullmatch(r"config\d+\w*", n)):
        cfg = getattr(ConfigDictTest, name)
        try:
            text = json.dumps(cfg)
        except TypeError:
            continue  # holds Python objects: needs Python classes
        if '"()"' in text or "__main__" in text or "test.test_logging" in text:
            continue
        cfg = json.loads(text)
        redirect(cfg)
        yield "dict", name, json.dumps(cfg)


def file_cases():
    for name in sorted(n for n in vars(ConfigFileTest) if re.fullmatch(r"config\d+\w*", n)):
        text = getattr(ConfigFileTest, name)
        if not isinstance(text, str) or "{tempfile" in text or "__main__" in text:
            continue
        text = re.sub(r"class\s*=\s*(logging\.)?StreamHandler", "class=FileHandler", text)
        text = re.sub(r"args\s*=\s*\(sys\.std(out|err),\)", "args=('@LOGFILE@',)", text)
        yield "file", name, text


for kind, name, text in list(dict_cases()) + list(file_cases()):
    path = os.path.join(out_dir, "py-%s-%s.log" % (kind, name))
    concrete = text.replace("@LOGFILE@", path)
    result = {"kind": kind, "name": name, "config": text, "ok": True, "error": "", "output": ""}
    saved = sys.stderr
    sys.stderr = io.StringIO()  # the last-resort handler's output is not compared
    try:
        if kind == "dict":
            logging.config.dictConfig(json.loads(concrete))
        else:
            logging.config.fileConfig(io.StringIO(concrete))
    except Exception as e:
        result["ok"] = False
        result["error"] = "%s: %s" % (type(e).__name__, e)
    try:
        calls()
    finally:
        sys.stderr = saved
    for h in logging.getLogger().handlers:
        h.flush()
    for name_ in logging.Logger.manager.loggerDict:
        lg = logging.Logger.manager.loggerDict[name_]
        for h in getattr(lg, "handlers", []):
            h.flush()
    if os.path.exists(path):
        with open(path) as f:
            result["output"] = f.read()
    print(json.dumps(result))
