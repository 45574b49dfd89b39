"""`kerasgan label`: the split, the folders it writes, and the page driven in real headless Chromium
(through chromedriver's W3C WebDriver HTTP API, standard library only: no selenium in the legacy lock)."""
import csv
import json
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

from filter_fixtures import write_reshaped
from kerasgan.ingest import label

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--disable-dev-shm-usage", "--no-proxy-server", "--window-size=1200,900"]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(method, url, body=None, headers=None, timeout=60):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method,
                                     headers=dict({"Content-Type": "application/json"},
                                                  **(headers or {})))
    try:
        with NO_PROXY.open(request, timeout=timeout) as response:
            return response.status, json.loads(response.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8") or "null")


class WebDriver:
    """Just enough W3C WebDriver: a session, navigation, CSS queries, clicks, text."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="kerasgan-label-chromium-")
        port = _free_port()
        self.proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % port
        deadline = time.time() + 30
        while True:
            try:
                if _http("GET", self.base + "/status", timeout=5)[1]["value"]["ready"]:
                    break
            except (OSError, ValueError):
                pass
            if time.time() > deadline:
                self.close()
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        options = {"binary": CHROMIUM, "args": FLAGS + ["--user-data-dir=" + self.profile]}
        status, reply = _http("POST", self.base + "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": options}}})
        if status != 200:
            self.close()
            raise RuntimeError("no WebDriver session: %s" % reply)
        self.session = "%s/session/%s" % (self.base, reply["value"]["sessionId"])

    def cmd(self, method, path, body=None):
        status, reply = _http(method, self.session + path, body if body is not None else
                              ({} if method == "POST" else None))
        assert status == 200, (path, reply)
        return reply["value"]

    def get(self, url):
        self.cmd("POST", "/url", {"url": url})

    def find_all(self, css):
        return [next(iter(e.values())) for e in
                self.cmd("POST", "/elements", {"using": "css selector", "value": css})]

    def click(self, element):
        self.cmd("POST", "/element/%s/click" % element)

    def attribute(self, element, name):
        return self.cmd("GET", "/element/%s/attribute/%s" % (element, name))

    def wait_for(self, css, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.find_all(css)
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError("no %s on the page" % css)

    def close(self):
        try:
            if getattr(self, "session", None):
                _http("DELETE", self.session, timeout=20)
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def server(tmp_path):
    kinds = write_reshaped(tmp_path, n_target=6, n_other=6, size=48)
    srv = label.make_server(tmp_path, ["pikachu", "others"], seed=0, valid_ratio=0.3, port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv, tmp_path, kinds
    srv.shutdown()
    srv.server_close()


def _files(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_clicks_in_chromium_write_the_labeled_folders(server):
    srv, data, kinds = server
    driver = WebDriver()
    try:
        driver.get(srv.url)
        driver.wait_for("body[data-ready='1']")
        tiles = driver.find_all(".tile")
        assert len(tiles) == 12
        names = [driver.attribute(t, "data-name") for t in tiles]
        assert names == ["%d.jpg" % i for i in range(1, 13)]  # natural order
        # One click = TARGET (pikachu), two clicks = others; 12.jpg is left unlabelled.
        for tile, name in zip(tiles[:11], names[:11]):
            driver.click(tile)
            if kinds[name] == "others":
                driver.click(tile)
        assert [driver.attribute(t, "data-label") for t in tiles[:3]] == \
            [kinds[n] for n in names[:3]]
        driver.click(driver.find_all("#save")[0])
        status = driver.wait_for("#status[data-result]")[0]
        assert driver.attribute(status, "data-result") == "saved"
    finally:
        driver.close()

    labeled = data / "labeled"
    written = {}
    for split in ("trains", "valids"):
        for cls in ("pikachu", "others"):
            for name in _files(labeled / split / cls):
                assert (labeled / split / cls / name).read_bytes() == \
                    (data / "reshaped" / name).read_bytes()
                written[name] = (cls, split)
    assert {n: c for n, (c, _) in written.items()} == {n: kinds[n] for n in names[:11]}
    assert "12.jpg" not in written
    # 6 pikachu -> 2 valid (0.3 * 6 rounded), 5 others -> 2 valid
    assert len(_files(labeled / "valids" / "pikachu")) == 2
    assert len(_files(labeled / "valids" / "others")) == 2
    with (labeled / "labels.csv").open(newline="") as handle:
        rows = {r["file"]: (r["class"], r["split"]) for r in csv.DictReader(handle)}
    assert rows == written

    # The page of a new session starts from the saved labels.
    status, state = _http("GET", srv.url + "api/state")
    assert status == 200 and state["labels"] == {n: c for n, (c, _) in written.items()}


def test_save_needs_the_page_token_and_our_host(server):
    srv, data, kinds = server
    status, reply = _http("POST", srv.url + "api/save", {"labels": {"1.jpg": "others"}})
    assert status == 403 and "token" in reply["error"]
    status, _ = _http("GET", srv.url + "api/state", headers={"Host": "evil.example:80"})
    assert status == 403
    status, _ = _http("GET", srv.url + "img/..%2Freshaped%2F1.jpg")
    assert status == 404
    assert not (data / "labeled").exists()


def _labels(n, every=2):
    return {"%d.jpg" % i: ("pikachu" if i % every == 0 else "others") for i in range(1, n + 1)}


def test_split_is_seeded_and_follows_the_ratio(tmp_path):
    labels = {"%d.jpg" % i: "pikachu" for i in range(1, 43)}
    labels.update({"o%d.jpg" % i: "others" for i in range(1, 71)})
    a = label.split_labels(labels, seed=0, valid_ratio=0.3)
    assert a == label.split_labels(dict(reversed(list(labels.items()))), seed=0, valid_ratio=0.3)
    assert a != label.split_labels(labels, seed=1, valid_ratio=0.3)
    valid = {c: sum(1 for n, (k, s) in a.items() if k == c and s == "valids")
             for c in ("pikachu", "others")}
    assert valid == {"pikachu": 13, "others": 21}  # the original: 12 of 42, 20 of 70


def test_relabelling_moves_our_copies_and_never_overwrites_foreign_files(tmp_path):
    write_reshaped(tmp_path, n_target=5, n_other=5, size=32)
    classes = ["pikachu", "others"]
    label.save_labels(tmp_path, _labels(10), classes, seed=0)
    before = label.read_labels(tmp_path)
    flipped = {n: ("others" if c == "pikachu" else "pikachu") for n, c in _labels(10).items()}
    del flipped["1.jpg"]  # unlabelled now
    label.save_labels(tmp_path, flipped, classes, seed=0)
    after = label.read_labels(tmp_path)
    labeled = tmp_path / "labeled"
    on_disk = {p.name: (p.parent.name, p.parent.parent.name)
               for p in labeled.glob("*/*/*.jpg")}
    assert on_disk == after and "1.jpg" not in on_disk and before != after
    # A file someone else put where a copy must go is reported, not replaced.
    cls = after["2.jpg"][0]
    label.save_labels(tmp_path, {}, classes, seed=0)
    assert not list(labeled.glob("*/*/*.jpg"))
    split = label.split_labels({"2.jpg": cls}, seed=0, valid_ratio=0.3)["2.jpg"][1]
    foreign = labeled / split / cls / "2.jpg"
    foreign.write_bytes(b"not ours")
    with pytest.raises(label.LabelError, match="not written by"):
        label.save_labels(tmp_path, {"2.jpg": cls}, classes, seed=0)
    assert foreign.read_bytes() == b"not ours"
    with pytest.raises(label.LabelError, match="not an image"):
        label.save_labels(tmp_path, {"../x.jpg": "pikachu"}, classes, seed=0)
    with pytest.raises(label.LabelError, match="unknown class"):
        label.save_labels(tmp_path, {"3.jpg": "raichu"}, classes, seed=0)


def test_classes_put_target_first():
    assert label.parse_classes("pikachu") == ["pikachu", "others"]
    assert label.parse_classes("smiley", "others,smiley,animals") == ["smiley", "others", "animals"]
    with pytest.raises(label.LabelError):
        label.parse_classes("pikachu", "pikachu")
    with pytest.raises(label.LabelError):
        label.parse_classes("../x")


def test_cli_says_when_the_port_is_taken(tmp_path):
    from conftest import run_cli
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_cli("label", "--port", port, "--data-dir", tmp_path,
                         check=False, timeout=60)
    assert result.returncode == 2
    assert "cannot listen on 127.0.0.1:%d" % port in result.stderr
    assert "Traceback" not in result.stderr
