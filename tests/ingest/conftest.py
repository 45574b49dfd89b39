"""Fixtures for the ingestion-environment tests (download, reshape), run by .venv-ingest's pytest:
`make test` runs `pytest tests/ingest` there and ignores this folder in the legacy run."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))  # tests/search_server.py


def run_cli(*args, env=None, cwd=None, timeout=1800, check=True):
    """`python -m kerasgan ARGS` in a subprocess of this (ingest) interpreter."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PYTHONHASHSEED="0")
    full_env.update(env or {})
    result = subprocess.run([sys.executable, "-m", "kerasgan"] + [str(a) for a in args], env=full_env,
                            cwd=str(cwd or ROOT), timeout=timeout, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError("kerasgan %s failed (%d):\n%s\n%s" % (" ".join(map(str, args)), result.returncode,
                                                                  result.stdout[-4000:], result.stderr[-4000:]))
    return result


def make(*args, env=None, timeout=1800):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT)] + [str(a) for a in args],
                          env=full_env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    path.mkdir()
    return path
