"""Shared test helpers: where the repository is and how to run the CLI in a subprocess."""
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# tests/ingest (download, reshape) run in .venv-ingest (Python 3.10+): `make test` runs them there.
# Any older interpreter (the legacy .venv, its Docker image) leaves them out, whatever its arguments.
collect_ignore = ["ingest"] if sys.version_info < (3, 10) else []


def cli_env(env=None):
    """The environment a `python -m kerasgan` subprocess runs with: this source tree, quiet TF, ENV."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TF_CPP_MIN_LOG_LEVEL="2")
    full_env.update(env or {})
    return full_env


def start_cli_until(path, *args, env=None, cwd=None, stdout=subprocess.DEVNULL, timeout=240):
    """Start `python -m kerasgan ARGS` in the background; return the process once PATH exists (or the
    process ended, or TIMEOUT passed). The resume tests kill it there: mid-run, after a checkpoint."""
    proc = subprocess.Popen([sys.executable, "-m", "kerasgan"] + [str(a) for a in args],
                            env=cli_env(env), cwd=str(cwd or ROOT), stdout=stdout,
                            stderr=subprocess.DEVNULL, universal_newlines=True)
    deadline = time.time() + timeout
    while not Path(path).exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    return proc


def run_cli(*args, env=None, cwd=None, timeout=1800, check=True):
    """Run `python -m kerasgan ARGS` with this interpreter; return the CompletedProcess."""
    result = subprocess.run([sys.executable, "-m", "kerasgan"] + [str(a) for a in args],
                            env=cli_env(env), cwd=str(cwd or ROOT), timeout=timeout,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    if check and result.returncode != 0:
        raise AssertionError("kerasgan %s failed (%d):\n%s\n%s"
                             % (" ".join(map(str, args)), result.returncode,
                                result.stdout[-4000:], result.stderr[-4000:]))
    return result


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    """A private DATA_DIR and OUT_DIR for one test, exported as the Makefile does."""
    data, out = tmp_path / "data", tmp_path / "generated"
    data.mkdir()
    out.mkdir()
    monkeypatch.setenv("KERASGAN_DATA_DIR", str(data))
    monkeypatch.setenv("KERASGAN_OUT_DIR", str(out))
    return data, out


def write_csv(path, fields, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
