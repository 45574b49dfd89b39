"""A local image search engine over the demo corpus, on loopback: what `make demo` downloads from.

The download stage's `google` source drives real headless Chromium to a results page and reads
the image URLs out of its source the way google_images_download 3.0.1 does: it only accepts
`https://` URLs found as `["https://...png"` (Google's JSON arrays) or `"ou":"https://..."`.
So this server is two listeners on 127.0.0.1 with free ports (random the first time, then the same
ones again if still free, so a re-run serves the same image URLs and the download resumes):

- HTTP  `/search?q=<words>`  results page: every corpus emoji whose keywords contain all the
  words, in codepoint order, as thumbnails (`<a href=IMAGE><img src=/thumbs/...></a>`) and as a
  Google-like `<script>` array `[["https://127.0.0.1:<tls port>/images/<cp>.png",136,136,"name"],...]`;
  `/thumbs/<cp>.png` the same PNGs for the page itself.
- HTTPS `/images/<cp>.png`  the images the downloader fetches, with a certificate made for this
  server alone (openssl CLI, a throw-away CA valid for one day, in a temporary folder).

    python -m kerasgan demo-search [--corpus DIR] [--no-tls] [-- COMMAND ...]

With a COMMAND, the servers run only while it runs (its exit status is returned) and the command
sees `KERASGAN_DEMO_SEARCH_URL` (a URL template with `{query}`), `KERASGAN_DEMO_CA` and the
standard `SSL_CERT_FILE` / `REQUESTS_CA_BUNDLE` pointing at the CA, so Python's ssl and requests
trust the image server and nothing else changes. In COMMAND's arguments, `{search_url}` and `{ca}`
are replaced by the same values. Without a COMMAND it serves until Ctrl-C.
"""
import html
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

from .. import paths
from . import corpus as demo_corpus

HOST = "127.0.0.1"
PORTS = ".demo-search-ports.json"  # in the corpus folder: the ports of the last run
IMAGE_NAME = re.compile(r"^/(images|thumbs)/([0-9a-f]{4,6})\.png$")


class Corpus:
    """The index of a rendered corpus, searchable by keywords."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.rows = demo_corpus.read_index(self.folder)
        self.by_codepoint = {row["codepoint"]: row for row in self.rows}

    def search(self, query):
        words = demo_corpus.keywords(query.replace("+", " ").replace(",", " "))
        if not words:
            return []
        return [row for row in self.rows if set(words) <= set(row["keywords"].split())]

    def image_path(self, codepoint):
        row = self.by_codepoint.get(codepoint)
        return self.folder / row["file"] if row else None


def results_page(query, rows, image_base):
    """The HTML of one results page; image_base is the scheme://host:port of the image server."""
    entries = [[image_base + "/images/%s.png" % row["codepoint"], demo_corpus.CANVAS,
                demo_corpus.CANVAS, row["name"]] for row in rows]
    cells = "\n".join(
        '<a class="result" href="%s"><img src="/thumbs/%s.png" alt="%s" title="%s" width="68" '
        'height="68"></a>' % (html.escape(url), row["codepoint"], html.escape(row["name"]),
                              html.escape(row["name"]))
        for (url, _, _, _), row in zip(entries, rows))
    # '</' cannot appear in JSON of these names, but escape it anyway so the script can't end early.
    data = json.dumps(entries, ensure_ascii=True).replace("</", "<\\/")
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s - demo image search"
            "</title></head>\n<body>\n<h1>%d results for &ldquo;%s&rdquo;</h1>\n"
            "<div id=\"results\">\n%s\n</div>\n<script>var results = %s;</script>\n</body></html>\n"
            % (html.escape(query), len(rows), html.escape(query), cells, data))


def _handler(corpus, image_base, serve_search):
    class Handler(BaseHTTPRequestHandler):
        server_version = "kerasgan-demo-search"

        def log_message(self, *args):  # quiet: the download stage reports what it fetched
            pass

        def _send(self, status, body, content_type):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self):
            url = urlsplit(self.path)
            match = IMAGE_NAME.match(url.path)
            if serve_search and url.path in ("/search", "/"):
                query = parse_qs(url.query).get("q", [""])[0]
                body = results_page(query, corpus.search(query), image_base()).encode("utf-8")
                return self._send(200, body, "text/html; charset=utf-8")
            if match and (match.group(1) == "images" or serve_search):
                path = corpus.image_path(match.group(2))
                if path and path.is_file():
                    return self._send(200, path.read_bytes(), "image/png")
            self._send(404, b"not found\n", "text/plain")

        do_HEAD = do_GET

    return Handler


