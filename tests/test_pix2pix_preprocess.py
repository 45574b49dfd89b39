"""pix2pix preprocess: untrusted inputs through reshape's limited decoding, auto-Canny pairs."""
import csv
import os
import subprocess

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, run_cli
from kerasgan.pipelines.pix2pix import preprocess

INGEST_PYTHON = ROOT / ".venv-ingest" / "bin" / "python"


def _photo(size=40, seed=0):
    """A coloured disc on a gradient: something with edges."""
    y, x = np.mgrid[:size, :size]
    rgb = np.stack([x * 255 // size, y * 255 // size, np.full_like(x, 90)], axis=2).astype(np.uint8)
    rgb[(x - size // 2) ** 2 + (y - size // 2) ** 2 < (size // 4) ** 2] = (200, 30, 30)
    return rgb


def test_auto_canny_is_the_pyimagesearch_recipe():
    import cv2
    rgb = _photo()
    grey = cv2.GaussianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (3, 3), 0)
    v = np.median(grey)
    expected = cv2.Canny(grey, int(max(0, 0.67 * v)), int(min(255, 1.33 * v)))
    edges = preprocess.auto_canny(rgb)
    assert edges.dtype == np.uint8 and edges.shape == (40, 40)
    assert (edges == expected).all() and edges.max() == 255


def test_edge_maps_are_recognised_and_drawings_are_not():
    lines = np.full((32, 32, 3), 255, np.uint8)
    lines[10, :] = 0                         # black line on white paper
    edges = preprocess.as_edge_map(lines)
    assert edges is not None and edges[10].min() == 255 and edges[0].max() == 0
    assert preprocess.as_edge_map(_photo(32)) is None


def _square(src, phase, size, env):
    """The ingestion half, as `make pix2pix-preprocess` runs it (.venv-ingest)."""
    if not INGEST_PYTHON.exists():
        pytest.skip("needs the ingestion environment (.venv-ingest): make setup")
    full = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **env)
    done = subprocess.run([str(INGEST_PYTHON), "-m", "kerasgan", "pix2pix-square", "--input", str(src),
                           "--phase", phase, "--size", str(size), "--jobs", "1"],
                          env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_preprocess_end_to_end(tmp_path, dirs):
    data, _ = dirs
    src = tmp_path / "input"
    src.mkdir()
    Image.fromarray(_photo(60)).save(str(src / "a.png"))
    Image.fromarray(_photo(50)[:, :40]).save(str(src / "b.jpg"))   # not square: fitted
    (src / "c.png").write_bytes(b"<html>not an image</html>")
    lines = np.full((30, 30, 3), 255, np.uint8)
    lines[:, 15] = 0
    Image.fromarray(lines).save(str(src / "d.png"))
    env = {"KERASGAN_DATA_DIR": str(data)}
    _square(src, "test", 32, env)
    with (data / "pix2pix" / "squared-test" / "manifest.csv").open() as handle:
        squared = list(csv.DictReader(handle))
    assert [r["status"] for r in squared] == ["ok", "ok", "skipped", "ok"]
    assert squared[2]["reason"].startswith("not-an-image")
    run_cli("pix2pix-preprocess", "--phase", "test")
    out = data / "pix2pix" / "test"
    with (out / "manifest.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["source"], r["kind"]) for r in rows] == [("a.png", "image"), ("b.jpg", "image"),
                                                         ("d.png", "edge-map")]
    pair = np.asarray(Image.open(str(out / "1.png")))
    assert pair.shape == (32, 64, 3)
    square = np.asarray(Image.open(str(data / "pix2pix" / "squared-test" / "1.png")).convert("RGB"))
    assert (pair[:, :32] == square).all()                       # A = the image, lossless
    assert (pair[:, 32:, 0] == preprocess.auto_canny(square)).all()   # B = its edges
    assert np.asarray(Image.open(str(out / "3.png"))).shape == (32, 32, 3)   # edge map alone
    # train phase: an edge map has no target, so it gets edges of its own like any image
    _square(src, "train", 32, env)
    run_cli("pix2pix-preprocess", "--phase", "train")
    assert len(list((data / "pix2pix" / "train").glob("*.png"))) == 3
