"""`make cartoon-train`: seed 002's Cartoon Set DCGAN, then its encoder; resumable and exact.

    make cartoon-train [RUN=default] [CARTOON_SET=synthetic|FOLDER] [GAN_EPOCHS=25]
                       [ENCODER_EPOCHS=10] [NF=64] [BATCH=64] [CARTOON_JOINT=0]
                       [CARTOON_RECONSTRUCTION=l1] [CARTOON_AVERAGE=0] [SEED=0]

Phase 1 (epochs 0 .. GAN_EPOCHS-1): the DCGAN (models.py), Adam(2e-4, beta1 0.5) for both, batch 64,
per batch one D step on real and generated images (separate batches, so separate batch-norm
statistics, as the DCGAN reference) and one G step on the same latents, z ~ N(0, 1).
Phase 2 (the next ENCODER_EPOCHS epochs): G and D frozen; the encoder E learns, with Adam(2e-4,
beta1 0.5), two terms per batch (docs/cartoon.md#fidelity-notes says why both):
    latent regression  mean (E(G(z)) - z)^2 on fresh z (G's own samples: E learns G's inverse)
    reconstruction     mean |G(E(x)) - x| on the real batch (E's latents of real faces must be
                       ones G draws back: the arithmetic starts from real images);
                       RECONSTRUCTION=l2: mean (G(E(x)) - x)^2 instead
G runs in inference mode there (moving batch-norm statistics), as it does when the arithmetic
draws; E has no batch norm.
JOINT=w > 0 (not the seed's order; docs/cartoon-arithmetic.md): E also takes its step in every
GAN batch, and G's loss gains w x mean |G(E(x)) - x|, so that G learns to redraw every real face
E encodes instead of only those D likes best (a face G can't draw can't be edited).
AVERAGE=d > 0 (not the seed's; docs/cartoon-arithmetic.md): a copy of G's weights follows them
after every G step, a <- d a + (1 - d) w, and replaces them at the end of the GAN's last epoch
(its batch-norm statistics stay G's), so the encoder epochs, the files and the arithmetic use the
average: the weight averaging of progressive GAN / StyleGAN, which smooths the speckle a short
run's last steps leave in G's images.

Every random number (shuffles, latents) comes from the checkpointed numpy stream "train"; one
checkpoint (kit.checkpoint) holds G, D, E and their three optimizers, the epoch and the RNG, so a
run killed at any point resumes to the same bytes. Outputs in OUT_DIR/cartoon/<RUN>/: config.json,
history.csv (losses; diversity and memorisation at grid epochs; the encoder's latent recovery
error), epoch-<n>.png (8x8 fixed latents), reconstructions.png (real | G(E(x))), timelapse.gif,
checkpoints/latest.npz, generator.h5, discriminator.h5, encoder.h5, summary.json.
"""
import json

import numpy as np

from . import PIPELINE, data as dataset, models, sets
from ...errors import UserError
from ...kit import cli, loop, metrics, runfolder, seeds

# Defaults (Radford et al. 2015 where the seed gives nothing; docs/originals.md#cartoon-set-experiment).
DEFAULTS = {
    "run": "default",
    "gan_epochs": 25,       # the DCGAN paper's LSUN / faces runs were a few epochs of far more images
    "encoder_epochs": 10,
    "batch_size": 64,       # DCGAN: mini-batch 128; 64 halves the memory of the 64x64 models
    "nf": models.NF,        # 4x4x512 first block
    "kernel": models.KERNEL,
    "seed": 0,
    "save_every": 1,        # grid + checkpoint every N epochs
    "synthetic_n": sets.SYNTHETIC_N,
    "joint": 0.0,           # 0: the seed's two phases; > 0: E trains with the GAN (see build)
    "reconstruction": "l1",  # E's (and the joint G's) pixel loss: l1 or l2
    "average": 0.0,         # decay of G's weight average (0: none, G's last weights)
}
RECONSTRUCTIONS_LOSSES = ("l1", "l2")
LR, BETA_1 = 2e-4, 0.5
LAMBDA_RECONSTRUCTION = 1.0
GRID = 8
RECOVERY_N = 256
LOSS_COLUMNS = ["d_loss_real", "d_loss_fake", "g_loss", "e_loss_latent", "e_loss_reconstruction"]
ENCODER_COLUMNS = ["recovery_error", "recovery_cosine", "recovery_pixel_l1"]
HISTORY_COLUMNS = ["epoch"] + LOSS_COLUMNS + metrics.COLUMNS + ENCODER_COLUMNS
MUTABLE_KEYS = ("save_every",)
FINAL_MODELS = ("generator", "discriminator", "encoder")
RECONSTRUCTIONS = "reconstructions.png"


