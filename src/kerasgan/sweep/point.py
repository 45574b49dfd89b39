"""One point of a sweep, run by whichever worker the engine gives it to (docs/sweeps.md).

A point is an ordinary `make <pipeline>-train RUN=<name> ...` in this checkout: the same command a
user types, so its run folder has the bytes of the same settings trained alone. Finished points are
skipped; an interrupted one is resumed by the trainer itself (same RUN resumes). A lock per point
keeps two workers (or a dead worker's leftover trainer and its retry) out of one run folder.
"""
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

from ..kit.files import write_json
from ..kit.runfolder import HISTORY, SUMMARY
from . import results

REPO = Path(__file__).resolve().parents[3]
LOG_TAIL = 20


class PointFailed(Exception):
    """The point's make call failed: the message names the point, its log and the log's end."""


def finished(run_dir):
    """A run is done when its trainer says so: status finished and every epoch asked for done."""
    summary = results.read_json(Path(run_dir) / SUMMARY)
    return bool(summary) and summary.get("status") == "finished" \
        and summary.get("epochs_done") == summary.get("epochs")


# What `make sweep` itself was given reaches its children through these: a point must see only its
# own settings, as if typed alone.
MAKE_ENV = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def nanny_environ():
    """What Dask's nanny puts into its workers' environment for their own numpy work
    (`distributed.nanny.pre-spawn-environ`: MALLOC_TRIM_THRESHOLD_=65536 and one OpenMP/MKL/
    OpenBLAS thread). It is not the point's: the trim threshold alone makes a trainer's allocator
    hand memory back after nearly every step (~30,000 page faults a second, a third of a sweep's
    CPU time in the kernel)."""
    try:
        import dask
        import distributed  # noqa: F401  (puts the nanny's defaults into dask.config)
    except ImportError:        # not in a Dask worker
        return {}
    return {k: str(v) for k, v in (dask.config.get("distributed.nanny.pre-spawn-environ", {})
                                   or {}).items()}


def clean_env(threads, gpu):
    nanny = nanny_environ()
    env = {k: v for k, v in os.environ.items()
           if k not in MAKE_ENV and not (k in nanny and nanny[k] == v)}
    env["KERASGAN_INTER_THREADS"] = str(threads)
    if gpu is not None:
        env["CUDA_VISIBLE_DEVICES"] = str(gpu)
    return env


def _tail(path):
    lines = Path(path).read_text(errors="replace").splitlines()
    return "\n".join(lines[-LOG_TAIL:])


def _make(job, log, lock_fd, gpu):
    """The point's make call, started through kerasgan.sweep.child so it dies with this worker."""
    command = [sys.executable, "-m", "kerasgan.sweep.child", "make", "-C", str(REPO),
               "--no-print-directory", job["target"], "OUT_DIR=%s" % job["out_dir"],
               "RUN=%s" % job["run"]] + list(job["variables"])
    with open(log, "ab") as handle:
        handle.write(("\n$ %s\n" % " ".join(command[3:])).encode())
        handle.flush()
        child = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, pass_fds=(lock_fd,),
                                 env=clean_env(job["threads"], gpu))
        return child.wait()


def _record(state_path, seconds):
    """Seconds of every attempt at this point (a retried point adds its own)."""
    state = results.read_json(state_path) or {"attempts": []}
    if seconds is not None:
        state["attempts"].append(round(seconds, 3))
    write_json(state_path, state)
    return sum(state["attempts"])


def _score(job, log):
    """The point's scores (make sweep-score, once), when the sweep file asks for them."""
    path = Path(job["sweep_dir"]) / "scores" / (job["run"] + ".json")
    if job.get("score") and not path.is_file():
        command = ["make", "-C", str(REPO), "--no-print-directory", "sweep-score",
                   "SWEEP=%s" % job["sweep_file"], "RUN=%s" % job["run"],
                   "OUT_DIR=%s" % job["out_dir"]] + list(job.get("forward", []))
        with open(log, "ab") as handle:
            status = subprocess.run(command, stdout=handle, stderr=subprocess.STDOUT,
                                    env=clean_env(job["threads"], None)).returncode
        if status != 0:
            raise PointFailed("point %s: sweep-score exited with %d (log %s):\n%s"
                              % (job["run"], status, log, _tail(log)))
    return results.read_json(path) if job.get("score") else None


def _result(job, run_dir, state_path, seconds, skipped):
    total = _record(state_path, None if skipped else seconds)
    log = Path(job["sweep_dir"]) / "logs" / (job["run"] + ".log")
    return {"run": job["run"], "run_dir": str(run_dir), "skipped": skipped, "seconds": total,
            "finished": True,
            "summary": results.read_json(run_dir / SUMMARY) or {},
            "history_last": results.last_row(run_dir / HISTORY), "scores": _score(job, log)}


def run_point(job, gpu=None):
    """Train (or skip, or resume) one point; returns what the results table needs."""
    run_dir = Path(job["out_dir"]) / job["run_folder"] / job["run"]
    sweep_dir = Path(job["sweep_dir"])
    state_path = sweep_dir / "points" / (job["run"] + ".json")
    for sub in ("locks", "logs", "points"):
        (sweep_dir / sub).mkdir(parents=True, exist_ok=True)
    if finished(run_dir):
        return _result(job, run_dir, state_path, 0, True)
    log = sweep_dir / "logs" / (job["run"] + ".log")
    with open(sweep_dir / "locks" / (job["run"] + ".lock"), "w") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)   # waits for a dead worker's trainer to stop
        if finished(run_dir):
            return _result(job, run_dir, state_path, 0, True)
        start = time.time()
        status = _make(job, log, lock.fileno(), gpu)
        seconds = time.time() - start
    # exit 0 is the trainer's word that every epoch is done; its summary says "finished" only
    # once the checkpoint does (kit.loop.finish), so the skip above never skips a half-ended run
    if status != 0:
        raise PointFailed("point %s: make exited with %d (log %s):\n%s"
                          % (job["run"], status, log, _tail(log)))
    return _result(job, run_dir, state_path, seconds, False)
