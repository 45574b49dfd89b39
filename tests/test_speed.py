"""The speed-ups of docs/performance.md#speed-ups-tried change no result: what they claim, checked on a tiny Pikachu GAN.

Each setting runs in its own process (TF sizes its thread pools once per process)."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT

MKL_PYTHON = ROOT / ".venv-mkl" / "bin" / "python"

# 100 epochs of 2 batches: 200 simultaneous steps of a GAN small enough to take seconds.
TINY = {"nch": 8, "kernel": 3, "images": 64, "epochs": 100, "seed": 3, "quiet_tensorflow": True}


def fingerprint(python=sys.executable, params=TINY, **env):
    from kerasgan.bench.worker import MARK
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TF_CPP_MIN_LOG_LEVEL="2",
                    PYTHONHASHSEED="0", KERASGAN_THREADS="1")
    full_env.update(env)
    done = subprocess.run([python, "-m", "kerasgan.bench.worker", "kerasgan.bench.gan:fingerprint",
                           json.dumps(params)], env=full_env, cwd=str(ROOT), timeout=1800,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads([l for l in done.stdout.splitlines() if l.startswith(MARK)][-1][len(MARK):])


def test_inter_op_threads_change_no_byte():
    """determinism.inter_op_threads: ops side by side (the default, every usable core) give the
    same losses at every epoch and the same final weights as one op at a time (the old default)."""
    one, two = fingerprint(KERASGAN_INTER_THREADS="1"), fingerprint(KERASGAN_INTER_THREADS="2")
    assert len(one["losses"]) == TINY["epochs"]
    assert one["losses"] == two["losses"]
    assert one["weights_sha256"] == two["weights_sha256"]
    # the fingerprint does see a change of the arithmetic: another seed ends on other losses and
    # weights. (Two intra-op threads also change the summation order of some kernels, but whether
    # that changes a byte depends on the CPU's kernels and block sizes: not something to promise.)
    other = fingerprint(params=dict(TINY, seed=TINY["seed"] + 1), KERASGAN_INTER_THREADS="2")
    assert one["losses"][-1] != other["losses"][-1]
    assert one["weights_sha256"] != other["weights_sha256"]


@pytest.mark.skipif(not MKL_PYTHON.exists(), reason="opt-in .venv-mkl absent (make setup FLAVOUR=mkl)")
def test_mkl_build_gives_the_same_losses_within_tolerance():
    """FLAVOUR=mkl (intel-tensorflow's MKL-DNN kernels): other summation orders, so not the same
    bytes as PyPI's build, but the same losses within float tolerance over 200 steps; and its own
    runs are reproducible."""
    stock = fingerprint()
    mkl, again = fingerprint(str(MKL_PYTHON)), fingerprint(str(MKL_PYTHON))
    assert (mkl["losses"], mkl["weights_sha256"]) == (again["losses"], again["weights_sha256"])
    for a, b in zip(stock["losses"], mkl["losses"]):
        assert a.keys() == b.keys()
        for name in a:
            assert b[name] == pytest.approx(a[name], rel=1e-3), name
