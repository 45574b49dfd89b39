"""`make pix2pix-train`: pix2pix (edges -> image) on DATA_DIR/pix2pix/train/, resumably and exactly.

Reproduces the training of seed 004 (reference pix2pix, `--model pix2pix --direction BtoA`) with
an explicit TF 1.14 / Keras 2.1.2 loop: two train functions (K.function with the optimizers'
updates), D then G on every image, batch 1, as the reference's optimize_parameters. Command:

    make pix2pix-train [RUN=default] [EPOCHS=200] [LOSS=lsgan|vanilla|wgangp] [MODE_SEEKING=0|1]
                       [SIZE=256] [NGF=64] [SEED=0]

Objective: GAN(LOSS) + 100 * L1(G(edges), image) [+ MSGAN's mode-seeking term]:
- lsgan (the seed's pick): least squares on the patch logits, D: 0.5 * (real - 1)^2 + 0.5 * fake^2;
- vanilla: sigmoid cross-entropy on the patch logits (the reference's default gan_mode);
- wgangp: D: 0.5 * (mean D(fake) - mean D(real)) + 10 * gradient penalty on random interpolates
  of image and G's output (K.gradients; the reference has cal_gradient_penalty but never calls it);
- MODE_SEEKING=1: noise z1, z2 (NZ = 8, tiled and concatenated to G's input channels) and the term
  1 / (mean|G(x, z1) - G(x, z2)| / mean|z1 - z2| + 1e-5), weight 1 (HelenMao/MSGAN); GAN and L1 on
  G(x, z1).
Adam(2e-4, beta1 0.5) for both; lr constant for the first half of the epochs, then linearly to
0 (reference: n_epochs = n_epochs_decay = 100 of 200). Jitter: resize to 286 (scaled: SIZE*286/256),
random crop SIZE, random mirror, same for input and target. Noise: dropout (models.SeededDropout).

Every random number (order, crops, mirrors, dropout seeds, z, interpolation weights) comes from
the checkpointed numpy stream kit.seeds.stream(SEED, "train"): a run killed at any point and
resumed writes the same bytes as an uninterrupted one.

Output: OUT_DIR/pix2pix/<RUN>/: config.json, history.csv, checkpoints/latest.npz (every SAVE_EVERY
epochs and when stopped by SIGINT/SIGTERM; + snapshot-<n>, for `make pix2pix-test EPOCH=<n>`), epoch-<n>.png (edges | output |
image for a few fixed training pairs), timelapse.gif, logs/, summary.json, generator.h5.
"""
from pathlib import Path

import numpy as np

from . import PIPELINE, models
from .data import DataError, default_train_dir, load_pairs, load_size, pairs_digest, resize
from .generate import generate
from ...kit import cli, loop, runfolder, seeds

# Defaults (docs/originals.md#pix2pix-reference-defaults unless said otherwise).
DEFAULTS = {
    "run": "default",
    "epochs": 200,          # n_epochs 100 + n_epochs_decay 100
    "size": models.SIZE,    # crop_size 256
    "loss": "lsgan",        # the seed kept LSGAN (the reference's default is vanilla)
    "mode_seeking": 0,
    "ngf": models.NGF,      # ngf = ndf = 64
    "seed": 0,
    "save_every": 5,        # save_epoch_freq 5
    "keep_snapshots": 10,
}
LOSSES = ("lsgan", "vanilla", "wgangp")
LR, BETA_1 = 2e-4, 0.5
LAMBDA_L1 = 100.0
LAMBDA_GP = 10.0
LAMBDA_MS = 1.0
SAMPLES = 4                   # training pairs shown in the epoch-<n>.png strips
HISTORY_COLUMNS = ["epoch", "lr", "loss_G_GAN", "loss_G_L1", "loss_D_real", "loss_D_fake",
                   "loss_GP", "loss_MS"]
MUTABLE_KEYS = ("epochs", "keep_snapshots", "train_dir")


def configure(parser):
    d = DEFAULTS
    cli.run_arguments(parser, PIPELINE, d)
    cli.train_arguments(parser, d, 200, "snapshot + sample strip every N epochs (reference 5)")
    parser.add_argument("--size", type=int, default=d["size"], help="crop side, power of two >= 32 (256)")
    parser.add_argument("--loss", choices=LOSSES, default=d["loss"], help="GAN loss (default lsgan)")
    parser.add_argument("--mode-seeking", type=int, choices=(0, 1), default=d["mode_seeking"],
                        help="1: MSGAN's mode-seeking term with noise inputs")
    parser.add_argument("--ngf", type=int, default=d["ngf"], help="base channels of G and D (64)")
    parser.add_argument("--train-dir", default=None, help="pairs folder (default DATA_DIR/pix2pix/train/)")


