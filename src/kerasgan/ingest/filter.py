"""`python -m kerasgan filter [all|train|score]`: train seed 001's "find Pikachu" CNN on the
hand-labelled images, then keep the reshaped images it scores as TARGET (the GAN's training set).

train: DATA_DIR/labeled/{trains,valids}/<class>/ -> models/filter.h5 (best val_loss),
       models/filter-tflogs/ (TensorBoard), reports/filter_history.csv, reports/filter_train.json
score: DATA_DIR/reshaped/* -> predicted/ (copies of the kept images), reports/filter_scores.csv,
       reports/filter_contact_sheet.png, reports/filter_score.json, reports/filter_copied.csv
"""
import csv
import os
import shutil
import sys
import time
from pathlib import Path

from .. import paths
from ..kit.files import copy_atomic, sha256_file, write_csv, write_json
from .filter_data import (DEFAULT_MIN_IMAGES, FilterDataError, check_labeled, reshaped_images)

MODEL_FILE = "filter.h5"
TFLOGS = "filter-tflogs"
HISTORY_CSV = "filter_history.csv"
TRAIN_JSON = "filter_train.json"
SCORES_CSV = "filter_scores.csv"
SCORE_JSON = "filter_score.json"
COPIED_CSV = "filter_copied.csv"      # which files of predicted/ this stage put there (sha256)
CONTACT_SHEET = "filter_contact_sheet.png"
HISTORY_FIELDS = ("epoch", "loss", "acc", "mean_absolute_error",
                  "val_loss", "val_acc", "val_mean_absolute_error")

# The original's training augmentation (seed 001), verbatim in meaning.
AUGMENTATION = dict(rescale=1 / 255, rotation_range=10, width_shift_range=0.1,
                    height_shift_range=0.1, channel_shift_range=20.0,
                    horizontal_flip=True, vertical_flip=False)


def configure(parser):
    parser.add_argument("step", nargs="?", choices=("all", "train", "score"), default="all",
                        help="train the CNN, score reshaped/ with it, or both (default)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="dataset root (default: $KERASGAN_DATA_DIR or data)")
    parser.add_argument("--target", default="pikachu",
                        help="the wanted class folder under labeled/*/ (default pikachu)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SEED", 0)),
                        help="seed of weights, shuffling, augmentation and dropout")
    parser.add_argument("--epochs", type=int, default=100, help="at most this many (default 100)")
    parser.add_argument("--steps", type=int, default=100, help="steps per epoch (default 100)")
    parser.add_argument("--batch-size", type=int, default=32, help="default 32")
    parser.add_argument("--patience", type=int, default=3,
                        help="EarlyStopping patience on val_loss (default 3)")
    parser.add_argument("--min-images", type=int, default=DEFAULT_MIN_IMAGES,
                        help="refuse to train with fewer images per class and split (default %d)"
                        % DEFAULT_MIN_IMAGES)
    parser.add_argument("--threshold", type=float, default=0.99,
                        help="keep images with probability >= this (default 0.99)")
    parser.add_argument("--sheet-max", type=int, default=64,
                        help="at most this many kept and this many rejected images on the "
                        "contact sheet (default 64)")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress output")


def main(args):
    data_dir = Path(args.data_dir or paths.data_dir())
    if args.step in ("all", "train"):
        train(data_dir, target=args.target, seed=args.seed, epochs=args.epochs,
              steps=args.steps, batch_size=args.batch_size, patience=args.patience,
              min_images=args.min_images, verbose=0 if args.quiet else 2)
    if args.step in ("all", "score"):
        score(data_dir, threshold=args.threshold, sheet_max=args.sheet_max)
    return 0


# ---------------------------------------------------------------- train

