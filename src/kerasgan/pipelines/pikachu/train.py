"""`make train`: train the Pikachu GAN of seeds 000/001, resumably and reproducibly.

Reproduces the GAN of "GAN Pikachu" (seed 001, after inoue-kobo.com's gan-pikachu): keras-adversarial's
CIFAR-10 example with nch 512, h 7, trained with AdversarialOptimizerSimultaneous on the images
the filter kept (DATA_DIR/predicted/). Command:

    make train [RUN=default] [EPOCHS=50001] [SAVE_EVERY=100] [NCH=512] [KERNEL=7] [DROPOUT=0.5]
               [SIZE=32] [SEED=0] [DETERMINISTIC=0] [TRAIN_DIR=DATA_DIR/predicted]

Output: OUT_DIR/pikachu/<RUN>/ (layout in kerasgan.pikachu_gan.runfolder and the README).
The same command with the same RUN resumes where it stopped; another config is refused.

The training loop is explicit (one `train_on_batch` of the AdversarialModel per batch of 32, an
"epoch" being one pass over the training set as the original's `model.fit`), so that it can
checkpoint between epochs and draw every random number from one checkpointed numpy RNG:
the shuffle, the latents (the original sampled them in the graph with K.random_normal) and the
seeds of the discriminator's dropout masks. TF1's own random ops restart in every session, which
would make a resumed run differ from an uninterrupted one.
"""
import os
import sys
from pathlib import Path

import numpy as np

from . import PIPELINE, models
from .data import DataError, default_train_dir, load_training_images
from ...kit import checkpoint, metrics, runfolder, seeds
from ...kit.progress import log

# Defaults (REFERENCE.md §1 unless said otherwise).
DEFAULTS = {
    "run": "default",
    "epochs": 50001,          # nb_epoch of the original: epochs 0..50000
    "save_every": 100,        # a grid every 100 epochs, as the original
    "nch": models.NCH,
    "kernel": models.KERNEL,
    "dropout": models.DROPOUT,  # chosen (see models.DROPOUT)
    "size": models.SIZE,
    "seed": 0,
    "deterministic": 0,       # 1: GPU determinism settings (see README)
    "keep_snapshots": 10,     # grid epochs whose weights stay available to `generate EPOCH=<n>`
}
BATCH_SIZE = 32
LR_G, LR_D, DECAY = 1e-4, 1e-3, 1e-5   # Adam(1e-4, decay=1e-5) / Adam(1e-3, decay=1e-5)
LOSS = "binary_crossentropy"
GRID = 10                              # 10x10 fixed latents
DIVERSITY_WARN = metrics.DIVERSITY_WARN
MEMORISED_WARN = metrics.MEMORISED_WARN

# What the run folder holds beyond the kit's common files (kit.runfolder).
LOSS_COLUMNS = ["loss", "generator_loss", "generator_yfake_loss", "generator_yreal_loss",
                "discriminator_loss", "discriminator_yfake_loss", "discriminator_yreal_loss"]
HISTORY_COLUMNS = ["epoch"] + LOSS_COLUMNS + metrics.COLUMNS
# Config keys that may change between a run and its resume (they don't change what is computed).
MUTABLE_KEYS = ("epochs", "keep_snapshots", "train_dir")
MODELS = ("generator", "discriminator")


