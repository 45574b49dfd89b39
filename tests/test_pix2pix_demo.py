"""pix2pix demo data: the seed's animals from Noto Color Emoji, and chimeras of two halves."""
import numpy as np
import pytest
from PIL import Image

from kerasgan.demo import corpus
from kerasgan.pipelines.pix2pix import demo


def _font_or_skip():
    try:
        return corpus.find_font()
    except FileNotFoundError:
        pytest.skip("fonts-noto-color-emoji is not installed")


def test_demo_data_renders_animals_and_chimeras(tmp_path):
    _font_or_skip()
    out = demo.build(tmp_path / "emoji", log=lambda *a: None)
    train = sorted(p.name for p in (out / "train").glob("*.png"))
    assert len(train) == 9 and "1f981-lion.png" in train and "1f41f-fish.png" in train
    test = sorted(p.name for p in (out / "test").glob("*.png"))
    assert "1-lion-fish.png" in test and len(test) == len(demo.CHIMERAS) + len(demo.TEST_ANIMALS)
    lion = np.asarray(Image.open(str(out / "train" / "1f981-lion.png")))
    fish = np.asarray(Image.open(str(out / "train" / "1f41f-fish.png")))
    chimera = np.asarray(Image.open(str(out / "test" / "1-lion-fish.png")))
    half = lion.shape[1] // 2
    assert (chimera[:, :half] == lion[:, :half]).all() and (chimera[:, half:] == fish[:, half:]).all()
    assert lion[..., 3].max() == 255 and not (lion == fish).all()
