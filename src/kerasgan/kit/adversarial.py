"""keras-adversarial training, explicit and resumable: what every keras-adversarial GAN room shares.

The originals called `AdversarialModel.fit` (AdversarialOptimizerSimultaneous: both players
update from the same weights on every batch of 32; an "epoch" is one pass over the training set).
This loop does the same with one `train_on_batch` per batch so that it can checkpoint between
epochs and draw every random number from one checkpointed numpy RNG (the shuffle and the latents,
which the originals sampled in the graph with K.random_normal, and whatever `before_batch` adds).
TF1's own random ops restart in every session, which would make a resumed run differ from an
uninterrupted one; with this loop a run killed at any point and resumed writes the same bytes.

A room subclasses `AdversarialRun`, implements `build_gan()` (and optionally `before_batch`,
`plain_discriminator`, `grid_images`), and calls `train(run_class, config, images, folder)`.
The config must hold: run, epochs, save_every, seed, deterministic, threads, latent_dim,
keep_snapshots. Used by kerasgan.pipelines.pikachu and kerasgan.pipelines.adversarial.
"""
from pathlib import Path

import numpy as np

from . import checkpoint, metrics, runfolder, seeds
from ..evaluation import scoring
from .progress import log

BATCH_SIZE = 32
GRID = 10                              # 10x10 fixed latents, as keras-adversarial's examples
LOSS = "binary_crossentropy"
# simple_gan's outputs per player, as AdversarialModel names them (its metrics_names).
LOSS_COLUMNS = ["loss", "generator_loss", "generator_yfake_loss", "generator_yreal_loss",
                "discriminator_loss", "discriminator_yfake_loss", "discriminator_yreal_loss"]
HISTORY_COLUMNS = ["epoch"] + LOSS_COLUMNS + metrics.COLUMNS
QUALITY_COLUMNS = scoring.COLUMNS     # with EVAL_N
DIVERSITY_WARN = metrics.DIVERSITY_WARN
MEMORISED_WARN = metrics.MEMORISED_WARN


def gan_targets(n):
    """[generator yfake, generator yreal, discriminator yfake, discriminator yreal] = [1, 0, 0, 1]."""
    ones, zeros = np.ones((n, 1), np.float32), np.zeros((n, 1), np.float32)
    return [ones, zeros, zeros, ones]


def simultaneous_gan(generator, discriminator, opt_g, opt_d, loss=LOSS, player_compile_kwargs=None):
    """keras-adversarial's wiring of the book examples: simple_gan + AdversarialModel with
    AdversarialOptimizerSimultaneous. The latents are an input (simple_gan(..., None)), fed from
    the numpy RNG, instead of normal_latent_sampling in the graph. Returns the compiled model with
    its train function built (the optimizers create their slots there, before any resume)."""
    from keras_adversarial import AdversarialModel, AdversarialOptimizerSimultaneous, simple_gan

    gan = simple_gan(generator, discriminator, None)   # inputs [z, x] -> [yfake, yreal]
    model = AdversarialModel(base_model=gan,
                             player_params=[generator.trainable_weights,
                                            discriminator.trainable_weights],
                             player_names=["generator", "discriminator"])
    kwargs = {} if player_compile_kwargs is None else {"player_compile_kwargs": player_compile_kwargs}
    model.adversarial_compile(adversarial_optimizer=AdversarialOptimizerSimultaneous(),
                              player_optimizers=[opt_g, opt_d], loss=loss, **kwargs)
    model._make_train_function()
    return model