def resolve_config(args, n_images, digest, train_dir):
    from ...kit import determinism
    if args.epochs < 1 or args.save_every < 1 or args.ngf < 1:
        raise DataError("EPOCHS, SAVE_EVERY and NGF must be at least 1")
    try:
        depth = models.unet_depth(args.size)
    except ValueError as error:
        raise DataError(str(error))
    return {
        "pipeline": PIPELINE, "run": args.run, "epochs": args.epochs, "size": args.size,
        "load_size": load_size(args.size), "unet_depth": depth, "loss": args.loss,
        "mode_seeking": args.mode_seeking, "nz": models.NZ if args.mode_seeking else 0,
        "ngf": args.ngf, "ndf": args.ngf, "seed": args.seed, "save_every": args.save_every,
        "keep_snapshots": args.keep_snapshots, "batch_size": 1, "direction": "BtoA (edges -> image)",
        "optimizer": {"name": "Adam", "lr": LR, "beta_1": BETA_1},
        "lr_policy": "constant for epochs 1..ceil(E/2), then linear to 0",
        "lambda_l1": LAMBDA_L1, "lambda_gp": LAMBDA_GP if args.loss == "wgangp" else 0,
        "lambda_ms": LAMBDA_MS if args.mode_seeking else 0,
        "threads": determinism.configured_threads(),
        "train_dir": str(Path(train_dir).resolve()),
        "data": {"images": n_images, "sha256": digest},
    }


def main(args):
    train_dir = Path(args.train_dir) if args.train_dir else default_train_dir()
    if not train_dir.is_dir():
        raise DataError("%s does not exist: run `make pix2pix-preprocess INPUT=... PHASE=train`"
                        % train_dir)
    edges, images, _ = load_pairs(train_dir)
    if not edges or any(i is None for i in images):
        raise DataError("%s needs image|edges pairs (found %d files, %d without target)"
                        % (train_dir, len(edges), sum(i is None for i in images)))
    config = resolve_config(args, len(edges), pairs_digest(train_dir), train_dir)
    folder = runfolder.run_dir(PIPELINE, args.run)
    runfolder.check_config(folder, config, MUTABLE_KEYS)
    if args.dry_run:
        import json
        print(json.dumps(config, indent=2, sort_keys=True))
        return 0
    return train(config, edges, images, folder)


# ---------------------------------------------------------------- the graph
def gan_losses(mode, d_real, d_fake):
    """Patch logits -> (D's real term, D's fake term, G's GAN term), reference GANLoss."""
    import keras.backend as K
    import tensorflow as tf
    if mode == "lsgan":
        return (K.mean(K.square(d_real - 1.0)), K.mean(K.square(d_fake)),
                K.mean(K.square(d_fake - 1.0)))
    if mode == "vanilla":
        bce = lambda logits, label: K.mean(tf.nn.sigmoid_cross_entropy_with_logits(  # noqa: E731
            labels=tf.fill(tf.shape(logits), label), logits=logits))
        return bce(d_real, 1.0), bce(d_fake, 0.0), bce(d_fake, 1.0)
    if mode == "wgangp":
        return -K.mean(d_real), K.mean(d_fake), -K.mean(d_fake)
    raise ValueError(mode)


