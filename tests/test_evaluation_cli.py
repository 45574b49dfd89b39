"""`kerasgan evaluate` and the digits feature network, on scikit-learn's UCI digits (offline)."""
import argparse
import json

import numpy as np
import pytest
from PIL import Image

from kerasgan.datasets import mnist
from kerasgan.evaluation import cli, features, metrics


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """DATA_DIR / OUT_DIR in a temporary folder, the digits network trained once, image folders."""
    root = tmp_path_factory.mktemp("evaluation")
    patch = pytest.MonkeyPatch()
    patch.setenv("KERASGAN_DATA_DIR", str(root / "data"))
    patch.setenv("KERASGAN_OUT_DIR", str(root / "out"))
    patch.setattr(mnist, "keras_cache_file", lambda: root / "no-mnist.npz")   # the UCI digits
    logged = []
    net = features.ensure("digits", 0, log=logged.append)
    x, _ = mnist.load_digits28()
    rng = np.random.RandomState(0)
    sets = {"real": x[:900], "heldout": x[900:1200], "collapse": np.repeat(x[900:901], 300, 0),
            "noise": rng.randint(0, 256, size=(300, 28, 28)).astype(np.uint8)}
    for name, images in sets.items():
        folder = root / name
        folder.mkdir()
        for i, image in enumerate(images):
            Image.fromarray(image).save(str(folder / ("%04d.png" % i)))
    yield {"root": root, "net": net, "logged": logged}
    patch.undo()


def args(**kw):
    base = dict(a="", b="real", domain="digits", n=0, seed=0, kid_subsets=10, features_out="",
                inception="", inception_sha256="")
    base.update(kw)
    return argparse.Namespace(**base)


def run(world, name, b="real", **kw):
    result, path = cli.evaluate(args(a=str(world["root"] / name), b=str(world["root"] / b), **kw),
                                log=lambda message: None)
    return result, path


def test_the_feature_network_is_cached_and_names_its_accuracy(world):
    assert any("held-out accuracy" in line for line in world["logged"])
    info = world["net"].describe()
    assert info["name"].startswith("digit classifier") and info["held_out_accuracy"] > 0.9
    assert world["net"].path.name.startswith("features-digits-")
    again = []
    net = features.ensure("digits", 0, log=again.append)
    assert again == [] and net.path == world["net"].path         # cached: not trained again


def test_ranking_real_beats_collapse_and_noise(world):
    heldout, _ = run(world, "heldout")
    collapse, _ = run(world, "collapse")
    noise, _ = run(world, "noise")
    assert heldout["fid"] < collapse["fid"] and heldout["fid"] < noise["fid"]
    assert heldout["kid_mean"] < collapse["kid_mean"] and heldout["kid_mean"] < noise["kid_mean"]
    assert heldout["recall"] > collapse["recall"] and heldout["recall"] > noise["recall"]
    assert heldout["coverage"] > collapse["coverage"] and heldout["coverage"] > noise["coverage"]


def test_evaluation_json_and_the_features_recompute_the_figures(world):
    out = world["root"] / "features.npz"
    result, path = run(world, "heldout", features_out=str(out), n=200)
    saved = json.loads(path.read_text())
    assert path.name == "evaluation.json" and path.parent.parent.name == "evaluation"
    for key in ("fid", "kid_mean", "kid_std", "precision", "recall", "density", "coverage",
                "n_a", "n_b", "feature_network"):
        assert key in saved
    assert (saved["n_a"], saved["n_b"]) == (200, 200)
    with np.load(str(out)) as arrays:
        a, b = arrays["a"], arrays["b"]
    assert a.shape == (200, 64) and saved["fid"] == pytest.approx(metrics.fid(a, b), rel=1e-9)
    assert saved["coverage"] == pytest.approx(metrics.prdc(b, a)["coverage"])


def test_same_inputs_give_the_same_figures(world):
    first, _ = run(world, "heldout", n=100)
    second, _ = run(world, "heldout", n=100)
    assert first == second


@pytest.mark.parametrize("make, reason", [
    (lambda folder: None, "no images"),
    (lambda folder: (folder / "0.png").write_bytes(b"not a png"), "not a readable image"),
    (lambda folder: [Image.new("L", (28 + i, 28)).save(str(folder / ("%d.png" % i))) for i in range(2)],
     "one size per set"),
])
def test_bad_input_names_the_file_and_exits_2(world, capsys, make, reason):
    folder = world["root"] / ("bad-%s" % reason.replace(" ", "-"))
    folder.mkdir()
    make(folder)
    code = cli.main(args(a=str(folder), b=str(world["root"] / "real")))
    err = capsys.readouterr().err
    assert code == 2 and reason in err and str(folder) in err
    assert len(err.strip().splitlines()) == 1


def test_the_feature_network_leaves_the_callers_session_and_numpy_alone(world):
    import keras.backend as K
    from keras.layers import Dense
    from keras.models import Sequential
    model = Sequential([Dense(3, input_shape=(2,))])
    weights, session = model.get_weights()[0].copy(), K.get_session()
    state = np.random.get_state()
    world["net"](np.zeros((4, 28, 28), np.uint8))
    features.FeatureNet("digits", world["net"].path)
    assert K.get_session() is session
    np.testing.assert_array_equal(model.get_weights()[0], weights)
    after = np.random.get_state()
    assert after[2] == state[2] and np.array_equal(after[1], state[1])


def test_make_evaluate_needs_a_and_domain_and_passes_its_variables():
    import subprocess
    from conftest import ROOT
    missing = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "evaluate", "DOMAIN=digits"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert missing.returncode == 2 and "give A=" in missing.stderr
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT), "evaluate", "A=gen", "DOMAIN=faces64",
                          "N=50", "INCEPTION=i.pb", "INCEPTION_SHA256=ab", "SEED=3"],
                         stdout=subprocess.PIPE, universal_newlines=True, timeout=120, check=True).stdout
    for words in ("--a 'gen'", "--b 'real'", "--domain 'faces64'", "--seed 3", "--n '50'",
                  "--inception 'i.pb'", "--inception-sha256 'ab'"):
        assert words in dry, words
