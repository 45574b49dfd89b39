"""`make dcgan-train` / `python -m kerasgan dcgan --mode train`: keras-dcgan's training, resumable.

Reproduces jacobgil's keras-dcgan (seed 003, seed 002 §4.2; docs/originals.md#keras-dcgan): per batch, generate a
batch from uniform(-1, 1) noise, train the discriminator on real + generated images (labels 1 / 0),
then train the generator through the frozen discriminator on fresh noise (labels 1). Batches run
in order through the training set (no shuffle, the remainder dropped), as the original. Every
GRID_EVERY (20) batches the batch just generated is saved as `<epoch>_<index>.png`; every
SAVE_EVERY (10) batches the weights (generator.h5, discriminator.h5) and the checkpoint. All of it
inside OUT_DIR/dcgan/<RUN>/, never the current directory.

Beyond the original: each epoch ends with quality figures of fixed "eval" samples (a digit
classifier's classes covered, KL from uniform, confident share; kit.metrics' diversity and
memorisation) in history.csv; batches.csv has every batch's losses; summary.json; SIGINT/SIGTERM
checkpoint and stop; the same RUN resumes, to the same bytes as an uninterrupted run.
"""
import csv
import io
import json
from pathlib import Path

import numpy as np

from . import PIPELINE, data as dataset, models
from ...datasets import digit_classifier
from ...datasets.mnist import DataError
from ...kit import checkpoint, metrics, runfolder, seeds
from ...kit.progress import log

# Defaults (docs/originals.md#keras-dcgan unless said otherwise).
DEFAULTS = {
    "run": "default",
    "epochs": 100,          # the original's range(100)
    "batch_size": 128,      # the original's --batch_size default
    "save_every": 10,       # weights (and our checkpoint) every 10 batches, as the original
    "grid_every": 20,       # <epoch>_<index>.png every 20 batches, as the original
    "seed": 0,
    "data": "mnist",        # the original trained on MNIST
    "quality_n": 1000,      # ours: samples judged by the digit classifier at each epoch's end
}
LR, MOMENTUM, NESTEROV = 0.0005, 0.9, True     # SGD for D and for the stacked G + frozen D
LOSS = "binary_crossentropy"
LOSS_COLUMNS = ["discriminator_loss", "generator_loss"]
QUALITY_COLUMNS = digit_classifier.COLUMNS
HISTORY_COLUMNS = ["epoch"] + LOSS_COLUMNS + metrics.COLUMNS + QUALITY_COLUMNS
BATCHES = "batches.csv"
BATCH_COLUMNS = ["epoch", "batch", "discriminator_loss", "generator_loss"]
# Config keys that may change between a run and its resume.
MUTABLE_KEYS = ("epochs", "data_source")


def grid_file(epoch, index):
    """The original's name for the grid of a batch: <epoch>_<index>.png."""
    return "%d_%d.png" % (epoch, index)


def resolve_config(args, source):
    from ... import determinism
    for name in ("epochs", "batch_size", "save_every", "grid_every", "quality_n"):
        if getattr(args, name) < 1:
            raise DataError("%s must be at least 1" % name.upper())
    if source["images"] < args.batch_size:
        raise DataError("%d training images but a batch of %d: use a smaller --batch_size"
                        % (source["images"], args.batch_size))
    return {
        "pipeline": PIPELINE,
        "run": args.run,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "batches_per_epoch": source["images"] // args.batch_size,
        "save_every": args.save_every,
        "grid_every": args.grid_every,
        "seed": args.seed,
        "quality_n": args.quality_n,
        "latent_dim": models.LATENT_DIM,
        "noise": "uniform(-1, 1)",
        "optimizer_discriminator": {"name": "SGD", "lr": LR, "momentum": MOMENTUM, "nesterov": NESTEROV},
        "optimizer_stacked": {"name": "SGD", "lr": LR, "momentum": MOMENTUM, "nesterov": NESTEROV},
        "loss": LOSS,
        "threads": determinism.configured_threads(),
        "data": {"images": source["images"], "sha256": source["sha256"], "labels": source["labels"],
                 "kind": source["kind"]},
        "data_source": source,     # paths may move; the digest above is what must match
    }


