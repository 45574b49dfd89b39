"""`kerasgan download`: find image URLs for each keyword (SOURCE) and fetch them with one downloader.

Runs in the ingestion environment (.venv-ingest; docs/security.md#two-environments). The sources (google, bing,
urls) only find URLs (kerasgan.ingest.search documents what a results page must contain); every file is
fetched here, whatever the source:

- timeouts: connect/read, a whole-file deadline (all attempts of one URL together) kept on the
  clock by a watchdog that cuts the connection when it passes, so a host that trickles a byte now
  and then (never tripping the read timeout) fails as `timeout` instead of stalling the stage; and a
  per-keyword deadline after which the URLs not fetched yet are recorded as `keyword-deadline`;
- retries with exponential back-off for timeouts, connection errors, 429 and 5xx, while the file's
  deadline leaves room; redirects capped (a loop fails as `redirect-loop`);
- a Content-Type that is not image/* or octet-stream is refused before the body is read, a
  Content-Length over the cap too; the body is read up to MAX_BYTES and its first bytes must be one
  of kerasgan.ingest.imagetypes.ACCEPTED (`not-an-image:html`, ...) whatever the headers said;
- the file name is ours: `<n>-<slug>.<ext>` with n a per-keyword counter, slug at most 40 of
  [A-Za-z0-9_-] from the URL's last path segment, ext from the sniffed bytes; written to a
  temporary `tmp-*.part` and linked into place without ever replacing an existing file; files get
  the user's umask (0644 under umask 022), as any file the user creates;
- resume: a URL whose file the manifest lists and which is still on disk is skipped, and so is a
  download whose bytes equal a file already kept for that keyword;
- `DATA_DIR/downloads/manifest.csv`: one row per (keyword, url), the latest attempt.
"""
import csv
import hashlib
import heapq
import itertools
import os
import re
import secrets
import socket
import sys
import threading
import time
import unicodedata
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import paths
from ..errors import UserError
from . import imagetypes
from .search import DEFAULT_SEARCH_URLS, SOURCES, BrowserSearch, SearchError, urls_from_file

DEFAULT_KEYWORDS = "ピカチュウ,Pikachu,ポケモン,Pokemon"
MANIFEST_FIELDS = ("keyword", "source", "url", "file", "bytes", "sha256", "status", "reason", "time")
OCTET_TYPES = ("application/octet-stream", "binary/octet-stream", "application/binary")
RETRY_STATUS = (408, 425, 429, 500, 502, 503, 504)
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0 Safari/537.36 kerasgan")


# ---------------------------------------------------------------- names
def safe_dirname(keyword):
    """A folder name for a keyword: its letters kept (ピカチュウ stays), nothing that can escape."""
    name = unicodedata.normalize("NFC", keyword)
    name = "".join("_" if (c in '/\\:*?"<>|' or unicodedata.category(c)[0] == "C") else c for c in name)
    name = name.strip().lstrip(".-").rstrip(". ")[:100]
    return name or "keyword"


def url_slug(url, limit=40):
    tail = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    stem = tail.rsplit(".", 1)[0] if "." in tail else tail
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_-")[:limit].strip("_-")
    return slug or "image"


# ---------------------------------------------------------------- manifest
def read_manifest(path):
    rows = {}
    if path.is_file():
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows[(row["keyword"], row["url"])] = row
    return rows