def configure(parser):
    d = DEFAULTS
    parser.add_argument("--run", default=d["run"], help="run name: OUT_DIR/pikachu/<RUN>/")
    parser.add_argument("--epochs", type=int, default=d["epochs"], help="epochs in all (original 50001)")
    parser.add_argument("--save-every", type=int, default=d["save_every"],
                        help="grid, metrics and checkpoint every N epochs (original 100)")
    parser.add_argument("--nch", type=int, default=d["nch"], help="channels (original 512)")
    parser.add_argument("--kernel", type=int, default=d["kernel"], help="kernel size h (original 7)")
    parser.add_argument("--dropout", type=float, default=d["dropout"],
                        help="SpatialDropout2D rate (not recoverable; default 0.5)")
    parser.add_argument("--size", type=int, default=d["size"], help="image side (original 32)")
    parser.add_argument("--seed", type=int, default=d["seed"], help="the one seed of the run")
    parser.add_argument("--deterministic", type=int, choices=(0, 1), default=d["deterministic"],
                        help="1: TF_CUDNN_DETERMINISTIC + tensorflow-determinism (GPU only matters)")
    parser.add_argument("--train-dir", default=None,
                        help="folder of training images (default DATA_DIR/predicted/)")
    parser.add_argument("--keep-snapshots", type=int, default=d["keep_snapshots"],
                        help="how many grid epochs keep their weights for generate EPOCH=<n>")
    parser.add_argument("--dry-run", action="store_true", help="print the resolved config and stop")


def resolve_config(args, data_digest, n_images, train_dir):
    from ... import determinism
    if args.epochs < 1 or args.save_every < 1:
        raise DataError("EPOCHS and SAVE_EVERY must be at least 1")
    if args.nch < 4 or args.nch % 4:
        raise DataError("NCH must be a multiple of 4 (the blocks use nch/4 and nch/2), got %d" % args.nch)
    if not 0.0 <= args.dropout < 1.0:
        raise DataError("DROPOUT must be in [0, 1), got %r" % args.dropout)
    return {
        "pipeline": "pikachu-gan",
        "run": args.run,
        "epochs": args.epochs,
        "save_every": args.save_every,
        "nch": args.nch,
        "kernel": args.kernel,
        "dropout": args.dropout,
        "size": args.size,
        "seed": args.seed,
        "deterministic": args.deterministic,
        "keep_snapshots": args.keep_snapshots,
        "latent_dim": models.LATENT_DIM,
        "batch_size": BATCH_SIZE,
        "optimizer_generator": {"name": "Adam", "lr": LR_G, "decay": DECAY},
        "optimizer_discriminator": {"name": "Adam", "lr": LR_D, "decay": DECAY},
        "loss": LOSS,
        "regularizer": {"l1": models.L1, "l2": models.L2},
        "grid": GRID,
        "threads": int(os.environ.get("KERASGAN_THREADS") or determinism.DEFAULT_THREADS),
        "train_dir": str(Path(train_dir).resolve()),
        "data": {"images": n_images, "sha256": data_digest},
    }


def main(args):
    train_dir = Path(args.train_dir) if args.train_dir else default_train_dir()
    try:
        images, sources, digest = load_training_images(train_dir, args.size, BATCH_SIZE, log=log)
        config = resolve_config(args, digest, len(images), train_dir)
        folder = runfolder.run_dir(PIPELINE, args.run)
        runfolder.check_config(folder, config, MUTABLE_KEYS)
    except (DataError, runfolder.ConfigMismatch) as error:
        print("train: error: %s" % error, file=sys.stderr)
        return 2
    if args.dry_run:
        import json
        print(json.dumps(config, indent=2, sort_keys=True))
        return 0
    return train(config, images, folder)