def configure(parser):
    d = DEFAULTS
    cli.run_arguments(parser, PIPELINE, d)
    parser.add_argument("--set", default="", help="synthetic or a folder (default: cartoon-download's)")
    parser.add_argument("--synthetic-n", type=int, default=d["synthetic_n"], help="faces in the synthetic set")
    parser.add_argument("--gan-epochs", type=int, default=d["gan_epochs"], help="DCGAN epochs (phase 1)")
    parser.add_argument("--encoder-epochs", type=int, default=d["encoder_epochs"], help="encoder epochs (phase 2)")
    parser.add_argument("--batch-size", type=int, default=d["batch_size"])
    parser.add_argument("--nf", type=int, default=d["nf"], help="base filters (64: 4x4x512 first block)")
    parser.add_argument("--kernel", type=int, default=d["kernel"], help="convolution kernel side (5)")
    parser.add_argument("--joint", type=float, default=d["joint"],
                        help="weight of |G(E(x)) - x| in G's loss while the GAN trains, E learning "
                             "alongside (0: the seed's order, E only after the GAN)")
    parser.add_argument("--reconstruction", default=d["reconstruction"], choices=RECONSTRUCTIONS_LOSSES,
                        help="pixel loss of |G(E(x)) - x|: l1 (mean absolute) or l2 (mean squared)")
    parser.add_argument("--average", type=float, default=d["average"],
                        help="decay of G's weight average, used from the GAN's last epoch on (0: none)")
    parser.add_argument("--save-every", type=int, default=d["save_every"], help="grid + checkpoint every N epochs")
    parser.add_argument("--dry-run", action="store_true", help="print the resolved config and stop")


def resolve_config(args, images, table, source):
    from ...kit import determinism
    for name in ("batch_size", "nf", "kernel", "save_every"):
        if getattr(args, name) < 1:
            raise UserError("%s must be at least 1" % name.upper())
    if args.gan_epochs < 0 or args.encoder_epochs < 0 or args.gan_epochs + args.encoder_epochs < 1:
        raise UserError("GAN_EPOCHS and ENCODER_EPOCHS: at least one epoch in all")
    if args.joint < 0:
        raise UserError("JOINT must be 0 or more")
    if not 0 <= args.average < 1:
        raise UserError("AVERAGE must be at least 0 and below 1 (a decay such as 0.99)")
    if len(images) < args.batch_size:
        raise UserError("%d images but a batch of %d: use a smaller BATCH" % (len(images), args.batch_size))
    return {
        "pipeline": PIPELINE, "run": args.run, "seed": args.seed,
        "gan_epochs": args.gan_epochs, "encoder_epochs": args.encoder_epochs,
        "epochs": args.gan_epochs + args.encoder_epochs, "batch_size": args.batch_size,
        "batches_per_epoch": len(images) // args.batch_size, "nf": args.nf, "kernel": args.kernel,
        "latent_dim": models.LATENT_DIM, "latent": "normal(0, 1)", "save_every": args.save_every,
        "optimizer": {"name": "Adam", "lr": LR, "beta_1": BETA_1},
        "encoder_objective": {"latent_regression": 1.0,
                              "reconstruction_" + args.reconstruction: LAMBDA_RECONSTRUCTION},
        "joint": args.joint,
        # keys of the two options below only when set: runs started without them still resume
        **_optional(args),
        "threads": determinism.configured_threads(),
        "data": {"images": int(len(images)), "sha256": dataset.digest(images, table),
                 "kind": source["kind"], "side": dataset.SIDE},
        "set": source["folder"] if source["kind"] != sets.SYNTHETIC else sets.SYNTHETIC,
        "synthetic_n": args.synthetic_n if source["kind"] == sets.SYNTHETIC else None,
    }


