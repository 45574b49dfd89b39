"""download: real headless Chromium + chromedriver against a local search server on 127.0.0.1."""
import csv
import hashlib
import io
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import pytest
from PIL import Image

from search_server import SearchServer, make_certificate

from .conftest import make, run_cli
from .corpus import picture

SAFE_NAME = re.compile(r"^[1-9][0-9]*-[A-Za-z0-9_-]+\.(jpg|png|gif|webp|bmp)$")
FAST = ["--timeout", "1", "--retries", "1", "--backoff", "0.1", "--max-mb", "1", "--scroll-pause", "0.05",
        "--no-progress"]
EXPECTED_BAD = {  # served path -> manifest reason
    "/bad/404.jpg": "http-404",
    "/bad/slow.jpg": "timeout",
    "/bad/html.jpg": "not-an-image:html",
    "/bad/page.jpg": "content-type:text/html",
    "/bad/svg.png": "not-an-image:svg",
    "/bad/huge.jpg": "too-large",
    "/bad/biglen.jpg": "too-large",
    "/bad/loop.jpg": "redirect-loop",
}


def encoded(image, fmt):
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


IMAGES = {
    "pikachu 1.png": (encoded(picture(seed=1), "PNG"), "image/png"),
    "../../x.jpg": (encoded(picture(seed=2), "JPEG"), "image/jpeg"),
    ".hidden.png": (encoded(picture(seed=3), "PNG"), "image/png"),
    "a.php?file=..%2Fetc%2Fpasswd.gif": (encoded(picture(seed=4).convert("P"), "GIF"), "image/gif"),
    "photo.jpg": (encoded(picture(seed=5), "PNG"), "image/jpeg"),  # a PNG served as .jpg/image/jpeg
    "same-as-1.png": (encoded(picture(seed=1), "PNG"), "application/octet-stream"),
}


@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def server(tls):
    srv = SearchServer(images=IMAGES, bad=tuple(p.split("/")[-1] for p in EXPECTED_BAD) + ("flaky.png",),
                       tls=tls[1:], slow=3.0, huge=4 * 2 ** 20).start()
    yield srv
    srv.stop()


def isolated_env(tmp_path):
    """HOME and TMPDIR of our own: to see that nothing (webdriver-manager's ~/.wdm, Chromium's
    profile) is left behind."""
    home = tmp_path / "home"
    home.mkdir()
    # short: Chromium puts a unix socket under TMPDIR, and socket paths stop at 107 bytes
    tmp = Path(tempfile.mkdtemp(prefix="kg-", dir="/tmp"))
    return dict(HOME=str(home), TMPDIR=str(tmp)), home, tmp


