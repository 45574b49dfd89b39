"""cartoon-prepare (ingestion environment): PNG + CSV pairs in the Cartoon Set's real format ->
the 64x64 cache; broken pairs skipped and named; decoded once."""
import json

import numpy as np
import pytest
from PIL import Image

from cartoon_fixtures import write_pairs
from conftest import run_cli
from kerasgan.pipelines.cartoon import attributes, data


def expected(png):
    """What the cache must hold: the RGBA face on white, 500 -> 64 by area averaging."""
    with Image.open(str(png)) as image:
        rgba = image.convert("RGBA")
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    return np.asarray(white.resize((64, 64), Image.BOX))


@pytest.fixture
def cartoon_set(tmp_path):
    folder = tmp_path / "set"
    names = write_pairs(folder, 4)
    (folder / "cs1.png").write_bytes((folder / (names[0] + ".png")).read_bytes())     # no csv
    (folder / "cs2.csv").write_text('"glasses", 3, 12\n')                              # no png
    (folder / "cs3.png").write_bytes((folder / (names[0] + ".png")).read_bytes())
    (folder / "cs3.csv").write_text('"glasses", 12, 12\n')                             # bad variant
    (folder / "cs4.png").write_bytes((folder / (names[1] + ".png")).read_bytes()[:300])  # truncated
    (folder / "cs4.csv").write_text('"glasses", 3, 12\n')
    (folder / "cs5.png").write_bytes(b"<!doctype html><html>not an image</html>" * 4)  # a web page
    (folder / "cs5.csv").write_text('"glasses", 3, 12\n')
    return folder, names


def test_pairs_decoded_to_64_with_their_attributes_and_broken_ones_named(tmp_path, cartoon_set):
    folder, names = cartoon_set
    logged = []
    path = data.prepare(folder, data_root=tmp_path / "data", jobs=2, log=logged.append)
    images, table, kept = data.load(path)
    assert kept == sorted(names) and images.shape == (4, 64, 64, 3) and images.dtype == np.uint8
    for i, name in enumerate(kept):
        assert np.array_equal(images[i], expected(folder / (name + ".png"))), name
        values = attributes.parse((folder / (name + ".csv")).read_text())
        assert table[i].tolist() == attributes.to_row(values).tolist()
    assert images[0][0, 0].tolist() == [255, 255, 255]       # transparent background -> white
    skipped = {s["name"]: s["reason"] for s in json.loads(path.with_suffix(".json").read_text())["skipped"]}
    assert skipped["cs1"] == "png without csv" and skipped["cs2"] == "csv without png"
    assert skipped["cs3"].startswith("bad csv: line 1: glasses 12 of 12")
    assert skipped["cs4"].startswith("image: ") and skipped["cs5"] == "image: not-an-image:html"
    assert any("skipped cs4" in line for line in logged)
    # unchanged set: nothing decoded again; a changed one gets a new cache
    again = []
    assert data.prepare(folder, data_root=tmp_path / "data", log=again.append) == path
    assert again == ["cartoon-prepare: %s is up to date" % path]
    (folder / "cs1.csv").write_text('"glasses", 11, 12\n')
    assert data.prepare(folder, data_root=tmp_path / "data", jobs=1, log=lambda *a: None) != path


def test_cli_draws_and_prepares_the_synthetic_set(tmp_path):
    env = {"KERASGAN_DATA_DIR": str(tmp_path)}
    result = run_cli("cartoon-prepare", "--set", "synthetic", "--synthetic-n", 5, "--seed", 1, env=env)
    assert "SYNTHETIC" in result.stdout
    images, table, names = data.load(result.stdout.strip().splitlines()[-1])
    assert len(images) == 5 and (tmp_path / "cartoon" / "synthetic-s1-n5" / (names[0] + ".csv")).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = run_cli("cartoon-prepare", "--set", empty, env=env, check=False)
    assert refused.returncode == 2 and "holds no csX.png + csX.csv pairs" in refused.stderr
