"""EVAL_N: quality figures at the grid epochs of the keras-adversarial loop, without changing the run."""
import csv
import json

import pytest

from conftest import run_cli
from test_adversarial import write_mnist_npz

from kerasgan.evaluation import scoring

EPOCHS = 3


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("grid")
    data, out = root / "data", root / "out"
    data.mkdir()
    write_mnist_npz(data / "mnist.npz")
    # HOME: no Keras MNIST cache, so the digits network trains on scikit-learn's UCI digits
    env = {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "HOME": str(root)}
    args = ["adversarial-mnist", "--epochs", str(EPOCHS), "--data", str(data / "mnist.npz"),
            "--hidden", "16", "--save-every", "2"]
    run_cli(*args, "--run", "plain", env=env)
    scored = run_cli(*args, "--run", "scored", env=dict(env, **{scoring.ENV: "40"}))
    return out / "adversarial-mnist", scored


def history(folder):
    with open(str(folder / "history.csv"), newline="") as handle:
        return list(csv.DictReader(handle))


def test_scoring_leaves_the_weights_and_losses_alone(runs):
    folder, _ = runs
    for name in ("checkpoints/latest.npz", "generator.h5", "discriminator.h5", "epoch-000.png"):
        assert (folder / "plain" / name).read_bytes() == (folder / "scored" / name).read_bytes(), name
    plain, scored = history(folder / "plain"), history(folder / "scored")
    assert "fid" not in plain[0]
    for a, b in zip(plain, scored):
        assert {k: a[k] for k in a} == {k: b[k] for k in a}


def test_grid_epochs_carry_the_figures_and_the_summary_keeps_last_and_best(runs):
    folder, scored = runs
    rows = history(folder / "scored")
    grid = [int(r["epoch"]) for r in rows if r["fid"]]
    assert grid == [0, 2]                                 # save_every 2 and the last epoch
    assert all(r[k] for r in rows if r["fid"] for k in scoring.COLUMNS)
    quality = json.loads((folder / "scored" / "summary.json").read_text())["quality"]
    best = min((float(r["fid"]), int(r["epoch"])) for r in rows if r["fid"])
    assert quality["best_fid"]["epoch"] == best[1]
    assert quality["last"]["epoch"] == 2 and quality["last"]["fid"] == pytest.approx(float(rows[2]["fid"]))
    assert quality["feature_network"]["name"].startswith("digit classifier")
    assert quality["feature_network"]["n"] == 40
    assert "quality" not in json.loads((folder / "plain" / "summary.json").read_text())
    assert "FID " in scored.stdout + scored.stderr


def test_a_bad_eval_n_is_refused_and_zero_or_empty_is_off(monkeypatch):
    monkeypatch.setenv(scoring.ENV, "3")
    with pytest.raises(ValueError, match="KERASGAN_EVAL_N"):
        scoring.eval_n()
    for off in ("", "0", " 0 "):
        monkeypatch.setenv(scoring.ENV, off)
        assert scoring.eval_n() == 0
    monkeypatch.setenv(scoring.ENV, "7")
    assert scoring.eval_n() == 7


def test_generate_best_fid_samples_that_epochs_snapshot(runs):
    folder, _ = runs
    env = {"KERASGAN_OUT_DIR": str(folder.parent)}
    rows = history(folder / "scored")
    best = min((float(r["fid"]), int(r["epoch"])) for r in rows if r["fid"])[1]
    run_cli("adversarial-mnist", "--mode", "generate", "--run", "scored", "--epoch", "best-fid", "--n", "4", env=env)
    meta = json.loads((folder / "scored" / "samples" / "samples.json").read_text())
    assert (meta["epoch"], meta["requested_epoch"]) == (best, "best-fid")
    refused = run_cli("adversarial-mnist", "--mode", "generate", "--run", "plain", "--epoch", "best-fid",
                      env=env, check=False)
    assert refused.returncode == 2 and "EVAL_N" in refused.stderr and "summary.json" in refused.stderr


def test_the_report_shows_the_fid_curve_and_both_best_epochs(runs):
    folder, _ = runs
    env = {"KERASGAN_OUT_DIR": str(folder.parent)}
    rows = history(folder / "scored")
    best = min((float(r["fid"]), int(r["epoch"])) for r in rows if r["fid"])[1]
    run_cli("report", "--pipeline", "adversarial-mnist", "--run", "scored", env=env)
    page = (folder / "scored" / "report.html").read_text()
    assert "best by FID: epoch %d" % best in page and "epoch-%03d.png" % best in page
    assert "best by discriminator loss: epoch" in page and "quality-fid.png" in page
    assert "digit classifier" in page
    run_cli("report", "--pipeline", "adversarial-mnist", "--run", "plain", env=env)
    assert "train with EVAL_N=" in (folder / "plain" / "report.html").read_text()


def test_evaluate_reads_a_run_by_name(runs, monkeypatch, capsys):
    import argparse
    from kerasgan.datasets import mnist
    from kerasgan.evaluation import cli
    folder, _ = runs
    run_cli("adversarial-mnist", "--mode", "generate", "--run", "plain", "--n", "12",
            env={"KERASGAN_OUT_DIR": str(folder.parent)})
    monkeypatch.setenv("KERASGAN_OUT_DIR", str(folder.parent))
    monkeypatch.setenv("KERASGAN_DATA_DIR", str(folder.parent.parent / "data"))
    monkeypatch.setattr(mnist, "keras_cache_file", lambda: folder / "no-mnist.npz")
    namespace = argparse.Namespace(a="adversarial-mnist/plain", b="real", domain="digits", n=0, seed=0,
                                   kid_subsets=2, features_out="", inception="", inception_sha256="")
    assert cli.main(namespace) == 0
    out = capsys.readouterr().out
    assert "A %s (12) vs B UCI digits" % (folder / "plain" / "samples") in out
    namespace.a = "nosuchrun"
    assert cli.main(namespace) == 2
    assert "nosuchrun: neither a folder, a run of dcgan/adversarial-mnist" in capsys.readouterr().err


def test_scoring_a_resumed_run_keeps_its_earlier_rows(runs, tmp_path):
    folder, _ = runs
    data = folder.parent.parent / "data"
    env = {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(tmp_path), "HOME": str(folder.parent.parent)}
    args = ["adversarial-mnist", "--run", "grown", "--data", str(data / "mnist.npz"), "--hidden", "16",
            "--save-every", "2"]
    run_cli(*args, "--epochs", "2", env=env)
    run_cli(*args, "--epochs", "3", env=dict(env, **{scoring.ENV: "40"}))
    rows = history(tmp_path / "adversarial-mnist" / "grown")
    plain = history(folder / "plain")
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    assert [r["fid"] for r in rows[:2]] == ["", ""] and rows[2]["fid"]
    assert rows[0]["discriminator_loss"] == plain[0]["discriminator_loss"]


def test_the_training_fingerprint_of_a_scored_run_is_the_plain_runs(runs):
    from kerasgan.kit import fingerprint
    folder, _ = runs
    plain, scored = (fingerprint.history_blocks(folder / r) for r in ("plain", "scored"))
    assert plain == scored and sorted(plain[1]) == [0, 2]
