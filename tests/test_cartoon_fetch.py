"""cartoon-download: safe extraction (hostile archives refused, nothing outside DATA_DIR), resumed
downloads from a loopback server, local archives and folders, set.json."""
import http.server
import json
import threading

import pytest

from cartoon_fixtures import tar_bytes
from kerasgan.pipelines.cartoon import fetch

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
GOOD = [("cartoonset10k", None), ("cartoonset10k/cs1.png", PNG),
        ("cartoonset10k/cs1.csv", b'"glasses", 11, 12\n')]


def quiet(*args):
    pass


@pytest.mark.parametrize("hostile, reason", [
    (("cartoonset10k/../../escaped.txt", b"x"), "'..' component"),
    (("cartoonset10k/link", ("symlink", "/etc/passwd")), "symlink"),
    (("cartoonset10k/hard", ("hardlink", "cartoonset10k/cs1.png")), "hard link"),
    (("/abs.txt", b"x"), "absolute path"),
])
def test_hostile_archive_is_refused_and_nothing_is_written(tmp_path, hostile, reason):
    data = tmp_path / "data"
    archive = tmp_path / "cartoonset10k.tgz"
    archive.write_bytes(tar_bytes(GOOD + [hostile]))
    with pytest.raises(fetch.FetchError) as error:
        fetch.fetch(str(archive), data_root=data, log=quiet)
    assert reason in str(error.value) and "cartoonset10k.tgz" in str(error.value)
    assert not (tmp_path / "escaped.txt").exists() and not (data / "escaped.txt").exists()
    # neither the set nor a half-extracted temp folder (.extract-*) is left, and no set is recorded
    assert not (data / "cartoon").exists() or not list((data / "cartoon").glob("*"))
    assert fetch.recorded_set(data) is None


def test_member_over_the_size_cap_is_refused(tmp_path):
    archive = tmp_path / "big.tgz"
    archive.write_bytes(tar_bytes(GOOD + [("cartoonset10k/big.png", b"\0" * (2 << 20))]))
    with pytest.raises(fetch.FetchError, match="over 1 MB"):
        fetch.extract(archive, tmp_path / "out", max_member_mb=1, log=quiet)
    assert not (tmp_path / "out").exists()


def test_corrupt_archive_names_the_file(tmp_path):
    archive = tmp_path / "cartoonset10k.tgz"
    archive.write_bytes(tar_bytes(GOOD)[:40])
    with pytest.raises(fetch.FetchError, match="cartoonset10k.tgz: cannot be read"):
        fetch.fetch(str(archive), data_root=tmp_path / "data", log=quiet)


def test_local_archive_extracts_into_its_folder_and_is_recorded(tmp_path):
    data = tmp_path / "data"
    archive = tmp_path / "cartoonset10k.tgz"
    archive.write_bytes(tar_bytes(GOOD))
    folder = fetch.fetch(str(archive), data_root=data, log=quiet)
    assert folder == data / "cartoon" / "cartoonset10k"
    assert (folder / "cs1.png").read_bytes() == PNG
    assert fetch.recorded_set(data) == folder
    # a second run keeps what is there (the .complete stamp), even if the archive went away
    archive.unlink()
    (folder / "cs1.csv").write_text("kept")
    fetch.extract(tmp_path / "missing.tgz", folder, log=quiet)
    assert (folder / "cs1.csv").read_text() == "kept"


def test_folder_is_used_as_it_is(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "cs9.png").write_bytes(PNG)
    assert fetch.fetch(str(folder), data_root=tmp_path / "data", log=quiet) == folder.resolve()
    assert json.loads((tmp_path / "data" / "cartoon" / "set.json").read_text())["images"] == 1


class RangeHandler(http.server.BaseHTTPRequestHandler):
    body = b""
    ranges = []

    def do_GET(self):
        start = 0
        header = self.headers.get("Range")
        RangeHandler.ranges.append(header)
        if header:
            start = int(header.split("=")[1].split("-")[0])
        self.send_response(206 if header else 200)
        self.send_header("Content-Length", str(len(self.body) - start))
        self.end_headers()
        self.wfile.write(self.body[start:])

    def log_message(self, *args):
        pass


def test_download_resumes_a_partial_file_then_extracts(tmp_path):
    body = tar_bytes(GOOD)
    RangeHandler.body, RangeHandler.ranges = body, []
    server = http.server.HTTPServer(("127.0.0.1", 0), RangeHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        data = tmp_path / "data"
        part = data / "cartoon" / "archives" / "cartoonset10k.tgz.part"
        part.parent.mkdir(parents=True)
        part.write_bytes(body[:100])                      # a download killed after 100 bytes
        url = "http://127.0.0.1:%d/files/cartoonset10k.tgz" % server.server_port
        folder = fetch.fetch(url, data_root=data, log=quiet)
    finally:
        server.shutdown()
    assert RangeHandler.ranges == ["bytes=100-"]
    assert (data / "cartoon" / "archives" / "cartoonset10k.tgz").read_bytes() == body
    assert not part.exists() and (folder / "cs1.png").read_bytes() == PNG


def test_unreachable_url_says_what_to_do(tmp_path):
    with pytest.raises(fetch.FetchError, match="CARTOON_SET=synthetic"):
        fetch.download("http://127.0.0.1:9/cartoonset10k.tgz", tmp_path / "a.tgz", log=quiet, timeout=2)
