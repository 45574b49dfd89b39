"""Everything one run writes, under OUT_DIR/pikachu/<RUN>/ (README: "Training the Pikachu GAN").

    config.json          resolved config, written before training starts
    history.csv          one row per epoch: losses; diversity/nearest_train/memorised at grid epochs
    epoch-<NNNNN>.png    10x10 grid of the fixed latents, every SAVE_EVERY epochs and the last
    best.png             the same grid from the best epoch's generator
    timelapse.gif        the grids in order (written at the end, and when interrupted)
    logs/                TensorBoard event files (per-epoch losses and metrics)
    checkpoints/latest.npz             resume state (see save_checkpoint)
    checkpoints/snapshot-<NNNNN>.npz   both models' weights at recent grid epochs (for EPOCH=<n>)
    generator.h5, discriminator.h5     the final models (plain Keras), as the original
    summary.json         machine-readable summary for the report (issue 6)
    samples/             what `make generate` writes

Weights and checkpoints are deterministic zip files of .npy arrays (fixed timestamps), so two runs
that computed the same numbers have byte-identical files. Every write is temp file + rename.
"""
import csv
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from .. import paths
from . import PIPELINE

CONFIG = "config.json"
HISTORY = "history.csv"
SUMMARY = "summary.json"
CHECKPOINTS = "checkpoints"
LATEST = "latest.npz"
SAMPLES = "samples"
LOGS = "logs"
TIMELAPSE = "timelapse.gif"
BEST_GRID = "best.png"

# Config keys that may change between a run and its resume (they don't change what is computed).
MUTABLE_KEYS = ("epochs", "keep_snapshots", "train_dir")

LOSS_COLUMNS = ["loss", "generator_loss", "generator_yfake_loss", "generator_yreal_loss",
                "discriminator_loss", "discriminator_yfake_loss", "discriminator_yreal_loss"]
METRIC_COLUMNS = ["diversity", "nearest_train", "memorised"]
HISTORY_COLUMNS = ["epoch"] + LOSS_COLUMNS + METRIC_COLUMNS


class ConfigMismatch(Exception):
    pass


def run_dir(run):
    return paths.run_dir(PIPELINE, run)


def grid_name(epoch):
    return "epoch-%05d.png" % epoch


def snapshot_name(epoch):
    return "snapshot-%05d.npz" % epoch