def _optional(args):
    """The config's keys of RECONSTRUCTION and AVERAGE, present only when not the default."""
    keys = {}
    if args.reconstruction != DEFAULTS["reconstruction"]:
        keys["reconstruction"] = args.reconstruction
    if args.average:
        keys["average"] = args.average
    return keys


def main(args):
    images, table, _, _, source = dataset.load_set(args.set, args.seed, args.synthetic_n)
    config = resolve_config(args, images, table, source)
    folder = runfolder.run_dir(PIPELINE, args.run)
    runfolder.check_config(folder, config, MUTABLE_KEYS)
    if args.dry_run:
        print(json.dumps(config, indent=2, sort_keys=True))
        return 0
    return train(config, images, folder)


# ---------------------------------------------------------------- the graph
def build(config):
    """G, D, E, their Adams and three train functions: the one place where they are wired.

    d_step([z, x, 1]) -> [real, fake]: D's cross-entropy on a real and a generated batch; moves D.
    g_step([z, x, 1]) -> [g]: G's cross-entropy against D's "real" (+ joint x mean |G(E(x)) - x|,
                         so that G learns to draw every real face, not only those D likes best);
                         moves G (and its BN statistics).
    e_step([z, x, 0]) -> [latent, reconstruction]: moves E only; learning phase 0 = G in inference.
    """
    import keras.backend as K
    from keras.optimizers import Adam

    nf, kernel = config["nf"], config["kernel"]
    generator = models.build_generator(nf, kernel)
    discriminator = models.build_discriminator(nf, kernel)
    encoder = models.build_encoder(nf, kernel)
    g_bn_updates = list(generator.updates)
    z, fake = generator.inputs[0], generator.outputs[0]
    x = K.placeholder((None, dataset.SIDE, dataset.SIDE, 3), name="real")
    d_real, d_fake = discriminator(x), discriminator(fake)
    loss_real = K.mean(K.binary_crossentropy(K.ones_like(d_real), d_real))
    loss_fake = K.mean(K.binary_crossentropy(K.zeros_like(d_fake), d_fake))
    loss_g = K.mean(K.binary_crossentropy(K.ones_like(d_fake), d_fake))
    loss_latent = K.mean(K.square(encoder(fake) - z))
    redrawn = generator(encoder(x)) - x
    loss_reconstruction = K.mean(K.square(redrawn) if config.get("reconstruction") == "l2" else K.abs(redrawn))
    loss_e = loss_latent + LAMBDA_RECONSTRUCTION * loss_reconstruction
    if config.get("joint"):
        loss_g = loss_g + config["joint"] * loss_reconstruction
    opts = {name: Adam(LR, beta_1=BETA_1) for name in FINAL_MODELS}
    phase = K.learning_phase()
    return dict(_average(generator, config.get("average"), nf, kernel), **{
        "generator": generator, "discriminator": discriminator, "encoder": encoder, "opts": opts,
        "d_step": K.function([z, x, phase], [loss_real, loss_fake], updates=opts["discriminator"].get_updates(
            loss=loss_real + loss_fake, params=discriminator.trainable_weights)),
        "g_step": K.function([z, x, phase], [loss_g], updates=opts["generator"].get_updates(
            loss=loss_g, params=generator.trainable_weights) + g_bn_updates),
        "e_step": K.function([z, x, phase], [loss_latent, loss_reconstruction],
                             updates=opts["encoder"].get_updates(loss=loss_e, params=encoder.trainable_weights)),
    })


def _average(generator, decay, nf, kernel):
    """AVERAGE: {"average": a model of G's layout holding the running average of G's weights,
    "average_step": the function that moves it}. Its own function, run after g_step: in one
    session run the average's read of a weight and Adam's write of it have no order."""
    if not decay:
        return {}
    import keras.backend as K
    average = models.build_generator(nf, kernel)
    average.set_weights(generator.get_weights())    # starts at G's initial weights
    updates = [K.update(a, decay * a + (1.0 - decay) * w)
               for a, w in zip(average.trainable_weights, generator.trainable_weights)]
    return {"average": average, "average_step": K.function([], [], updates=updates)}


