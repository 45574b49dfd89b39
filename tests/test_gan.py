"""The Pikachu GAN: outputs, resume after SIGKILL, reproducibility, NICE, refusals.

Tiny config on CPU (NCH=8, 32x32, 40 fixture JPEGs written here, a few epochs); the full-size
models are only built (parameter counts), never trained.
"""
import json
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, run_cli, start_cli_until

TINY = ["--nch", "8", "--save-every", "2"]
EPOCHS = 5          # grids at 0, 2, 4


def write_fixture_images(folder, count=40, seed=0):
    """Small coloured-blob JPEGs, 64x64 (the training stage resizes them to 32)."""
    from PIL import Image, ImageDraw
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    for i in range(count):
        image = Image.new("RGB", (64, 64), tuple(int(v) for v in rng.randint(0, 256, 3)))
        draw = ImageDraw.Draw(image)
        for _ in range(3):
            x, y = rng.randint(0, 48, 2)
            draw.ellipse([int(x), int(y), int(x) + 16, int(y) + 16],
                         fill=tuple(int(v) for v in rng.randint(0, 256, 3)))
        image.save(str(folder / ("%03d.jpg" % i)), quality=90)
    return folder


def env_for(data, out):
    return {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "PYTHONHASHSEED": "0"}


def train(data, out, run, *extra, epochs=EPOCHS, seed=0, check=True):
    return run_cli("train", "--run", run, "--epochs", epochs, "--seed", seed, *(TINY + list(extra)),
                   env=env_for(data, out), check=check, timeout=300)


def run_folder(out, run):
    return Path(out) / "pikachu" / run


def h5_arrays(path):
    import h5py
    arrays = {}
    with h5py.File(str(path), "r") as f:
        f["model_weights"].visititems(
            lambda name, obj: arrays.__setitem__(name, obj[()]) if hasattr(obj, "shape") else None)
    return arrays


def assert_same_arrays(a, b):
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name].dtype == b[name].dtype and np.array_equal(a[name], b[name]), name


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("gan")
    data, out = root / "data", root / "generated"
    write_fixture_images(data / "predicted")
    out.mkdir()
    return data, out


@pytest.fixture(scope="module")
def reference(workspace):
    """An uninterrupted tiny run, seed 0."""
    data, out = workspace
    result = train(data, out, "ref")
    return run_folder(out, "ref"), result


