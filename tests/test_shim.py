"""keras-adversarial 0.0.3 on Keras 2.1.2: broken without kerasgan.compat, working with it."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT

SCRIPT = ROOT / "tests" / "shim_gan.py"


def run_gan(tmp_path, seed, name, image_dir=None):
    out = tmp_path / (name + ".json")
    args = [sys.executable, str(SCRIPT), str(seed), str(out)] + ([str(image_dir)] if image_dir else [])
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.run(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shim")
    return {"a": run_gan(tmp, 3, "a", image_dir=tmp / "grids"),
            "b": run_gan(tmp, 3, "b"),
            "c": run_gan(tmp, 4, "c"),
            "grids": tmp / "grids"}


def test_unpatched_keras_adversarial_fails_on_keras_212(tmp_path):
    # Why the shim exists: the same README example in an interpreter that never imports kerasgan.
    script = tmp_path / "unpatched.py"
    script.write_text(SCRIPT.read_text()
                      .replace("import kerasgan  #", "#")
                      .replace("from kerasgan.kit.determinism import seed_everything",
                               "seed_everything = lambda seed: None"))
    # KERASGAN_NO_STARTUP: without it, .venv's kerasgan-startup.pth applies the shim at start-up.
    env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg",
               KERASGAN_NO_STARTUP="1")
    proc = subprocess.run([sys.executable, str(script), "0", str(tmp_path / "out.json")],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode != 0
    assert "object has no attribute '_feed_" in proc.stderr, proc.stderr[-2000:]


def test_history_has_both_players_losses(runs):
    history = runs["a"]["history"]
    for key in ("loss", "generator_loss", "discriminator_loss"):
        assert len(history[key]) == 2, key
        assert all(np.isfinite(history[key]))
    # the total is the sum of the players' losses
    total = np.array(history["generator_loss"]) + np.array(history["discriminator_loss"])
    assert np.allclose(history["loss"], total, rtol=1e-4)


def test_both_players_weights_change(runs):
    a = runs["a"]
    assert a["generator_after"] != a["generator_before"]
    assert a["discriminator_after"] != a["discriminator_before"]


def test_batch_norm_statistics_are_updated_not_corrupted(runs):
    # keras-adversarial's merge_updates bug wrote a stale value into BN's moving statistics.
    mean = np.array(runs["a"]["bn_moving_mean"])
    var = np.array(runs["a"]["bn_moving_var"])
    assert mean.shape == (16,) and var.shape == (16,)
    assert np.all(np.isfinite(mean)) and np.all(var > 0)
    assert np.any(mean != 0.0) and np.any(var != 1.0)  # moved from their initial values


def test_image_grid_callback_writes_one_grid_per_epoch(runs):
    assert sorted(p.name for p in runs["grids"].iterdir()) == ["epoch-000.png", "epoch-001.png"]


def test_same_seed_same_weights_different_seed_different(runs):
    a, b, c = runs["a"], runs["b"], runs["c"]
    assert a["generator_after"] == b["generator_after"]
    assert a["discriminator_after"] == b["discriminator_after"]
    assert a["history"] == b["history"]
    assert a["generator_after"] != c["generator_after"]


def test_merge_updates_averages_repeats_and_keeps_single_updates():
    import kerasgan  # noqa: F401
    import keras.backend as K
    from keras_adversarial.adversarial_model import merge_updates

    one, two = K.variable(np.zeros(3)), K.variable(np.zeros(2))
    updates = merge_updates([K.update(one, np.array([1., 2., 3.], dtype="float32")),
                             K.update(two, np.array([2., 2.], dtype="float32")),
                             K.update(two, np.array([4., 6.], dtype="float32"))])
    assert len(updates) == 2
    K.get_session().run(updates)
    assert K.get_value(one).tolist() == [1., 2., 3.]
    assert K.get_value(two).tolist() == [3., 4.]
