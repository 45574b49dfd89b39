"""pix2pix training: every LOSS (and mode seeking) trains with finite losses; resume after SIGKILL
writes the same bytes as an uninterrupted run; the lr policy and the Make variables."""
import os
import signal
import subprocess

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, run_cli, start_cli_until
from kerasgan.pipelines.pix2pix import train as p2p

EPOCHS = 4
TINY = ["--size", "32", "--ngf", "4", "--save-every", "2"]


def write_pairs(folder, count=6, size=32, seed=0):
    """[image | edges] pairs as preprocess writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    for n in range(1, count + 1):
        image = (rng.rand(size, size, 3) * 255).astype(np.uint8)
        edges = np.zeros((size, size, 3), np.uint8)
        edges[rng.randint(size)] = 255
        Image.fromarray(np.concatenate([image, edges], axis=1)).save(str(folder / ("%d.png" % n)))
    return folder


@pytest.mark.parametrize("loss,ms", [("lsgan", 0), ("vanilla", 0), ("wgangp", 0), ("lsgan", 1)])
def test_each_loss_trains_a_step_with_finite_losses(loss, ms):
    from kerasgan.kit import determinism
    import keras.backend as K
    determinism.seed_everything(0)
    config = {"size": 32, "ngf": 4, "ndf": 4, "nz": 8 if ms else 0, "loss": loss}
    net = p2p.build(config)
    rng = np.random.RandomState(0)
    edges, image = rng.uniform(-1, 1, (2, 1, 32, 32, 3)).astype(np.float32)
    feed = [edges, image] + ([rng.normal(size=(1, 8)).astype(np.float32)] * 1 if ms else [])
    g_extra = [rng.normal(size=(1, 8)).astype(np.float32)] if ms else []
    d_extra = [np.full((1, 1, 1, 1), 0.3, np.float32)] if loss == "wgangp" else []
    before = [w.copy() for w in net["generator"].get_weights()]
    d_real, d_fake, gp = net["d_step"](feed + g_extra + d_extra + [1])
    g_gan, l1, msl = net["g_step"](feed + g_extra + [1])
    for value in (d_real, d_fake, gp, g_gan, l1, msl):
        assert np.isfinite(value)
    assert (gp > 0) == (loss == "wgangp")
    assert (msl > 0) == bool(ms)
    assert 0 < l1 < 2
    after = net["generator"].get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(before, after))
    assert K.get_value(net["opt_g"].iterations) == 1 and K.get_value(net["opt_d"].iterations) == 1


def test_lr_is_constant_for_half_the_epochs_then_linear():
    factors = [p2p.lr_factor(e, 200) for e in range(200)]
    assert factors[:100] == [1.0] * 100
    assert factors[100] == pytest.approx(1 - 1 / 101.0) and factors[199] == pytest.approx(1 / 101.0)
    assert all(a > b for a, b in zip(factors[100:], factors[101:]))


def env_for(data, out):
    return {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "PYTHONHASHSEED": "0"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("p2p")
    data, out = root / "data", root / "generated"
    write_pairs(data / "pix2pix" / "train")
    out.mkdir()
    return data, out


@pytest.fixture(scope="module")
def reference(workspace):
    data, out = workspace
    result = run_cli("pix2pix-train", "--run", "ref", "--epochs", EPOCHS, *TINY,
                     env=env_for(data, out), timeout=300)
    return out / "pix2pix" / "ref", result


def test_run_writes_its_files(reference):
    import json
    folder, result = reference
    assert "U-Net depth 5 at 32 px" in result.stdout
    config = json.loads((folder / "config.json").read_text())
    assert config["loss"] == "lsgan" and config["load_size"] == 36 and config["batch_size"] == 1
    lines = (folder / "history.csv").read_text().splitlines()
    assert lines[0].split(",")[:4] == ["epoch", "lr", "loss_G_GAN", "loss_G_L1"]
    assert len(lines) == EPOCHS + 1
    for name in ("generator.h5", "timelapse.gif", "epoch-00000.png", "epoch-00002.png",
                 "epoch-00003.png", "checkpoints/snapshot-00002.npz", "summary.json"):
        assert (folder / name).is_file(), name
    assert json.loads((folder / "summary.json").read_text())["status"] == "finished"


def test_sigkill_then_resume_is_byte_identical(workspace, reference):
    data, out = workspace
    ref, _ = reference
    folder = out / "pix2pix" / "killed"
    proc = start_cli_until(folder / "checkpoints" / "latest.npz", "pix2pix-train", "--run", "killed",
                           "--epochs", EPOCHS, *TINY, env=env_for(data, out))
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
    assert not (folder / "generator.h5").exists()
    resumed = run_cli("pix2pix-train", "--run", "killed", "--epochs", EPOCHS, *TINY,
                      env=env_for(data, out), timeout=300)
    assert "resume: run" in resumed.stdout
    for name in ("checkpoints/latest.npz", "generator.h5", "history.csv", "epoch-00002.png",
                 "epoch-00003.png", "checkpoints/snapshot-00002.npz"):
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name
    again = run_cli("pix2pix-train", "--run", "killed", "--epochs", EPOCHS, *TINY, env=env_for(data, out))
    assert "already finished" in again.stdout


def test_missing_data_and_bad_size_are_clear_errors(tmp_path):
    env = env_for(tmp_path / "data", tmp_path / "out")
    missing = run_cli("pix2pix-train", "--size", "32", env=env, check=False)
    assert missing.returncode == 2 and "pix2pix-preprocess" in missing.stderr
    write_pairs(tmp_path / "data" / "pix2pix" / "train", count=1)
    bad = run_cli("pix2pix-train", "--size", "48", env=env, check=False)
    assert bad.returncode == 2 and "power of two" in bad.stderr


def test_result_pages_show_input_output_and_known_targets(workspace, reference):
    data, out = workspace
    test_dir = write_pairs(data / "pix2pix" / "test", count=2, seed=1)
    edge_map = np.zeros((32, 32, 3), np.uint8)
    edge_map[:, 9] = 255
    Image.fromarray(edge_map).save(str(test_dir / "3.png"))
    run_cli("pix2pix-test", "--run", "ref", env=env_for(data, out))
    page = out / "pix2pix" / "ref" / "test_latest"
    text = (page / "index.html").read_text()
    assert text.count("<tr><th>") == 1 + 3 and "epoch latest = 4 epochs" in text
    for name in ("1_input", "1_output", "1_target", "2_target", "3_input", "3_output"):
        assert (page / "images" / (name + ".png")).is_file(), name
        assert "images/%s.png" % name in text and "images/%s.png" % name in (page / "index.md").read_text()
    assert not (page / "images" / "3_target.png").exists()    # an edge map has no target
    with Image.open(str(page / "images" / "1_output.png")) as output:
        assert output.size == (32, 32)
    first = (page / "images" / "1_output.png").read_bytes()
    run_cli("pix2pix-test", "--run", "ref", env=env_for(data, out))
    assert (page / "images" / "1_output.png").read_bytes() == first    # same SEED, same page
    run_cli("pix2pix-test", "--run", "ref", "--epoch", "2", env=env_for(data, out))
    assert (out / "pix2pix" / "ref" / "test_2" / "index.html").is_file()
    gone = run_cli("pix2pix-test", "--run", "ref", "--epoch", "1", env=env_for(data, out), check=False)
    assert gone.returncode == 2 and "not kept" in gone.stderr


def test_make_passes_the_variables():
    def dry(*args):
        done = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(ROOT)] + list(args)
                              + ["RUNNER=local", "VENV=/nonexistent", "INGEST_VENV=/nonexistent"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        return done.stdout + done.stderr
    train = dry("pix2pix-train", "RUN=r", "EPOCHS=7", "SIZE=64", "LOSS=wgangp", "MODE_SEEKING=1", "NGF=8")
    for part in ("--run 'r'", "--epochs '7'", "--size '64'", "--loss 'wgangp'", "--mode-seeking '1'",
                 "--ngf '8'"):
        assert part in train, (part, train)
    pre = dry("pix2pix-preprocess", "INPUT=/tmp/x", "PHASE=test", "SIZE=64")
    assert "pix2pix-square --input '/tmp/x' --phase 'test' --size '64'" in pre
    assert "pix2pix-preprocess --phase 'test'" in pre
    test = dry("pix2pix-test", "RUN=r", "EPOCH=5", "INPUT=/tmp/x")
    assert "PHASE=test" in test and "--epoch '5'" in test


def test_report_shows_the_runs_result_pages(workspace, reference):
    data, out = workspace
    if not (out / "pix2pix" / "ref" / "test_latest").is_dir():
        write_pairs(data / "pix2pix" / "test", count=1, seed=1)
        run_cli("pix2pix-test", "--run", "ref", env=env_for(data, out))
    run_cli("report", "--pipeline", "pix2pix", "--run", "ref", env=env_for(data, out))
    page = (out / "pix2pix" / "ref" / "report.html").read_text()
    assert "Result pages" in page and "test_latest/index.html" in page
    assert "test_latest/images/1_output.png" in page and "loss_G_L1" in page
