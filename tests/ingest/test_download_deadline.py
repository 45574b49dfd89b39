"""download: deadlines kept on the clock against hosts that trickle forever.

A trickling host sends a byte every TRICKLE s, well under the read timeout, so only the whole-file
deadline (a watchdog cutting the connection) or the keyword deadline can stop it: without them a
fetch never ends, which the hang guards (a thread joined with a limit, a subprocess timeout) turn
into a failure. No upper time bound is asserted (a loaded machine must not fail these tests); the
one lower bound says a fetch was not cut before its deadline."""
import csv
import io
import os
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from search_server import make_certificate

from .conftest import ROOT, make, run_cli

TRICKLE = 0.1  # s between bytes: far below the 1 s read timeout used here
FAST = ["--timeout", "1", "--retries", "3", "--backoff", "0.1", "--no-progress"]


def png(seed):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (seed * 40 % 256, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


class TrickleServer:
    """Loopback HTTP(S) server:
    /ok/<n>.png        a PNG at once (Content-Length)
    /forever/<n>.png   200 image/png, no Content-Length, then a valid PNG one byte per TRICKLE s and
                       after it zeros, never ending (until the client goes or the server stops)
    /headers/<n>.png   a status line, then one header byte per TRICKLE s, never ending"""

    def __init__(self, tls=None):
        self.stopping = threading.Event()
        self.tls = tls
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def trickle(self, data):
                """Write `data` byte by byte, then zeros forever; stop when the client is gone."""
                try:
                    for i in range(10 ** 9):
                        if server.stopping.is_set():
                            return
                        self.wfile.write(data[i:i + 1] if i < len(data) else b"\0")
                        self.wfile.flush()
                        time.sleep(TRICKLE)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    pass
                finally:
                    self.close_connection = True

            def do_GET(self):
                kind, _, name = self.path.strip("/").partition("/")
                seed = int(name.split(".")[0]) if name.split(".")[0].isdigit() else 0
                if kind == "ok":
                    body = png(seed)
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                elif kind == "forever":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.flush()
                    self.trickle(png(seed))
                elif kind == "headers":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                    self.trickle(b"a" * 10 ** 6)
                else:
                    self.send_error(404)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(tls[1], tls[2])
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        scheme = "https" if tls else "http"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server():
    srv = TrickleServer()
    yield srv
    srv.stop()


@pytest.fixture
def tls_server(tls):
    srv = TrickleServer(tls=tls)
    yield srv
    srv.stop()


def manifest(data_dir):
    with open(data_dir / "downloads" / "manifest.csv", newline="", encoding="utf-8") as handle:
        return {row["url"]: row for row in csv.DictReader(handle)}


def timed_fetch(downloader, url, limit=30.0, **kwargs):
    """fetch in a thread, so that a regression (a stall) fails the test instead of hanging it."""
    box = {}

    def run():
        box["result"] = downloader.fetch(url, **kwargs)
    start = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    elapsed = time.monotonic() - start
    assert "result" in box, "fetch of %s still running after %.0f s" % (url, limit)
    return box["result"], elapsed


@pytest.mark.parametrize("path", ["/forever/1.png", "/headers/1.png"])
def test_a_never_ending_trickle_fails_as_timeout_at_the_file_deadline(server, path):
    from kerasgan.ingest.download import Downloader
    downloader = Downloader(timeout=1.0, retries=3, backoff=0.1, file_deadline=1.5)
    result, elapsed = timed_fetch(downloader, server.url + path)
    print("%s: %s after %.2f s (file deadline 1.5 s)" % (path, result.reason, elapsed))
    assert (result.ok, result.reason) == (False, "timeout")
    assert elapsed > 1.4
    # the same downloader (and thread-local session) still works afterwards
    result, _ = timed_fetch(downloader, server.url + "/ok/2.png")
    assert result.ok and result.kind == "PNG"


def test_the_watchdog_also_cuts_a_tls_trickle(tls_server, tls):
    from kerasgan.ingest.download import Downloader
    downloader = Downloader(timeout=1.0, retries=3, backoff=0.1, file_deadline=1.5, ca_bundle=tls[0])
    result, elapsed = timed_fetch(downloader, tls_server.url + "/forever/1.png")
    print("https forever: %s after %.2f s (file deadline 1.5 s)" % (result.reason, elapsed))
    assert (result.ok, result.reason) == (False, "timeout")
    result, _ = timed_fetch(downloader, tls_server.url + "/ok/3.png")
    assert result.ok


def test_the_keyword_deadline_stops_a_fetch_under_way(server):
    from kerasgan.ingest.download import Downloader
    downloader = Downloader(timeout=1.0, file_deadline=60)
    result, elapsed = timed_fetch(downloader, server.url + "/forever/1.png", stop_at=time.monotonic() + 1.0)
    assert (result.ok, result.reason) == (False, "keyword-deadline")
    result, elapsed = timed_fetch(downloader, server.url + "/ok/1.png", stop_at=time.monotonic() - 1)
    assert (result.ok, result.reason) == (False, "keyword-deadline")  # never started


def test_trickling_urls_fail_as_timeout_and_the_others_are_saved(server, data_dir, tmp_path):
    urls = [server.url + p for p in ("/ok/1.png", "/forever/2.png", "/ok/3.png", "/headers/4.png",
                                     "/ok/5.png", "/forever/6.png")]
    listing = tmp_path / "mixed.txt"
    listing.write_text("\n".join(urls) + "\n")
    start = time.monotonic()
    result = run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir,
                     "--file-deadline", "1.5", *FAST, timeout=60)
    elapsed = time.monotonic() - start
    print("CLI run with 3 never-ending URLs: %.2f s (file deadline 1.5 s, 8 workers)" % elapsed)
    assert "download: mixed: found 6, saved 3, skipped 0, failed 3 (timeout: 3)" in result.stdout, result.stdout
    assert "keyword deadline" not in result.stdout
    rows = manifest(data_dir)
    for url in urls:
        expected = ("saved", "") if "/ok/" in url else ("failed", "timeout")
        assert (rows[url]["status"], rows[url]["reason"]) == expected, url
    assert sorted(os.listdir(data_dir / "downloads" / "mixed")) == ["1-1.png", "3-3.png", "5-5.png"]