def create_temp(directory, prefix, suffix):
    """A new empty file in `directory`, opened for writing: (fd, path). Like tempfile.mkstemp, but
    created with mode 0666 so the kernel applies the umask: mkstemp's 0600 would survive the
    rename/link into place and leave the user's images and manifest private to them."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        path = os.path.join(str(directory), prefix + secrets.token_hex(8) + suffix)
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError("no free temporary name in %s" % directory)


def write_manifest(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_temp(path.parent, "tmp-manifest-", ".part")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows.values():
            writer.writerow(row)
    os.replace(tmp, str(path))


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------- fetching
class Fetched:
    def __init__(self, ok, reason="", data=b"", kind=None):
        self.ok, self.reason, self.data, self.kind = ok, reason, data, kind


class _Watchdog:
    """One thread that calls each registered callback once its time (time.monotonic()) has come.

    The read timeout only bounds the wait for the *next* byte, and a read of N bytes blocks until
    all N came: neither stops a host that sends a byte every few seconds forever. Checking the clock
    between reads does not either, since the read itself never returns. Only another thread can
    stop it, by shutting the socket down under the blocked read."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap = []  # (when, token); cancelled tokens are dropped when they reach the top
        self._callbacks = {}
        self._tokens = itertools.count()
        self._thread = None

    def add(self, when, callback):
        with self._cond:
            token = next(self._tokens)
            self._callbacks[token] = callback
            heapq.heappush(self._heap, (when, token))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="download-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def remove(self, token):
        """Once this returns, the callback has either run already or never will."""
        with self._cond:
            self._callbacks.pop(token, None)

    def _run(self):
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] not in self._callbacks:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                when, token = self._heap[0]
                delay = when - time.monotonic()
                if delay > 0:
                    self._cond.wait(delay)
                    continue
                heapq.heappop(self._heap)
                callback = self._callbacks.pop(token)
                try:
                    callback()  # under the lock: remove() cannot return while it runs
                except Exception:  # noqa: BLE001 - the watchdog must outlive any one callback
                    pass


_current = threading.local()  # .attempt: the _Attempt this thread's request belongs to