def read_manifest(data_dir):
    with open(data_dir / "downloads" / "manifest.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def by_path(rows):
    return {re.sub(r"^https?://[^/]+", "", row["url"]): row for row in rows}


def test_google_source_through_chromium_with_every_bad_response_and_resume(server, tls, data_dir, tmp_path):
    env, home, tmp = isolated_env(tmp_path)
    args = ["download", "--source", "google", "--keywords", "ピカチュウ,Pikachu", "--data-dir", data_dir,
            "--search-url", server.http_url + "/google?q={query}", "--ca-bundle", tls[0],
            "--chromedriver", "/usr/bin/chromedriver"] + FAST
    first = run_cli(*args, env=env)
    assert "download: ピカチュウ: found 15, saved 6, skipped 1, failed 8" in first.stdout, first.stdout
    assert "download: total: found 30, saved 12, skipped 2, failed 16" in first.stdout
    assert "redirect-loop: 2" in first.stdout and "timeout: 2" in first.stdout
    # the results page was fetched through Chromium (its user agent), the images by us over HTTPS
    assert [p for p in server.fetched("/google") if "q=%E3%83%94" in p]
    assert all(scheme == "https" for scheme, p in server.requests if p.startswith(("/img/", "/bad/")))

    rows = read_manifest(data_dir)
    assert list(rows[0]) == ["keyword", "source", "url", "file", "bytes", "sha256", "status", "reason", "time"]
    for keyword, folder in (("ピカチュウ", "ピカチュウ"), ("Pikachu", "Pikachu")):
        mine = by_path(r for r in rows if r["keyword"] == keyword)
        for path, reason in EXPECTED_BAD.items():
            assert (mine[path]["status"], mine[path]["reason"]) == ("failed", reason), path
        assert mine["/bad/flaky.png"]["status"] == "saved"  # a 503 first, then the retry worked
        assert mine["/img/same-as-1.png"]["status"] == "skipped"
        assert mine["/img/same-as-1.png"]["reason"] == "same-content-as:%s/1-pikachu_1.png" % folder
        names = sorted(os.listdir(data_dir / "downloads" / folder))
        assert len(names) == 6
        for name in names:
            assert SAFE_NAME.match(name), name  # ours: no traversal, no hidden file, no query string
        for name, (body, _) in IMAGES.items():
            row = mine["/img/" + __import__("urllib.parse").parse.quote(name, safe="")]
            if row["status"] != "saved":
                continue
            saved = (data_dir / "downloads" / row["file"]).read_bytes()
            assert saved == body and row["sha256"] == hashlib.sha256(body).hexdigest()
            assert row["bytes"] == str(len(body))
        # extensions come from the bytes, not the URL
        assert mine["/img/photo.jpg"]["file"].endswith(".png")
        assert mine["/img/..%2F..%2Fx.jpg"]["file"] == folder + "/2-x.jpg"
        assert mine["/img/.hidden.png"]["file"] == folder + "/3-hidden.png"
    # nothing escaped the folders, no driver was downloaded, the browser profile is gone
    assert sorted(p.name for p in (data_dir / "downloads").iterdir()) == ["Pikachu", "manifest.csv", "ピカチュウ"]
    assert not list(tmp_path.rglob("x.jpg")) and not list(tmp_path.rglob("evil.jpg"))
    assert not (home / ".wdm").exists() and not (home / ".cache" / "selenium").exists()
    assert not [p for p in tmp.iterdir() if p.name.startswith("kerasgan-chromium-")]

    # re-run: resumes, no image is fetched again, files untouched
    before = {p: p.stat().st_mtime_ns for p in (data_dir / "downloads").rglob("*") if p.is_file() and p.suffix != ".csv"}
    fetched = len(server.fetched("/img/"))
    second = run_cli(*args, env=env)
    assert "download: ピカチュウ: found 15, saved 0, skipped 7, failed 8" in second.stdout, second.stdout
    assert len(server.fetched("/img/")) == fetched
    after = {p: p.stat().st_mtime_ns for p in (data_dir / "downloads").rglob("*") if p.is_file() and p.suffix != ".csv"}
    assert after == before
    assert len(read_manifest(data_dir)) == len(rows)  # one row per (keyword, url), not one per run


def test_bing_source_reads_its_own_format_and_google_finds_nothing_there(server, data_dir, tmp_path):
    env, _, _ = isolated_env(tmp_path)
    result = run_cli("download", "--source", "bing", "--keywords", "Pokemon", "--limit", "3",
                     "--data-dir", data_dir, "--search-url", server.http_url + "/bing?q={query}", *FAST, env=env)
    assert "found 15, saved 3" in result.stdout, result.stdout
    rows = read_manifest(data_dir)
    assert {r["source"] for r in rows} == {"bing"}
    assert all(r["url"].startswith(server.http_url) for r in rows)
    assert len(os.listdir(data_dir / "downloads" / "Pokemon")) == 3  # LIMIT

    nothing = run_cli("download", "--source", "google", "--keywords", "Pokemon", "--data-dir", data_dir,
                      "--search-url", server.http_url + "/bing?q={query}", *FAST, env=env, check=False)
    assert nothing.returncode == 1
    assert "no image URLs found" in nothing.stderr


def test_urls_source_refuses_other_schemes(server, tls, data_dir, tmp_path):
    listing = tmp_path / "my list.txt"
    listing.write_text("\n".join([
        "# comments and blank lines are ignored", "",
        server.http_url + "/img/pikachu%201.png",
        server.https_url + "/img/photo.jpg",
        "file:///etc/passwd", "ftp://127.0.0.1/x.jpg", "javascript:alert(1)",
        server.http_url + "/bad/404.jpg"]) + "\n")
    result = run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir,
                     "--ca-bundle", tls[0], *FAST)
    assert "found 6, saved 2, skipped 0, failed 4" in result.stdout, result.stdout
    reasons = {r["url"]: r["reason"] for r in read_manifest(data_dir)}
    assert reasons["file:///etc/passwd"] == "unsupported-scheme:file"
    assert reasons["ftp://127.0.0.1/x.jpg"] == "unsupported-scheme:ftp"
    assert reasons["javascript:alert(1)"] == "unsupported-scheme:javascript"
    assert sorted(os.listdir(data_dir / "downloads" / "my list")) == ["1-pikachu_1.png", "2-photo.png"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_files_get_the_users_umask(server, data_dir, tmp_path, umask, mode):
    """Not mkstemp's 0600: the images and the manifest are the user's files like any other."""
    listing = tmp_path / "modes.txt"
    listing.write_text(server.http_url + "/img/pikachu%201.png\n")
    old = os.umask(umask)  # inherited by the download subprocess
    try:
        run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir, *FAST)
    finally:
        os.umask(old)
    assert stat.S_IMODE((data_dir / "downloads" / "modes" / "1-pikachu_1.png").stat().st_mode) == mode
    assert stat.S_IMODE((data_dir / "downloads" / "manifest.csv").stat().st_mode) == mode
    assert not list((data_dir / "downloads").rglob("tmp-*"))