def train(data_dir, target="pikachu", seed=0, epochs=100, steps=100, batch_size=32, patience=3,
          min_images=DEFAULT_MIN_IMAGES, verbose=0):
    """Train the CNN; write the best-val_loss model, history and TensorBoard logs. Returns a
    summary dict (also written to reports/filter_train.json)."""
    data_dir = Path(data_dir)
    labeled = data_dir / paths.LABELED
    classes, counts = check_labeled(labeled, target, min_images)  # before importing TensorFlow
    models, reports = data_dir / paths.MODELS, data_dir / paths.REPORTS
    models.mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)

    from ..kit.determinism import seed_everything
    seed_everything(seed)
    from keras.callbacks import EarlyStopping, ModelCheckpoint, TensorBoard
    from keras.preprocessing.image import ImageDataGenerator
    from .filter_model import build_filter_model, compile_filter_model

    model = compile_filter_model(build_filter_model())
    # classes=[other, target]: label 1 (the sigmoid's "yes") is TARGET, whatever the folder names.
    flow = dict(target_size=(32, 32), batch_size=batch_size, class_mode="binary", classes=classes)
    trains = ImageDataGenerator(**AUGMENTATION).flow_from_directory(
        str(labeled / "trains"), shuffle=True, seed=seed, **flow)
    # Fixed: the original's validation generator had no rescale (0-255 inputs). No shuffling, so
    # validation draws nothing from numpy's global RNG.
    valids = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        str(labeled / "valids"), shuffle=False, **flow)

    partial = models / (".training-" + MODEL_FILE)
    tflogs = models / TFLOGS
    shutil.rmtree(str(tflogs), ignore_errors=True)  # one run's logs, not a mix of runs
    callbacks = [TensorBoard(log_dir=str(tflogs)),
                 EarlyStopping(patience=patience, monitor="val_loss"),
                 ModelCheckpoint(str(partial), monitor="val_loss", save_best_only=True)]
    started = time.time()
    # workers=0: batches are drawn in this thread, so the iterators' seeded numpy RNG (shuffling
    # and augmentation) is never raced by a prefetching thread -> the same batches every run.
    history = model.fit_generator(trains, steps_per_epoch=steps, epochs=epochs,
                                  validation_data=valids, validation_steps=len(valids),
                                  callbacks=callbacks, workers=0, verbose=verbose)
    os.replace(str(partial), str(models / MODEL_FILE))

    rows = _history_rows(history.history)
    _write_csv(reports / HISTORY_CSV, HISTORY_FIELDS, rows)
    best = min(rows, key=lambda r: (r["val_loss"], r["epoch"]))
    summary = {
        "target": target, "classes": classes, "class_indices": {c: i for i, c in enumerate(classes)},
        "images": counts, "seed": seed, "epochs": epochs, "steps_per_epoch": steps,
        "batch_size": batch_size, "patience": patience, "epochs_run": len(rows),
        "best_epoch": best["epoch"], "best_val_loss": best["val_loss"],
        "best_val_acc": best.get("val_acc"), "parameters": int(model.count_params()),
        "model": str(Path(paths.MODELS) / MODEL_FILE), "tensorboard": str(Path(paths.MODELS) / TFLOGS),
        "seconds": round(time.time() - started, 1),
    }
    _write_json(reports / TRAIN_JSON, summary)
    print("filter: trained %d epoch(s); best val_loss %.4f (val_acc %s) at epoch %d -> %s"
          % (len(rows), best["val_loss"], _fmt(best.get("val_acc")), best["epoch"],
             models / MODEL_FILE))
    return summary


def _history_rows(history):
    n = len(history.get("loss", []))
    rows = []
    for i in range(n):
        row = {"epoch": i + 1}
        for key in HISTORY_FIELDS[1:]:
            if key in history:
                row[key] = float(history[key][i])
        rows.append(row)
    return rows


# ---------------------------------------------------------------- score

def load_for_model(path):
    """As the original's inference: RGB, resized to 32x32 (nearest, as flow_from_directory's
    default and the Pillow of 2018), /255. Only JPEG and PNG are decoded."""
    import numpy as np
    from PIL import Image
    with Image.open(str(path), formats=["JPEG", "PNG"]) as image:
        image = image.convert("RGB").resize((32, 32), Image.NEAREST)
        return np.asarray(image, dtype="float32") / 255.0


