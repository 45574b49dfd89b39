"""EVAL_N on the Pikachu GAN (colour32 features on the embedded emoji classes): the run's bytes,
EPOCH=best-fid for `generate`, and the report's two best epochs."""
import json

import pytest

from conftest import run_cli
from test_gan import TINY, run_folder, write_fixture_images

from kerasgan.demo import corpus
from kerasgan.evaluation import scoring


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    try:
        corpus.find_font()
    except FileNotFoundError:
        pytest.skip("fonts-noto-color-emoji is not installed (the colour32 network's data)")
    root = tmp_path_factory.mktemp("pikachu-eval")
    data, out = root / "data", root / "generated"
    write_fixture_images(data / "predicted")
    # HOME: no Keras CIFAR-10 cache, so colour32 trains on the embedded emoji classes
    env = {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "HOME": str(root)}
    for run, extra in (("plain", {}), ("scored", {scoring.ENV: "20"})):
        run_cli("train", "--run", run, "--epochs", 5, *TINY, env=dict(env, **extra), timeout=1800)
    return out, env


def test_scoring_keeps_the_pikachu_runs_bytes(runs):
    out, _ = runs
    plain, scored = run_folder(out, "plain"), run_folder(out, "scored")
    for name in ("checkpoints/latest.npz", "best.png", "epoch-00004.png"):
        assert (plain / name).read_bytes() == (scored / name).read_bytes(), name


def test_generate_best_fid_and_the_report(runs):
    out, env = runs
    folder = run_folder(out, "scored")
    quality = json.loads((folder / "summary.json").read_text())["quality"]
    assert quality["feature_network"]["name"].startswith("colour32 classifier")
    run_cli("generate", "--run", "scored", "--epoch", "best-fid", "--n", "4", env=env)
    meta = json.loads((folder / "samples" / "samples.json").read_text())
    assert (meta["epoch"], meta["requested_epoch"]) == (quality["best_fid"]["epoch"], "best-fid")
    run_cli("report", "--run", "scored", env=env)
    page = (folder / "report.html").read_text()
    assert "best by FID: epoch %d" % quality["best_fid"]["epoch"] in page
    refused = run_cli("generate", "--run", "plain", "--epoch", "best-fid", env=env, check=False)
    assert refused.returncode == 2 and "EVAL_N" in refused.stderr
