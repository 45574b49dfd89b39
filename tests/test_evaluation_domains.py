"""The faces64 domain's data: labels and the cartoon set's fallbacks; unknown domains."""
import numpy as np
import pytest

from kerasgan.evaluation import features
from kerasgan.pipelines.cartoon import attributes, data


def fake_set(n=40):
    """A prepared-set stand-in: hair_color known for every other face, MISSING for the rest."""
    table = np.full((n, len(attributes.NAMES)), attributes.MISSING, np.int16)
    table[::2, attributes.NAMES.index("hair_color")] = np.arange(0, n, 2) % 10
    images = np.zeros((n, 64, 64, 3), np.uint8)
    images[:, :, :, 0] = np.arange(n)[:, None, None]
    return images, table


def test_faces64_learns_hair_color_and_drops_unknown_faces(monkeypatch):
    images, table = fake_set()
    calls = []

    def load_set(spec, seed, n):
        calls.append(spec)
        if spec == "":
            raise ValueError("no cartoon set")        # nothing recorded: the synthetic one is next
        return images, table, [], "/prepared.npz", {}

    monkeypatch.setattr(data, "load_set", load_set)
    x, y, source = features.REAL_DATA["faces64"](0)
    assert calls == ["", "synthetic"]
    assert len(x) == 20 and x[:, 0, 0, 0].tolist() == list(range(0, 40, 2))
    assert y.tolist() == [i % 10 for i in range(0, 40, 2)] and "hair_color" in source


def test_faces64_without_any_set_says_what_to_run(monkeypatch):
    def load_set(spec, seed, n):
        if spec == "":
            raise ValueError("no cartoon set")
        raise data.DataError("the synthetic set X is not drawn yet: make cartoon-prepare CARTOON_SET=synthetic")

    monkeypatch.setattr(data, "load_set", load_set)
    with pytest.raises(features.FeatureError, match="faces64: .*make cartoon-prepare"):
        features.REAL_DATA["faces64"](0)


def test_unknown_domain_is_named():
    with pytest.raises(features.FeatureError, match="unknown DOMAIN 'faces'"):
        features.ensure("faces")