def score(data_dir, threshold=0.99, sheet_max=64, chunk=256):
    """Score every image of reshaped/ with models/filter.h5; copy p >= threshold to predicted/;
    write the scores CSV and the contact sheet. Returns a summary dict."""
    import numpy as np

    data_dir = Path(data_dir)
    files = reshaped_images(data_dir / paths.RESHAPED)
    model_path = data_dir / paths.MODELS / MODEL_FILE
    if not model_path.is_file():
        raise FilterDataError("No trained filter at %s: run `make filter-train` (or `python -m "
                              "kerasgan filter train`) first." % model_path)
    from keras.models import load_model
    model = load_model(str(model_path))

    results = []  # (path, probability or None, kept, error)
    for start in range(0, len(files), chunk):
        batch, good = [], []
        for path in files[start:start + chunk]:
            try:
                batch.append(load_for_model(path))
                good.append(path)
            except Exception as error:  # a broken file is reported, never fatal
                results.append((path, None, False, "%s: %s" % (type(error).__name__, error)))
        if batch:
            probs = model.predict(np.stack(batch), batch_size=32).reshape(-1)
            for path, p in zip(good, probs):
                p = float(p)
                results.append((path, p, p >= threshold, ""))
    order = {p: i for i, p in enumerate(files)}
    results.sort(key=lambda r: order[r[0]])

    reports = data_dir / paths.REPORTS
    reports.mkdir(parents=True, exist_ok=True)
    _write_csv(reports / SCORES_CSV, ("file", "probability", "kept"),
               [{"file": r[0].name, "probability": "" if r[1] is None else repr(r[1]),
                 "kept": int(r[2])} for r in results])
    copied, conflicts = sync_predicted(data_dir, [r[0] for r in results if r[2]])
    from .filter_report import contact_sheet
    contact_sheet([(r[0], r[1]) for r in results if r[2]],
                  [(r[0], r[1]) for r in results if not r[2] and r[1] is not None],
                  reports / CONTACT_SHEET, threshold=threshold, per_group=sheet_max)
    kept = sum(1 for r in results if r[2])
    errors = [{"file": r[0].name, "reason": r[3]} for r in results if r[3]]
    summary = {"scored": len(results) - len(errors), "kept": kept, "threshold": threshold,
               "errors": errors, "copied": copied, "conflicts": conflicts,
               "model": str(Path(paths.MODELS) / MODEL_FILE)}
    _write_json(reports / SCORE_JSON, summary)
    print("filter: kept %d of %d image(s) with p >= %g -> %s (%d copied now); scores in %s"
          % (kept, len(results) - len(errors), threshold, data_dir / paths.PREDICTED, copied,
             reports / SCORES_CSV))
    for item in errors:
        print("filter: skipped %s: %s" % (item["file"], item["reason"]), file=sys.stderr)
    if conflicts:
        raise FilterDataError(
            "%d kept image(s) were not copied because %s already holds a different file of the "
            "same name that this stage did not write: %s. Move those files away and re-run."
            % (len(conflicts), data_dir / paths.PREDICTED, ", ".join(conflicts[:10])))
    return summary


def sync_predicted(data_dir, kept_paths):
    """Make predicted/ hold a copy of every kept image, without touching files this stage did not
    write: stale copies of ours (recorded with their sha256 in reports/filter_copied.csv) are
    removed, a foreign file with a kept image's name is left alone and reported as a conflict.
    Returns (number copied now, conflicting names)."""
    predicted = data_dir / paths.PREDICTED
    predicted.mkdir(parents=True, exist_ok=True)
    record_path = data_dir / paths.REPORTS / COPIED_CSV
    ours = {}
    if record_path.is_file():
        with record_path.open(newline="") as handle:
            ours = {row["file"]: row["sha256"] for row in csv.DictReader(handle)}
    wanted = {p.name: p for p in kept_paths}
    new_record, copied, conflicts = {}, 0, []
    for name, old_sha in sorted(ours.items()):
        dest = predicted / name
        if name not in wanted and dest.is_file() and _sha256(dest) == old_sha:
            dest.unlink()
    for name, source in sorted(wanted.items()):
        dest = predicted / name
        sha = _sha256(source)
        if dest.is_file() or dest.is_symlink():
            current = _sha256(dest) if dest.is_file() else None
            if current == sha:
                new_record[name] = sha  # already there (ours, or identical anyway)
                continue
            if not (name in ours and current == ours[name]):
                conflicts.append(name)
                continue
        copy_atomic(source, dest)
        new_record[name] = sha
        copied += 1
    _write_csv(record_path, ("file", "sha256"),
               [{"file": k, "sha256": v} for k, v in sorted(new_record.items())])
    return copied, conflicts


# ---------------------------------------------------------------- helpers

_sha256 = sha256_file


def _write_csv(path, fields, rows):
    write_csv(path, fields, rows, extrasaction="ignore")


_write_json = write_json


def _fmt(value):
    return "n/a" if value is None else "%.3f" % value
