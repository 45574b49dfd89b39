"""summary.json: what a run did, for people and for the report (which never imports a trainer).

Every pipeline writes the same core keys (pipeline, run, status, epochs, epochs_done, device,
seconds_per_epoch, versions, config, files) and adds its own (best epoch, warnings, thresholds...).
`files` maps roles to the run folder's file names, so the report finds them without knowing the
pipeline, in one schema for every pipeline (run_files): config, history, summary, checkpoint,
snapshots, grids ([{"epoch", "file"}] in training order), best_grid, timelapse, models, logs,
samples and tests (the files under samples/ and test_*/ pages), each present or None / [].
"""
import sys
from pathlib import Path

from .files import write_json
from .runfolder import SUMMARY

STATUSES = ("running", "interrupted", "finished")


def versions():
    import numpy as np
    try:
        from importlib_metadata import version
    except ImportError:  # pragma: no cover
        from importlib.metadata import version
    found = {"python": sys.version.split()[0], "numpy": np.__version__}
    for name in ("tensorflow", "keras", "keras-adversarial"):
        try:
            found[name] = version(name)
        except Exception:   # not installed here (e.g. a CPU/GPU wheel under another name)
            continue
    return found


def run_files(folder, grids, extra=None):
    """The run folder's files by role; grids: [(epoch, file name)] in training order."""
    from .runfolder import (BEST_GRID, CHECKPOINTS, CONFIG, HISTORY, LATEST, LOGS, SAMPLES,
                            SUMMARY as SUMMARY_FILE, TIMELAPSE)
    folder = Path(folder)
    present = lambda name: name if (folder / name).exists() else None   # noqa: E731
    files = {
        "config": CONFIG, "history": present(HISTORY), "summary": SUMMARY_FILE,
        "checkpoint": present(CHECKPOINTS + "/" + LATEST),
        "snapshots": sorted(CHECKPOINTS + "/" + p.name for p in (folder / CHECKPOINTS).glob("snapshot-*.npz")),
        "grids": [{"epoch": epoch, "file": name} for epoch, name in grids],
        "best_grid": present(BEST_GRID), "timelapse": present(TIMELAPSE),
        "models": sorted(p.name for p in folder.glob("*.h5")), "logs": present(LOGS),
        "samples": sorted(p.relative_to(folder).as_posix() for p in (folder / SAMPLES).rglob("*")
                          if p.is_file()),
        "tests": sorted(p.name + "/index.html" for p in folder.glob("test_*") if (p / "index.html").is_file()),
    }
    files.update(extra or {})
    return files


def epoch_grids(folder, pattern="epoch-*.png"):
    """[(epoch, name)] of grids named <prefix><digits>.png."""
    found = []
    for p in Path(folder).glob(pattern):
        digits = "".join(c for c in p.stem if c.isdigit())
        if digits:
            found.append((int(digits), p.name))
    return sorted(found)


def write_summary(folder, config, status, epochs_done, device, seconds_per_epoch, files, **extra):
    assert status in STATUSES, status
    summary = {
        "pipeline": config["pipeline"],
        "run": config["run"],
        "status": status,
        "epochs": config.get("epochs"),
        "epochs_done": epochs_done,
        "device": device,
        "seconds_per_epoch": seconds_per_epoch,
        "versions": versions(),
        "config": config,
        "files": files,
    }
    summary.update(extra)
    write_json(Path(folder) / SUMMARY, summary)
    return summary