def build(config):
    """Models, optimizers and the two train functions (the one place where they are wired).

    d_step(edges, image, [z1, z2], [alpha]) -> [D_real, D_fake, GP]: updates D only.
    g_step(edges, image, [z1, z2])          -> [G_GAN, G_L1, MS]: updates G and its BN statistics.
    Both run G in training mode (dropout on, batch statistics) with the current dropout seed, so
    within one step they see the same fake image, as the reference reuses its forward pass.
    D's batch-norm moving statistics are not updated: D only ever runs in training mode.
    """
    import keras.backend as K
    from keras.layers import Concatenate
    from keras.optimizers import Adam

    size, nz = config["size"], config["nz"]
    seed_variable = K.variable(np.zeros(2, dtype=np.int64), dtype="int64", name="dropout_seed")
    generator = models.build_generator(size, config["ngf"], nz,
                                       dropout=models.seeded_dropout(seed_variable))
    g_bn_updates = list(generator.updates)      # moving statistics of G's own (first) call
    discriminator = models.build_discriminator(size, config["ndf"])
    edges = generator.inputs[0]
    image = K.placeholder((None, size, size, 3), name="image")
    fake = generator.outputs[0]
    pair = Concatenate(axis=-1)
    d_real = discriminator(pair([edges, image]))
    d_fake = discriminator(pair([edges, fake]))
    loss_d_real, loss_d_fake, loss_g_gan = gan_losses(config["loss"], d_real, d_fake)
    inputs = [edges, image]
    g_extra = []
    loss_ms = K.constant(0.0)
    if nz:
        z1, z2 = generator.inputs[1], K.placeholder((None, nz), name="z2")
        fake2 = generator([edges, z2])
        ratio = K.mean(K.abs(fake - fake2)) / K.mean(K.abs(z1 - z2))
        loss_ms = LAMBDA_MS / (ratio + 1e-5)
        inputs = [edges, image, z1]
        g_extra = [z2]
    gp = K.constant(0.0)
    d_extra = []
    if config["loss"] == "wgangp":
        alpha = K.placeholder((None, 1, 1, 1), name="alpha")
        mixed = alpha * image + (1.0 - alpha) * K.stop_gradient(fake)
        d_mixed = discriminator(pair([edges, mixed]))
        grads = K.gradients(K.sum(d_mixed), [mixed])[0]
        flat = K.batch_flatten(grads) + 1e-16          # as cal_gradient_penalty
        norm = K.sqrt(K.sum(K.square(flat), axis=1))
        gp = LAMBDA_GP * K.mean(K.square(norm - 1.0))
        d_extra = [alpha]
    loss_d = 0.5 * (loss_d_real + loss_d_fake) + gp
    loss_l1 = K.mean(K.abs(fake - image))
    loss_g = loss_g_gan + LAMBDA_L1 * loss_l1 + loss_ms
    opt_d = Adam(LR, beta_1=BETA_1)
    opt_g = Adam(LR, beta_1=BETA_1)
    phase = [K.learning_phase()]
    d_step = K.function(inputs + g_extra + d_extra + phase, [loss_d_real, loss_d_fake, gp],
                        updates=opt_d.get_updates(loss=loss_d, params=discriminator.trainable_weights))
    g_step = K.function(inputs + g_extra + phase, [loss_g_gan, loss_l1, loss_ms],
                        updates=opt_g.get_updates(loss=loss_g, params=generator.trainable_weights)
                        + g_bn_updates)
    return {"generator": generator, "discriminator": discriminator, "opt_g": opt_g, "opt_d": opt_d,
            "d_step": d_step, "g_step": g_step, "seed_variable": seed_variable}


def lr_factor(epoch, epochs):
    """Reference 'linear' policy, epoch 0-based: 1 for the first ceil(E/2) epochs, then
    1 - k / (n_decay + 1) for the k-th decaying epoch (never quite 0, as the reference)."""
    n_const = (epochs + 1) // 2
    n_decay = epochs - n_const
    return 1.0 - max(0, epoch + 1 - n_const) / float(n_decay + 1)