# ---------------------------------------------------------------- the keras-adversarial wiring
def build_gan(config):
    """Models, AdversarialModel and optimizers, wired as the original (keras-adversarial README).

    The latents are an input of the GAN (simple_gan(..., None)) rather than sampled in the graph,
    and the dropout masks read `seed_variable`: both are fed from the numpy RNG."""
    import keras.backend as K
    from keras.optimizers import Adam
    from keras_adversarial import AdversarialModel, AdversarialOptimizerSimultaneous, simple_gan

    seed_variable = K.variable(np.zeros(2, dtype=np.int64), dtype="int64", name="dropout_seed")
    generator = models.build_generator(config["nch"], config["kernel"], config["size"],
                                       config["latent_dim"])
    discriminator = models.build_discriminator(
        config["nch"], config["kernel"], config["dropout"], config["size"],
        spatial_dropout=models.seeded_spatial_dropout(seed_variable))
    gan = simple_gan(generator, discriminator, None)   # inputs [z, x] -> [yfake, yreal]
    model = AdversarialModel(base_model=gan,
                             player_params=[generator.trainable_weights,
                                            discriminator.trainable_weights],
                             player_names=["generator", "discriminator"])
    opt_g = Adam(LR_G, decay=DECAY)
    opt_d = Adam(LR_D, decay=DECAY)
    model.adversarial_compile(adversarial_optimizer=AdversarialOptimizerSimultaneous(),
                              player_optimizers=[opt_g, opt_d], loss=LOSS)
    # Build the train function now: the optimizers create their slots (Adam's m, v) here, and a
    # resume must restore them before the first batch.
    model._make_train_function()
    return generator, discriminator, model, opt_g, opt_d, seed_variable


def gan_targets(n):
    """[generator yfake, generator yreal, discriminator yfake, discriminator yreal] = [1, 0, 0, 1]."""
    ones, zeros = np.ones((n, 1), np.float32), np.zeros((n, 1), np.float32)
    return [ones, zeros, zeros, ones]


