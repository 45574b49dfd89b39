"""`make adversarial-mnist-train` / `make adversarial-cifar10-train`: keras-adversarial's book
examples (seed 002 §4.3), trained resumably and reproducibly with kerasgan.kit.adversarial.

The examples called `fit(model, x, y, nb_epoch=100, batch_size=32)` on an AdversarialModel with
AdversarialOptimizerSimultaneous and wrote `epoch-{:03d}.png` (10x10 fixed latents) after every
epoch. Here the same players and optimizers are trained by the kit's explicit loop: one
train_on_batch per batch of 32, latents fed from the run's checkpointed RNG (the examples sampled
them in the graph), a checkpoint after every grid, so SIGKILL + the same command gives the same bytes.
"""
import json
from pathlib import Path

from . import data as data_module
from . import models
from ...kit import adversarial, cli, runfolder
from ...kit.progress import log

# The two examples (docs/originals.md#keras-adversarial-examples); the values are the originals' unless marked.
CONFIGS = {
    "adversarial-mnist": {
        "example": "examples/example_gan.py",
        "data": "mnist",
        "lr_g": 1e-4, "lr_d": 1e-3, "decay": 1e-4,        # Adam(1e-4, decay=1e-4) / Adam(1e-3, decay=1e-4)
        "l1": models.MNIST_L1, "l2": models.MNIST_L2,
        "hidden": models.MNIST_HIDDEN,
    },
    "adversarial-cifar10": {
        "example": "examples/example_gan_cifar10.py",
        "data": "cifar10",
        "lr_g": 1e-4, "lr_d": 1e-3, "decay": 1e-5,        # Adam(1e-4, decay=1e-5) / Adam(1e-3, decay=1e-5)
        "l1": models.CIFAR_L1, "l2": models.CIFAR_L2,
        "nch": models.CIFAR_NCH, "kernel": models.CIFAR_KERNEL,
        "bn_axis": "channels",    # chosen: the original's axis=1 normalised rows on TensorFlow
    },
}
DEFAULTS = {
    "run": "default",
    "epochs": 100,            # nb_epoch=100
    "save_every": 1,          # a grid every epoch, as the examples' ImageGridCallback
    "seed": 0,
    "deterministic": 0,
    "keep_snapshots": 10,
    "per_class": 40,          # emoji: images per class (10 classes)
    "limit": 0,               # 0: every training image
}
BATCH_SIZE = adversarial.BATCH_SIZE
MUTABLE_KEYS = ("epochs", "keep_snapshots", "data_path")


def configure(parser, pipeline):
    d, c = DEFAULTS, CONFIGS[pipeline]
    cli.run_arguments(parser, pipeline, d)
    cli.train_arguments(parser, d, 100, "grid, metrics and checkpoint every N epochs (original: every epoch)")
    parser.add_argument("--data", default=c["data"],
                        help="%s, or a path (default %s)" % (" or ".join(data_module.SOURCES[pipeline]), c["data"]))
    parser.add_argument("--per-class", type=int, default=d["per_class"],
                        help="emoji data: augmented images per class (10 classes)")
    parser.add_argument("--limit", type=int, default=d["limit"],
                        help="train on the first N images only (0: all)")
    if pipeline == "adversarial-cifar10":
        parser.add_argument("--nch", type=int, default=c["nch"], help="channels (original 256)")
        parser.add_argument("--kernel", type=int, default=c["kernel"], help="kernel size h (original 5)")
        parser.add_argument("--bn-axis", choices=sorted(models.BN_AXES), default=c["bn_axis"],
                            help="generator BatchNormalization: channels (fixed, default) or rows "
                                 "(the original's axis=1 on TensorFlow)")
    else:
        parser.add_argument("--hidden", type=int, default=c["hidden"],
                            help="widest dense layer (original 1024)")


