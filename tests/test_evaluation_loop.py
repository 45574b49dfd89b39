"""EVAL_N through kit.loop for the trainers beyond keras-adversarial: keras-dcgan (scored at each
epoch's end), pix2pix (paired: also L1, PSNR, SSIM) and cartoon (its GAN epochs' grids; the faces64
network on the run's own synthetic set). Scoring changes no training byte."""
import csv
import json

import pytest

from cartoon_fixtures import cache_set
from conftest import run_cli
from test_dcgan_data import write_mnist_npz
from test_pix2pix_train import write_pairs

from kerasgan.evaluation import scoring

CASES = {
    "dcgan": ["dcgan", "--mode", "train", "--epochs", "2", "--batch_size", "4", "--save-every", "2",
              "--grid-every", "3", "--quality-n", "8"],
    "pix2pix": ["pix2pix-train", "--epochs", "3", "--size", "32", "--ngf", "4", "--save-every", "2"],
    "cartoon": ["cartoon-train", "--set", "synthetic", "--synthetic-n", "48", "--nf", "4", "--kernel", "3",
                "--batch-size", "16", "--gan-epochs", "3", "--encoder-epochs", "1", "--save-every", "2"],
}
TRAINING_FILES = {
    "dcgan": ["checkpoints/latest.npz", "generator.h5", "discriminator.h5", "batches.csv",
              "0_0.png", "1_3.png"],
    "pix2pix": ["checkpoints/latest.npz", "generator.h5", "epoch-00000.png", "epoch-00002.png"],
    "cartoon": ["checkpoints/latest.npz", "generator.h5", "encoder.h5", "epoch-00000.png", "epoch-00002.png"],
}


@pytest.fixture(scope="module", params=sorted(CASES))
def runs(request, tmp_path_factory):
    name = request.param
    root = tmp_path_factory.mktemp(name)
    data, out = root / "data", root / "out"
    data.mkdir()
    args = list(CASES[name])
    if name == "dcgan":
        write_mnist_npz(root / "mnist.npz", n=24)
        args += ["--data", str(root / "mnist.npz")]
    elif name == "pix2pix":
        write_pairs(data / "pix2pix" / "train", count=3)
    else:
        from kerasgan.pipelines.cartoon import sets
        cache_set(sets.synthetic_dir(0, 48, data), data, 48)
    # HOME: no Keras MNIST cache, so the digits network trains on scikit-learn's UCI digits
    env = {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out), "HOME": str(root),
           "PYTHONHASHSEED": "0"}
    run_cli(*args, "--run", "plain", env=env, timeout=1800)
    scored = run_cli(*args, "--run", "scored", env=dict(env, **{scoring.ENV: "8"}), timeout=1800)
    return name, out / name, scored


def history(folder):
    with open(str(folder / "history.csv"), newline="") as handle:
        return list(csv.DictReader(handle))


def test_scoring_changes_no_training_byte_and_no_loss(runs):
    name, folder, _ = runs
    for file in TRAINING_FILES[name]:
        assert (folder / "plain" / file).read_bytes() == (folder / "scored" / file).read_bytes(), file
    plain, scored = history(folder / "plain"), history(folder / "scored")
    assert list(plain[0]) == [c for c in scored[0] if c not in scoring.QUALITY]
    assert [{k: r[k] for k in plain[0]} for r in scored] == plain


