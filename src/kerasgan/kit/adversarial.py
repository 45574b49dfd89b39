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
import numpy as np

from . import loop, metrics, runfolder, seeds
from .progress import log

BATCH_SIZE = 32
GRID = 10                              # 10x10 fixed latents, as keras-adversarial's examples
LOSS = "binary_crossentropy"
# simple_gan's outputs per player, as AdversarialModel names them (its metrics_names).
LOSS_COLUMNS = ["loss", "generator_loss", "generator_yfake_loss", "generator_yreal_loss",
                "discriminator_loss", "discriminator_yfake_loss", "discriminator_yreal_loss"]
HISTORY_COLUMNS = ["epoch"] + LOSS_COLUMNS + metrics.COLUMNS
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


class AdversarialRun(loop.Trainer):
    """The kit's epoch loop (kit.loop) over keras-adversarial's simultaneous GAN."""

    batch_size = BATCH_SIZE
    grid_size = GRID
    loss_columns = LOSS_COLUMNS

    def __init__(self, config, images, folder):
        super(AdversarialRun, self).__init__(config, folder, HISTORY_COLUMNS)
        self.x_train = images.astype(np.float32) / 255.0
        self.meter = metrics.CollapseMeter(images)
        self.images = images
        self.fixed_z = seeds.stream(config["seed"], "grid").normal(
            size=(self.grid_size * self.grid_size, config["latent_dim"])).astype(np.float32)
        self.best_grid_epoch = None
        self.targets = {}

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

    # ---- EVAL_N (kit.loop's scorer)
    @property
    def domain(self):
        from ..evaluation import scoring
        return scoring.DOMAIN_OF[self.config["pipeline"]]

    def evaluation_real(self, n):
        return self.images

    def evaluation_samples(self, rng, n):
        from .grids import to_uint8
        z = rng.normal(size=(n, self.config["latent_dim"])).astype(np.float32)
        return to_uint8(self.grid_images(self.generator.predict(z, batch_size=64)))

    # ---- the loop's protocol
    def build_networks(self):
        self.generator, self.discriminator, self.model, opt_g, opt_d = self.build_gan()
        assert list(self.model.metrics_names) == LOSS_COLUMNS, self.model.metrics_names
        return ({"generator": self.generator, "discriminator": self.discriminator},
                {"generator": opt_g, "discriminator": opt_d})

    def resume(self, saved):
        self.best = None
        if saved:
            state, groups = saved
            self.best = {"epoch": state["best_epoch"], "loss": state["best_loss"],
                         "generator": groups["best_generator"],
                         "discriminator": groups["best_discriminator"]}

    def train_epoch(self, epoch):
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

    def after_epoch(self, epoch, row):
        """The best epoch: the lowest discriminator loss."""
        if self.best is None or row["discriminator_loss"] < self.best["loss"]:
            self.best = {"epoch": epoch, "loss": float(row["discriminator_loss"]),
                         "generator": self.generator.get_weights(),
                         "discriminator": self.discriminator.get_weights()}

    def sample_grid(self, weights=None):
        if weights is None:
            return self.generator.predict(self.fixed_z, batch_size=self.batch_size)
        current = self.generator.get_weights()
        self.generator.set_weights(weights)
        try:
            return self.generator.predict(self.fixed_z, batch_size=self.batch_size)
        finally:
            self.generator.set_weights(current)

    def grid(self, epoch, row):
        """The fixed-latent grid of this epoch, and its collapse metrics into `row`."""
        from .grids import grid, save_png, to_uint8
        samples = self.sample_grid()
        row.update(self.meter.measure(samples))
        save_png(grid(to_uint8(self.grid_images(samples)), self.grid_size),
                 self.folder / self.grid_file(epoch))
        if row["diversity"] < DIVERSITY_WARN:
            log("warning: mode collapse? epoch %d: diversity %.3f (< %.2f; 1.0 = as varied as "
                "the training images)" % (epoch, row["diversity"], DIVERSITY_WARN))
        if row["memorised"] > MEMORISED_WARN:
            log("warning: epoch %d: %.0f%% of the grid's samples are near-copies of training "
                "images" % (epoch, 100 * row["memorised"]))
        return samples

    def describe(self, row, grid):
        return "d %.4f  g %.4f%s%s" % (row["discriminator_loss"], row["generator_loss"],
                                       "  diversity %.3f" % row["diversity"] if grid else "",
                                       "  FID %.3f" % row["fid"] if row.get("fid") is not None else "")

    def scalars(self, row):
        return ([("loss/" + k, row[k]) for k in LOSS_COLUMNS]
                + [("collapse/" + k, row[k]) for k in metrics.COLUMNS if k in row])

    def before_checkpoint(self, epoch, grid):
        """best.png, when the best epoch moved."""
        from .grids import grid as tile, save_png, to_uint8
        if self.best_grid_epoch != self.best["epoch"]:
            save_png(tile(to_uint8(self.grid_images(self.sample_grid(self.best["generator"]))),
                          self.grid_size),
                     self.folder / runfolder.BEST_GRID)
            self.best_grid_epoch = self.best["epoch"]

    def checkpoint_state(self):
        return {"best_epoch": self.best["epoch"], "best_loss": self.best["loss"]}

    def checkpoint_groups(self):
        return {"best_generator": self.best["generator"],
                "best_discriminator": self.best["discriminator"]}

    def final_models(self):
        """generator.h5 / discriminator.h5: plain Keras layers, loadable without kerasgan."""
        return [("generator.h5", self.generator), ("discriminator.h5", self.plain_discriminator())]

    def done_message(self):
        return "best epoch %d (discriminator loss %.4f); outputs in %s" % (
            self.best["epoch"], self.best["loss"], self.folder)

    def summary(self, status):
        progress = self.progress
        write_summary(self.folder, self.config, self.rows, self.best, status, self.device,
                      progress.seconds_per_epoch if progress is not None else None,
                      self.quality_summary())


def train(run_class, config, images, folder):
    """Train (or resume) the run in `folder` through kit.loop; 0 when finished, 128 + signal when stopped."""
    return loop.train(run_class(config, images, folder))


make_timelapse = loop.make_timelapse


def write_summary(folder, config, history, best, status, device, seconds_per_epoch, quality=None):
    """summary.json; quality: the trainer's quality_summary() (EVAL_N)."""
    from .summary import write_summary as write
    last = history[-1] if history else {}
    grid_rows = [r for r in history if r.get("diversity") is not None]
    from .summary import epoch_grids, run_files
    files = run_files(folder, epoch_grids(folder))
    write(folder, config, status, last.get("epoch", -1) + 1, device, seconds_per_epoch, files,
          best_epoch=best["epoch"] if best else None,
          best_discriminator_loss=best["loss"] if best else None,
          final={k: last.get(k) for k in HISTORY_COLUMNS if k in last},
          last_grid=({k: grid_rows[-1][k] for k in ["epoch"] + metrics.COLUMNS}
                     if grid_rows else None),
          warnings=metrics.collapse_warnings(history),
          thresholds={"diversity": DIVERSITY_WARN, "memorised": MEMORISED_WARN},
          loss_columns=LOSS_COLUMNS, metric_columns=metrics.COLUMNS,
          **(quality or {}))
