"""Bench case of `make sweep`: the engine's own cost next to the same points run one by one.

Both variants train the same `points` tiny keras-adversarial MNIST runs (embedded digits, `limit`
images, `epochs` epochs, SEED 0..points-1) into a fresh OUT_DIR:
- ours: `make sweep` on a local cluster of ONE worker, so that it runs the points one after another
  too; the difference is the engine (cluster start, scheduling, the per-point lock and checks) and
  the sweep's report.
- reference: `make adversarial-mnist-train` for each point in turn, as a user would type them.
Unit: seconds for all the points (wall time).
"""
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SWEEP = """pipeline: adversarial-mnist
base: {ADV_DATA: digits, ADV_LIMIT: %(limit)d, EPOCHS: %(epochs)d}
grid: {SEED: [%(seeds)s]}
"""


def _make(args, out_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    command = ["make", "-C", str(ROOT), "--no-print-directory"] + args + ["OUT_DIR=%s" % out_dir]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _timed(params, run):
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-sweep-") as folder:
        start = time.time()
        run(Path(folder), params)
        seconds = time.time() - start
    return {"value": seconds, "samples": [round(seconds, 3)], "points": params["points"]}


def _sweep(folder, params):
    sweep = folder / "bench.yaml"
    seeds = ", ".join(str(s) for s in range(params["points"]))
    sweep.write_text(SWEEP % dict(params, seeds=seeds))
    # threads per run = every core: a local cluster of one worker
    _make(["sweep", "SWEEP=%s" % sweep, "SWEEP_THREADS=%d" % (os.cpu_count() or 1)], folder)


def _one_by_one(folder, params):
    for seed in range(params["points"]):
        _make(["adversarial-mnist-train", "RUN=bench-seed-%d" % seed, "SEED=%d" % seed,
               "ADV_DATA=digits", "ADV_LIMIT=%d" % params["limit"], "EPOCHS=%d" % params["epochs"]],
              folder)


def sweep(params):
    return _timed(params, _sweep)


def one_by_one(params):
    return _timed(params, _one_by_one)