def main(args):
    try:
        x, y, source = dataset.load(args.data, args.path)
    except DataError as error:
        if "file's path" not in str(error):
            raise
        raise DataError("%s (--data /path/to/mnist.npz; make: DCGAN_DATA=/path/to/mnist.npz)" % error)
    config = resolve_config(args, source)
    folder = runfolder.run_dir(PIPELINE, args.run)
    runfolder.check_config(folder, config, MUTABLE_KEYS)
    if args.dry_run:
        print(json.dumps(config, indent=2, sort_keys=True))
        return 0
    return train(config, x, y, folder)


# ---------------------------------------------------------------- the original's wiring
def build_gan():
    """G, D, the stacked D(G(z)) and both SGDs, wired as the original.

    Keras 2.1.2 fixes which weights a model trains when it is compiled: the stacked model is
    compiled while D.trainable is False (so its SGD moves G only), then D is compiled with
    D.trainable True (its SGD moves D). The original also toggled D.trainable around each
    train_on_batch; after compilation that changes nothing, so it is left out. Both train functions
    are built here: SGD creates its momentum slots then, and a resume restores them before the
    first batch."""
    import warnings
    from keras.models import Sequential
    from keras.optimizers import SGD
    # Keras warns at every train_on_batch that D's trainable flag differs from what the stacked
    # model was compiled with: that difference is the point (the frozen D), so say it once here.
    warnings.filterwarnings("ignore", message="Discrepancy between trainable weights")
    generator, discriminator = models.build_generator(), models.build_discriminator()
    stacked = Sequential([generator, discriminator])
    d_optim = SGD(lr=LR, momentum=MOMENTUM, nesterov=NESTEROV)
    g_optim = SGD(lr=LR, momentum=MOMENTUM, nesterov=NESTEROV)
    discriminator.trainable = False
    stacked.compile(loss=LOSS, optimizer=g_optim)
    discriminator.trainable = True
    discriminator.compile(loss=LOSS, optimizer=d_optim)
    for model in (stacked, discriminator):   # a Sequential trains through its inner Model
        model.model._make_train_function()
    return generator, discriminator, stacked, g_optim, d_optim


def eval_latents(seed, n):
    """The fixed samples judged at every epoch's end (the "eval" stream, independent of training)."""
    return seeds.stream(seed, "eval").uniform(-1, 1, size=(n, models.LATENT_DIM)).astype(np.float32)


class Quality(object):
    """Epoch-end figures of a generator: kit.metrics' collapse figures + the digit classifier's."""

    def __init__(self, config, x, classifier_path):
        self.meter = metrics.CollapseMeter(x)
        self.z = eval_latents(config["seed"], config["quality_n"])
        self.batch = config["batch_size"]
        self.classifier = digit_classifier.load(classifier_path) if classifier_path else None

    def measure(self, generator):
        images = generator.predict(self.z, batch_size=self.batch)
        row = self.meter.measure((images + 1.0) / 2.0)
        if self.classifier is not None:
            row.update(digit_classifier.figures(self.classifier.predict(images, batch_size=256)))
        return row


class BatchLog(object):
    """batches.csv: every batch's losses; on resume the rows after the checkpoint are dropped."""

    def __init__(self, folder):
        self.path = Path(folder) / BATCHES

    def truncate(self, epoch, batch):
        kept = []
        if self.path.exists():
            with open(str(self.path), newline="") as handle:
                for row in csv.DictReader(handle):
                    try:
                        key = (int(row["epoch"]), int(row["batch"]))
                        float(row["generator_loss"])
                    except (TypeError, ValueError, KeyError):
                        break
                    if key > (epoch, batch):
                        break
                    kept.append(row)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, BATCH_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
        runfolder.write_atomic(self.path, buffer.getvalue())

    def append(self, epoch, batch, d_loss, g_loss):
        with open(str(self.path), "a") as handle:
            handle.write("%d,%d,%r,%r\n" % (epoch, batch, float(d_loss), float(g_loss)))


