"""adversarial-mnist and adversarial-cifar10: models, data, resumable training, generate."""
import json
import os
import pickle
import signal

import numpy as np
import pytest

from conftest import run_cli, start_cli_until

EPOCHS = 6
TINY_MNIST = ["--hidden", "16", "--save-every", "1"]
TINY_CIFAR = ["--nch", "8", "--kernel", "3", "--save-every", "1"]


def env_for(data, out):
    return {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out)}


def write_mnist_npz(path, n=96, seed=0):
    rng = np.random.RandomState(seed)
    x = np.zeros((n, 28, 28), np.uint8)
    for i in range(n):
        r, c = rng.randint(4, 20, size=2)
        x[i, r:r + 6, c:c + 4] = rng.randint(128, 256)
    np.savez(str(path), x_train=x, y_train=rng.randint(0, 10, n), x_test=x[:8], y_test=np.zeros(8))
    return path


def write_cifar_folder(folder, sizes=(40, 24), test=8, seed=0):
    """A cifar-10-batches-py folder in the real format, with tiny batches."""
    rng = np.random.RandomState(seed)
    folder.mkdir(parents=True)
    names = ["data_batch_%d" % (i + 1) for i in range(len(sizes))] + ["test_batch"]
    for name, n in zip(names, list(sizes) + [test]):
        data = rng.randint(0, 256, size=(n, 3072)).astype(np.uint8)
        with open(str(folder / name), "wb") as handle:
            pickle.dump({b"data": data, b"labels": rng.randint(0, 10, n).tolist()}, handle)
    return folder


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("adversarial")
    data, out = root / "data", root / "out"
    data.mkdir()
    out.mkdir()
    write_mnist_npz(data / "mnist.npz")
    write_cifar_folder(data / "cifar-10-batches-py")
    return data, out


def mnist_args(data, run, epochs=EPOCHS, seed=0):
    return ["adversarial-mnist", "--run", run, "--epochs", str(epochs), "--seed", str(seed),
            "--data", str(data / "mnist.npz")] + TINY_MNIST


def train_mnist(data, out, run, **kwargs):
    return run_cli(*mnist_args(data, run, **kwargs), env=env_for(data, out))


@pytest.fixture(scope="module")
def reference(workspace):
    data, out = workspace
    train_mnist(data, out, "ref")
    return out / "adversarial-mnist" / "ref"


# ---------------------------------------------------------------- models
def test_full_size_models_have_the_originals_parameter_counts():
    from kerasgan.kit.determinism import seed_everything
    from kerasgan.pipelines.adversarial import models
    seed_everything(0)
    assert models.build_mnist_generator().count_params() == 1486352
    assert models.build_mnist_discriminator().count_params() == 1460225
    # CIFAR-10 example (nch 256, h 5): the generator's count depends on the BatchNormalization axis
    assert models.build_cifar_generator(bn_axis="channels").count_params() == 1870083
    rows = models.build_cifar_generator(bn_axis="rows")
    assert rows.count_params() == 1868915
    assert [l.axis for l in rows.layers if type(l).__name__ == "BatchNormalization"] == [-1, 1, 1, 1]
    assert models.build_cifar_discriminator().count_params() == 1035649
    d = models.build_cifar_discriminator(nch=8, kernel=3)
    assert [type(l).__name__ for l in d.layers][-4:] == ["Conv2D", "AveragePooling2D", "Flatten", "Activation"]
    assert d.output_shape == (None, 1)


# ---------------------------------------------------------------- training, resume, generate
def test_run_writes_the_examples_outputs(reference):
    folder = reference
    for epoch in range(EPOCHS):
        assert (folder / ("epoch-%03d.png" % epoch)).is_file()  # the examples' epoch-{:03d}.png
    lines = (folder / "history.csv").read_text().splitlines()
    assert len(lines) == EPOCHS + 1 and lines[0].startswith("epoch,loss,generator_loss")
    config = json.loads((folder / "config.json").read_text())
    assert config["optimizer_generator"] == {"name": "Adam", "lr": 1e-4, "decay": 1e-4}
    assert config["optimizer_discriminator"] == {"name": "Adam", "lr": 1e-3, "decay": 1e-4}
    assert config["regularizer"] == {"l1": 1e-5, "l2": 1e-5} and config["batch_size"] == 32
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "finished" and summary["epochs_done"] == EPOCHS
    for name in ("generator.h5", "discriminator.h5", "timelapse.gif", "best.png"):
        assert (folder / name).is_file(), name


def test_sigkill_then_resume_is_byte_identical(workspace, reference):
    data, out = workspace
    folder = out / "adversarial-mnist" / "killed"
    proc = start_cli_until(folder / "checkpoints" / "latest.npz", *mnist_args(data, "killed"),
                           env=env_for(data, out))
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (folder / "generator.h5").exists()
    resumed = train_mnist(data, out, "killed")
    assert "resume: run" in resumed.stdout
    for name in ("checkpoints/latest.npz", "history.csv", "generator.h5", "discriminator.h5"):
        assert (folder / name).read_bytes() == (reference / name).read_bytes(), name
    for grid in reference.glob("epoch-*.png"):
        assert (folder / grid.name).read_bytes() == grid.read_bytes(), grid.name