def recovery(generator, encoder, z, batch=64):
    """How well E inverts G: relative squared error |E(G(z)) - z|^2 / |z|^2, mean cosine, and in
    pixels mean |G(E(G(z))) - G(z)| (0..2: dimensions of z that G ignores cost nothing there)."""
    images = generator.predict(z, batch_size=batch)
    found = encoder.predict(images, batch_size=batch)
    error = float(np.sum((found - z) ** 2) / np.sum(z ** 2))
    cosine = np.sum(found * z, 1) / (np.linalg.norm(found, axis=1) * np.linalg.norm(z, axis=1) + 1e-12)
    pixels = float(np.mean(np.abs(generator.predict(found, batch_size=batch) - images)))
    return {"recovery_error": error, "recovery_cosine": float(np.mean(cosine)), "recovery_pixel_l1": pixels}


# ---------------------------------------------------------------- training (kit.loop)
class _Run(loop.Trainer):
    """Both phases as one run of kit.loop: epochs < gan_epochs train the GAN (a grid at grid
    epochs), the rest the encoder (its recovery figures every epoch)."""
    name = "cartoon-train"
    command = "make cartoon-train"
    loss_columns = LOSS_COLUMNS
    domain = "faces64"         # EVAL_N's feature network

    def __init__(self, config, images, folder):
        super(_Run, self).__init__(config, folder, HISTORY_COLUMNS)
        self.images = images
        self.x = dataset.to_model(images)
        self.meter = metrics.CollapseMeter(images)
        self.fixed_z = seeds.stream(config["seed"], "grid").normal(
            size=(GRID * GRID, models.LATENT_DIM)).astype(np.float32)
        self.eval_z = seeds.stream(config["seed"], "eval").normal(
            size=(RECOVERY_N, models.LATENT_DIM)).astype(np.float32)

    # ---- cadence: a checkpoint also at the GAN's last epoch; grids only while the GAN trains
    def is_save(self, epoch):
        config = self.config
        return (epoch % config["save_every"] == 0 or epoch == config["epochs"] - 1
                or epoch == config["gan_epochs"] - 1)

    def is_grid(self, epoch):
        return epoch < self.config["gan_epochs"] and self.is_save(epoch)

    def build_networks(self):
        self.net = build(self.config)
        names = FINAL_MODELS + (("average",) if "average" in self.net else ())   # all checkpointed
        return ({name: self.net[name] for name in names}, self.net["opts"])

    def build_message(self):
        config = self.config
        return "; nf %d: generator %d, discriminator %d, encoder %d parameters; %d images, " \
               "%d GAN + %d encoder epochs" % ((config["nf"],) + tuple(
                   self.models[n].count_params() for n in FINAL_MODELS) + (
                   config["data"]["images"], config["gan_epochs"], config["encoder_epochs"]))

    def train_epoch(self, epoch):
        config, rng = self.config, self.rng
        batch, latent = config["batch_size"], models.LATENT_DIM
        gan = epoch < config["gan_epochs"]
        order = rng.permutation(len(self.x))
        totals = np.zeros(len(LOSS_COLUMNS), np.float64)
        for b in range(config["batches_per_epoch"]):
            real = self.x[order[b * batch:(b + 1) * batch]]
            z = rng.normal(size=(batch, latent)).astype(np.float32)
            if gan:
                real_loss, fake_loss = self.net["d_step"]([z, real, 1])
                g_loss, = self.net["g_step"]([z, real, 1])
                if "average_step" in self.net:
                    self.net["average_step"]([])
                totals[:3] += (real_loss, fake_loss, g_loss)
            if not gan or config.get("joint"):
                totals[3:] += self.net["e_step"]([z, real, 0])
        means = totals / config["batches_per_epoch"]
        row = {"epoch": epoch}
        trained = (gan,) * 3 + (not gan or bool(config.get("joint")),) * 2
        for i, key in enumerate(LOSS_COLUMNS):
            row[key] = float(means[i]) if trained[i] else None
        return row

    def after_epoch(self, epoch, row):
        if epoch == self.config["gan_epochs"] - 1 and "average" in self.net:
            self.use_average()
        if epoch >= self.config["gan_epochs"]:
            row.update(recovery(self.net["generator"], self.net["encoder"], self.eval_z))

    def use_average(self):
        """G's weights <- their average (before the last GAN grid and checkpoint, so that a
        resume finds it done); the batch-norm statistics stay G's own."""
        import keras.backend as K
        generator, average = self.net["generator"], self.net["average"]
        K.batch_set_value(list(zip(generator.trainable_weights, K.batch_get_value(average.trainable_weights))))

    def grid(self, epoch, row):
        """epoch-<n>.png: 8 x 8 faces of the fixed latents; -> them in [0, 1]."""
        from ...kit.grids import grid, save_png, to_uint8
        samples = (self.net["generator"].predict(self.fixed_z, batch_size=64) + 1.0) / 2.0
        row.update(self.meter.measure(samples))
        save_png(grid(to_uint8(samples), GRID), self.folder / runfolder.grid_name(epoch))
        return samples

    def evaluation_real(self, n):
        return self.images

    def evaluation_samples(self, rng, n):
        from ...kit.grids import to_uint8
        z = rng.normal(size=(n, models.LATENT_DIM)).astype(np.float32)
        return to_uint8(self.net["generator"].predict(z, batch_size=64), -1.0, 1.0)

    def describe(self, row, grid):
        return _describe(row)

    def final_models(self):
        """The three models as .h5 (plain Keras, loadable without kerasgan)."""
        return [(name + ".h5", self.models[name]) for name in FINAL_MODELS]

    def final_files(self):
        """reconstructions.png: pairs real | G(E(real)) for the first 32 images."""
        from ...kit.grids import grid, save_png, to_uint8
        real = self.x[:32]
        again = self.net["generator"].predict(self.net["encoder"].predict(real, batch_size=64), batch_size=64)
        pairs = np.stack([real, again], 1).reshape((-1,) + real.shape[1:])
        save_png(grid(to_uint8(pairs, -1.0, 1.0), 16), self.folder / RECONSTRUCTIONS)

    def summary(self, status):
        from ...kit.summary import write_summary
        last = self.rows[-1] if self.rows else {}
        measured = [r for r in self.rows if r.get("recovery_error") is not None]
        grids = [r for r in self.rows if r.get("diversity") is not None]
        files = {"config": runfolder.CONFIG, "history": runfolder.HISTORY,
                 "grids": "epoch-<n>.png", "timelapse": runfolder.TIMELAPSE,
                 "reconstructions": RECONSTRUCTIONS,
                 "checkpoint": runfolder.CHECKPOINTS + "/" + runfolder.LATEST,
                 "generator": "generator.h5", "discriminator": "discriminator.h5", "encoder": "encoder.h5"}
        progress = self.progress
        write_summary(self.folder, self.config, status, last.get("epoch", -1) + 1, self.device,
                      progress.seconds_per_epoch if progress else None, files,
                      final={k: last.get(k) for k in HISTORY_COLUMNS if last.get(k) is not None},
                      collapse={k: grids[-1][k] for k in metrics.COLUMNS} if grids else None,
                      recovery={k: measured[-1][k] for k in ENCODER_COLUMNS} if measured else None,
                      parameters={name: int(self.models[name].count_params()) for name in FINAL_MODELS},
                      warnings=metrics.collapse_warnings(self.rows),
                      thresholds={"diversity": metrics.DIVERSITY_WARN, "memorised": metrics.MEMORISED_WARN},
                      loss_columns=LOSS_COLUMNS, metric_columns=metrics.COLUMNS + ENCODER_COLUMNS,
                      **self.quality_summary())


def _describe(row):
    parts = []
    if row["g_loss"] is not None:
        parts.append("D real %.3f fake %.3f  G %.3f" % (row["d_loss_real"], row["d_loss_fake"], row["g_loss"]))
    if row["e_loss_latent"] is not None:
        parts.append("E latent %.4f reconstruction %.4f" % (row["e_loss_latent"], row["e_loss_reconstruction"]))
    text = "  ".join(parts)
    if row.get("diversity") is not None:
        text += "  diversity %.3f" % row["diversity"]
    if row.get("recovery_error") is not None:
        text += "  recovery error %.3f" % row["recovery_error"]
    return text


def train(config, images, folder):
    """Train (or resume) the run in `folder`; 0 when finished, 1 on NaN, 128 + signal when stopped."""
    return loop.train(_Run(config, images, folder))