def make_tls_context(folder):
    """A one-day CA and a 127.0.0.1 certificate signed by it (openssl CLI); returns (context, ca)."""
    if not shutil.which("openssl"):
        raise RuntimeError("demo-search needs the openssl command for its loopback HTTPS server "
                           "(Debian: apt-get install openssl), or use --no-tls")
    folder = Path(folder)
    ca_key, ca, key, csr, cert = (folder / n for n in ("ca.key", "ca.pem", "key.pem", "req.csr", "cert.pem"))
    ext = folder / "ext.cnf"
    ext.write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                   "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n"
                   "authorityKeyIdentifier=keyid\nsubjectKeyIdentifier=hash\n")

    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
        "/CN=kerasgan demo search CA", "-keyout", str(ca_key), "-out", str(ca),
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", str(key),
        "-out", str(csr))
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "1", "-extfile", str(ext), "-out", str(cert))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    return context, ca


class SearchServer:
    """Both listeners in daemon threads. Use as a context manager; see .search_url and .ca."""

    def __init__(self, corpus_dir=None, tls=True):
        self.corpus = Corpus(corpus_dir or paths.data_dir() / demo_corpus.CORPUS)
        self.tls = tls
        self._servers = []
        self._tmp = None
        self.ca = None

    def _bind(self, name, handler):
        """The port this corpus's server had last time if it is free (so the image URLs, which the
        download manifest keys on, stay the same across demo runs and its resume works), else any."""
        try:
            port = int(self._ports.get(name, 0))
            return ThreadingHTTPServer((HOST, port), handler)
        except (OSError, ValueError, TypeError, OverflowError):
            return ThreadingHTTPServer((HOST, 0), handler)

    def __enter__(self):
        image_base = lambda: self.image_base  # noqa: E731 (known once both ports are bound)
        ports_file = self.corpus.folder / PORTS
        try:
            self._ports = json.loads(ports_file.read_text())
        except (OSError, ValueError):
            self._ports = {}
        self.search = self._bind("search", _handler(self.corpus, image_base, True))
        self._servers.append(self.search)
        if self.tls:
            self._tmp = tempfile.mkdtemp(prefix="kerasgan-demo-tls-")
            context, self.ca = make_tls_context(self._tmp)
            images = self._bind("images", _handler(self.corpus, image_base, False))
            images.socket = context.wrap_socket(images.socket, server_side=True)
            self._servers.append(images)
            self.image_base = "https://%s:%d" % (HOST, images.server_address[1])
        else:
            self.image_base = "http://%s:%d" % (HOST, self.search.server_address[1])
        self.base = "http://%s:%d" % (HOST, self.search.server_address[1])
        self.search_url = self.base + "/search?q={query}"
        try:
            ports_file.write_text(json.dumps({"search": self.search.server_address[1],
                                              "images": self._servers[-1].server_address[1]}))
        except OSError:
            pass
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        for server in self._servers:
            server.shutdown()
            server.server_close()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def environment(self):
        env = {"KERASGAN_DEMO_SEARCH_URL": self.search_url}
        if self.ca:
            env.update(KERASGAN_DEMO_CA=str(self.ca), SSL_CERT_FILE=str(self.ca),
                       REQUESTS_CA_BUNDLE=str(self.ca))
        return env


def configure(parser):
    parser.add_argument("--corpus", help="rendered corpus (default: DATA_DIR/%s)" % demo_corpus.CORPUS)
    parser.add_argument("--no-tls", action="store_true",
                        help="serve the images over plain HTTP (URLs then start with http://)")
    parser.add_argument("command", nargs="*", metavar="COMMAND",
                        help="run this while serving (after --); {search_url} and {ca} are replaced")


def main(args):
    with SearchServer(args.corpus, tls=not args.no_tls) as server:
        env = server.environment()
        print("demo-search: %d emoji; search %s, images %s"
              % (len(server.corpus.rows), server.search_url, server.image_base), flush=True)
        if not args.command:
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
            return 0
        values = {"search_url": server.search_url, "ca": str(server.ca or "")}
        command = [arg.replace("{search_url}", values["search_url"]).replace("{ca}", values["ca"])
                   for arg in args.command]
        child = subprocess.Popen(command, env=dict(os.environ, **env))
        try:
            return child.wait()
        except KeyboardInterrupt:
            child.send_signal(signal.SIGINT)
            return child.wait()