def test_generate_writes_samples(workspace, reference):
    data, out = workspace
    run_cli("adversarial-mnist", "--mode", "generate", "--run", "ref", "--n", "9", "--epoch", "best",
            env=env_for(data, out))
    samples = reference / "samples"
    meta = json.loads((samples / "samples.json").read_text())
    assert meta["n"] == 9 and meta["requested_epoch"] == "best"
    assert len(list(samples.glob("sample-*.png"))) == 9 and (samples / "grid.png").is_file()
    result = run_cli("adversarial-mnist", "--mode", "generate", "--run", "nothing",
                     env=env_for(data, out), check=False)
    assert result.returncode == 2 and "train it first" in result.stderr


def test_cifar10_trains_on_a_batches_folder_with_either_batchnorm_axis(workspace):
    data, out = workspace
    for axis in ("channels", "rows"):
        run_cli("adversarial-cifar10", "--run", axis, "--epochs", "1", "--bn-axis", axis,
                "--data", str(data / "cifar-10-batches-py"), *TINY_CIFAR, env=env_for(data, out))
        folder = out / "adversarial-cifar10" / axis
        config = json.loads((folder / "config.json").read_text())
        assert config["bn_axis"] == axis and config["data"]["images"] == 64
        assert config["data"]["shape"] == [32, 32, 3]
        assert config["optimizer_generator"]["decay"] == 1e-5
        assert config["regularizer"] == {"l1": 1e-7, "l2": 1e-7}
        from PIL import Image
        with Image.open(str(folder / "epoch-000.png")) as grid:
            assert grid.mode == "RGB"


def test_other_config_under_same_run_is_refused(workspace, reference):
    data, out = workspace
    args = mnist_args(data, "ref")
    args[args.index("--hidden") + 1] = "32"
    result = run_cli(*args, env=env_for(data, out), check=False)
    assert result.returncode == 2 and "hidden" in result.stderr


# ---------------------------------------------------------------- CIFAR-10 loading
def test_read_folder_matches_cifar_layout(tmp_path):
    from kerasgan.datasets import cifar10
    folder = write_cifar_folder(tmp_path / "cifar-10-batches-py", sizes=(3, 2))
    x, y = cifar10.read_folder(folder)
    assert x.shape == (5, 32, 32, 3) and x.dtype == np.uint8 and y.shape == (5,)
    with open(str(folder / "data_batch_1"), "rb") as handle:
        raw = pickle.load(handle, encoding="bytes")[b"data"]
    # first image: red plane first, row-major
    assert x[0, 0, 1, 0] == raw[0, 1] and x[0, 0, 0, 1] == raw[0, 1024] and x[0, 1, 0, 2] == raw[0, 2048 + 32]


def _cache_env(monkeypatch, tmp_path):
    home = tmp_path / "home"
    (home / ".keras").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    return home / ".keras" / "datasets"


def test_offline_without_cache_is_one_clear_line(tmp_path, monkeypatch):
    from kerasgan.datasets import cifar10
    _cache_env(monkeypatch, tmp_path)
    monkeypatch.setattr(cifar10, "CIFAR_URL", "http://127.0.0.1:9/cifar-10-python.tar.gz")
    with pytest.raises(cifar10.DataError) as error:
        cifar10.load_cifar10(None)
    message = str(error.value)
    assert "\n" not in message
    assert cifar10.CIFAR_SOURCE in message and "cifar-10-batches-py" in message
    assert str(tmp_path / "home" / ".keras" / "datasets") in message


def test_cached_folder_is_checked_as_keras_needs_it(tmp_path, monkeypatch):
    from kerasgan.datasets import cifar10
    cache = _cache_env(monkeypatch, tmp_path)
    write_cifar_folder(cache / "cifar-10-batches-py", sizes=(10, 10, 10, 10, 10))
    with pytest.raises(cifar10.DataError, match="exactly 10000 per batch"):
        cifar10.load_cifar10(None)
    (cache / "cifar-10-batches-py" / "test_batch").unlink()
    with pytest.raises(cifar10.DataError, match="lacks test_batch"):
        cifar10.load_cifar10(None)


def test_emoji10_is_labelled_deterministic_and_varied():
    from kerasgan.datasets import cifar10
    x, y = cifar10.load_emoji10(0, per_class=6)
    assert x.shape == (60, 32, 32, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [6] * 10
    x2, y2 = cifar10.load_emoji10(0, per_class=6)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)
    x3, _ = cifar10.load_emoji10(1, per_class=6)
    assert not np.array_equal(x, x3)
    assert len({x[i].tobytes() for i in range(len(x))}) == len(x)   # augmentation: no duplicates