# ---------------------------------------------------------------- training
class _Run(object):
    """One training session of a run: the models, the RNG, the best epoch, and what is written."""

    def __init__(self, config, images, folder):
        self.config, self.folder = config, Path(folder)
        self.x_train = images.astype(np.float32) / 255.0
        self.meter = metrics.CollapseMeter(images)
        self.history = runfolder.History(self.folder, HISTORY_COLUMNS)
        self.fixed_z = seeds.stream(config["seed"], "grid").normal(
            size=(GRID * GRID, config["latent_dim"])).astype(np.float32)
        self.best_grid_epoch = None
        self.targets = {}

    def build(self, saved):
        """Seeded session, models, and the checkpoint's weights, optimizer slots and RNG."""
        from ... import determinism
        if self.config["deterministic"]:
            determinism.enable_gpu_determinism()
        determinism.seed_everything(self.config["seed"], threads=self.config["threads"])
        (self.generator, self.discriminator, self.model, opt_g, opt_d,
         self.seed_variable) = build_gan(self.config)
        self.models = {"generator": self.generator, "discriminator": self.discriminator}
        self.optimizers = {"generator": opt_g, "discriminator": opt_d}
        self.device = determinism.describe_device(self.config["threads"])
        assert list(self.model.metrics_names) == LOSS_COLUMNS, self.model.metrics_names
        if saved:
            state, groups = saved
            checkpoint.restore(groups, self.models, self.optimizers)
            self.rng = seeds.rng_from_state(state["rng"])
            self.start = state["epoch"] + 1
            self.best = {"epoch": state["best_epoch"], "loss": state["best_loss"],
                         "generator": groups["best_generator"],
                         "discriminator": groups["best_discriminator"]}
        else:
            self.rng = seeds.stream(self.config["seed"], "train")
            self.start, self.best = 0, None
        # The history beyond the checkpoint belongs to epochs we are about to redo.
        self.rows = self.history.truncate(self.start - 1)

    def train_epoch(self):
        """One pass over the training set in batches of 32; -> mean losses by name."""
        import keras.backend as K
        names = list(self.model.metrics_names)
        n = len(self.x_train)
        order = self.rng.permutation(n)
        totals = np.zeros(len(names), np.float64)
        for offset in range(0, n, BATCH_SIZE):
            index = order[offset:offset + BATCH_SIZE]
            m = len(index)
            z = self.rng.normal(size=(m, self.config["latent_dim"])).astype(np.float32)
            K.set_value(self.seed_variable, self.rng.randint(0, 2 ** 31 - 1, size=2).astype(np.int64))
            if m not in self.targets:
                self.targets[m] = gan_targets(m)
            outs = self.model.train_on_batch([z, self.x_train[index]], self.targets[m])
            totals += np.asarray(outs, np.float64) * m
        return dict(zip(names, (totals / n).tolist()))

    def sample_grid(self, weights=None):
        if weights is None:
            return self.generator.predict(self.fixed_z, batch_size=BATCH_SIZE)
        current = self.generator.get_weights()
        self.generator.set_weights(weights)
        try:
            return self.generator.predict(self.fixed_z, batch_size=BATCH_SIZE)
        finally:
            self.generator.set_weights(current)

    def track_best(self, epoch, d_loss):
        if self.best is None or d_loss < self.best["loss"]:
            self.best = {"epoch": epoch, "loss": float(d_loss),
                         "generator": self.generator.get_weights(),
                         "discriminator": self.discriminator.get_weights()}

    def grid_metrics(self, epoch, row):
        """The fixed-latent grid of this epoch, and its collapse metrics into `row`."""
        from ...kit.grids import grid, save_png, to_uint8
        samples = self.sample_grid()
        row.update(self.meter.measure(samples))
        save_png(grid(to_uint8(samples), GRID), self.folder / runfolder.grid_name(epoch))
        if row["diversity"] < DIVERSITY_WARN:
            log("warning: mode collapse? epoch %d: diversity %.3f (< %.2f; 1.0 = as varied as "
                "the training images)" % (epoch, row["diversity"], DIVERSITY_WARN))
        if row["memorised"] > MEMORISED_WARN:
            log("warning: epoch %d: %.0f%% of the grid's samples are near-copies of training "
                "images" % (epoch, 100 * row["memorised"]))

    def save(self, epoch, grid_epoch, progress, writer):
        """Snapshot, best grid, then the checkpoint (last: all above is redone on resume)."""
        from ...kit.grids import grid, save_png, to_uint8
        if grid_epoch:
            checkpoint.save_snapshot(self.folder, epoch, checkpoint.capture(self.models),
                                     self.config["keep_snapshots"])
        if self.best_grid_epoch != self.best["epoch"]:
            save_png(grid(to_uint8(self.sample_grid(self.best["generator"])), GRID),
                     self.folder / runfolder.BEST_GRID)
            self.best_grid_epoch = self.best["epoch"]
        state = {"epoch": epoch, "rng": seeds.rng_state(self.rng), "best_epoch": self.best["epoch"],
                 "best_loss": self.best["loss"], "seed": self.config["seed"]}
        checkpoint.save(self.folder, state, checkpoint.capture(
            self.models, self.optimizers, {"best_generator": self.best["generator"],
                                           "best_discriminator": self.best["discriminator"]}))
        writer.flush()
        self.summary("running", progress)

    def summary(self, status, progress):
        write_summary(self.folder, self.config, self.rows, self.best, status, self.device,
                      progress.seconds_per_epoch)


def train(config, images, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runfolder.write_json(folder / runfolder.CONFIG, config)   # before training starts
    saved = checkpoint.load(folder)
    if saved and saved[0]["epoch"] >= config["epochs"] - 1 and (folder / "generator.h5").exists():
        log("train: run %s already finished (%d epochs); nothing to do" % (folder, saved[0]["epoch"] + 1))
        return 0
    import tensorflow as tf
    from ...kit.progress import Progress, StopFlag

    run = _Run(config, images, folder)
    run.build(saved)
    log("device: %s; TensorFlow %s, Keras %s" % (run.device, tf.__version__, __import__("keras").__version__))
    log("resume: run %s from epoch %d (checkpoint of epoch %d)" % (folder, run.start, run.start - 1)
        if saved else "train: new run %s" % folder)
    writer = tf.summary.FileWriter(str(folder / runfolder.LOGS))
    # let TensorBoard drop events of epochs a killed session logged and this one redoes
    writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), global_step=run.start)
    status = _loop(run, writer, Progress(config["epochs"], run.start, every=config["save_every"]),
                   StopFlag())
    writer.close()
    if status:
        return status
    finish(run)
    return 0