# ---------------------------------------------------------------- training (kit.loop)
class _Run(loop.Trainer):
    name = "pix2pix-train"
    command = "make pix2pix-train"
    loss_columns = HISTORY_COLUMNS[2:]
    domain, paired = "pix2pix", True      # EVAL_N: outputs against their targets

    def __init__(self, config, edges, images, folder):
        super(_Run, self).__init__(config, folder, HISTORY_COLUMNS)
        side = config["load_size"]
        self.edges = np.stack([resize(e, side) for e in edges])
        self.images = np.stack([resize(i, side) for i in images])
        size = config["size"]
        self.sample_edges = np.stack([resize(e, size) for e in edges[:SAMPLES]])
        self.sample_images = np.stack([resize(i, size) for i in images[:SAMPLES]])

    def build_networks(self):
        self.net = build(self.config)
        return ({"generator": self.net["generator"], "discriminator": self.net["discriminator"]},
                {"generator": self.net["opt_g"], "discriminator": self.net["opt_d"]})

    def build_message(self):
        config = self.config
        return "; U-Net depth %d at %d px, loss %s%s" % (
            config["unet_depth"], config["size"], config["loss"],
            ", mode seeking" if config["nz"] else "")

    def train_epoch(self, epoch):
        import keras.backend as K
        config, rng = self.config, self.rng
        lr = LR * lr_factor(epoch, config["epochs"])
        for opt in (self.net["opt_g"], self.net["opt_d"]):
            K.set_value(opt.lr, lr)
        totals = np.zeros(6, np.float64)
        order = rng.permutation(len(self.edges))
        for index in order:
            d_out, g_out = self.train_pair(index)
            totals += np.asarray([g_out[0], g_out[1], d_out[0], d_out[1], d_out[2], g_out[2]], np.float64)
        means = (totals / len(order)).tolist()
        row = {"epoch": epoch, "lr": lr}
        row.update(dict(zip(HISTORY_COLUMNS[2:], means)))
        if config["loss"] != "wgangp":
            row["loss_GP"] = None
        if not config["nz"]:
            row["loss_MS"] = None
        return row

    def train_pair(self, index):
        """D then G on one jittered pair (batch 1); -> (D's outputs, G's outputs)."""
        import keras.backend as K
        config, rng = self.config, self.rng
        size, side, nz = config["size"], config["load_size"], config["nz"]
        top, left = rng.randint(0, side - size + 1, size=2)
        flip = rng.rand() < 0.5
        edges = self.edges[index, top:top + size, left:left + size]
        image = self.images[index, top:top + size, left:left + size]
        if flip:
            edges, image = edges[:, ::-1], image[:, ::-1]
        feed = [edges[None], image[None]]
        K.set_value(self.net["seed_variable"], rng.randint(0, 2 ** 31 - 1, size=2).astype(np.int64))
        g_extra = []
        if nz:
            z = rng.normal(size=(2, 1, nz)).astype(np.float32)
            feed.append(z[0])
            g_extra = [z[1]]
        d_extra = [rng.rand(1, 1, 1, 1).astype(np.float32)] if config["loss"] == "wgangp" else []
        d_out = self.net["d_step"](feed + g_extra + d_extra + [1])
        g_out = self.net["g_step"](feed + g_extra + [1])
        return d_out, g_out

    def grid(self, epoch, row):
        """epoch-<n>.png: rows of edges | output | image for the first training pairs."""
        from ...kit.grids import grid, save_png, to_uint8
        fake = generate(self.net, self.sample_edges, seeds.stream(self.config["seed"], "grid"),
                        self.config["nz"])
        rows = []
        for e, f, i in zip(self.sample_edges, fake, self.sample_images):
            rows += [e, f, i]
        save_png(grid(to_uint8(np.stack(rows), -1.0, 1.0), 3), self.folder / runfolder.grid_name(epoch))
        return fake

    def evaluation_pairs(self, rng, n):
        """n training pairs, each image in turn, jittered as in training (crop, mirror) from rng."""
        size, side = self.config["size"], self.config["load_size"]
        edges, images = [], []
        for k in range(n):
            index = k % len(self.edges)
            top, left = rng.randint(0, side - size + 1, size=2)
            step = -1 if rng.rand() < 0.5 else 1
            edges.append(self.edges[index, top:top + size, left:left + size][:, ::step])
            images.append(self.images[index, top:top + size, left:left + size][:, ::step])
        return np.stack(edges), np.stack(images)

    def evaluation_real(self, n):
        from ...kit.grids import to_uint8
        return to_uint8(self.evaluation_pairs(seeds.stream(self.config["seed"], "evaluate"), n)[1], -1.0, 1.0)

    def evaluation_samples(self, rng, n):
        """G's outputs for the evaluation pairs (as the strips: training mode, batch 1), and targets."""
        from ...kit.grids import to_uint8
        edges, images = self.evaluation_pairs(rng, n)
        fake = generate(self.net, edges, rng, self.config["nz"])
        return to_uint8(fake, -1.0, 1.0), to_uint8(images, -1.0, 1.0)

    def describe(self, row, grid):
        return "D real %.3f fake %.3f  G gan %.3f L1 %.3f" % (
            row["loss_D_real"], row["loss_D_fake"], row["loss_G_GAN"], row["loss_G_L1"])

    def final_models(self):
        """generator.h5 with Keras's own Dropout (loadable without kerasgan)."""
        config = self.config
        plain = models.build_generator(config["size"], config["ngf"], config["nz"])
        plain.set_weights(self.net["generator"].get_weights())
        return [("generator.h5", plain)]

    def summary(self, status):
        from ...kit.summary import epoch_grids, run_files, write_summary
        last = self.rows[-1] if self.rows else {}
        progress = self.progress
        files = run_files(self.folder, epoch_grids(self.folder))
        write_summary(self.folder, self.config, status, last.get("epoch", -1) + 1, self.device,
                      progress.seconds_per_epoch if progress else None, files,
                      final={k: last.get(k) for k in HISTORY_COLUMNS if k in last},
                      loss_columns=HISTORY_COLUMNS[2:], metric_columns=[], **self.quality_summary())


def train(config, edges, images, folder):
    return loop.train(_Run(config, edges, images, folder))