def train(config, x, y, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runfolder.write_json(folder / runfolder.CONFIG, config)   # before training starts
    saved = checkpoint.load(folder)
    per_epoch = config["batches_per_epoch"]
    if saved and (saved[0]["epoch"], saved[0]["batch"]) >= (config["epochs"] - 1, per_epoch - 1):
        log("dcgan train: run %s already finished (%d epochs); nothing to do" % (folder, saved[0]["epoch"] + 1))
        return 0
    # The classifier first, in its own session: nothing it does reaches the GAN's random numbers.
    classifier = (digit_classifier.ensure(x, y, seed=config["seed"], log=log)
                  if y is not None else None)
    from ... import determinism
    from ...kit.progress import Progress, StopFlag
    determinism.seed_everything(config["seed"], threads=config["threads"])
    generator, discriminator, stacked, g_optim, d_optim = build_gan()
    nets = {"generator": generator, "discriminator": discriminator}
    optimizers = {"generator": g_optim, "discriminator": d_optim}
    device = determinism.describe_device(config["threads"])
    quality = Quality(config, x, classifier)
    history, batches = runfolder.History(folder, HISTORY_COLUMNS), BatchLog(folder)
    if saved:
        state, groups = saved
        checkpoint.restore(groups, nets, optimizers)
        rng = seeds.rng_from_state(state["rng"])
        epoch, start = state["epoch"], state["batch"] + 1
        totals = state["totals"]
        if start == per_epoch:
            epoch, start, totals = epoch + 1, 0, [0.0, 0.0]
        batches.truncate(state["epoch"], state["batch"])
        log("resume: run %s from epoch %d batch %d" % (folder, epoch, start))
    else:
        rng = seeds.stream(config["seed"], "train")
        epoch, start, totals = 0, 0, [0.0, 0.0]
        batches.truncate(-1, -1)
        log("dcgan train: new run %s (%d images, %d batches of %d per epoch)"
            % (folder, len(x), per_epoch, config["batch_size"]))
    rows = history.truncate(epoch - 1)
    log("device: %s" % device)
    x_train = dataset.to_model(x)
    run = {"config": config, "folder": folder, "nets": nets, "optimizers": optimizers,
           "stacked": stacked, "rng": rng, "quality": quality, "history": history, "rows": rows,
           "batches": batches, "device": device, "x": x_train, "classifier": classifier}
    progress = Progress(config["epochs"] * per_epoch, epoch * per_epoch + start,
                        every=config["grid_every"], unit="batch")
    status = _loop(run, epoch, start, totals, progress, StopFlag())
    if status:
        return status
    make_timelapse(folder)
    _summary(run, "finished", progress)
    log("dcgan train: done; outputs in %s" % folder)
    return 0


def grid_files(folder):
    """The run's <epoch>_<index>.png grids in training order."""
    found = []
    for p in Path(folder).glob("*_*.png"):
        parts = p.stem.split("_")
        if len(parts) == 2 and all(part.isdigit() for part in parts):
            found.append(((int(parts[0]), int(parts[1])), p))
    return [p for _, p in sorted(found)]


def make_timelapse(folder):
    """timelapse.gif of the grids in training order (the original's README showed one)."""
    from ...kit.grids import save_gif
    save_gif(grid_files(folder), Path(folder) / runfolder.TIMELAPSE)


def _save(run, epoch, index, totals, progress, status="running"):
    """Weights files (the original's, every 10 batches), then the checkpoint (last: all above is
    redone on resume)."""
    from ...kit.files import atomic_path
    folder = run["folder"]
    for name, model in run["nets"].items():
        with atomic_path(folder / (name + ".h5"), ".h5") as tmp:
            model.save_weights(str(tmp))
    state = {"epoch": epoch, "batch": index, "rng": seeds.rng_state(run["rng"]),
             "totals": [float(t) for t in totals], "seed": run["config"]["seed"]}
    checkpoint.save(folder, state, checkpoint.capture(run["nets"], run["optimizers"]))
    _summary(run, status, progress)


def _loop(run, epoch, start, totals, progress, stop):
    from ...kit.grids import grid, save_png, to_uint8
    config, folder, rng = run["config"], run["folder"], run["rng"]
    generator, discriminator, stacked = (run["nets"]["generator"], run["nets"]["discriminator"],
                                         run["stacked"])
    batch, per_epoch = config["batch_size"], config["batches_per_epoch"]
    labels = np.array([1] * batch + [0] * batch, np.float32)
    ones = np.ones(batch, np.float32)
    for epoch in range(epoch, config["epochs"]):
        for index in range(start, per_epoch):
            progress.begin()
            noise = rng.uniform(-1, 1, size=(batch, models.LATENT_DIM)).astype(np.float32)
            real = run["x"][index * batch:(index + 1) * batch]
            fake = generator.predict(noise, batch_size=batch)
            if index % config["grid_every"] == 0:
                save_png(grid(to_uint8(fake, -1.0, 1.0)), folder / grid_file(epoch, index))
            d_loss = discriminator.train_on_batch(np.concatenate([real, fake]), labels)
            noise = rng.uniform(-1, 1, size=(batch, models.LATENT_DIM)).astype(np.float32)
            g_loss = stacked.train_on_batch(noise, ones)
            totals = [totals[0] + float(d_loss), totals[1] + float(g_loss)]
            run["batches"].append(epoch, index, d_loss, g_loss)
            step = epoch * per_epoch + index
            last = index == per_epoch - 1
            progress.end(step, "epoch %d batch %d  d_loss %.4f  g_loss %.4f"
                         % (epoch, index, d_loss, g_loss), force=last)
            if last:
                _end_epoch(run, epoch, totals)
            if last or index % config["save_every"] == config["save_every"] - 1 or stop.requested:
                _save(run, epoch, index, totals, progress)
            if stop.requested:
                log("dcgan train: stopped at epoch %d batch %d; the same command resumes"
                    % (epoch, index))
                make_timelapse(folder)
                _summary(run, "interrupted", progress)
                return 128 + stop.signum
        start, totals = 0, [0.0, 0.0]
    return 0


def _end_epoch(run, epoch, totals):
    per_epoch = run["config"]["batches_per_epoch"]
    row = {"epoch": epoch, "discriminator_loss": totals[0] / per_epoch,
           "generator_loss": totals[1] / per_epoch}
    row.update(run["quality"].measure(run["nets"]["generator"]))
    run["history"].append(row)
    run["rows"].append(row)
    text = "epoch %d: d_loss %.4f g_loss %.4f diversity %.3f" % (
        epoch, row["discriminator_loss"], row["generator_loss"], row["diversity"])
    if "classes_covered" in row:
        text += "  digits covered %d/10, KL %.3f, confident %.0f%%" % (
            row["classes_covered"], row["kl_uniform"], 100 * row["confident"])
    log(text)


def _summary(run, status, progress):
    from ...kit.summary import write_summary
    folder, rows, config = run["folder"], run["rows"], run["config"]
    last = rows[-1] if rows else {}
    files = {"config": runfolder.CONFIG, "history": runfolder.HISTORY, "batches": BATCHES,
             "grids": "<epoch>_<index>.png", "timelapse": runfolder.TIMELAPSE, "checkpoint": runfolder.CHECKPOINTS + "/" + runfolder.LATEST,
             "generator": "generator.h5", "discriminator": "discriminator.h5",
             "generated": "generated_image.png", "samples": runfolder.SAMPLES + "/"}
    classifier = run["classifier"]
    seconds = progress.seconds_per_epoch
    write_summary(folder, config, status, last.get("epoch", -1) + 1, run["device"],
                  seconds * config["batches_per_epoch"] if seconds else None, files,
                  seconds_per_batch=seconds,
                  final={k: last.get(k) for k in HISTORY_COLUMNS if k in last},
                  warnings=metrics.collapse_warnings(rows),
                  thresholds={"diversity": metrics.DIVERSITY_WARN, "memorised": metrics.MEMORISED_WARN},
                  classifier=({"file": str(classifier), **digit_classifier.info(classifier)}
                              if classifier else None),
                  loss_columns=LOSS_COLUMNS, metric_columns=metrics.COLUMNS + QUALITY_COLUMNS)
