"""`python -m kerasgan label`: the original's one manual step, hand-labelling, as a local web page.

A stdlib HTTP server on 127.0.0.1 serves label.html, the images of DATA_DIR/reshaped/ and a small
JSON API. A click on an image cycles it through the classes (TARGET first, then the others, then
unlabelled); "Save" writes copies to DATA_DIR/labeled/{trains,valids}/<class>/ with a train/valid
split by ratio that depends only on SEED and the labels, and records every label in
labeled/labels.csv (file, class, split) so the next session starts where this one ended.

Only files this stage wrote (listed in labels.csv) are ever removed from labeled/; a different
file already sitting under a name it wants is a conflict, reported, never overwritten.
"""
import csv
import hashlib
import json
import os
import random
import re
import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .. import paths
from ..kit.files import copy_atomic, write_csv
from .filter_data import SCORED_EXTENSIONS, image_files, natural_key
from ..errors import UserError

LABELS_CSV = "labels.csv"
SPLITS = ("trains", "valids")
DEFAULT_PORT = 8765
CLASS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
PAGE = Path(__file__).with_name("label.html")


class LabelError(UserError):
    """Bad labels or classes; the message is shown to the user."""


def configure(parser):
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="dataset root (default: $KERASGAN_DATA_DIR or data)")
    parser.add_argument("--target", default="pikachu", help="the wanted class (default pikachu)")
    parser.add_argument("--classes", default=None,
                        help="comma-separated classes (default: TARGET,others); TARGET is added "
                        "first if missing")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help="port on 127.0.0.1 (default %d; 0 picks a free one)" % DEFAULT_PORT)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SEED", 0)),
                        help="seed of the train/valid split")
    parser.add_argument("--valid-ratio", type=float, default=0.3,
                        help="share of each class's images that go to valids/ (default 0.3, as "
                        "the original's 12/42 and 20/70)")


def parse_classes(target, classes=None):
    names = [c.strip() for c in (classes or "").split(",") if c.strip()] or [target, "others"]
    if target not in names:
        names.insert(0, target)
    else:
        names.remove(target)
        names.insert(0, target)
    for name in names:
        if not CLASS_NAME.match(name):
            raise LabelError("class name %r: use letters, digits, '_', '-' or '.'" % name)
    if len(set(names)) != len(names) or len(names) < 2:
        raise LabelError("need at least two distinct classes, got %s" % ", ".join(names))
    return names