def test_https_needs_the_ca_and_missing_chromedriver_is_a_clear_error(server, data_dir, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(server.https_url + "/img/pikachu%201.png\n")
    env = dict(REQUESTS_CA_BUNDLE="", CURL_CA_BUNDLE="")
    result = run_cli("download", "--source", "urls", "--urls", listing, "--data-dir", data_dir, *FAST, env=env)
    assert "failed 1 (tls-error: 1)" in result.stdout
    result = run_cli("download", "--keywords", "x", "--data-dir", data_dir, "--chromedriver",
                     tmp_path / "no-such-chromedriver", *FAST, check=False)
    assert result.returncode == 1
    assert "no-such-chromedriver is not an executable file" in result.stderr


def test_make_download_passes_the_variables(server, tls, tmp_path):
    data = tmp_path / "made"
    result = make("download", "DATA_DIR=%s" % data, "SOURCE=google", "KEYWORDS=Pikachu", "LIMIT=2",
                  "SEARCH_URL=%s/google?q={query}" % server.http_url, "CA_BUNDLE=%s" % tls[0],
                  "CHROMEDRIVER=%s" % shutil.which("chromedriver"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "download: Pikachu: found 15, saved 2" in result.stdout
    assert len(os.listdir(data / "downloads" / "Pikachu")) == 2


def test_safe_names():
    from kerasgan.ingest.download import safe_dirname, url_slug
    assert safe_dirname("../../etc") == "_.._etc"
    assert safe_dirname(".hidden") == "hidden"
    assert safe_dirname("-rf") == "rf"
    assert safe_dirname("ピカチュウ") == "ピカチュウ"
    assert safe_dirname("..") == "keyword"
    assert url_slug("http://h/a/..%2F..%2Fevil.jpg?x=1") == "evil"
    assert url_slug("http://h/.bashrc") == "image"
    assert url_slug("http://h/%E3%83%94.png") == "image"
    assert url_slug("http://h/" + "a" * 300 + ".png") == "a" * 40
