"""pix2pix: its photo feature network and the paired figures of a test page against its targets."""
import argparse

import numpy as np
import pytest
from PIL import Image, ImageDraw

from kerasgan.evaluation import cli, features, images


def photo(i, side=64):
    """A distinct flat drawing per index: a coloured disc or square on white."""
    image = Image.new("RGB", (side, side), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    colour = [(200, 30, 30), (30, 160, 40), (40, 60, 200)][i % 3]
    box = (8 + 4 * i, 8, 48 + 4 * i, 52)
    (draw.ellipse if i % 2 else draw.rectangle)(box, fill=colour)
    return np.asarray(image)


def test_paired_figures_of_a_test_page(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KERASGAN_OUT_DIR", str(tmp_path / "out"))
    monkeypatch.setattr(features, "AUGMENT", 12)       # a small network: 3 photos x 12 crops
    train = tmp_path / "data" / "pix2pix" / "train"
    train.mkdir(parents=True)
    for i in range(3):      # image | edges pairs, as pix2pix-preprocess writes them
        pair = np.concatenate([photo(i), np.zeros((64, 64, 3), np.uint8)], axis=1)
        Image.fromarray(pair).save(str(train / ("%d.png" % i)))
    page = tmp_path / "out" / "pix2pix" / "demo" / "test_5" / "images"
    page.mkdir(parents=True)
    (page.parent.parent / "config.json").write_text("{}")
    for i in range(8):
        target = photo(i % 3)
        output = np.clip(target.astype(int) + 10, 0, 255).astype(np.uint8)   # off by 10 where < 245
        Image.fromarray(target).save(str(page / ("%d_target.png" % i)))
        Image.fromarray(output).save(str(page / ("%d_output.png" % i)))
        Image.fromarray(output).save(str(page / ("%d_input.png" % i)))    # never read
    namespace = argparse.Namespace(a="demo", b="targets", domain="pix2pix", n=0, seed=0, kid_subsets=2,
                                   features_out="", inception="", inception_sha256="")
    result, _ = cli.evaluate(namespace, log=lambda m: None)
    assert (result["n_a"], result["n_b"]) == (8, 8)
    assert result["a"].endswith("*%s.*" % images.OUTPUT) and result["b"].endswith("*%s.*" % images.TARGET)
    # expected L1: +10 on every channel below 246, 0 on white (255); worked out from the drawings
    expected = np.mean([np.abs(np.clip(photo(i % 3).astype(int) + 10, 0, 255) - photo(i % 3)).mean()
                        for i in range(8)]) / 255
    assert result["paired"]["l1"] == pytest.approx(expected)
    assert result["feature_network"]["name"].startswith("pix2pix photo classifier")