def main(args):
    classes = parse_classes(args.target, args.classes)
    if not 0 <= args.valid_ratio < 1:
        raise LabelError("--valid-ratio must be in [0, 1)")
    data_dir = Path(args.data_dir or paths.data_dir())
    try:
        server = make_server(data_dir, classes, seed=args.seed, valid_ratio=args.valid_ratio,
                             port=args.port)
    except OSError as error:
        raise LabelError("cannot listen on 127.0.0.1:%d (%s); choose another port with PORT=... "
                         "(make) or --port" % (args.port, error.strerror or error))
    n = len(list_images(data_dir))
    print("label: %d image(s) of %s; classes %s. Open %s (Ctrl-C to stop)."
          % (n, data_dir / paths.RESHAPED, ", ".join(classes), server.url), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


# ---------------------------------------------------------------- labels on disk

def list_images(data_dir):
    return sorted(image_files(Path(data_dir) / paths.RESHAPED, SCORED_EXTENSIONS), key=natural_key)


def read_labels(data_dir):
    """{file: (class, split)} from labeled/labels.csv (empty if none)."""
    path = Path(data_dir) / paths.LABELED / LABELS_CSV
    if not path.is_file():
        return {}
    with path.open(newline="") as handle:
        return {row["file"]: (row["class"], row["split"]) for row in csv.DictReader(handle)}


def split_labels(labels, seed, valid_ratio):
    """{file: class} -> {file: (class, split)}. Per class: names in natural order, shuffled by a
    generator seeded with (SEED, class), the first round(n * ratio) go to valids (at least one,
    and at least one left for trains, once a class has two images)."""
    result = {}
    for cls in sorted(set(labels.values())):
        names = sorted((n for n, c in labels.items() if c == cls), key=lambda n: natural_key(Path(n)))
        random.Random("kerasgan-label:%d:%s" % (seed, cls)).shuffle(names)
        n_valid = int(len(names) * valid_ratio + 0.5)
        if len(names) >= 2 and valid_ratio > 0:
            n_valid = min(max(n_valid, 1), len(names) - 1)
        for i, name in enumerate(names):
            result[name] = (cls, "valids" if i < n_valid else "trains")
    return result


def save_labels(data_dir, labels, classes, seed=0, valid_ratio=0.3):
    """Write labeled/{trains,valids}/<class>/ copies for {file: class}; returns the counts
    {split: {class: n}}. Raises LabelError for unknown files or classes and for conflicts."""
    data_dir = Path(data_dir)
    reshaped = data_dir / paths.RESHAPED
    labeled = data_dir / paths.LABELED
    known = {p.name for p in list_images(data_dir)}
    for name, cls in labels.items():
        if name not in known:
            raise LabelError("not an image of %s: %r" % (reshaped, name))
        if cls not in classes:
            raise LabelError("unknown class %r for %s (classes: %s)"
                             % (cls, name, ", ".join(classes)))
    wanted = split_labels(labels, seed, valid_ratio)
    previous = read_labels(data_dir)

    def dest(name, where):
        return labeled / where[1] / where[0] / name

    # Refuse before changing anything if a foreign file sits where a copy must go.
    conflicts = []
    for name, where in sorted(wanted.items()):
        target = dest(name, where)
        if target.exists() and previous.get(name) != where \
                and _sha256(target) != _sha256(reshaped / name):
            conflicts.append(str(target))
    if conflicts:
        raise LabelError("these files exist and were not written by `label`; move them away: %s"
                         % ", ".join(conflicts[:10]))
    for name, where in sorted(previous.items()):
        if wanted.get(name) != where:
            old = dest(name, where)
            if old.is_file() and (not (reshaped / name).is_file()
                                  or _sha256(old) == _sha256(reshaped / name)):
                old.unlink()
    for split in SPLITS:
        for cls in classes:
            (labeled / split / cls).mkdir(parents=True, exist_ok=True)
    for name, where in sorted(wanted.items()):
        target = dest(name, where)
        if target.is_file() and _sha256(target) == _sha256(reshaped / name):
            continue
        copy_atomic(reshaped / name, target)
    write_csv(labeled / LABELS_CSV, ["file", "class", "split"],
              [{"file": name, "class": wanted[name][0], "split": wanted[name][1]}
               for name in sorted(wanted, key=lambda n: natural_key(Path(n)))])
    counts = {split: {cls: 0 for cls in classes} for split in SPLITS}
    for cls, split in wanted.values():
        counts[split][cls] += 1
    return counts


def _sha256(path):
    with open(str(path), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


# ---------------------------------------------------------------- web server

def make_server(data_dir, classes, seed=0, valid_ratio=0.3, port=DEFAULT_PORT):
    """A ThreadingHTTPServer on 127.0.0.1 (not yet serving); `.url` is its address."""
    state = {"data_dir": Path(data_dir), "classes": list(classes), "seed": seed,
             "valid_ratio": valid_ratio, "token": secrets.token_hex(16)}
    handler = type("LabelHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    state["port"] = server.server_address[1]
    server.url = "http://127.0.0.1:%d/" % state["port"]
    return server


class _Handler(BaseHTTPRequestHandler):
    state = None
    server_version = "kerasgan-label"

    def log_message(self, fmt, *args):  # quiet: one line per save is printed instead
        pass

    def _host_ok(self):
        # Only our own origin: a web page elsewhere can't reach us through DNS rebinding.
        allowed = {"127.0.0.1:%d" % self.state["port"], "localhost:%d" % self.state["port"]}
        return self.headers.get("Host", "") in allowed

    def _send(self, code, body, content_type="application/json; charset=utf-8"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if not self._host_ok():
            return self._send(403, {"error": "wrong Host header"})
        path = self.path.split("?", 1)[0]
        data_dir = self.state["data_dir"]
        if path == "/":
            page = PAGE.read_text(encoding="utf-8").replace("{{TOKEN}}", self.state["token"])
            return self._send(200, page, "text/html; charset=utf-8")
        if path == "/api/state":
            images = [p.name for p in list_images(data_dir)]
            present = set(images)
            labels = {name: where[0] for name, where in read_labels(data_dir).items()
                      if name in present and where[0] in self.state["classes"]}
            return self._send(200, {"images": images, "labels": labels,
                                    "classes": self.state["classes"],
                                    "valid_ratio": self.state["valid_ratio"],
                                    "seed": self.state["seed"],
                                    "reshaped": str(data_dir / paths.RESHAPED),
                                    "labeled": str(data_dir / paths.LABELED)})
        if path.startswith("/img/"):
            from urllib.parse import unquote
            name = unquote(path[len("/img/"):])
            files = {p.name: p for p in list_images(data_dir)}
            if name not in files:  # only names from the listing: no path tricks
                return self._send(404, {"error": "no such image"})
            kind = "image/png" if files[name].suffix.lower() == ".png" else "image/jpeg"
            return self._send(200, files[name].read_bytes(), kind)
        return self._send(404, {"error": "not found"})

    def do_POST(self):
        if not self._host_ok():
            return self._send(403, {"error": "wrong Host header"})
        if self.path != "/api/save":
            return self._send(404, {"error": "not found"})
        # A custom header with the page's token: other sites can neither read it nor send it.
        if not secrets.compare_digest(self.headers.get("X-Kerasgan-Token", ""),
                                      self.state["token"]):
            return self._send(403, {"error": "missing or wrong token"})
        try:
            length = int(self.headers.get("Content-Length", "0"))
            if length > 16 * 1024 * 1024:
                raise LabelError("request too large")
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
            labels = payload.get("labels") if isinstance(payload, dict) else None
            if not isinstance(labels, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
                raise LabelError("expected {\"labels\": {file: class}}")
            counts = save_labels(self.state["data_dir"], labels, self.state["classes"],
                                 seed=self.state["seed"], valid_ratio=self.state["valid_ratio"])
        except (LabelError, ValueError) as error:
            return self._send(400, {"error": str(error)})
        print("label: saved %s" % json.dumps(counts, sort_keys=True), flush=True)
        return self._send(200, {"counts": counts,
                                "labeled": str(self.state["data_dir"] / paths.LABELED)})