def test_run_writes_config_history_grids_gif_logs_models_summary(reference):
    folder, result = reference
    assert "device: CPU" in result.stdout and "ETA" in result.stdout
    config = json.loads((folder / "config.json").read_text())
    assert config["nch"] == 8 and config["kernel"] == 7 and config["dropout"] == 0.5
    assert config["batch_size"] == 32 and config["data"]["images"] == 40
    lines = (folder / "history.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header[:2] == ["epoch", "loss"] and "discriminator_loss" in header
    assert "diversity" in header and "memorised" in header
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    assert [int(r["epoch"]) for r in rows] == list(range(EPOCHS))
    grid_epochs = [0, 2, 4]
    for r in rows:
        assert (r["diversity"] != "") == (int(r["epoch"]) in grid_epochs)
    for e in grid_epochs:
        assert (folder / ("epoch-%05d.png" % e)).stat().st_size > 0
    from PIL import Image
    with Image.open(str(folder / "epoch-00000.png")) as grid:
        assert grid.size == (10 * 32 + 11 * 2,) * 2
    with Image.open(str(folder / "timelapse.gif")) as gif:
        assert gif.n_frames == len(grid_epochs)
    assert list((folder / "logs").glob("events.out.tfevents.*"))
    for name in ("generator.h5", "discriminator.h5", "best.png", "checkpoints/latest.npz"):
        assert (folder / name).is_file(), name
    summary = json.loads((folder / "summary.json").read_text())
    losses = [float(r["discriminator_loss"]) for r in rows]
    assert summary["status"] == "finished" and summary["epochs_done"] == EPOCHS
    assert summary["best_epoch"] == int(np.argmin(losses))
    assert summary["best_discriminator_loss"] == pytest.approx(min(losses))
    assert summary["versions"]["keras"] == "2.1.2" and summary["device"].startswith("CPU")
    assert isinstance(summary["warnings"], list)


def train_until_first_checkpoint(data, out, run, stdout):
    """Start `kerasgan train` for RUN in the background; return it once its first checkpoint exists."""
    return start_cli_until(run_folder(out, run) / "checkpoints" / "latest.npz",
                           "train", "--run", run, "--epochs", EPOCHS, "--seed", 0, *TINY,
                           env=env_for(data, out), stdout=stdout)


def test_sigkill_then_resume_is_byte_identical_to_uninterrupted(workspace, reference):
    data, out = workspace
    ref, _ = reference
    folder = run_folder(out, "killed")
    proc = train_until_first_checkpoint(data, out, "killed", stdout=subprocess.DEVNULL)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (folder / "generator.h5").exists()
    killed_at = len((folder / "history.csv").read_text().splitlines()) - 1
    assert killed_at < EPOCHS

    resumed = train(data, out, "killed")
    assert "resume: run" in resumed.stdout
    # the checkpoint holds weights, optimizer state, RNG and best epoch: all equal, byte for byte
    assert (folder / "checkpoints/latest.npz").read_bytes() == (ref / "checkpoints/latest.npz").read_bytes()
    assert_same_arrays(h5_arrays(folder / "generator.h5"), h5_arrays(ref / "generator.h5"))
    assert_same_arrays(h5_arrays(folder / "discriminator.h5"), h5_arrays(ref / "discriminator.h5"))
    for name in ("generator.h5", "discriminator.h5"):  # the very bytes, not only the arrays
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name
    assert (folder / "history.csv").read_bytes() == (ref / "history.csv").read_bytes()
    for grid in ref.glob("epoch-*.png"):
        assert (folder / grid.name).read_bytes() == grid.read_bytes(), grid.name
    # a finished run is not trained again
    again = train(data, out, "killed")
    assert "already finished" in again.stdout


def test_sigterm_checkpoints_the_current_epoch_and_resume_matches(workspace, reference):
    data, out = workspace
    ref, _ = reference
    folder = run_folder(out, "stopped")
    proc = train_until_first_checkpoint(data, out, "stopped", stdout=subprocess.PIPE)
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 128 + signal.SIGTERM, output
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "interrupted" and summary["epochs_done"] < EPOCHS
    assert "resumes" in output and (folder / "timelapse.gif").is_file()
    train(data, out, "stopped")
    assert (folder / "checkpoints/latest.npz").read_bytes() == (ref / "checkpoints/latest.npz").read_bytes()
    assert json.loads((folder / "summary.json").read_text())["status"] == "finished"


def test_same_seed_is_identical_and_another_seed_differs(workspace, reference):
    data, out = workspace
    ref, _ = reference
    train(data, out, "same")
    same = run_folder(out, "same")
    assert (same / "checkpoints/latest.npz").read_bytes() == (ref / "checkpoints/latest.npz").read_bytes()
    assert_same_arrays(h5_arrays(same / "generator.h5"), h5_arrays(ref / "generator.h5"))
    assert (same / "generator.h5").read_bytes() == (ref / "generator.h5").read_bytes()
    assert (same / "epoch-00004.png").read_bytes() == (ref / "epoch-00004.png").read_bytes()

    train(data, out, "other", epochs=1, seed=1)
    other = run_folder(out, "other")
    snapshot = "checkpoints/snapshot-00000.npz"
    with np.load(str(other / snapshot)) as a, np.load(str(ref / snapshot)) as b:
        assert sorted(a.files) == sorted(b.files)
        assert any(not np.array_equal(a[k], b[k]) for k in a.files if k.startswith("generator/"))
    assert (other / "epoch-00000.png").read_bytes() != (ref / "epoch-00000.png").read_bytes()


def test_other_config_under_same_run_is_refused(workspace, reference):
    data, out = workspace
    folder, _ = reference
    before = (folder / "config.json").read_bytes()
    result = run_cli("train", "--run", "ref", "--epochs", EPOCHS, "--nch", "16", "--save-every", "2",
                     env=env_for(data, out), check=False)
    assert result.returncode == 2
    assert "different config" in result.stderr and "nch" in result.stderr and "16" in result.stderr
    assert (folder / "config.json").read_bytes() == before


def test_missing_folder_and_too_few_images_are_clear_errors(tmp_path):
    empty_env = env_for(tmp_path / "data", tmp_path / "out")
    missing = run_cli("train", "--run", "x", *TINY, env=empty_env, check=False)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert "predicted" in missing.stderr
    few = write_fixture_images(tmp_path / "few", count=31)
    result = run_cli("train", "--run", "x", "--train-dir", few, *TINY, env=empty_env, check=False)
    assert result.returncode == 2 and "31 training image(s), fewer than one batch (32)" in result.stderr
    assert not (tmp_path / "out" / "pikachu" / "x").exists()


def test_training_images_are_cached_and_the_cache_follows_the_folder(tmp_path, monkeypatch):
    from kerasgan.pipelines.pikachu import data as gan_data
    monkeypatch.setenv("KERASGAN_DATA_DIR", str(tmp_path / "data"))
    folder = write_fixture_images(tmp_path / "imgs", count=33)
    messages = []
    images, sources, digest = gan_data.load_training_images(folder, 32, 32, log=messages.append)
    assert images.shape == (33, 32, 32, 3) and images.dtype == np.uint8
    assert sources[0] == "000.jpg" and len(sources) == 33
    again = gan_data.load_training_images(folder, 32, 32, log=messages.append)
    assert "from the cache" in messages[-1] and again[2] == digest
    (folder / "000.jpg").unlink()
    write_fixture_images(tmp_path / "more", count=1, seed=5)
    (tmp_path / "more" / "000.jpg").rename(folder / "999.jpg")
    changed = gan_data.load_training_images(folder, 32, 32, log=messages.append)
    assert "resizing" in messages[-1] and changed[1][-1] == "999.jpg" and changed[2] != digest


def test_generate_nice_keeps_the_highest_scored_samples(workspace, reference, monkeypatch):
    data, out = workspace
    monkeypatch.setenv("KERASGAN_OUT_DIR", str(out))
    from keras.models import load_model
    from PIL import Image
    from kerasgan.errors import UserError
    from kerasgan.pipelines.pikachu.generate import generate, sample_latents
    from kerasgan.kit.grids import to_uint8

    folder, _ = reference
    n = 5
    result = generate("ref", n=n, nice=True, epoch="last", seed=3, log=lambda *a: None)
    samples = folder / "samples"
    assert result["epoch"] == EPOCHS - 1
    # recompute independently from the saved final models (plain Keras files)
    generator = load_model(str(folder / "generator.h5"))
    discriminator = load_model(str(folder / "discriminator.h5"))
    images = generator.predict(sample_latents(3, 20 * n))
    scores = discriminator.predict(images).reshape(-1)
    top = np.argsort(-scores, kind="mergesort")[:n]
    assert list(result["keep"]) == list(top)
    assert scores[top].min() >= np.delete(scores, top).max()
    for rank, index in enumerate(top):
        with Image.open(str(samples / ("sample-%03d.png" % rank))) as png:
            assert np.array_equal(np.asarray(png), to_uint8(images[index:index + 1])[0])
    assert len(list(samples.glob("sample-*.png"))) == n and (samples / "grid.png").is_file()
    rows = (samples / "samples.csv").read_text().splitlines()[1:]
    assert [int(r.split(",")[1]) for r in rows] == list(top)

    best = generate("ref", n=3, nice=False, epoch="best", seed=3, log=lambda *a: None)
    summary = json.loads((folder / "summary.json").read_text())
    assert best["epoch"] == summary["best_epoch"]
    assert len(list(samples.glob("sample-*.png"))) == 3
    with pytest.raises(UserError, match="available"):
        generate("ref", n=3, epoch="1" if summary["best_epoch"] != 1 else "3", log=lambda *a: None)


def test_full_size_models_have_the_originals_parameter_counts():
    from kerasgan.kit.determinism import seed_everything
    from kerasgan.pipelines.pikachu.models import build_discriminator, build_generator
    seed_everything(0)
    generator, discriminator = build_generator(), build_discriminator()
    assert generator.count_params() == 12121603
    assert discriminator.count_params() == 209684
    assert generator.output_shape == (None, 32, 32, 3) and discriminator.output_shape == (None, 1)
    kinds = [type(layer).__name__ for layer in discriminator.layers]
    assert kinds.count("SeparableConv2D") == 4 and kinds.count("SpatialDropout2D") == 3
    assert discriminator.layers[1].rate == 0.5


def test_make_train_and_generate_pass_their_variables():
    def dry(*args):
        return subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT)] + list(args),
                              stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    text = dry("train", "RUN=r1", "EPOCHS=3", "SAVE_EVERY=1", "NCH=16", "KERNEL=5", "DROPOUT=0.25",
               "SIZE=32", "SEED=4", "DETERMINISTIC=1", "TRAIN_DIR=/x")
    assert " train --seed 4 " in text
    for flag, value in (("--run", "r1"), ("--epochs", "3"), ("--save-every", "1"), ("--nch", "16"),
                        ("--kernel", "5"), ("--dropout", "0.25"), ("--size", "32"),
                        ("--deterministic", "1"), ("--train-dir", "/x")):
        assert "%s '%s'" % (flag, value) in text, flag
    text = dry("generate", "RUN=r1", "N=7", "NICE=1", "EPOCH=last", "SEED=2")
    assert " generate --seed 2 " in text
    for flag, value in (("--run", "r1"), ("--n", "7"), ("--nice", "1"), ("--epoch", "last")):
        assert "%s '%s'" % (flag, value) in text, flag
    # unset variables fall back to the Python defaults instead of passing empty values
    assert "--epochs" not in dry("train", "EPOCHS=")
