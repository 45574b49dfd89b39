"""A local image-search server on loopback for tests and demos (stdlib only, Python 3.7+).

It answers the results-page URLs that `kerasgan download --search-url` points at, in the formats
documented in kerasgan/search.py, and serves the images (and bad responses) those pages link to:

    /search?q=KEYWORD   one page holding both the google and the bing format
    /google?q=KEYWORD   only the google format (a <script> with [["https://.../x.png", w, h], ...])
    /bing?q=KEYWORD     only the bing format (<a class="iusc" m='{"murl": "..."}'>)
    /img/<name>         the images given to the server (bytes + Content-Type)
    /bad/404.jpg        404            /bad/slow.jpg      sleeps `slow` s before answering
    /bad/html.jpg       HTML labelled image/jpeg          /bad/page.jpg      HTML labelled text/html
    /bad/huge.jpg       a JPEG header then `huge` bytes, no Content-Length
    /bad/biglen.jpg     Content-Length over any sane cap  /bad/loop.jpg      redirects to itself
    /bad/flaky.png      503 on the first request, then an image (retries)
    /bad/svg.png        an SVG labelled image/png

Google's format is only recognised with https:// image URLs (google_images_download's parser), so
the server can listen on HTTPS too: give it `tls=(certfile, keyfile)`; `make_certificate()` makes a
CA and a 127.0.0.1 certificate (trustme if installed, else the openssl command), and download is
told to trust the CA with `--ca-bundle` (CA_BUNDLE= in make).

    server = SearchServer(images={"pika-1.png": (png_bytes, "image/png")}, tls=make_certificate(tmp)[1:])
    server.start()
    server.http_url  -> "http://127.0.0.1:PORT"; server.https_url -> "https://127.0.0.1:PORT2"
    ... --search-url server.http_url + "/search?q={query}"
    server.stop()

Run it by hand: python tests/search_server.py --images DIR [--port 8000] [--tls-dir DIR]
"""
import argparse
import html
import json
import mimetypes
import os
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

HTML_BODY = b"<!DOCTYPE html><html><head><title>Not an image</title></head><body>nope</body></html>"
SVG_BODY = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
# The smallest valid PNG we need for "flaky" (1x1 grey), built once by hand-free means below.


def _tiny_png():
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes([128, 64, 32] * 8) for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_certificate(directory):
    """Write ca.pem, cert.pem, key.pem (a CA and a certificate for 127.0.0.1/localhost) into
    `directory`; return their paths (ca, cert, key)."""
    directory = str(directory)
    os.makedirs(directory, exist_ok=True)
    ca, cert, key = (os.path.join(directory, n) for n in ("ca.pem", "cert.pem", "key.pem"))
    try:
        import trustme
    except ImportError:
        trustme = None
    if trustme is not None:
        authority = trustme.CA()
        issued = authority.issue_cert("127.0.0.1", "localhost")
        authority.cert_pem.write_to_path(ca)
        issued.private_key_pem.write_to_path(key)
        with open(cert, "wb") as handle:
            for blob in issued.cert_chain_pems:
                handle.write(blob.bytes())
        return ca, cert, key
    # openssl fallback: a self-signed certificate that is its own CA
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with open(cert, "rb") as src, open(ca, "wb") as dst:
        dst.write(src.read())
    return ca, cert, key


