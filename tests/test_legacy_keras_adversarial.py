"""keras-adversarial as GitHub master had it (legacy module, AdversarialOptimizerScheduled,
player_compile_kwargs), for scripts that never import kerasgan."""
import os
import subprocess
import sysconfig
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT

SCRIPT = ROOT / "tests" / "master_style_gan.py"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"


def _plain_env():
    """The environment of a user who just ran `make setup`: no PYTHONPATH, no kerasgan anywhere."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "MPLBACKEND") and not k.startswith("KERASGAN_")}
    env.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    return env


def _mnist_npz(path, n_train=64, n_test=32, seed=0):
    """A tiny file in the format of Keras's mnist.npz (uint8 28x28, x/y train/test)."""
    rng = np.random.RandomState(seed)
    def digits(n):
        x = np.zeros((n, 28, 28), np.uint8)
        for i in range(n):  # a bright bar somewhere: something a GAN can see
            r, c = rng.randint(4, 20, size=2)
            x[i, r:r + 6, c:c + 3] = 255
        return x
    np.savez(str(path), x_train=digits(n_train), y_train=rng.randint(0, 10, n_train),
             x_test=digits(n_test), y_test=rng.randint(0, 10, n_test))
    return path


def _run_script(tmp_path, kind):
    npz = _mnist_npz(tmp_path / "mnist.npz")
    out = tmp_path / kind
    out.mkdir()
    cwd = tmp_path / "cwd"  # not the repository: nothing of ours on the path by accident
    cwd.mkdir(exist_ok=True)
    proc = subprocess.run([str(VENV_PYTHON), str(SCRIPT), str(npz), str(out), "1", kind],
                          env=_plain_env(), cwd=str(cwd), timeout=1800,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def _check_outputs(out):
    import pandas as pd
    history = pd.read_csv(str(out / "history.csv"), index_col=0)
    assert len(history) == 1  # one epoch
    for column in ("loss", "generator_loss", "discriminator_loss", "val_loss",
                   "discriminator_yreal_acc", "val_discriminator_yfake_acc"):
        assert column in history.columns, list(history.columns)
    assert np.isfinite(history.values).all()
    # player_compile_kwargs: only the discriminator asked for accuracy
    assert not any(c.startswith("generator_") and c.endswith("_acc") for c in history.columns)
    png = out / "epoch-000.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image
    with Image.open(str(png)) as image:
        assert image.size[0] > 100 and image.size[1] > 100
        assert len(set(np.asarray(image.convert("L")).ravel().tolist())) > 2  # not blank
    for name in ("generator.h5", "discriminator.h5"):
        assert (out / name).stat().st_size > 1000


def test_master_style_script_runs_unmodified_with_plain_interpreter(tmp_path):
    _check_outputs(_run_script(tmp_path, "simultaneous"))


def test_master_style_script_with_scheduled_optimizer(tmp_path):
    _check_outputs(_run_script(tmp_path, "scheduled"))


def test_startup_pth_is_installed_after_src_and_imports_no_tensorflow():
    site = Path(subprocess.check_output(
        [str(VENV_PYTHON), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        universal_newlines=True).strip())
    names = sorted(p.name for p in site.glob("*.pth"))
    # site.py reads .pth files in sorted order: src/ must be on sys.path before the import line runs
    assert names.index("kerasgan-src.pth") < names.index("kerasgan-startup.pth")
    assert (site / "kerasgan-startup.pth").read_text() == (ROOT / "docker/kerasgan-startup.pth").read_text()
    probe = ("import sys; print('kerasgan' in sys.modules, 'tensorflow' in sys.modules, "
             "'keras' in sys.modules)")
    out = subprocess.check_output([str(VENV_PYTHON), "-c", probe], env=_plain_env(),
                                  universal_newlines=True).split()
    assert out == ["True", "False", "False"]


def test_legacy_docker_images_install_the_startup_pth():
    for name in ("Dockerfile.cpu", "Dockerfile.gpu", "Dockerfile.gpu-current"):
        text = (ROOT / "docker" / name).read_text()
        assert "docker/kerasgan-startup.pth" in text, name
    assert "kerasgan-startup.pth" in (ROOT / "docker/install-lock").read_text()


# ---- the wrappers: Keras 1 argument names map onto the right Keras 2 layers and settings

@pytest.fixture(scope="module")
def legacy():
    import kerasgan  # noqa: F401  (in-process: the hook, as the .pth installs it)
    import keras_adversarial.legacy as legacy
    return legacy


def test_legacy_is_our_module_under_masters_name(legacy):
    import keras_adversarial
    import kerasgan.legacy_keras_adversarial as ours
    assert legacy is ours and keras_adversarial.legacy is ours
    assert legacy.keras_2 is True


def test_dense_maps_keras1_names(legacy):
    import keras
    layer = legacy.Dense(1024 / 2, W_regularizer=legacy.l1l2(1e-5, 2e-5), name="d")
    assert isinstance(layer, keras.layers.Dense)
    config = layer.get_config()
    assert config["units"] == 512 and isinstance(config["units"], int)
    assert config["kernel_regularizer"]["config"] == {"l1": pytest.approx(1e-5), "l2": pytest.approx(2e-5)}
    assert config["kernel_initializer"]["config"]["distribution"] == "uniform"  # glorot_uniform
    assert legacy.Dense(7, W_initializer="zeros").get_config()["kernel_initializer"]["class_name"] == "Zeros"
    assert legacy.Dense(None, output_dim=9).get_config()["units"] == 9


def test_convolution2d_maps_keras1_signature(legacy):
    import keras
    layer = legacy.Convolution2D(256 / 4, 5, 3, W_regularizer=legacy.l1l2(1e-7, 1e-7))
    assert isinstance(layer, keras.layers.Conv2D)
    config = layer.get_config()
    assert config["filters"] == 64 and config["kernel_size"] == (5, 3)
    assert config["padding"] == "same"  # master's default border_mode
    assert config["kernel_regularizer"]["config"]["l1"] == pytest.approx(1e-7)
    assert legacy.Convolution2D(1, 3, 3, border_mode="valid").get_config()["padding"] == "valid"


def test_pooling_maps_border_mode(legacy):
    import keras
    avg = legacy.AveragePooling2D((4, 4), border_mode="same")
    assert isinstance(avg, keras.layers.AveragePooling2D)
    assert avg.get_config()["pool_size"] == (4, 4) and avg.get_config()["padding"] == "same"
    assert legacy.AveragePooling2D((2, 2)).get_config()["padding"] == "valid"
    mx = legacy.MaxPooling2D(pool_size=(2, 2), border_mode="valid")
    assert isinstance(mx, keras.layers.MaxPooling2D) and mx.get_config()["padding"] == "valid"


def test_batchnormalization_drops_mode_and_keeps_axis(legacy):
    import keras
    layer = legacy.BatchNormalization(mode=0, axis=1)
    assert isinstance(layer, keras.layers.BatchNormalization)
    assert layer.get_config()["axis"] == 1  # kept as written: rows of a channels-last tensor
    assert legacy.BatchNormalization().get_config()["axis"] == -1
    with pytest.warns(UserWarning, match="mode=2"):  # master's convolutional example asks for it
        assert isinstance(legacy.BatchNormalization(mode=2), keras.layers.BatchNormalization)


class _Recorder:
    def __init__(self):
        self.calls = []

    def fit(self, *args, **kwargs):
        self.calls.append(("fit", args, kwargs))
        return "history"

    def fit_generator(self, *args, **kwargs):
        self.calls.append(("fit_generator", args, kwargs))

    def get_updates(self, *args, **kwargs):
        self.calls.append(("get_updates", args, kwargs))
        return ["update"]


def test_fit_and_fit_generator_use_keras2_names(legacy):
    model = _Recorder()
    assert legacy.fit(model, "x", "y", nb_epoch=3, batch_size=32) == "history"
    assert model.calls[-1] == ("fit", ("x", "y"), {"epochs": 3, "batch_size": 32})
    legacy.fit(model, "x", "y")
    assert model.calls[-1][2] == {"epochs": 10}  # master's default
    legacy.fit_generator(model, "gen", epochs=2, steps_per_epoch=5)
    assert model.calls[-1] == ("fit_generator", ("gen",), {"epochs": 2, "steps_per_epoch": 5})


def test_get_updates_uses_keras2_keywords_and_drops_constraints(legacy):
    optimizer = _Recorder()
    assert legacy.get_updates(optimizer, ["p"], {"p": "c"}, "loss") == ["update"]
    assert optimizer.calls[-1] == ("get_updates", (), {"loss": "loss", "params": ["p"]})


def test_scheduled_optimizer_follows_masters_order(legacy, monkeypatch):
    import keras.backend as K
    from keras_adversarial import AdversarialOptimizerScheduled
    ran = []

    def fake_function(inputs, outputs, updates=None, **kwargs):
        player = updates[0]
        assert updates[1:] == ["model-update"]
        return lambda _inputs: ran.append(player) or [player]

    class Opt:
        def __init__(self, name):
            self.name = name

        def get_updates(self, loss, params):
            return [self.name]

    monkeypatch.setattr(K, "function", fake_function)
    train = AdversarialOptimizerScheduled([0, 0, 1]).make_train_function(
        [], [], ["l0", "l1"], [[], []], [Opt(0), Opt(1)], [{}, {}], ["model-update"], {})
    for _ in range(6):
        train([])
    # master advances its position before each batch: schedule[1], [2], [0], [1], [2], [0]
    assert ran == [0, 1, 0, 0, 1, 0]
    with pytest.raises(ValueError):
        AdversarialOptimizerScheduled([])


def test_startup_can_be_turned_off():
    probe = "import sys; print('kerasgan' in sys.modules)"
    out = subprocess.check_output([str(VENV_PYTHON), "-c", probe],
                                  env=dict(_plain_env(), KERASGAN_NO_STARTUP="1"),
                                  universal_newlines=True).split()
    assert out == ["False"]