class AdversarialRun(object):
    """One training session of a run: the models, the RNG, the best epoch, and what is written."""

    command = "make train"          # how a user resumes (for the stop message)
    batch_size = BATCH_SIZE
    grid_size = GRID

    def __init__(self, config, images, folder):
        self.config, self.folder = config, Path(folder)
        self.x_train = images.astype(np.float32) / 255.0
        self.meter = metrics.CollapseMeter(images)
        # EVAL_N: FID & co. at grid epochs; off when unset (and the run's bytes as without it)
        self.scorer = scoring.grid_scorer(config["pipeline"], images, config["seed"], config["latent_dim"], log)
        self.history = scoring.history(self.folder, HISTORY_COLUMNS, self.scorer)
        self.fixed_z = seeds.stream(config["seed"], "grid").normal(
            size=(self.grid_size * self.grid_size, config["latent_dim"])).astype(np.float32)
        self.best_grid_epoch = None
        self.targets = {}
        self.progress = None

    # ---- what a room provides
    def build_gan(self):
        """-> (generator, discriminator, compiled AdversarialModel, opt_g, opt_d)."""
        raise NotImplementedError

    def before_batch(self, rng):
        """Called after the batch's latents are drawn, before train_on_batch (e.g. dropout seeds)."""

    def plain_discriminator(self):
        """The discriminator to save as discriminator.h5 (plain Keras layers)."""
        return self.discriminator

    def grid_file(self, epoch):
        """File name of an epoch's grid in the run folder (default epoch-<5 digits>.png)."""
        return runfolder.grid_name(epoch)

    def grid_images(self, samples):
        """Generator output -> (n, h, w, c) in [0, 1] for the grids (grey (n, h, w) gets c = 1)."""
        samples = np.asarray(samples)
        return samples[..., None] if samples.ndim == 3 else samples

    # ---- the loop's parts
    def build(self, saved):
        """Seeded session, models, and the checkpoint's weights, optimizer slots and RNG."""
        from .. import determinism
        if self.config["deterministic"]:
            determinism.enable_gpu_determinism()
        determinism.seed_everything(self.config["seed"], threads=self.config["threads"])
        self.generator, self.discriminator, self.model, opt_g, opt_d = self.build_gan()
        self.models = {"generator": self.generator, "discriminator": self.discriminator}
        self.optimizers = {"generator": opt_g, "discriminator": opt_d}
        self.device = determinism.describe_device(self.config["threads"])
        assert list(self.model.metrics_names) == LOSS_COLUMNS, self.model.metrics_names
        self.rng, self.start = checkpoint.resume_point(saved, self.config["seed"], self.models,
                                                       self.optimizers)
        if saved:
            state, groups = saved
            self.best = {"epoch": state["best_epoch"], "loss": state["best_loss"],
                         "generator": groups["best_generator"],
                         "discriminator": groups["best_discriminator"]}
        else:
            self.best = None
        # The history beyond the checkpoint belongs to epochs we are about to redo.
        self.rows = self.history.truncate(self.start - 1)

    def train_epoch(self):
        """One pass over the training set in batches; -> mean losses by name."""
        names = list(self.model.metrics_names)
        n = len(self.x_train)
        order = self.rng.permutation(n)
        totals = np.zeros(len(names), np.float64)
        for offset in range(0, n, self.batch_size):
            index = order[offset:offset + self.batch_size]
            m = len(index)
            z = self.rng.normal(size=(m, self.config["latent_dim"])).astype(np.float32)
            self.before_batch(self.rng)
            if m not in self.targets:
                self.targets[m] = gan_targets(m)
            outs = self.model.train_on_batch([z, self.x_train[index]], self.targets[m])
            totals += np.asarray(outs, np.float64) * m
        return dict(zip(names, (totals / n).tolist()))

    def sample_grid(self, weights=None):
        if weights is None:
            return self.generator.predict(self.fixed_z, batch_size=self.batch_size)
        current = self.generator.get_weights()
        self.generator.set_weights(weights)
        try:
            return self.generator.predict(self.fixed_z, batch_size=self.batch_size)
        finally:
            self.generator.set_weights(current)

    def track_best(self, epoch, d_loss):
        if self.best is None or d_loss < self.best["loss"]:
            self.best = {"epoch": epoch, "loss": float(d_loss),
                         "generator": self.generator.get_weights(),
                         "discriminator": self.discriminator.get_weights()}

    def grid_metrics(self, epoch, row):
        """The fixed-latent grid of this epoch, and its collapse (and EVAL_N quality) metrics into `row`."""
        from .grids import grid, save_png, to_uint8
        samples = self.sample_grid()
        row.update(self.meter.measure(samples))
        if self.scorer is not None:
            row.update(self.scorer(self.generator, lambda s: to_uint8(self.grid_images(s))))
        save_png(grid(to_uint8(self.grid_images(samples)), self.grid_size),
                 self.folder / self.grid_file(epoch))
        if row["diversity"] < DIVERSITY_WARN:
            log("warning: mode collapse? epoch %d: diversity %.3f (< %.2f; 1.0 = as varied as "
                "the training images)" % (epoch, row["diversity"], DIVERSITY_WARN))
        if row["memorised"] > MEMORISED_WARN:
            log("warning: epoch %d: %.0f%% of the grid's samples are near-copies of training "
                "images" % (epoch, 100 * row["memorised"]))

    def save(self, epoch, grid_epoch, progress, writer):
        """Snapshot, best grid, then the checkpoint (last: all above is redone on resume)."""
        from .grids import grid, save_png, to_uint8
        if grid_epoch:
            checkpoint.save_snapshot(self.folder, epoch, checkpoint.capture(self.models),
                                     self.config["keep_snapshots"])
        if self.best_grid_epoch != self.best["epoch"]:
            save_png(grid(to_uint8(self.grid_images(self.sample_grid(self.best["generator"]))),
                          self.grid_size),
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
                      progress.seconds_per_epoch if progress is not None else None, self.scorer)