class SearchServer:
    """images: {name: (bytes, content_type)} served at /img/<name> (name may hold odd characters:
    it is URL-quoted in the pages). results: optional callable(query) -> list of names or absolute
    URLs for a query (default: every image, then every /bad/ path listed in `bad`)."""

    BAD = ("404.jpg", "slow.jpg", "html.jpg", "page.jpg", "huge.jpg", "biglen.jpg", "loop.jpg", "flaky.png",
           "svg.png")

    def __init__(self, images=None, results=None, bad=(), tls=None, slow=5.0, huge=30 * 2 ** 20):
        self.images = dict(images or {})
        self.results = results
        self.bad = tuple(bad)
        self.tls = tls
        self.slow, self.huge = slow, huge
        self.requests = []  # (scheme, path) of every request, for tests
        self.lock = threading.Lock()
        self._servers = []
        self.http_url = self.https_url = None
        self._flaky_seen = set()

    # -------------------------------------------------------------- pages
    def result_urls(self, query, https):
        base = self.https_url if (https and self.https_url) else self.http_url
        items = self.results(query) if self.results else list(self.images) + ["/bad/" + b for b in self.bad]
        urls = []
        for item in items:
            if "://" in item:
                urls.append(item)
            elif item.startswith("/bad/"):
                urls.append(base + item)
            else:
                urls.append(base + "/img/" + quote(item, safe=""))
        return urls

    def page(self, query, formats):
        parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s - image search</title></head><body>"
                 % html.escape(query), "<h1>Results for %s</h1>" % html.escape(query)]
        if "google" in formats:
            rows = [[u, 256, 256] for u in self.result_urls(query, https=True)]
            parts.append("<script>var results = %s;</script>" % json.dumps(rows).replace("</", "<\\/"))
        if "bing" in formats:
            for u in self.result_urls(query, https=False):
                meta = html.escape(json.dumps({"murl": u, "turl": "/thumb"}), quote=True)
                parts.append("<a class='iusc' href='#' m=\"%s\">result</a>" % meta)
        parts.append("</body></html>")
        return "\n".join(parts).encode("utf-8")

    # -------------------------------------------------------------- serving
    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body=b"", ctype="text/html; charset=utf-8", headers=()):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                        self.close_connection = True  # the client gave up (a timeout test)

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                parts = urlsplit(self.path)
                scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
                with server.lock:
                    server.requests.append((scheme, self.path))
                query = parse_qs(parts.query).get("q", [""])[0]
                path = parts.path
                if path in ("/search", "/google", "/bing"):
                    formats = ("google", "bing") if path == "/search" else (path[1:],)
                    return self.send(200, server.page(query, formats))
                if path.startswith("/img/"):
                    from urllib.parse import unquote
                    name = unquote(path[len("/img/"):])
                    if name in server.images:
                        body, ctype = server.images[name]
                        return self.send(200, body, ctype, [("Content-Disposition",
                                                             'attachment; filename="../../evil.jpg"')])
                    return self.send(404, b"not found")
                if path.startswith("/bad/"):
                    return self.bad(path[len("/bad/"):])
                if path == "/thumb":
                    return self.send(200, _tiny_png(), "image/png")
                return self.send(404, b"not found")

            def bad(self, name):
                if name == "slow.jpg":
                    time.sleep(server.slow)
                    return self.send(200, b"\xff\xd8\xff\xe0" + b"\0" * 100, "image/jpeg")
                if name == "html.jpg":
                    return self.send(200, HTML_BODY, "image/jpeg")
                if name == "page.jpg":
                    return self.send(200, HTML_BODY, "text/html")
                if name == "svg.png":
                    return self.send(200, SVG_BODY, "image/png")
                if name == "loop.jpg":
                    return self.send(302, b"", headers=[("Location", "/bad/loop.jpg")])
                if name == "flaky.png":
                    key = (isinstance(self.connection, ssl.SSLSocket), self.client_address[0])
                    with server.lock:
                        first = key not in server._flaky_seen
                        server._flaky_seen.add(key)
                    if first:
                        return self.send(503, b"busy")
                    return self.send(200, _tiny_png(), "image/png")
                if name == "biglen.jpg":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(10 * 2 ** 30))
                    self.end_headers()
                    self.close_connection = True
                    return None
                if name == "huge.jpg":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    try:
                        self.wfile.write(b"\xff\xd8\xff\xe0")
                        block = b"\0" * 65536
                        for _ in range(server.huge // len(block)):
                            self.wfile.write(block)
                    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                        pass
                    return None
                return self.send(404, b"not found")

        return Handler

    def start(self, port=0, https_port=0, host="127.0.0.1"):
        handler = self._handler()
        plain = ThreadingHTTPServer((host, port), handler)
        plain.daemon_threads = True
        self._servers.append(plain)
        self.http_url = "http://%s:%d" % (host, plain.server_address[1])
        if self.tls:
            secure = ThreadingHTTPServer((host, https_port), handler)
            secure.daemon_threads = True
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.tls[0], self.tls[1])
            secure.socket = context.wrap_socket(secure.socket, server_side=True)
            self._servers.append(secure)
            self.https_url = "https://%s:%d" % (host, secure.server_address[1])
        for srv in self._servers:
            threading.Thread(target=srv.serve_forever, daemon=True).start()
        return self

    def stop(self):
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        self._servers = []

    def fetched(self, prefix):
        """Paths requested that start with `prefix` (e.g. "/img/")."""
        with self.lock:
            return [p for _, p in self.requests if p.startswith(prefix)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", required=True, help="folder of images served at /img/<name>")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--tls-dir", help="write ca.pem/cert.pem/key.pem here and serve HTTPS too")
    args = parser.parse_args()
    images = {}
    for name in sorted(os.listdir(args.images)):
        path = os.path.join(args.images, name)
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                images[name] = (handle.read(), mimetypes.guess_type(name)[0] or "application/octet-stream")
    tls = make_certificate(args.tls_dir)[1:] if args.tls_dir else None
    server = SearchServer(images=images, tls=tls).start(args.port, args.https_port)
    print("serving %d images: %s/search?q={query} %s" % (len(images), server.http_url, server.https_url or ""))
    if args.tls_dir:
        print("trust it with: --ca-bundle %s (CA_BUNDLE=)" % os.path.join(args.tls_dir, "ca.pem"))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