def _loop(run, writer, progress, stop):
    """Epochs from run.start to the end; returns 0, or 128 + signal when stopped by one."""
    import tensorflow as tf
    epochs, save_every = run.config["epochs"], run.config["save_every"]
    for epoch in range(run.start, epochs):
        progress.begin()
        row = run.train_epoch()
        row["epoch"] = epoch
        run.track_best(epoch, row["discriminator_loss"])
        grid_epoch = epoch % save_every == 0 or epoch == epochs - 1
        if grid_epoch:
            run.grid_metrics(epoch, row)
        run.history.append(row)
        run.rows.append(row)
        summary = [tf.Summary.Value(tag="loss/" + k, simple_value=row[k]) for k in LOSS_COLUMNS]
        summary += [tf.Summary.Value(tag="collapse/" + k, simple_value=row[k])
                    for k in metrics.COLUMNS if k in row]
        writer.add_summary(tf.Summary(value=summary), epoch)
        progress.end(epoch, "d %.4f  g %.4f%s" % (
            row["discriminator_loss"], row["generator_loss"],
            "  diversity %.3f" % row["diversity"] if grid_epoch else ""), force=grid_epoch)
        if grid_epoch or stop.requested:
            run.save(epoch, grid_epoch, progress, writer)
        if stop.requested:
            log("train: stopped at epoch %d; `make train RUN=%s` (same settings) resumes"
                % (epoch, run.config["run"]))
            make_timelapse(run.folder)
            run.summary("interrupted", progress)
            return 128 + stop.signum
    run.progress = progress
    return 0


def finish(run):
    """generator.h5 / discriminator.h5 (plain Keras layers, loadable without kerasgan), GIF, summary."""
    from ...kit.files import atomic_path
    config = run.config
    plain = models.build_discriminator(config["nch"], config["kernel"], config["dropout"],
                                       config["size"])
    plain.set_weights(run.discriminator.get_weights())
    for model, name in ((run.generator, "generator.h5"), (plain, "discriminator.h5")):
        with atomic_path(run.folder / name) as tmp:
            model.save(str(tmp))
    make_timelapse(run.folder)
    run.summary("finished", run.progress)
    log("train: done; best epoch %d (discriminator loss %.4f); outputs in %s"
        % (run.best["epoch"], run.best["loss"], run.folder))


def make_timelapse(folder):
    from ...kit.grids import make_timelapse as timelapse
    timelapse(folder, name=runfolder.TIMELAPSE)


def write_summary(folder, config, history, best, status, device, seconds_per_epoch):
    from ...kit.summary import write_summary as write
    last = history[-1] if history else {}
    grid_rows = [r for r in history if r.get("diversity") is not None]
    files = {
        "config": runfolder.CONFIG, "history": runfolder.HISTORY,
        "grids": sorted(p.name for p in Path(folder).glob("epoch-*.png")),
        "best_grid": runfolder.BEST_GRID, "timelapse": runfolder.TIMELAPSE,
        "tensorboard": runfolder.LOGS + "/", "checkpoint": runfolder.CHECKPOINTS + "/" + runfolder.LATEST,
        "generator": "generator.h5", "discriminator": "discriminator.h5",
        "samples": runfolder.SAMPLES + "/",
    }
    write(folder, config, status, last.get("epoch", -1) + 1, device, seconds_per_epoch, files,
          best_epoch=best["epoch"] if best else None,
          best_discriminator_loss=best["loss"] if best else None,
          final={k: last.get(k) for k in HISTORY_COLUMNS if k in last},
          last_grid=({k: grid_rows[-1][k] for k in ["epoch"] + metrics.COLUMNS}
                     if grid_rows else None),
          warnings=metrics.collapse_warnings(history),
          thresholds={"diversity": DIVERSITY_WARN, "memorised": MEMORISED_WARN},
          loss_columns=LOSS_COLUMNS, metric_columns=metrics.COLUMNS)