def train(run_class, config, images, folder):
    """Train (or resume) the run in `folder`; 0 when finished, 128 + signal when stopped."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runfolder.write_json(folder / runfolder.CONFIG, config)   # before training starts
    saved = checkpoint.load(folder)
    if saved and saved[0]["epoch"] >= config["epochs"] - 1 and (folder / "generator.h5").exists():
        log("train: run %s already finished (%d epochs); nothing to do" % (folder, saved[0]["epoch"] + 1))
        return 0
    import tensorflow as tf
    from .progress import Progress, StopFlag

    run = run_class(config, images, folder)
    run.build(saved)
    log("device: %s; TensorFlow %s, Keras %s" % (run.device, tf.__version__, __import__("keras").__version__))
    log("resume: run %s from epoch %d (checkpoint of epoch %d)" % (folder, run.start, run.start - 1)
        if saved else "train: new run %s" % folder)
    writer = tf.summary.FileWriter(str(folder / runfolder.LOGS))
    # let TensorBoard drop events of epochs a killed session logged and this one redoes
    writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), global_step=run.start)
    status = loop(run, writer, Progress(config["epochs"], run.start, every=config["save_every"]),
                  StopFlag())
    writer.close()
    if status:
        return status
    finish(run)
    return 0


def loop(run, writer, progress, stop):
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
        summary += [tf.Summary.Value(tag="quality/" + k, simple_value=row[k])
                    for k in QUALITY_COLUMNS if row.get(k) is not None]
        writer.add_summary(tf.Summary(value=summary), epoch)
        progress.end(epoch, "d %.4f  g %.4f%s%s" % (
            row["discriminator_loss"], row["generator_loss"],
            "  diversity %.3f" % row["diversity"] if grid_epoch else "",
            "  FID %.3f" % row["fid"] if row.get("fid") is not None else ""), force=grid_epoch)
        if grid_epoch or stop.requested:
            run.save(epoch, grid_epoch, progress, writer)
        if stop.requested:
            log("train: stopped at epoch %d; `%s RUN=%s` (same settings) resumes"
                % (epoch, run.command, run.config["run"]))
            make_timelapse(run.folder)
            run.summary("interrupted", progress)
            return 128 + stop.signum
    run.progress = progress
    return 0


def finish(run):
    """generator.h5 / discriminator.h5 (plain Keras layers, loadable without kerasgan), GIF, summary."""
    from .files import atomic_path
    for model, name in ((run.generator, "generator.h5"), (run.plain_discriminator(), "discriminator.h5")):
        with atomic_path(run.folder / name) as tmp:
            model.save(str(tmp))
    make_timelapse(run.folder)
    run.summary("finished", run.progress)
    log("train: done; best epoch %d (discriminator loss %.4f); outputs in %s"
        % (run.best["epoch"], run.best["loss"], run.folder))


def make_timelapse(folder):
    from .grids import make_timelapse as timelapse
    timelapse(folder, name=runfolder.TIMELAPSE)


def write_summary(folder, config, history, best, status, device, seconds_per_epoch, scorer=None):
    from .summary import write_summary as write
    quality = scoring.summary(history, scorer)
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
          loss_columns=LOSS_COLUMNS, metric_columns=metrics.COLUMNS,
          **({"quality": quality} if quality else {}))
