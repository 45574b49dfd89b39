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
from ...kit import checkpoint, judge, loop, metrics, runfolder, seeds
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
    from ...kit import determinism
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
    train_on_batch; after compilation that changes nothing, so it is left out. Its g.compile, never
    trained, is kept: compiled first, G's BatchNormalization updates are left out of the stack's
    train function, so its moving mean and variance stay at 0 and 1 and every G.predict normalises
    with them (the original's arithmetic, bit for bit). Both train functions are built here: SGD
    creates its momentum slots then, and a resume restores them before the first batch."""
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
    generator.compile(loss=LOSS, optimizer="SGD")   # never trained: see above
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
        self.classifier = judge.load(classifier_path) if classifier_path else None

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


class _Run(loop.Trainer):
    """keras-dcgan's batches through kit.loop: one step is one batch (global index
    epoch * batches_per_epoch + index); a grid every GRID_EVERY batches, weights and checkpoint every
    SAVE_EVERY and at each epoch's end, where the history row (losses, quality figures) is made."""

    name = "dcgan train"
    command = "make dcgan-train"
    unit = "batch"
    loss_columns = LOSS_COLUMNS
    domain = "digits"          # EVAL_N's feature network

    def __init__(self, config, x, y, folder):
        super(_Run, self).__init__(config, folder, HISTORY_COLUMNS)
        self.x, self.y = x, y
        self.x_train = dataset.to_model(x)
        self.steps_per_epoch = config["batches_per_epoch"]
        self.batches = BatchLog(folder)
        self.classifier = None
        self.fake = None

    def steps(self):
        return self.config["epochs"] * self.steps_per_epoch

    def is_grid(self, step):
        return step % self.steps_per_epoch % self.config["grid_every"] == 0

    def is_save(self, step):
        index = step % self.steps_per_epoch
        every = self.config["save_every"]
        return index == self.steps_per_epoch - 1 or index % every == every - 1

    def progress_every(self):
        return self.config["grid_every"]

    def where(self, step):
        return "epoch %d batch %d" % divmod(step, self.steps_per_epoch)

    def done(self, saved):
        last = (self.config["epochs"] - 1, self.steps_per_epoch - 1)
        return bool(saved) and bool(saved[0].get(loop.FINISHED)) and \
            (saved[0]["epoch"], saved[0]["batch"]) >= last

    def setup(self):
        # The classifier first, in its own session: nothing it does reaches the GAN's random numbers.
        if self.y is not None:
            self.classifier = digit_classifier.ensure(self.x, self.y, seed=self.config["seed"], log=log)

    def build_networks(self):
        generator, discriminator, self.stacked, g_optim, d_optim = build_gan()
        self.quality = Quality(self.config, self.x, self.classifier)
        return ({"generator": generator, "discriminator": discriminator},
                {"generator": g_optim, "discriminator": d_optim})

    def resume_point(self, saved):
        if not saved:
            self.totals = [0.0, 0.0]
            self.batches.truncate(-1, -1)
            return seeds.stream(self.config["seed"], "train"), 0
        state, groups = saved
        checkpoint.restore(groups, self.models, self.optimizers)
        self.losses = (state["epoch"], state["batch"], None, None)   # until the next batch
        self.totals = state["totals"] if state["batch"] + 1 < self.steps_per_epoch else [0.0, 0.0]
        self.batches.truncate(state["epoch"], state["batch"])
        return (seeds.rng_from_state(state["rng"]),
                state["epoch"] * self.steps_per_epoch + state["batch"] + 1)

    def train_step(self, step):
        """The original's batch: D on real + generated (labels 1 / 0), then G through the frozen D
        on fresh noise (labels 1); -> the epoch's row after its last batch, else None."""
        epoch, index = divmod(step, self.steps_per_epoch)
        batch = self.config["batch_size"]
        if index == 0:
            self.totals = [0.0, 0.0]
        noise = self.rng.uniform(-1, 1, size=(batch, models.LATENT_DIM)).astype(np.float32)
        real = self.x_train[index * batch:(index + 1) * batch]
        self.fake = self.models["generator"].predict(noise, batch_size=batch)
        labels = np.array([1] * batch + [0] * batch, np.float32)
        d_loss = self.models["discriminator"].train_on_batch(np.concatenate([real, self.fake]), labels)
        noise = self.rng.uniform(-1, 1, size=(batch, models.LATENT_DIM)).astype(np.float32)
        g_loss = self.stacked.train_on_batch(noise, np.ones(batch, np.float32))
        self.totals = [self.totals[0] + float(d_loss), self.totals[1] + float(g_loss)]
        self.batches.append(epoch, index, d_loss, g_loss)
        self.losses = (epoch, index, float(d_loss), float(g_loss))
        return self.end_epoch(epoch) if index == self.steps_per_epoch - 1 else None

    def end_epoch(self, epoch):
        row = {"epoch": epoch, "discriminator_loss": self.totals[0] / self.steps_per_epoch,
               "generator_loss": self.totals[1] / self.steps_per_epoch}
        row.update(self.quality.measure(self.models["generator"]))
        text = "epoch %d: d_loss %.4f g_loss %.4f diversity %.3f" % (
            epoch, row["discriminator_loss"], row["generator_loss"], row["diversity"])
        if "classes_covered" in row:
            text += "  digits covered %d/10, KL %.3f, confident %.0f%%" % (
                row["classes_covered"], row["kl_uniform"], 100 * row["confident"])
        log(text)
        return row

    def is_scored(self, step, grid):
        """EVAL_N scores each epoch's end (its row; every epoch has grids)."""
        return step % self.steps_per_epoch == self.steps_per_epoch - 1

    def evaluation_real(self, n):
        return self.x

    def evaluation_samples(self, rng, n):
        from ...kit.grids import to_uint8
        z = rng.uniform(-1, 1, size=(n, models.LATENT_DIM)).astype(np.float32)
        return to_uint8(self.models["generator"].predict(z, batch_size=self.config["batch_size"]), -1.0, 1.0)

    def grid(self, step, row):
        """<epoch>_<index>.png: the batch just generated, as the original."""
        from ...kit.grids import grid, save_png, to_uint8
        save_png(grid(to_uint8(self.fake, -1.0, 1.0)), self.folder / grid_file(*divmod(step, self.steps_per_epoch)))
        return self.fake

    def describe(self, row, grid):
        return "epoch %d batch %d  d_loss %.4f  g_loss %.4f" % self.losses

    def scalars(self, row):
        return [("loss/" + k, row[k]) for k in LOSS_COLUMNS] + \
            [("quality/" + k, row[k]) for k in metrics.COLUMNS + QUALITY_COLUMNS if row.get(k) is not None]

    def before_checkpoint(self, step, grid):
        """generator.h5, discriminator.h5: the original's weights files, every SAVE_EVERY batches."""
        from ...kit.files import atomic_path
        for name, model in self.models.items():
            with atomic_path(self.folder / (name + ".h5"), ".h5") as tmp:
                model.save_weights(str(tmp))

    def checkpoint_state(self):
        epoch, index = self.losses[:2]
        return {"epoch": epoch, "batch": index, "totals": [float(t) for t in self.totals]}

    def timelapse(self):
        make_timelapse(self.folder)

    def summary(self, status):
        _summary(self, status)


def train(config, x, y, folder):
    return loop.train(_Run(config, x, y, folder))


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


def _summary(run, status):
    from ...kit.summary import run_files, write_summary
    folder, rows, config = run.folder, run.rows, run.config
    last = rows[-1] if rows else {}
    grids = [(int(p.stem.split("_")[0]), p.name) for p in grid_files(folder)]
    files = run_files(folder, grids, {"batches": BATCHES, "generated": "generated_image.png"})
    classifier = run.classifier
    seconds = run.progress.seconds_per_epoch if run.progress else None
    write_summary(folder, config, status, last.get("epoch", -1) + 1, run.device,
                  seconds * config["batches_per_epoch"] if seconds else None, files,
                  seconds_per_batch=seconds,
                  final={k: last.get(k) for k in HISTORY_COLUMNS if k in last},
                  warnings=metrics.collapse_warnings(rows),
                  thresholds={"diversity": metrics.DIVERSITY_WARN, "memorised": metrics.MEMORISED_WARN},
                  classifier=({"file": str(classifier), **judge.info(classifier)}
                              if classifier else None),
                  loss_columns=LOSS_COLUMNS, metric_columns=metrics.COLUMNS + QUALITY_COLUMNS,
                  **run.quality_summary())