def resolve_config(pipeline, args, images):
    from ...kit import determinism
    if args.epochs < 1 or args.save_every < 1:
        raise data_module.LoadError("EPOCHS and SAVE_EVERY must be at least 1")
    if len(images) < BATCH_SIZE:
        raise data_module.LoadError("%d training images: fewer than one batch of %d"
                                    % (len(images), BATCH_SIZE))
    c = CONFIGS[pipeline]
    builtin = args.data in data_module.SOURCES[pipeline]
    config = {
        "pipeline": pipeline,
        "example": c["example"],
        "run": args.run,
        "epochs": args.epochs,
        "save_every": args.save_every,
        "seed": args.seed,
        "deterministic": args.deterministic,
        "keep_snapshots": args.keep_snapshots,
        "latent_dim": models.LATENT_DIM,
        "batch_size": BATCH_SIZE,
        "optimizer_generator": {"name": "Adam", "lr": c["lr_g"], "decay": c["decay"]},
        "optimizer_discriminator": {"name": "Adam", "lr": c["lr_d"], "decay": c["decay"]},
        "loss": adversarial.LOSS,
        "regularizer": {"l1": c["l1"], "l2": c["l2"]},
        "grid": adversarial.GRID,
        "threads": determinism.configured_threads(),
        "data": {"source": args.data if builtin else "path", "images": len(images),
                 "shape": list(images.shape[1:]), "sha256": data_module.digest(images),
                 "limit": args.limit, "per_class": args.per_class if args.data == "emoji" else None},
        "data_path": None if builtin else str(Path(args.data).resolve()),
    }
    if pipeline == "adversarial-cifar10":
        if args.nch < 4 or args.nch % 4:
            raise data_module.LoadError("NCH must be a multiple of 4 (nch/4 and nch/2), got %d" % args.nch)
        config.update(nch=args.nch, kernel=args.kernel, bn_axis=args.bn_axis)
    else:
        if args.hidden < 4 or args.hidden % 4:
            raise data_module.LoadError("HIDDEN must be a multiple of 4, got %d" % args.hidden)
        config.update(hidden=args.hidden)
    return config


def build_players(config):
    """(generator, discriminator) of the config's example."""
    if config["pipeline"] == "adversarial-mnist":
        return (models.build_mnist_generator(config["latent_dim"], hidden=config["hidden"],
                                             l1=config["regularizer"]["l1"], l2=config["regularizer"]["l2"]),
                models.build_mnist_discriminator(hidden=config["hidden"],
                                                 l1=config["regularizer"]["l1"], l2=config["regularizer"]["l2"]))
    return (models.build_cifar_generator(config["latent_dim"], config["nch"], config["kernel"],
                                         config["bn_axis"], config["regularizer"]["l1"],
                                         config["regularizer"]["l2"]),
            models.build_cifar_discriminator(config["nch"], config["kernel"],
                                             config["regularizer"]["l1"], config["regularizer"]["l2"]))


class Run(adversarial.AdversarialRun):
    """The kit's loop with the examples' players, optimizers and grid names."""

    def build_gan(self):
        from keras.optimizers import Adam
        config = self.config
        generator, discriminator = build_players(config)
        if config["pipeline"] == "adversarial-mnist" and config["hidden"] == models.MNIST_HIDDEN:
            # the original's sizes (docs/originals.md#keras-adversarial-examples): a wrong layer would show here
            assert generator.count_params() == models.MNIST_GENERATOR_PARAMS, generator.count_params()
            assert discriminator.count_params() == models.MNIST_DISCRIMINATOR_PARAMS, discriminator.count_params()
        og, od = config["optimizer_generator"], config["optimizer_discriminator"]
        opt_g = Adam(og["lr"], decay=og["decay"])
        opt_d = Adam(od["lr"], decay=od["decay"])
        model = adversarial.simultaneous_gan(generator, discriminator, opt_g, opt_d, config["loss"])
        return generator, discriminator, model, opt_g, opt_d

    @property
    def command(self):
        return "make %s-train" % self.config["pipeline"]

    def grid_file(self, epoch):
        return "epoch-%03d.png" % epoch    # the examples' "epoch-{:03d}.png"


def main(pipeline, args):
    images = data_module.load(pipeline, args.data, args.seed, args.per_class, args.limit)
    config = resolve_config(pipeline, args, images)
    folder = runfolder.run_dir(pipeline, args.run)
    runfolder.check_config(folder, config, MUTABLE_KEYS)
    if args.dry_run:
        print(json.dumps(config, indent=2, sort_keys=True))
        return 0
    log("%s: %d training images %s, %s" % (pipeline, len(images), images.shape[1:], config["data"]["source"]))
    return adversarial.train(Run, config, images, folder)