def test_the_keyword_deadline_bounds_many_trickling_urls(server, data_dir, tmp_path):
    urls = [server.url + "/ok/%d.png" % n for n in (1, 2)] + [server.url + "/forever/%d.png" % n for n in range(3, 43)]
    listing = tmp_path / "slow.txt"
    listing.write_text("\n".join(urls) + "\n")
    start = time.monotonic()
    # 40 trickling URLs, 2 at a time, 1.5 s each: 30 s without the keyword deadline of 2 s
    result = run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir, "--workers", "2",
                     "--file-deadline", "1.5", "--keyword-deadline", "2", *FAST, timeout=120)
    elapsed = time.monotonic() - start
    print("CLI run with 40 never-ending URLs, keyword deadline 2 s: %.2f s" % elapsed)
    rows = manifest(data_dir)
    assert len(rows) == 42
    assert [rows[u]["status"] for u in urls[:2]] == ["saved", "saved"]
    reasons = [rows[u]["reason"] for u in urls[2:]]
    assert {rows[u]["status"] for u in urls[2:]} == {"failed"}
    assert set(reasons) <= {"timeout", "keyword-deadline"}
    assert reasons.count("keyword-deadline") >= 30, reasons  # at most 4 could even start within 2 s
    assert "keyword-deadline: %d" % reasons.count("keyword-deadline") in result.stdout, result.stdout
    assert ("download: slow: keyword deadline (2 s) passed: %d URLs not fetched"
            % reasons.count("keyword-deadline")) in result.stdout

    # a re-run resumes: the saved files are kept, the rest is tried again
    again = run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir, "--workers", "8",
                    "--file-deadline", "1", "--keyword-deadline", "1", *FAST, timeout=120)
    assert "found 42, saved 0, skipped 2, failed 40" in again.stdout, again.stdout


def test_bad_deadlines_are_refused(data_dir, tmp_path):
    listing = tmp_path / "x.txt"
    listing.write_text("")
    for option, value in (("--keyword-deadline", "0"), ("--file-deadline", "-1"), ("--file-deadline", "nan")):
        result = run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir,
                         option, value, check=False)
        assert result.returncode == 2 and "not a positive number of seconds" in result.stderr, (option, value)


def test_make_download_passes_the_deadlines():
    result = make("-n", "download", "RUNNER=local", "KEYWORD_DEADLINE=5", "FILE_DEADLINE=2.5")
    assert result.returncode == 0, result.stderr
    assert "--file-deadline '2.5'" in result.stdout and "--keyword-deadline '5'" in result.stdout
    default = make("-n", "download", "RUNNER=local")
    assert "deadline" not in default.stdout  # the stage's own defaults (--help)
    helptext = make("help").stdout
    assert "KEYWORD_DEADLINE" in helptext and "FILE_DEADLINE" in helptext
    assert (ROOT / "docs" / "pikachu.md").read_text(encoding="utf-8").count("KEYWORD_DEADLINE") >= 1
