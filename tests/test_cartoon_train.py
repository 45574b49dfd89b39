"""cartoon: G, D then E trained a few steps, one checkpoint with all three and their
optimizers, resume after SIGKILL to identical bytes, the arithmetic grids and figures, interpolate,
generate, the report. Tiny networks (nf 4, 3x3 kernels) on 48 synthetic faces, batch 16."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from cartoon_fixtures import cache_set
from conftest import ROOT, run_cli

TINY = ["--set", "synthetic", "--synthetic-n", 48, "--nf", 4, "--kernel", 3, "--batch-size", 16,
        "--gan-epochs", 2, "--encoder-epochs", 4, "--seed", 0]
GAN_EPOCHS, EPOCHS = 2, 6


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("cartoon")
    data, out = root / "data", root / "generated"
    from kerasgan.pipelines.cartoon import sets
    names, _ = cache_set(sets.synthetic_dir(0, 48, data), data, 48)
    env = {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "PYTHONHASHSEED": "0"}
    return data, out, env, names


def train(workspace, run):
    return run_cli("cartoon-train", "--run", run, *TINY, env=workspace[2], timeout=1800)


@pytest.fixture(scope="module")
def reference(workspace):
    result = train(workspace, "ref")
    return workspace[1] / "cartoon" / "ref", result


def checkpoint_state(folder):
    with np.load(str(folder / "checkpoints" / "latest.npz")) as archive:
        return json.loads(archive["meta"].tobytes().decode()), {k: archive[k] for k in archive.files}


def kill_when(env, folder, args, ready):
    """Start cartoon-train into `folder` with `args`; SIGKILL it once its checkpoint's epoch
    satisfies `ready` (polled every 5 ms)."""
    full = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TF_CPP_MIN_LOG_LEVEL="2", **env)
    proc = subprocess.Popen([sys.executable, "-m", "kerasgan", "cartoon-train", "--run", folder.name]
                            + [str(a) for a in args], env=full, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while proc.poll() is None and time.time() < deadline:
        try:
            if ready(checkpoint_state(folder)[0]["epoch"]):
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"


def test_training_moves_generator_discriminator_and_encoder(reference):
    folder, result = reference
    assert "nf 4: generator" in result.stdout
    for name in ("generator.h5", "discriminator.h5", "encoder.h5", "reconstructions.png",
                 "epoch-00000.png", "epoch-00001.png", "timelapse.gif"):
        assert (folder / name).is_file(), name
    state, arrays = checkpoint_state(folder)
    assert state["epoch"] == EPOCHS - 1
    # Adam's first weight is its step count: G and D stepped in the GAN epochs only, E after them
    steps = {name: int(arrays["opt_%s/000" % name]) for name in ("generator", "discriminator", "encoder")}
    assert steps == {"generator": GAN_EPOCHS * 3, "discriminator": GAN_EPOCHS * 3,
                     "encoder": (EPOCHS - GAN_EPOCHS) * 3}
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["status"] == "finished"
    assert 0 < summary["recovery"]["recovery_error"] and -1 <= summary["recovery"]["recovery_cosine"] <= 1
    assert set(summary["parameters"]) == {"generator", "discriminator", "encoder"}
    history = (folder / "history.csv").read_text().splitlines()
    assert len(history) == 1 + EPOCHS
    assert history[1].split(",")[3] != "" and history[-1].split(",")[3] == ""   # g_loss only in the GAN phase


def test_sigkill_in_the_encoder_phase_then_resume_gives_identical_bytes(workspace, reference):
    ref, _ = reference
    data, out, env, _ = workspace
    folder = out / "cartoon" / "killed"
    kill_when(env, folder, TINY, lambda epoch: epoch >= GAN_EPOCHS)   # an encoder epoch is saved
    state, _ = checkpoint_state(folder)
    assert GAN_EPOCHS <= state["epoch"] < EPOCHS - 1
    resumed = train(workspace, "killed")
    assert "resume: run" in resumed.stdout
    for name in ("checkpoints/latest.npz", "generator.h5", "discriminator.h5", "encoder.h5",
                 "history.csv", "reconstructions.png", "epoch-00001.png"):
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name
    assert "already finished" in train(workspace, "killed").stdout


def test_arithmetic_interpolate_generate_and_report(workspace, reference):
    ref, _ = reference
    data, out, env, names = workspace
    # the judge trained ahead (as the demo does) is the one the arithmetic uses: it trains no other
    ahead = run_cli("cartoon-classifier", "--set", "synthetic", "--synthetic-n", 48, "--seed", 0,
                    "--attr", "glasses", env=env, timeout=1800)
    judges = list((data / "models").glob("cartoon-classifier-glasses-*.h5"))
    assert "cartoon classifier: glasses on 43 images" in ahead.stdout and len(judges) == 1
    before = judges[0].read_bytes()
    done = run_cli("cartoon-arithmetic", "--run", "ref", "--attr", "glasses", "--n", 4, env=env, timeout=1800)
    assert "cartoon classifier:" not in done.stdout and judges[0].read_bytes() == before
    assert list((data / "models").glob("cartoon-classifier-glasses-*.h5")) == judges
    folder = ref / "arithmetic" / "glasses"
    from PIL import Image
    for name in ("imgs_originals", "imgs_base", "imgs_glasses_avg", "imgs_glasses_sub",
                 "with_originals", "with_base", "with_removed"):
        with Image.open(str(folder / (name + ".png"))) as image:
            assert image.size == (2 * 64 + 3 * 2,) * 2, name      # 4 images, 2 x 2
    figures = json.loads((folder / "arithmetic.json").read_text())
    assert figures["n"] == 4 and figures["images_with"] + figures["images_without"] == 48
    # the flip counts' known answers: test_evaluation_judges.py
    assert sorted(figures["by_scale"], key=float) == ["0.5", "1", "1.5", "2"]
    assert figures["by_scale"]["1"] == {k: figures[k] for k in ("added", "removed")}
    assert figures["inversion"] == "encoder" and list(figures["inversions"]) == ["encoder"]
    assert figures["inversions"]["encoder"]["added"] == figures["added"]
    assert 0 < figures["reconstruction_l1"] < 2
    # projection from E(x): its figures beside the encoder's, the encoder's grids in encoder/
    run_cli("cartoon-arithmetic", "--run", "ref", "--attr", "glasses", "--n", 4, "--inversion", "projection",
            "--steps", 3, env=env, timeout=1800)
    projected = json.loads((folder / "arithmetic.json").read_text())
    assert projected["inversion"] == "projection" and sorted(projected["inversions"]) == ["encoder", "projection"]
    assert projected["inversions"]["encoder"] == figures["inversions"]["encoder"]   # E's figures unchanged
    assert projected["projection_steps"] == 3 and projected["added"] == projected["inversions"]["projection"]["added"]
    assert (folder / "encoder" / "imgs_glasses_avg.png").is_file()
    assert list((data / "models").glob("cartoon-classifier-glasses-*.h5"))
    # another attribute from the CSVs, given as name=variant
    run_cli("cartoon-arithmetic", "--run", "ref", "--attr", "hair_color=0", "--n", 2, env=env, timeout=1800)
    assert (ref / "arithmetic" / "hair_color-0" / "imgs_hair_color-0_avg.png").is_file()
    bad = run_cli("cartoon-arithmetic", "--run", "ref", "--attr", "wings", env=env, check=False)
    assert bad.returncode == 2 and "not a Cartoon Set attribute" in bad.stderr

    run_cli("cartoon-interpolate", "--run", "ref", "--images", "%s,%s" % (names[0], names[1]), "--steps", 5,
            env=env, timeout=1800)
    strip = ref / "interpolate" / ("%s_%s.png" % (names[0], names[1]))
    with Image.open(str(strip)) as image:
        assert image.size == (7 * 64 + 8 * 2, 64 + 2 * 2)
    run_cli("cartoon-generate", "--run", "ref", "--n", 9, env=env, timeout=1800)
    assert json.loads((ref / "samples" / "samples.json").read_text())["n"] == 9

    run_cli("report", "--pipeline", "cartoon", "--run", "ref", env=env, timeout=1800)
    page = (ref / "report.html").read_text()
    assert "Latent attribute arithmetic" in page and "imgs_glasses_avg.png" in page
    assert "cartoon-gan.png" in page and "cartoon-encoder.png" in page and "generator of epoch 5" in page
    assert "relative latent recovery error" in page and "hair_color=0" in page
    assert "projection (3 steps from E(x))" in page and "encoder: imgs_base" in page


def test_refusals(workspace):
    data, out, env, _ = workspace
    missing = run_cli("cartoon-train", "--run", "x", "--set", "synthetic", "--synthetic-n", 7, env=env, check=False)
    assert missing.returncode == 2 and "make cartoon-prepare" in missing.stderr
    unprepared = run_cli("cartoon-classifier", "--set", "synthetic", "--synthetic-n", 7, env=env, check=False)
    assert unprepared.returncode == 2 and "cartoon-classifier: error:" in unprepared.stderr
    assert "make cartoon-prepare" in unprepared.stderr
    untrained = run_cli("cartoon-arithmetic", "--run", "never", env=env, check=False)
    assert untrained.returncode == 2 and "train it first" in untrained.stderr


def test_joint_trains_the_encoder_alongside_the_gan(workspace, reference):
    """JOINT=w: E steps in every batch of both phases, G's loss gains w |G(E(x)) - x|; the seed's
    order (JOINT 0, the reference run) moves E only after the GAN."""
    ref, _ = reference
    out = workspace[1]
    run_cli("cartoon-train", "--run", "joint", *TINY, "--joint", 10, env=workspace[2], timeout=1800)
    folder = out / "cartoon" / "joint"
    _, arrays = checkpoint_state(folder)
    steps = {name: int(arrays["opt_%s/000" % name]) for name in ("generator", "discriminator", "encoder")}
    assert steps == {"generator": GAN_EPOCHS * 3, "discriminator": GAN_EPOCHS * 3, "encoder": EPOCHS * 3}
    rows = (folder / "history.csv").read_text().splitlines()
    header, first = rows[0].split(","), rows[1].split(",")
    assert first[header.index("g_loss")] != "" and first[header.index("e_loss_reconstruction")] != ""
    assert json.loads((folder / "config.json").read_text())["joint"] == 10
    assert (folder / "generator.h5").read_bytes() != (ref / "generator.h5").read_bytes()


AVERAGED = ["--set", "synthetic", "--synthetic-n", 48, "--nf", 4, "--kernel", 3, "--batch-size", 16,
            "--gan-epochs", 3, "--encoder-epochs", 1, "--seed", 0, "--joint", 10,
            "--reconstruction", "l2", "--average", 0.5]


def test_average_replaces_g_after_the_gan_and_resumes_across_the_swap(workspace):
    """AVERAGE=d: G's trainable weights become the average's at the GAN's last epoch (batch-norm
    statistics stay G's); a run killed before that swap resumes to the same bytes."""
    data, out, env, _ = workspace
    whole = out / "cartoon" / "averaged"
    run_cli("cartoon-train", "--run", "averaged", *AVERAGED, env=env, timeout=1800)
    config = json.loads((whole / "config.json").read_text())
    assert config["average"] == 0.5 and config["reconstruction"] == "l2"
    assert config["encoder_objective"] == {"latent_regression": 1.0, "reconstruction_l2": 1.0}
    _, arrays = checkpoint_state(whole)
    names = sorted(k for k in arrays if k.startswith("generator/"))
    same = [k for k in names if np.array_equal(arrays[k], arrays["average/" + k.split("/")[1]])]
    # nf 4 G: Dense kernel, 4 x BN (gamma, beta), 3 ConvT kernels, the last ConvT kernel + bias
    assert (len(names), len(same)) == (22, 14)
    killed = out / "cartoon" / "averaged-killed"
    kill_when(env, killed, AVERAGED, lambda epoch: True)    # a GAN epoch before the last is saved
    assert checkpoint_state(killed)[0]["epoch"] < 2, "killed after the swap: nothing tested"
    run_cli("cartoon-train", "--run", "averaged-killed", *AVERAGED, env=env, timeout=1800)
    for name in ("checkpoints/latest.npz", "generator.h5", "encoder.h5", "history.csv", "epoch-00002.png"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
