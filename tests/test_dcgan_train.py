"""keras-dcgan: outputs in the run folder, exact resume after SIGKILL, generate and
--nice (the kept batch is exactly the discriminator's top scores), --path, refusals.

The full-size networks (as the original's) on a 24-image mnist.npz written here, batch 4:
6 batches per epoch, 2 epochs, weights every 2 batches and a grid every 3 (a few seconds each).
"""
import csv
import json
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli, start_cli_until
from test_dcgan_data import write_mnist_npz

EPOCHS, BATCH, IMAGES = 2, 4, 24
TINY = ["--batch_size", BATCH, "--save-every", 2, "--grid-every", 3, "--quality-n", 20]


def env_for(data, out):
    return {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "PYTHONHASHSEED": "0"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("dcgan")
    data, out, cwd = root / "data", root / "generated", root / "cwd"
    for d in (data, out, cwd):
        d.mkdir()
    write_mnist_npz(root / "mnist.npz", n=IMAGES)
    return data, out, root / "mnist.npz", cwd


def train_args(npz, run, epochs=EPOCHS):
    return ["dcgan", "--mode", "train", "--run", run, "--epochs", epochs, "--data", npz] + TINY


def train(workspace, run, **kw):
    data, out, npz, cwd = workspace
    return run_cli(*train_args(npz, run, **kw), env=env_for(data, out), cwd=cwd, timeout=1800)


@pytest.fixture(scope="module")
def reference(workspace):
    result = train(workspace, "ref")
    return workspace[1] / "dcgan" / "ref", result


def test_run_writes_grids_weights_history_inside_the_run_folder(workspace, reference):
    folder, result = reference
    data, out, npz, cwd = workspace
    assert list(cwd.iterdir()) == [], "nothing may be written to the current directory"
    assert "device: CPU" in result.stdout and "digits covered" in result.stdout
    grids = sorted(p.name for p in folder.glob("*_*.png"))
    assert grids == ["0_0.png", "0_3.png", "1_0.png", "1_3.png"]   # <epoch>_<index>, every 3rd batch
    from PIL import Image
    with Image.open(str(folder / "0_0.png")) as image:
        assert image.size == (2 * 28 + 3 * 2,) * 2 and image.mode == "L"   # 4 samples, 2x2
    for name in ("generator.h5", "discriminator.h5", "checkpoints/latest.npz", "summary.json"):
        assert (folder / name).is_file(), name
    config = json.loads((folder / "config.json").read_text())
    assert config["batch_size"] == BATCH and config["batches_per_epoch"] == IMAGES // BATCH
    assert config["optimizer_discriminator"] == {"name": "SGD", "lr": 0.0005, "momentum": 0.9, "nesterov": True}
    with open(str(folder / "history.csv")) as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    for r in rows:     # each epoch judged (the figures' known answers: test_evaluation_judges.py)
        assert all(r[k] != "" for k in ("classes_covered", "kl_uniform", "confident", "diversity"))
    with open(str(folder / "batches.csv")) as handle:
        batches = list(csv.DictReader(handle))
    assert [(int(b["epoch"]), int(b["batch"])) for b in batches] == [(e, i) for e in range(2) for i in range(6)]
    assert float(rows[0]["discriminator_loss"]) == pytest.approx(
        np.mean([float(b["discriminator_loss"]) for b in batches[:6]]))
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "finished" and summary["epochs_done"] == EPOCHS
    assert summary["classifier"]["images"] == IMAGES
    assert list((data / "models").glob("digit-classifier-*.h5"))
    # generator.h5 is plain Keras save_weights: the original's model loads it
    import h5py
    with h5py.File(str(folder / "generator.h5"), "r") as f:
        assert "layer_names" in f.attrs


def start_until_checkpoint(workspace, run):
    data, out, npz, cwd = workspace
    return start_cli_until(out / "dcgan" / run / "checkpoints" / "latest.npz", *train_args(npz, run),
                           env=env_for(data, out), cwd=cwd, stdout=subprocess.PIPE)


def test_sigkill_then_resume_gives_identical_bytes(workspace, reference):
    ref, _ = reference
    folder = workspace[1] / "dcgan" / "killed"
    proc = start_until_checkpoint(workspace, "killed")
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    state = json.loads(np.load(str(folder / "checkpoints/latest.npz"))["meta"].tobytes().decode())
    assert (state["epoch"], state["batch"]) < (EPOCHS - 1, IMAGES // BATCH - 1)

    resumed = train(workspace, "killed")
    assert "resume: run" in resumed.stdout
    for name in ("checkpoints/latest.npz", "generator.h5", "discriminator.h5", "history.csv",
                 "batches.csv"):
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name
    for grid in ref.glob("*_*.png"):
        assert (folder / grid.name).read_bytes() == grid.read_bytes(), grid.name
    again = train(workspace, "killed")
    assert "already finished" in again.stdout


def test_sigterm_checkpoints_and_the_resume_matches(workspace, reference):
    ref, _ = reference
    folder = workspace[1] / "dcgan" / "stopped"
    proc = start_until_checkpoint(workspace, "stopped")
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=120)[0]
    assert proc.returncode == 128 + signal.SIGTERM, output
    assert json.loads((folder / "summary.json").read_text())["status"] == "interrupted"
    train(workspace, "stopped")
    assert (folder / "checkpoints/latest.npz").read_bytes() == (ref / "checkpoints/latest.npz").read_bytes()


def generate(workspace, *extra):
    data, out, npz, cwd = workspace
    return run_cli("dcgan", "--mode", "generate", "--run", "ref", "--batch_size", 5, *extra,
                   env=env_for(data, out), cwd=cwd)


def test_generate_plain_and_nice_keep_exactly_the_top_scores(workspace, reference):
    folder, _ = reference
    cwd = workspace[3]
    generate(workspace)
    plain = (folder / "generated_image.png").read_bytes()
    assert (folder / "samples/plain/grid.png").read_bytes() == plain
    result = generate(workspace, "--nice")
    assert "best 5 of 100" in result.stdout
    assert list(cwd.iterdir()) == []
    nice_meta = json.loads((folder / "samples/nice/samples.json").read_text())
    assert nice_meta["candidates"] == 100 and nice_meta["n"] == 5 and "classes_covered" in nice_meta
    assert sum(nice_meta["class_histogram"]) == 5

    # recompute every candidate's score from the checkpoint and the generate stream
    from kerasgan.kit import determinism
    from kerasgan.kit import checkpoint
    from kerasgan.kit.grids import grid, to_uint8
    from kerasgan.pipelines.dcgan import generate as gen, models
    determinism.seed_everything(0)
    _, groups = checkpoint.load(folder)
    g, d = models.build_generator(), models.build_discriminator()
    g.set_weights(groups["generator"])
    d.set_weights(groups["discriminator"])
    images = g.predict(gen.sample_latents(0, 100), batch_size=128)
    scores = d.predict(images, batch_size=128).reshape(-1)
    with open(str(folder / "samples/nice/samples.csv")) as handle:
        kept = [(int(r["candidate"]), float(r["score"])) for r in csv.DictReader(handle)]
    order = np.argsort(-scores, kind="mergesort")
    assert scores[order[4]] > scores[order[5]], "a tie at the cut would make the top-5 ambiguous"
    assert set(i for i, _ in kept) == set(order[:5].tolist())
    assert [s for _, s in kept] == sorted((s for _, s in kept), reverse=True)
    np.testing.assert_allclose([s for _, s in kept], scores[[i for i, _ in kept]], rtol=1e-5)
    assert np.array_equal(gen.nice_indices(scores, 5), order[:5])
    from PIL import Image
    with Image.open(str(folder / "generated_image.png")) as image:
        shown = np.asarray(image)
    expected = grid(to_uint8(images[[i for i, _ in kept]], -1.0, 1.0))[:, :, 0]
    assert np.abs(shown.astype(int) - expected.astype(int)).max() <= 1
    # the plain grid is the first 5 candidates' noise (the same stream), not the nice ones
    with Image.open(str(folder / "samples/plain/grid.png")) as image:
        assert np.abs(np.asarray(image).astype(int)
                      - grid(to_uint8(images[:5], -1.0, 1.0))[:, :, 0].astype(int)).max() <= 1


def test_path_trains_on_a_folder_of_own_images(workspace, tmp_path):
    from PIL import Image
    data, out, npz, cwd = workspace
    images = tmp_path / "mine"
    images.mkdir()
    rng = np.random.RandomState(1)
    for i in range(8):   # colour, other sizes: converted to grey 28x28
        Image.fromarray(rng.randint(0, 256, (40, 33, 3)).astype(np.uint8)).save(str(images / ("%d.png" % i)))
    run_cli("dcgan", "--mode", "train", "--run", "mine", "--epochs", 1, "--path", images,
            "--batch_size", 4, "--quality-n", 8, env=env_for(data, out), cwd=cwd)
    folder = out / "dcgan" / "mine"
    config = json.loads((folder / "config.json").read_text())
    assert config["data"]["kind"] == "folder" and config["data"]["images"] == 8
    assert not config["data"]["labels"] and (folder / "0_0.png").is_file()
    with open(str(folder / "history.csv")) as handle:
        row = next(csv.DictReader(handle))
    assert row["classes_covered"] == "" and row["diversity"] != ""


def test_refusals(workspace, reference):
    data, out, npz, cwd = workspace
    other = run_cli(*train_args(npz, "ref")[:-len(TINY)], "--batch_size", 3, "--quality-n", 20,
                    env=env_for(data, out), cwd=cwd, check=False)
    assert other.returncode == 2 and "batch_size" in other.stderr
    big = run_cli(*train_args(npz, "big")[:-len(TINY)], "--batch_size", 64,
                  env=env_for(data, out), cwd=cwd, check=False)
    assert big.returncode == 2 and "smaller --batch_size" in big.stderr
    missing = run_cli("dcgan", "--mode", "generate", "--run", "absent", env=env_for(data, out),
                      cwd=cwd, check=False)
    assert missing.returncode == 2 and "train it first" in missing.stderr


def test_report_shows_plain_and_nice_with_their_figures(workspace, reference):
    folder, _ = reference
    data, out, _, _ = workspace
    if not (folder / "samples/nice/samples.json").exists():
        generate(workspace)
        generate(workspace, "--nice")
    from kerasgan.report import build
    page = build("dcgan", "ref", data, out).read_text()
    for needed in ("samples/plain/grid.png", "samples/nice/grid.png",
                   "classes covered (of 10)", "KL(class histogram", "timelapse.gif", "1_3.png",
                   "dcgan-batch-loss.png", "held-out"):
        assert needed in page, needed
    assert (folder / "report-files/dcgan-quality.png").is_file()


def test_our_loop_writes_the_generator_of_the_originals_own_loop(workspace, reference):
    """Same SEED and data: `make dcgan-train` and DCGAN_LOOP=original end with the same generator
    weights, to the bit. Both keep the original's `g.compile` before the stack's: on Keras 2.1.2 it
    leaves G's BatchNormalization statistics out of the stack's updates, so they stay at their
    initial mean 0 and variance 1 however long G trains (docs/dcgan.md#fidelity-notes)."""
    from kerasgan.pipelines.dcgan import models
    data, out, npz, cwd = workspace
    run_cli("dcgan", "--mode", "train", "--run", "original", "--epochs", EPOCHS, "--data", npz,
            "--batch_size", BATCH, "--loop", "original", env=env_for(data, out), cwd=cwd, timeout=1800)
    weights = []
    for run in ("ref", "original"):
        generator = models.build_generator()
        generator.load_weights(str(out / "dcgan" / run / "generator.h5"))
        weights.append(generator.get_weights())
    assert len(weights[0]) == len(weights[1]) == 12      # BN: gamma 4, beta 5, mean 6, variance 7
    assert all(np.array_equal(a, b) for a, b in zip(*weights))
    moving_mean, moving_variance = weights[0][6], weights[0][7]
    assert np.array_equal(moving_mean, np.zeros(128 * 7 * 7, np.float32))
    assert np.array_equal(moving_variance, np.ones(128 * 7 * 7, np.float32))
    assert not np.array_equal(weights[0][4], np.ones(128 * 7 * 7, np.float32))   # gamma trained
