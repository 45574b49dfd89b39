"""`make train`: train the Pikachu GAN of seeds 000/001, resumably and reproducibly.

Reproduces the GAN of "GAN Pikachu" (seed 001, after inoue-kobo.com's gan-pikachu): keras-adversarial's
CIFAR-10 example with nch 512, h 7, trained with AdversarialOptimizerSimultaneous on the images
the filter kept (DATA_DIR/predicted/). Command:

    make train [RUN=default] [EPOCHS=50001] [SAVE_EVERY=100] [NCH=512] [KERNEL=7] [DROPOUT=0.5]
               [SIZE=32] [SEED=0] [DETERMINISTIC=0] [TRAIN_DIR=DATA_DIR/predicted]

Output: OUT_DIR/pikachu/<RUN>/ (layout: docs/pikachu.md#the-run-folder).
The same command with the same RUN resumes where it stopped; another config is refused.

The training loop is kerasgan.kit.adversarial's (shared with the keras-adversarial book examples):
explicit, one `train_on_batch` of the AdversarialModel per batch of 32, an "epoch" being one pass
over the training set as the original's `model.fit`, so that it can checkpoint between epochs and
draw every random number from one checkpointed numpy RNG: the shuffle, the latents (the original
sampled them in the graph with K.random_normal) and, here, the seeds of the discriminator's
dropout masks. TF1's own random ops restart in every session, which would make a resumed run
differ from an uninterrupted one.
"""
from pathlib import Path

import numpy as np

from . import PIPELINE, models
from .data import DataError, default_train_dir, load_training_images
from ...kit import adversarial, cli, runfolder
from ...kit.progress import log

# Defaults (docs/originals.md#the-gan unless said otherwise).
DEFAULTS = {
    "run": "default",
    "epochs": 50001,          # nb_epoch of the original: epochs 0..50000
    "save_every": 100,        # a grid every 100 epochs, as the original
    "nch": models.NCH,
    "kernel": models.KERNEL,
    "dropout": models.DROPOUT,  # chosen (see models.DROPOUT)
    "size": models.SIZE,
    "seed": 0,
    "deterministic": 0,       # 1: GPU determinism settings (docs/environment.md#cpu-and-gpu)
    "keep_snapshots": 10,     # grid epochs whose weights stay available to `generate EPOCH=<n>`
}
BATCH_SIZE = adversarial.BATCH_SIZE
LR_G, LR_D, DECAY = 1e-4, 1e-3, 1e-5   # Adam(1e-4, decay=1e-5) / Adam(1e-3, decay=1e-5)
LOSS = adversarial.LOSS
GRID = adversarial.GRID                # 10x10 fixed latents
# Config keys that may change between a run and its resume (they don't change what is computed).
MUTABLE_KEYS = ("epochs", "keep_snapshots", "train_dir")


def configure(parser):
    d = DEFAULTS
    cli.run_arguments(parser, PIPELINE, d)
    cli.train_arguments(parser, d, 50001, "grid, metrics and checkpoint every N epochs (original 100)")
    parser.add_argument("--nch", type=int, default=d["nch"], help="channels (original 512)")
    parser.add_argument("--kernel", type=int, default=d["kernel"], help="kernel size h (original 7)")
    parser.add_argument("--dropout", type=float, default=d["dropout"],
                        help="SpatialDropout2D rate (not recoverable; default 0.5)")
    parser.add_argument("--size", type=int, default=d["size"], help="image side (original 32)")
    parser.add_argument("--train-dir", default=None,
                        help="folder of training images (default DATA_DIR/predicted/)")


def resolve_config(args, data_digest, n_images, train_dir):
    from ...kit import determinism
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
        "threads": determinism.configured_threads(),
        "train_dir": str(Path(train_dir).resolve()),
        "data": {"images": n_images, "sha256": data_digest},
    }


def main(args):
    train_dir = Path(args.train_dir) if args.train_dir else default_train_dir()
    images, sources, digest = load_training_images(train_dir, args.size, BATCH_SIZE, log=log)
    config = resolve_config(args, digest, len(images), train_dir)
    folder = runfolder.run_dir(PIPELINE, args.run)
    runfolder.check_config(folder, config, MUTABLE_KEYS)
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

    seed_variable = K.variable(np.zeros(2, dtype=np.int64), dtype="int64", name="dropout_seed")
    generator = models.build_generator(config["nch"], config["kernel"], config["size"],
                                       config["latent_dim"])
    discriminator = models.build_discriminator(
        config["nch"], config["kernel"], config["dropout"], config["size"],
        spatial_dropout=models.seeded_spatial_dropout(seed_variable))
    opt_g = Adam(LR_G, decay=DECAY)
    opt_d = Adam(LR_D, decay=DECAY)
    model = adversarial.simultaneous_gan(generator, discriminator, opt_g, opt_d, LOSS)
    return generator, discriminator, model, opt_g, opt_d, seed_variable


# ---------------------------------------------------------------- training (kit.adversarial's loop)
class _Run(adversarial.AdversarialRun):
    """The shared loop, plus the seeds of the discriminator's SpatialDropout2D masks."""

    def build_gan(self):
        (generator, discriminator, model, opt_g, opt_d,
         self.seed_variable) = build_gan(self.config)
        return generator, discriminator, model, opt_g, opt_d

    def before_batch(self, rng):
        import keras.backend as K
        K.set_value(self.seed_variable, rng.randint(0, 2 ** 31 - 1, size=2).astype(np.int64))

    def plain_discriminator(self):
        config = self.config
        plain = models.build_discriminator(config["nch"], config["kernel"], config["dropout"],
                                           config["size"])
        plain.set_weights(self.discriminator.get_weights())
        return plain


def train(config, images, folder):
    return adversarial.train(_Run, config, images, folder)