def test_the_scored_steps_carry_the_figures_and_the_summary_keeps_last_and_best(runs):
    name, folder, result = runs
    rows = history(folder / "scored")
    expected = scoring.COLUMNS + (scoring.PAIRED_COLUMNS if name == "pix2pix" else [])
    assert [c for c in rows[0] if c in scoring.QUALITY] == expected
    scored = [int(r["epoch"]) for r in rows if r["fid"]]
    assert scored == ([0, 1] if name == "dcgan" else [0, 2])   # dcgan: each epoch; else the grid epochs
    assert all(r[k] for r in rows if r["fid"] for k in expected)
    quality = json.loads((folder / "scored" / "summary.json").read_text())["quality"]
    best = min((float(r["fid"]), int(r["epoch"])) for r in rows if r["fid"])
    assert quality["best_fid"]["epoch"] == best[1] and quality["last"]["epoch"] == scored[-1]
    assert quality["feature_network"]["n"] == 8
    assert "quality" not in json.loads((folder / "plain" / "summary.json").read_text())
    assert "FID " in result.stdout + result.stderr
    if name == "pix2pix":
        assert "SSIM" in result.stdout + result.stderr



@pytest.mark.parametrize("runs", ["pix2pix"], indirect=True)   # the scorer picks it for all
def test_a_run_of_another_seed_is_scored_by_the_same_network(runs, tmp_path):
    """The feature network is the instrument: SEED 1's run uses SEED 0's (one file in models/)."""
    name, folder, _ = runs
    data = folder.parent.parent / "data"
    env = {"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(tmp_path), "HOME": str(tmp_path),
           "PYTHONHASHSEED": "0", scoring.ENV: "8"}
    run_cli(*CASES[name], "--run", "seed1", "--seed", "1", env=env, timeout=1800)
    network = lambda run_dir: json.loads((run_dir / "summary.json").read_text())[  # noqa: E731
        "quality"]["feature_network"]["file"]
    assert network(tmp_path / name / "seed1") == network(folder / "scored")
    assert len(list((data / "models").glob("features-pix2pix-*.h5"))) == 1

def test_the_report_shows_the_fid_curve_and_both_best_epochs_with_their_grids(runs):
    name, folder, _ = runs
    rows = history(folder / "scored")
    fid = min((float(r["fid"]), int(r["epoch"])) for r in rows if r["fid"])[1]
    run_cli("report", "--pipeline", name, "--run", "scored", env={"KERASGAN_OUT_DIR": str(folder.parent)})
    page = (folder / "scored" / "report.html").read_text()
    assert "quality-fid.png" in page and "best by FID: epoch %d" % fid in page
    if name == "dcgan":     # the last grid of each epoch (<epoch>_3.png); D loss over every epoch's row
        loss = min((float(r["discriminator_loss"]), int(r["epoch"])) for r in rows)[1]
        assert '"%d_3.png"' % fid in page and "best by discriminator loss: epoch %d" % loss in page
    else:                   # no best epoch in the original: the grid epochs' lowest D loss
        real, fake = ("loss_D_real", "loss_D_fake") if name == "pix2pix" else ("d_loss_real", "d_loss_fake")
        loss = min((float(r[real]) + float(r[fake]), int(r["epoch"])) for r in rows if r["fid"])[1]
        assert '"epoch-%05d.png"' % fid in page and "of the grid epochs: epoch %d" % loss in page
        assert ("quality-paired.png" in page) == (name == "pix2pix")


DEMO_EVAL_N = {"demo": "200", "dcgan-demo": "500", "adversarial-mnist-demo": "500",
               "adversarial-cifar10-demo": "100", "pix2pix-demo": "9", "cartoon-demo": "200"}


@pytest.mark.parametrize("demo", sorted(DEMO_EVAL_N))
def test_every_demo_scores_with_its_own_eval_n_unless_given_one(demo):
    import subprocess
    from conftest import ROOT
    dry = lambda *extra: subprocess.run(   # noqa: E731
        ["make", "--no-print-directory", "-n", "-C", str(ROOT), demo] + list(extra),
        stdout=subprocess.PIPE, universal_newlines=True, timeout=120, check=True).stdout
    trains = lambda text, n: [line for line in text.splitlines()  # noqa: E731
                              if "EVAL_N=%s " % n in line + " "]
    assert trains(dry(), DEMO_EVAL_N[demo]) and not trains(dry(), "23")
    assert trains(dry("EVAL_N=23"), "23")
