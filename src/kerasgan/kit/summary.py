"""summary.json: what a run did, for people and for the report (which never imports a trainer).

Every pipeline writes the same core keys (pipeline, run, status, epochs, epochs_done, device,
seconds_per_epoch, versions, config, files) and adds its own (best epoch, warnings, thresholds...).
`files` maps roles to the run folder's file names, so the report finds them without knowing the
pipeline.
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
