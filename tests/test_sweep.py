"""make sweep: sweep files, the points on Dask (local cluster and two loopback workers), resume.

The points are tiny keras-adversarial MNIST runs on the embedded digits; every point must have the
bytes of the same settings trained alone with `make adversarial-mnist-train`.
"""
import csv
import hashlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT
from kerasgan.sweep import spec, stats

SWEEP_PYTHON = ROOT / ".venv-sweep" / "bin" / "python"
needs_sweep_env = pytest.mark.skipif(not SWEEP_PYTHON.exists(), reason=".venv-sweep missing (make setup)")

BASE = {"ADV_DATA": "digits", "ADV_LIMIT": "64", "EPOCHS": "3"}
SWEEP_FILE = """pipeline: adversarial-mnist
base: {ADV_DATA: digits, ADV_LIMIT: 64, EPOCHS: 3}
grid: {ADV_HIDDEN: [16, 32], SEED: [0, 1]}
"""
POINTS = [("16", "0"), ("16", "1"), ("32", "0"), ("32", "1")]
COMPARED = ("checkpoints/latest.npz", "history.csv", "generator.h5", "discriminator.h5",
            "epoch-002.png")


def run_name(hidden, seed):
    return "tiny-adv_hidden-%s-seed-%s" % (hidden, seed)


def digests(run_dir):
    return {name: hashlib.sha256((Path(run_dir) / name).read_bytes()).hexdigest() for name in COMPARED}


def make(*args, out_dir, timeout=900, **kwargs):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    command = ["make", "-C", str(ROOT), "--no-print-directory"] + list(args) + ["OUT_DIR=%s" % out_dir]
    return subprocess.run(command, env=env, timeout=timeout, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, **kwargs)