def fsync_dir(folder):
    try:
        fd = os.open(str(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path, data):
    path = Path(path)
    tmp = path.with_name(".%s.tmp-%d" % (path.name, os.getpid()))
    with open(str(tmp), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(str(tmp), str(path))
    fsync_dir(path.parent)


def write_json(path, obj):
    write_atomic(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


# ---------------------------------------------------------------- config
def check_config(folder, config):
    """Refuse to continue a run whose saved config differs (except MUTABLE_KEYS)."""
    path = Path(folder) / CONFIG
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    keys = sorted((set(saved) | set(config)) - set(MUTABLE_KEYS))
    diffs = [(k, saved.get(k), config.get(k)) for k in keys if saved.get(k) != config.get(k)]
    if diffs:
        lines = "\n".join("  %-16s run has %s, now %s" % (k, json.dumps(a), json.dumps(b))
                          for k, a, b in diffs)
        raise ConfigMismatch(
            "run %s was started with a different config:\n%s\nUse another RUN=, or the same "
            "settings to resume it (delete %s to start it over)." % (folder, lines, folder))
    return saved


# ---------------------------------------------------------------- deterministic array archives
_EPOCH_1980 = (1980, 1, 1, 0, 0, 0)


def pack(arrays, meta=None):
    """{name: array} (+ a JSON-able meta dict) -> bytes of a zip np.load can read.

    Unlike np.savez, the entries carry a fixed timestamp, so equal contents give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            data = io.BytesIO()
            np.lib.format.write_array(data, np.array(arrays[name], order="C"), allow_pickle=False)  # keeps 0-d
            archive.writestr(zipfile.ZipInfo(name + ".npy", date_time=_EPOCH_1980), data.getvalue())
        if meta is not None:
            blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
            data = io.BytesIO()
            np.lib.format.write_array(data, blob, allow_pickle=False)
            archive.writestr(zipfile.ZipInfo("meta.npy", date_time=_EPOCH_1980), data.getvalue())
    return buffer.getvalue()


def unpack(path):
    """-> ({name: array}, meta dict or None)."""
    with np.load(str(path), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files if k != "meta"}
        meta = json.loads(archive["meta"].tobytes().decode()) if "meta" in archive.files else None
    return arrays, meta


def weights_dict(prefix, values):
    return {"%s/%03d" % (prefix, i): np.asarray(v) for i, v in enumerate(values)}


def weights_list(arrays, prefix):
    names = sorted(k for k in arrays if k.startswith(prefix + "/"))
    return [arrays[k] for k in names]


# ---------------------------------------------------------------- checkpoints
def save_checkpoint(folder, state, generator, discriminator, opt_g, opt_d, best_g, best_d):
    """checkpoints/latest.npz: both models' weights, both optimizers' weights (Adam's iteration
    count drives its decay), the best epoch's weights, and `state` (epoch, RNG, best)."""
    arrays = {}
    arrays.update(weights_dict("generator", generator))
    arrays.update(weights_dict("discriminator", discriminator))
    arrays.update(weights_dict("opt_generator", opt_g))
    arrays.update(weights_dict("opt_discriminator", opt_d))
    arrays.update(weights_dict("best_generator", best_g))
    arrays.update(weights_dict("best_discriminator", best_d))
    target = Path(folder) / CHECKPOINTS
    target.mkdir(parents=True, exist_ok=True)
    write_atomic(target / LATEST, pack(arrays, state))


def load_checkpoint(folder):
    path = Path(folder) / CHECKPOINTS / LATEST
    if not path.exists():
        return None
    arrays, state = unpack(path)
    return {"state": state,
            "generator": weights_list(arrays, "generator"),
            "discriminator": weights_list(arrays, "discriminator"),
            "opt_generator": weights_list(arrays, "opt_generator"),
            "opt_discriminator": weights_list(arrays, "opt_discriminator"),
            "best_generator": weights_list(arrays, "best_generator"),
            "best_discriminator": weights_list(arrays, "best_discriminator")}


def save_snapshot(folder, epoch, generator, discriminator, keep):
    target = Path(folder) / CHECKPOINTS
    target.mkdir(parents=True, exist_ok=True)
    arrays = weights_dict("generator", generator)
    arrays.update(weights_dict("discriminator", discriminator))
    write_atomic(target / snapshot_name(epoch), pack(arrays, {"epoch": epoch}))
    snapshots = sorted(target.glob("snapshot-*.npz"))
    for old in snapshots[:max(0, len(snapshots) - keep)]:
        old.unlink()


def snapshot_epochs(folder):
    return sorted(int(p.stem.split("-")[1]) for p in (Path(folder) / CHECKPOINTS).glob("snapshot-*.npz"))


def load_snapshot(folder, epoch):
    arrays, _ = unpack(Path(folder) / CHECKPOINTS / snapshot_name(epoch))
    return weights_list(arrays, "generator"), weights_list(arrays, "discriminator")


# ---------------------------------------------------------------- history
def _format(value):
    if value is None or value == "":
        return ""
    return repr(float(value))


def read_history(folder, upto=None):
    """Rows of history.csv (dicts of floats / None) with epoch <= upto; a torn last line is
    dropped (a kill can interrupt an append)."""
    path = Path(folder) / HISTORY
    rows = []
    if not path.exists():
        return rows
    with open(str(path), newline="") as handle:
        for raw in csv.DictReader(handle):
            try:
                row = {k: (float(raw[k]) if raw.get(k) not in (None, "") else None)
                       for k in HISTORY_COLUMNS}
                row["epoch"] = int(raw["epoch"])
            except (TypeError, ValueError, KeyError):
                break
            if upto is not None and row["epoch"] > upto:
                break
            rows.append(row)
    return rows


def write_history(folder, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HISTORY_COLUMNS)
    for row in rows:
        writer.writerow([row["epoch"]] + [_format(row.get(k)) for k in HISTORY_COLUMNS[1:]])
    write_atomic(Path(folder) / HISTORY, buffer.getvalue().encode())


def append_history(folder, row):
    with open(str(Path(folder) / HISTORY), "a", newline="") as handle:
        handle.write(",".join([str(row["epoch"])] + [_format(row.get(k))
                                                      for k in HISTORY_COLUMNS[1:]]) + "\n")
        handle.flush()