class _Attempt:
    """One request's clock: `expire` (from the watchdog) shuts down the socket the request is using,
    waking a read blocked on it; the fetching thread then sees `expired`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.expired = False
        self.connection = None
        # the socket is remembered, not only looked up on the connection at expiry: http.client
        # drops the connection's reference for a `Connection: close` response, whose body is then
        # read through the response's own reference to the same socket
        self.sock = None

    def watch(self, connection):
        """The request now uses `connection` (called on each request and after each connect)."""
        with self.lock:
            self.connection = connection
            self.sock = getattr(connection, "sock", None) or self.sock
            expired = self.expired
        if expired:  # the deadline passed while connecting: do not let it start reading
            self.expire()

    def expire(self):
        with self.lock:
            self.expired = True
            # the connection's current socket too: during a TLS handshake it is not reported yet
            socks = {id(s): s for s in (self.sock, getattr(self.connection, "sock", None)) if s is not None}
        for sock in socks.values():
            try:
                # the plain socket's shutdown, also for an SSLSocket (whose own shutdown would
                # unwrap the TLS object under the reading thread): the blocked recv returns at once
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


_ADAPTER = []


def _watched_adapter_class():
    """A requests adapter whose connections report themselves to the current _Attempt, so the
    watchdog can reach the socket while requests blocks anywhere (connect, TLS handshake, headers,
    body). Built on first use: requests is imported lazily, as everywhere in this module."""
    if _ADAPTER:
        return _ADAPTER[0]
    import urllib3.poolmanager
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Watched:
        def request(self, *args, **kwargs):
            attempt = getattr(_current, "attempt", None)
            if attempt is not None:
                attempt.watch(self)
            return super().request(*args, **kwargs)

        def connect(self):
            super().connect()
            attempt = getattr(_current, "attempt", None)
            if attempt is not None:
                attempt.watch(self)  # self.sock is new: cut it if the deadline passed meanwhile

    class WatchedHTTPConnection(Watched, HTTPConnection):
        pass

    class WatchedHTTPSConnection(Watched, HTTPSConnection):
        pass

    class WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = WatchedHTTPConnection

    class WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPSConnection

    pools = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}

    def watched(manager):
        # only urllib3's own pools are replaced: a SOCKS proxy manager keeps its pools (there the
        # deadline is checked between chunks only)
        if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
            manager.pool_classes_by_scheme = pools
        return manager

    class WatchedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            watched(self.poolmanager)

        def proxy_manager_for(self, proxy, **kwargs):
            return watched(super().proxy_manager_for(proxy, **kwargs))

    _ADAPTER.append(WatchedAdapter)
    return WatchedAdapter


class Downloader:
    """Fetches one URL into memory with every check; thread-safe (one requests session per thread).

    `file_deadline` (s, default 4 x timeout) bounds one URL: every attempt, back-off and redirect
    together; `fetch(url, stop_at)` also stops at `stop_at` (time.monotonic(), the keyword's deadline)."""

    def __init__(self, timeout=10.0, retries=3, backoff=0.5, max_bytes=20 * 2 ** 20, min_bytes=64,
                 max_redirects=5, ca_bundle=None, file_deadline=None):
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.max_bytes, self.min_bytes, self.max_redirects = max_bytes, min_bytes, max_redirects
        self.ca_bundle = ca_bundle
        self.file_deadline = 4 * timeout if file_deadline is None else file_deadline
        self._local = threading.local()
        self._watchdog = _Watchdog()

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            import requests
            session = requests.Session()
            adapter = _watched_adapter_class()
            session.mount("http://", adapter())
            session.mount("https://", adapter())
            session.max_redirects = self.max_redirects
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5"
            self._local.session = session
        return session

    def fetch(self, url, stop_at=None):
        import requests
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            return Fetched(False, "unsupported-scheme:" + (scheme or "none"))
        start = time.monotonic()
        deadline, missed = start + self.file_deadline, "timeout"
        if stop_at is not None and stop_at < deadline:
            deadline, missed = stop_at, "keyword-deadline"  # the keyword's time runs out first
        if start >= deadline:
            return Fetched(False, missed)
        reason = "unknown"
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff * 2 ** (attempt - 1)
                if time.monotonic() + delay >= deadline:
                    break  # no time left for another try: the last failure stands
                time.sleep(delay)
            try:
                result = self._once(url, deadline)
            except _Deadline:
                return Fetched(False, missed)  # not retried: the deadline covers every attempt
            except requests.TooManyRedirects:
                return Fetched(False, "redirect-loop")
            except requests.exceptions.SSLError:
                return Fetched(False, "tls-error")
            except requests.Timeout:
                if time.monotonic() >= deadline:  # a wait cut short to the time left
                    return Fetched(False, missed)
                reason = "timeout"
                continue
            except requests.ConnectionError:
                reason = "connection-error"
                continue
            except requests.RequestException as error:
                return Fetched(False, "request-error:" + type(error).__name__)
            if result.ok or not result.reason.startswith("retry:"):
                return result
            reason = result.reason[len("retry:"):]
        return Fetched(False, reason)

    def _once(self, url, deadline):
        """One request; raises _Deadline when `deadline` passed before the file was complete."""
        attempt = _Attempt()
        token = self._watchdog.add(deadline, attempt.expire)
        _current.attempt = attempt
        try:
            result = self._request(url, deadline)
        except Exception:
            # whatever the cut socket made requests raise (a connection, TLS or chunk error)
            if attempt.expired:
                raise _Deadline() from None
            raise
        finally:
            self._watchdog.remove(token)
            _current.attempt = None
        if attempt.expired:
            # the cut may also look like a clean end of a body without Content-Length: never keep it
            raise _Deadline()
        return result

    def _request(self, url, deadline):
        # verify per request: a session-level value loses to REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE
        verify = self.ca_bundle or True
        # no single wait longer than the time left (the watchdog cannot reach a socket still connecting)
        wait_at_most = max(0.01, min(self.timeout, deadline - time.monotonic()))
        with self._session().get(url, stream=True, timeout=(wait_at_most, wait_at_most), verify=verify) as response:
            status = response.status_code
            if status in RETRY_STATUS:
                return Fetched(False, "retry:http-%d" % status)
            if status != 200:
                return Fetched(False, "http-%d" % status)
            ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if ctype and not (ctype.startswith("image/") or ctype in OCTET_TYPES):
                return Fetched(False, "content-type:" + ctype[:40])
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                return Fetched(False, "too-large")
            data = bytearray()
            for chunk in response.iter_content(65536):
                data += chunk
                if len(data) > self.max_bytes:
                    return Fetched(False, "too-large")
                if time.monotonic() > deadline:  # the watchdog's job; this only saves a last read
                    raise _Deadline()
                if len(data) >= 16 and len(data) - len(chunk) < 16 and imagetypes.sniff(data) is None:
                    return Fetched(False, "not-an-image:" + imagetypes.describe(data))
        kind = imagetypes.sniff(data)
        if kind is None:
            return Fetched(False, "not-an-image:" + imagetypes.describe(data))
        if len(data) < self.min_bytes:
            return Fetched(False, "too-small")
        return Fetched(True, "", bytes(data), kind)


class _Deadline(Exception):
    """The whole file took longer than its deadline (a slow trickle that dodges read timeouts)."""


# ---------------------------------------------------------------- storing
class KeywordFolder:
    """downloads/<keyword>/: allocates names, never overwrites, knows what it holds."""

    NUMBER = re.compile(r"^(\d+)-")

    def __init__(self, root, keyword):
        self.keyword = keyword
        self.name = safe_dirname(keyword)
        self.path = root / self.name
        self.path.mkdir(parents=True, exist_ok=True)
        for stale in self.path.glob("tmp-*.part"):
            stale.unlink()
        numbers = [int(m.group(1)) for m in map(self.NUMBER.match, os.listdir(self.path)) if m]
        self.next_number = max(numbers, default=0) + 1
        self.lock = threading.Lock()

    def number(self):
        with self.lock:
            n = self.next_number
            self.next_number += 1
            return n

    def store(self, number, url, fetched):
        """Write the bytes under a new name of ours; return the file name (relative to the folder)."""
        ext = imagetypes.EXTENSIONS[fetched.kind]
        fd, tmp = create_temp(self.path, "tmp-", ".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(fetched.data)
            base = "%d-%s" % (number, url_slug(url))
            for attempt in range(1000):
                name = "%s.%s" % (base, ext) if not attempt else "%s-%d.%s" % (base, attempt + 1, ext)
                try:
                    os.link(tmp, str(self.path / name))  # fails if the name exists: no overwrite
                    return name
                except FileExistsError:
                    continue
            raise OSError("no free file name for " + base)
        finally:
            os.unlink(tmp)


# ---------------------------------------------------------------- the stage
def download_keyword(keyword, urls, source, folder, downloader, manifest, limit, workers, progress=True,
                     keyword_deadline=None):
    """Fetch `urls` for one keyword until `limit` files are on disk or `keyword_deadline` seconds
    have passed; update `manifest` in place. When the deadline passes, downloads under way stop and
    the URLs not fetched are recorded as failed with reason `keyword-deadline` (a re-run resumes)."""
    from tqdm import tqdm

    counts = Counter(found=len(urls))
    failures = Counter()
    known, kept, pending = _already_kept(keyword, urls, folder, manifest, limit, counts)

    bar = tqdm(total=min(limit, len(urls)), initial=kept, desc=keyword, unit="img", file=sys.stderr,
               disable=not progress, mininterval=0.5, dynamic_ncols=True)

    def record(url, status, reason, file="", data=b"", sha=""):
        manifest[(keyword, url)] = dict(keyword=keyword, source=source, url=url, file=file,
                                        bytes=str(len(data)) if data else "", sha256=sha,
                                        status=status, reason=reason, time=now())

    # the clock starts with the downloads (finding the URLs has its own limits: scrolls, timeouts)
    stop_at = None if keyword_deadline is None else time.monotonic() + keyword_deadline
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        running = deque()  # (future, url, number) in URL order: results are taken in that order,
        while pending or running:  # so which of two equal files is kept does not depend on timing
            if pending and stop_at is not None and time.monotonic() >= stop_at and kept + len(running) < limit:
                # fetches under way stop by themselves (fetch's stop_at); these are never started
                for url in pending:
                    record(url, "failed", "keyword-deadline")
                failures["keyword-deadline"] += len(pending)
                counts["failed"] += len(pending)
                pending.clear()
            while pending and len(running) < 4 * workers and kept + len(running) < limit:
                url = pending.popleft()
                running.append((pool.submit(downloader.fetch, url, stop_at), url, folder.number()))
            if not running:
                break
            wait([running[0][0]], return_when=FIRST_COMPLETED)
            while running and running[0][0].done():
                future, url, number = running.popleft()
                outcome = _keep(future.result(), url, number, folder, known, record)
                counts[outcome[0]] += 1
                if outcome[0] == "failed":
                    failures[outcome[1]] += 1
                elif outcome[0] == "saved":
                    kept += 1
                    bar.update(1)
    bar.close()
    return counts, failures


def _already_kept(keyword, urls, folder, manifest, limit, counts):
    """From the manifest: {sha256: file} of this folder's saved files, how many of `urls` are
    on disk already (counted as skipped, up to `limit`), and the URLs still to fetch."""
    known = {}  # sha256 -> file, for files already kept in this folder
    for row in manifest.values():
        if row["keyword"] == keyword and row["status"] == "saved" and (folder.path.parent / row["file"]).is_file():
            known[row["sha256"]] = row["file"]
    kept = 0
    pending = deque()
    for url in urls:
        row = manifest.get((keyword, url))
        if row and row["file"] and (folder.path.parent / row["file"]).is_file() \
                and os.path.getsize(folder.path.parent / row["file"]) == int(row["bytes"] or -1):
            if kept < limit:
                counts["skipped"] += 1
                kept += 1
            continue
        pending.append(url)
    return known, kept, pending


def _keep(fetched, url, number, folder, known, record):
    """One fetched URL: store it unless it failed or repeats a kept file; -> (status, reason)."""
    if not fetched.ok:
        record(url, "failed", fetched.reason)
        return "failed", fetched.reason
    sha = hashlib.sha256(fetched.data).hexdigest()
    if sha in known:
        record(url, "skipped", "same-content-as:" + known[sha], known[sha], fetched.data, sha)
        return "skipped", ""
    try:
        name = folder.store(number, url, fetched)
    except OSError as error:
        record(url, "failed", "write-error:" + (error.strerror or type(error).__name__))
        return "failed", "write-error"
    relative = "%s/%s" % (folder.name, name)
    known[sha] = relative
    record(url, "saved", "", relative, fetched.data, sha)
    return "saved", ""


def summary_line(label, counts, failures):
    text = "%s: found %d, saved %d, skipped %d, failed %d" % (
        label, counts["found"], counts["saved"], counts["skipped"], counts["failed"])
    if failures:
        text += " (" + ", ".join("%s: %d" % kv for kv in sorted(failures.items())) + ")"
    return text


def positive(text):
    import argparse
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("not a positive number of seconds: %r" % text)
    return value


def configure(parser):
    parser.add_argument("--source", choices=SOURCES, default="google",
                        help="where image URLs come from (default: google)")
    parser.add_argument("--keywords", default=DEFAULT_KEYWORDS,
                        help="comma-separated search keywords (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=10000, help="images to keep per keyword (default: 10000)")
    parser.add_argument("--urls", help="for --source urls: a text file with one URL per line")
    parser.add_argument("--chromedriver", help="chromedriver executable (default: chromedriver on PATH)")
    parser.add_argument("--browser", help="Chromium/Chrome executable (default: chromium on PATH)")
    parser.add_argument("--search-url",
                        help="results page URL template with {query}, e.g. http://127.0.0.1:8000/search?q={query} "
                             "(default: the real Google/Bing page); see kerasgan.ingest.search for the HTML it must hold")
    parser.add_argument("--ca-bundle", help="PEM file of extra CA certificates to trust when fetching images "
                                            "(e.g. a local HTTPS test server's)")
    parser.add_argument("--data-dir", help="dataset root (default: $KERASGAN_DATA_DIR or data)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per connect/read (default: 10)")
    parser.add_argument("--file-deadline", type=positive, default=40.0,
                        help="seconds for one file, all its tries, back-off and redirects included; a host "
                             "still sending then fails as `timeout` (default: 40)")
    parser.add_argument("--keyword-deadline", type=positive, default=1800.0,
                        help="seconds for one keyword's downloads (from the first one): then downloads under "
                             "way stop and the URLs left are recorded as `keyword-deadline`; a re-run "
                             "resumes them (default: 1800)")
    parser.add_argument("--retries", type=int, default=3, help="retries after a timeout, connection error, "
                                                               "429 or 5xx, while the file deadline leaves "
                                                               "time (default: 3)")
    parser.add_argument("--backoff", type=float, default=0.5, help="first retry delay in s, doubled each time")
    parser.add_argument("--max-mb", type=float, default=20.0, help="largest file kept, in MB (default: 20)")
    parser.add_argument("--workers", type=int, default=8, help="parallel downloads (default: 8)")
    parser.add_argument("--scrolls", type=int, default=10, help="scrolls of a results page at most (default: 10)")
    parser.add_argument("--scroll-pause", type=float, default=0.5, help="seconds after each scroll (default: 0.5)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")


def _jobs(args):
    """-> ([(keyword, None)], the browser search or None for a URL list)."""
    if args.source == "urls":
        if not args.urls:
            raise UserError("--source urls needs --urls FILE (make download SOURCE=urls URLS=file.txt)")
        if not os.path.isfile(args.urls):
            raise UserError("URLS=%s is not a file" % args.urls)
        return [(Path(args.urls).stem or "urls", None)], None
    keywords = [k.strip() for k in args.keywords.split(",") if k.strip()]
    if not keywords:
        raise UserError("no keywords given (KEYWORDS=a,b,c)")
    return [(k, None) for k in keywords], BrowserSearch(
        args.source, args.search_url, args.chromedriver, args.browser,
        scrolls=args.scrolls, pause=args.scroll_pause)


def main(args):
    root = Path(args.data_dir) if args.data_dir else paths.data_dir()
    downloads = root / paths.DOWNLOADS
    downloads.mkdir(parents=True, exist_ok=True)
    manifest_path = downloads / "manifest.csv"
    manifest = read_manifest(manifest_path)
    jobs, finder = _jobs(args)
    downloader = Downloader(timeout=args.timeout, retries=args.retries, backoff=args.backoff,
                            max_bytes=int(args.max_mb * 2 ** 20), ca_bundle=args.ca_bundle,
                            file_deadline=args.file_deadline)
    total, total_failures = Counter(), Counter()
    errors = 0
    try:
        for keyword, _ in jobs:
            if finder is None:
                urls = urls_from_file(args.urls)
            else:
                try:
                    urls = finder.urls(keyword)
                except SearchError as error:
                    print("download: %s: %s" % (keyword, error), file=sys.stderr)
                    errors += 1
                    if "chromedriver" in str(error) or "Chromium" in str(error):
                        break
                    continue
            if not urls:
                where = args.urls if finder is None else (args.search_url or DEFAULT_SEARCH_URLS[args.source])
                print("download: %s: no image URLs found on %s (has the results page changed? try "
                      "SOURCE=bing or SOURCE=urls)" % (keyword, where), file=sys.stderr)
            folder = KeywordFolder(downloads, keyword)
            try:
                counts, failures = download_keyword(keyword, urls, args.source, folder, downloader, manifest,
                                                    args.limit, args.workers, progress=not args.no_progress,
                                                    keyword_deadline=args.keyword_deadline)
            finally:
                write_manifest(manifest_path, manifest)
            print(summary_line("download: " + keyword, counts, failures))
            if failures["keyword-deadline"]:
                print("download: %s: keyword deadline (%g s) passed: %d URLs not fetched, recorded as "
                      "keyword-deadline (run again to resume, or raise --keyword-deadline / KEYWORD_DEADLINE)"
                      % (keyword, args.keyword_deadline, failures["keyword-deadline"]))
            total.update(counts)
            total_failures.update(failures)
    finally:
        if finder is not None:
            finder.close()
    print(summary_line("download: total", total, total_failures))
    print("download: manifest %s" % manifest_path)
    if errors or total["found"] == 0:
        return 1
    return 0