def start_make(*args, out_dir, log):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    command = ["make", "-C", str(ROOT), "--no-print-directory"] + list(args) + ["OUT_DIR=%s" % out_dir]
    return subprocess.Popen(command, env=env, stdout=open(str(log), "w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """The four points trained one by one with the pipeline's own make target."""
    out = tmp_path_factory.mktemp("alone")
    found = {}
    for hidden, seed in POINTS:
        variables = ["%s=%s" % kv for kv in BASE.items()] + ["ADV_HIDDEN=" + hidden, "SEED=" + seed]
        result = make("adversarial-mnist-train", "RUN=x", *variables, out_dir=out)
        assert result.returncode == 0, result.stdout[-3000:]
        found[(hidden, seed)] = digests(out / "adversarial-mnist" / "x")
        os.rename(str(out / "adversarial-mnist" / "x"), str(out / "adversarial-mnist" / (hidden + seed)))
    return found


@pytest.fixture
def sweep_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SWEEP_FILE)
    return path


def read_results(out):
    with open(str(out / "sweeps" / "tiny" / "results.csv"), newline="") as handle:
        return list(csv.DictReader(handle))


def assert_points_equal(out, alone):
    rows = read_results(out)
    assert [(r["ADV_HIDDEN"], r["SEED"], r["status"]) for r in rows] == \
        [(h, s, "finished") for h, s in POINTS]
    for hidden, seed in POINTS:
        run_dir = out / "adversarial-mnist" / run_name(hidden, seed)
        assert digests(run_dir) == alone[(hidden, seed)], run_dir
    assert all(r["last_discriminator_loss"] for r in rows)


def attempts(out, hidden, seed):
    log = out / "sweeps" / "tiny" / "logs" / (run_name(hidden, seed) + ".log")
    return log.read_text().count("\n$ make ")


# ---------------------------------------------------------------- the sweep file
def test_points_and_run_names(sweep_file):
    sweep = spec.load(str(sweep_file))
    assert [p.run for p in spec.points(sweep)] == [run_name(h, s) for h, s in POINTS]
    assert spec.make_variables(sweep, spec.points(sweep)[1].settings, "/s", "/o") == \
        ["ADV_DATA=digits", "ADV_LIMIT=64", "EPOCHS=3", "ADV_HIDDEN=16", "SEED=1"]
    assert spec.group_key(sweep, spec.points(sweep)[3].settings) == (("ADV_HIDDEN", "32"),)


@pytest.mark.parametrize("text, reason", [
    ("pipeline: [", "not valid YAML/JSON"),
    ("pipeline: nope\ngrid: {SEED: [0]}", "pipeline 'nope' is not one of"),
    ("pipeline: dcgan\ngrid: {}", "'grid' names no variable"),
    ("pipeline: dcgan\ngrid: {RUN: [a]}", "RUN is set by the sweep itself"),
    ("pipeline: dcgan\ngrid: {SEED: []}", "grid variable SEED must list one or more values"),
    ("pipeline: dcgan\ngrid: {SEED: [0, 0]}", "grid variable SEED lists a value twice"),
    ("pipeline: dcgan\nbase: {SEED: 1}\ngrid: {SEED: [0]}", "SEED both in 'base' and in 'grid'"),
    ("pipeline: dcgan\ngrid: {SEED: [0]}\nseeds: 3", "unknown key(s) seeds"),
    ('{"pipeline": "dcgan", "grid": {"lower": [1]}}', "'lower' is not a make variable name"),
])
def test_bad_sweep_files_are_named_with_the_reason(tmp_path, text, reason):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(spec.SweepError) as error:
        spec.load(str(path))
    assert str(error.value).startswith(str(path) + ": ")
    assert reason in str(error.value)


def test_interval_and_two_sample_test_known_answers():
    # 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.302652729911275 -> half-width 2.484138...
    ci = stats.interval([1.0, 2.0, 3.0])
    assert (ci.n, ci.mean) == (3, 2.0)
    assert ci.high - 2.0 == pytest.approx(2.4841377118437, rel=1e-9)
    assert stats.interval([5.0]).low is None
    # Welch: t = -3.674235, df = 4 -> p = 0.021311641; Mann-Whitney U = 0 of 3x3, exact p = 0.1
    found = stats.compare("fid", "a", "b", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    assert found.welch_p == pytest.approx(0.0213116411, rel=1e-6)
    assert found.mannwhitney_p == pytest.approx(0.1, rel=1e-9)


@needs_sweep_env
def test_dry_run_lists_points_and_trains_nothing(sweep_file, tmp_path):
    result = make("sweep", "SWEEP=%s" % sweep_file, "SWEEP_DRY=1", out_dir=tmp_path, timeout=120)
    assert result.returncode == 0, result.stdout
    for hidden, seed in POINTS:
        assert "new       %s" % (tmp_path / "adversarial-mnist" / run_name(hidden, seed)) in result.stdout
    assert "make adversarial-mnist-train RUN=%s ADV_DATA=digits ADV_LIMIT=64 EPOCHS=3 ADV_HIDDEN=32 " \
           "SEED=1" % run_name("32", "1") in result.stdout
    assert not (tmp_path / "adversarial-mnist").exists()


# ---------------------------------------------------------------- running it
@needs_sweep_env
def test_sweep_on_the_local_cluster_equals_runs_trained_alone(sweep_file, tmp_path, alone):
    result = make("sweep", "SWEEP=%s" % sweep_file, out_dir=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "on a local cluster of" in result.stdout and "4 done, 0 running, 0 left" in result.stdout
    assert_points_equal(tmp_path, alone)
    assert (tmp_path / "sweeps" / "tiny" / "report.html").is_file()
    with open(str(tmp_path / "sweeps" / "tiny" / "groups.csv"), newline="") as handle:
        groups = [(r["group"], r["metric"], r["n"]) for r in csv.DictReader(handle)]
    assert ("ADV_HIDDEN=16", "last_discriminator_loss", "2") in groups
    again = make("sweep", "SWEEP=%s" % sweep_file, out_dir=tmp_path)   # idempotent: nothing retrained
    assert again.returncode == 0 and all(attempts(tmp_path, h, s) == 1 for h, s in POINTS)


def _wait_for(predicate, timeout=1800):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _finished(out, hidden, seed):
    return '"status": "finished"' in _summary(out, hidden, seed)


def _summary(out, hidden, seed):
    path = out / "adversarial-mnist" / run_name(hidden, seed) / "summary.json"
    return path.read_text() if path.exists() else ""


@needs_sweep_env
def test_sweep_killed_and_started_again_skips_finished_points(sweep_file, tmp_path, alone):
    proc = start_make("sweep", "SWEEP=%s" % sweep_file, out_dir=tmp_path, log=tmp_path / "first.log")
    assert _wait_for(lambda: any(_finished(tmp_path, h, s) for h, s in POINTS) or proc.poll() is not None)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = [p for p in POINTS if _finished(tmp_path, *p)]
    assert done_before and len(done_before) < len(POINTS), "killed too late to test a resume"
    result = make("sweep", "SWEEP=%s" % sweep_file, out_dir=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    assert_points_equal(tmp_path, alone)
    assert all(attempts(tmp_path, *p) == 1 for p in done_before)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(args, log):
    return subprocess.Popen([str(a) for a in args], stdout=open(str(log), "w"), stderr=subprocess.STDOUT,
                            start_new_session=True, cwd=str(ROOT))


def _worker_of(run):
    """The pid of the process group (a worker) whose tree runs the point's make."""
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if b"RUN=" + run.encode() in cmdline and b"make" in cmdline[0]:
            return os.getpgid(int(entry.name))
    return None


@needs_sweep_env
def test_killing_a_worker_mid_point_still_completes_with_the_same_bytes(sweep_file, tmp_path, alone):
    port = _free_port()
    address = "tcp://127.0.0.1:%d" % port
    dask = ROOT / ".venv-sweep" / "bin" / "dask"
    started = [_start([dask, "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
                      tmp_path / "scheduler.log")]
    try:
        for i in range(2):
            started.append(_start([dask, "worker", address, "--nthreads", "1", "--no-dashboard",
                                   "--name", "w%d" % i, "--host", "127.0.0.1"], tmp_path / ("w%d.log" % i)))
        sweep = start_make("sweep", "SWEEP=%s" % sweep_file, "SWEEP_ADDRESS=%s" % address,
                           out_dir=tmp_path, log=tmp_path / "sweep.log")
        victim = run_name("16", "0")
        checkpoint = tmp_path / "adversarial-mnist" / victim / "checkpoints" / "latest.npz"
        assert _wait_for(lambda: checkpoint.exists() or sweep.poll() is not None)
        group = _worker_of(victim)
        assert group and not _finished(tmp_path, "16", "0"), "the point ended before the kill"
        os.killpg(group, signal.SIGKILL)
        assert sweep.wait(timeout=900) == 0, (tmp_path / "sweep.log").read_text()[-3000:]
    finally:
        for proc in started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    assert_points_equal(tmp_path, alone)
    assert attempts(tmp_path, "16", "0") == 2


@pytest.mark.parametrize("score, reason", [
    ("{domain: digits}", "'score' must be {domain:"),
    ("{domain: digits, n: 3}", "score n must be a number of samples >= 7"),
])
def test_bad_score_tables_are_refused(tmp_path, score, reason):
    path = tmp_path / "bad.yaml"
    path.write_text("pipeline: dcgan\ngrid: {SEED: [0]}\nscore: %s\n" % score)
    with pytest.raises(spec.SweepError) as error:
        spec.load(str(path))
    assert reason in str(error.value)


@needs_sweep_env
def test_fidelity_sweep_scores_both_loops_and_compares_them(tmp_path):
    """Our keras-dcgan trainer and the original's loop, one epoch each, scored by sweep-score."""
    sweep_file = tmp_path / "fid.yaml"
    sweep_file.write_text("pipeline: dcgan\nbase: {DCGAN_DATA: digits, BATCH: 64, EPOCHS: 1}\n"
                          "grid: {DCGAN_LOOP: [ours, original], SEED: [0]}\ncompare: DCGAN_LOOP\n"
                          "score: {domain: digits, n: 64}\n")
    result = make("sweep", "SWEEP=%s" % sweep_file, out_dir=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    with open(str(tmp_path / "sweeps" / "fid" / "results.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["DCGAN_LOOP"], r["status"]) for r in rows] == [("ours", "finished"), ("original", "finished")]
    assert all(float(r["final_fid"]) > 0 and r["final_precision"] != "" for r in rows)
    original = tmp_path / "dcgan" / "fid-dcgan_loop-original-seed-0"
    assert '"loop": "original"' in (original / "config.json").read_text()
    assert not (original / "checkpoints").exists()     # the original's loop keeps no checkpoint
    page = (tmp_path / "sweeps" / "fid" / "report.html").read_text()
    assert "Two-sample comparison" in page and "final_fid" in page
    assert "(no grid)" not in page and page.count('alt="last grid"') == 2   # each loop's last grid


@needs_sweep_env
def test_pix2pix_sweep_scores_equal_its_result_page(tmp_path):
    """sweep-score's paired figures of a SEED 0 point = L1 of pix2pix-test's page on the same pairs."""
    import json
    import numpy as np
    from PIL import Image
    from conftest import run_cli
    from test_pix2pix_train import write_pairs
    train_dir = write_pairs(tmp_path / "data" / "pix2pix" / "train", count=7)
    sweep_file = tmp_path / "p2p.yaml"
    sweep_file.write_text("pipeline: pix2pix\nbase: {DATA_DIR: \"{out_dir}/data\", SIZE: 32, "
                          "NGF: 4, EPOCHS: 2}\ngrid: {SEED: [0]}\nscore: {domain: pix2pix, n: 7}\n")
    result = make("sweep", "SWEEP=%s" % sweep_file, out_dir=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
    score = json.loads((tmp_path / "sweeps" / "p2p" / "scores" / "p2p-seed-0.json").read_text())
    assert sorted(score["last"]) == ["l1", "psnr", "ssim"] and score["n"] == 7
    rows = list(csv.DictReader(open(str(tmp_path / "sweeps" / "p2p" / "results.csv"), newline="")))
    assert float(rows[0]["final_l1"]) == score["last"]["l1"]
    run_cli("pix2pix-test", "--run", "p2p-seed-0", "--source", train_dir,
            env={"KERASGAN_OUT_DIR": str(tmp_path), "KERASGAN_DATA_DIR": str(tmp_path / "data")})
    page = tmp_path / "pix2pix" / "p2p-seed-0" / "test_latest" / "images"
    pixels = lambda n, c: np.asarray(Image.open(str(page / ("%d_%s.png" % (n, c)))), np.float64)  # noqa: E731
    l1 = np.mean([np.abs(pixels(n, "output") - pixels(n, "target")).mean() for n in range(1, 8)]) / 255
    assert abs(l1 - score["last"]["l1"]) < 1e-12


@needs_sweep_env
def test_a_point_does_not_inherit_what_the_dask_nanny_set_for_its_worker():
    """The nanny's MALLOC_TRIM_THRESHOLD_=65536 and one-thread BLAS settings are the worker's own;
    a value the user chose differently, and everything else, reaches the point."""
    code = ("import os\n"
            "os.environ.update(MALLOC_TRIM_THRESHOLD_='65536', OMP_NUM_THREADS='1', "
            "OPENBLAS_NUM_THREADS='1', MKL_NUM_THREADS='4', MAKELEVEL='2', KERASGAN_SEEN='yes')\n"
            "from kerasgan.sweep.point import clean_env\n"
            "env = clean_env(2, None)\n"
            "print(sorted(k for k in env if k in ('MALLOC_TRIM_THRESHOLD_', 'OMP_NUM_THREADS', "
            "'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'MAKELEVEL', 'KERASGAN_SEEN')), "
            "env['KERASGAN_INTER_THREADS'])\n")
    out = subprocess.run([str(SWEEP_PYTHON), "-c", code], cwd=str(ROOT), stdout=subprocess.PIPE,
                         universal_newlines=True, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
                         check=True).stdout
    assert out.strip() == "['KERASGAN_SEEN', 'MKL_NUM_THREADS'] 2"
