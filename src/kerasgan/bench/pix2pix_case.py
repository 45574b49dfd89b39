"""Bench case of pix2pix (pipelines/pix2pix): our trainer's steps next to a plain Keras loop.

Both variants: the same builders (pipelines/pix2pix/models.py: U-Net + 70x70 PatchGAN at the
case's SIZE and NGF), the same synthetic pairs (gan.synthetic_images and an edge map of them),
jitter (resize to SIZE*286/256, random crop, mirror) from the "train" stream, batch 1, Adam(2e-4,
beta1 0.5) for both, LSGAN + 100 * L1, the same seeded session (BENCH_THREADS intra-op threads).

- ours: pipelines/pix2pix/train.py's own _Run (build: two K.functions, D then G, seeded dropout)
  and its train_epoch, on the config `make pix2pix-train` resolves;
- reference: the plain Keras way of the tutorials: fake = G.predict_on_batch(edges); a D model on
  (edges, image) and (edges, fake) (mse, weights 0.5 / 0.5) trained with train_on_batch; then a
  combined model edges -> [D(edges, G(edges)), G(edges)] through a frozen D (mse + 100 * mae).
  Its dropout is Keras's own and its G.predict runs in test mode: the same arithmetic, not the
  same numbers.
Unit: steps/s (a step = one D and one G update on one pair); samples are an epoch's time / pairs.
"""
import argparse
import tempfile
import time

import numpy as np

from .gan import summarise, synthetic_images


def synthetic_pairs(params):
    """(edges, images): lists of uint8 (load_size, load_size, 3); edges black on white where the
    image's brightness changes."""
    from ..pipelines.pix2pix import data
    side = data.load_size(params["size"])
    images = synthetic_images(params["seed"], params["pairs"], side)
    grey = images.astype(np.float32).mean(axis=-1)
    change = (np.abs(np.diff(grey, axis=1, prepend=grey[:, :1, :]))
              + np.abs(np.diff(grey, axis=2, prepend=grey[:, :, :1])))
    edges = np.where(change > 8, 0, 255).astype(np.uint8)
    return [np.repeat(e[..., None], 3, axis=-1) for e in edges], list(images)


def _config(params, n):
    from ..pipelines.pix2pix import train
    parser = argparse.ArgumentParser()
    train.configure(parser)
    args = parser.parse_args(["--size", str(params["size"]), "--ngf", str(params["ngf"]),
                              "--seed", str(params["seed"]), "--epochs", "1"])
    return train.resolve_config(args, n, "bench-synthetic", tempfile.gettempdir())


def _timed_epochs(params, epoch, warm_up):
    """Warm up on a few pairs, then `epochs` timed epochs -> seconds per step of each."""
    warm_up()
    seconds = []
    for _ in range(params["epochs"]):
        started = time.time()
        epoch()
        seconds.append((time.time() - started) / params["pairs"])
    return seconds


def ours(params):
    """Steps per second of pipelines/pix2pix/train.py's _Run.train_epoch."""
    import os
    from ..kit import loop
    from ..pipelines.pix2pix import train
    os.environ["KERASGAN_THREADS"] = str(params["threads"])
    edges, images = synthetic_pairs(params)
    config = _config(params, len(edges))
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        run = train._Run(config, edges, images, folder)
        loop.prepare(run, None)
        all_edges, all_images = run.edges, run.images

        def warm_up():
            run.edges, run.images = all_edges[:params["warmup_steps"]], all_images[:params["warmup_steps"]]
            run.train_epoch(0)
            run.edges, run.images = all_edges, all_images

        seconds = _timed_epochs(params, lambda: run.train_epoch(0), warm_up)
    return summarise(seconds, params["unit"], {"parameters": _parameters(run.net["generator"],
                                                                         run.net["discriminator"])})


def _parameters(generator, discriminator):
    return {"generator": generator.count_params(), "discriminator": discriminator.count_params()}


def build_reference(size, ngf):
    """G, D (Keras's Dropout), the D trainer and the combined G trainer, compiled as the tutorials."""
    from keras.layers import Concatenate, Input
    from keras.models import Model
    from keras.optimizers import Adam
    from ..pipelines.pix2pix import models, train
    generator = models.build_generator(size, ngf)
    discriminator = models.build_discriminator(size, ngf)
    edges, image, fake = (Input((size, size, 3)) for _ in range(3))
    pair = Concatenate(axis=-1)
    d_trainer = Model([edges, image, fake], [discriminator(pair([edges, image])),
                                             discriminator(pair([edges, fake]))])
    d_trainer.compile(Adam(train.LR, beta_1=train.BETA_1), loss="mse", loss_weights=[0.5, 0.5])
    discriminator.trainable = False
    generated = generator(edges)
    g_trainer = Model(edges, [discriminator(pair([edges, generated])), generated])
    g_trainer.compile(Adam(train.LR, beta_1=train.BETA_1), loss=["mse", "mae"],
                      loss_weights=[1.0, train.LAMBDA_L1])
    return generator, discriminator, d_trainer, g_trainer


def reference(params):
    """Steps per second of a plain train_on_batch loop with the identical model and data."""
    from ..kit import determinism
    from ..kit import seeds
    from ..pipelines.pix2pix import data
    determinism.seed_everything(params["seed"], threads=params["threads"])
    size = params["size"]
    side = data.load_size(size)
    edges, images = synthetic_pairs(params)
    edges = np.stack([data.resize(e, side) for e in edges])
    images = np.stack([data.resize(i, side) for i in images])
    generator, discriminator, d_trainer, g_trainer = build_reference(size, params["ngf"])
    patch = (1,) + tuple(int(d) for d in discriminator.output_shape[1:])
    ones, zeros = np.ones(patch, np.float32), np.zeros(patch, np.float32)
    rng = seeds.stream(params["seed"], "train")

    def epoch(n=len(edges)):
        for index in rng.permutation(n):
            top, left = rng.randint(0, side - size + 1, size=2)
            e = edges[index, top:top + size, left:left + size]
            i = images[index, top:top + size, left:left + size]
            if rng.rand() < 0.5:
                e, i = e[:, ::-1], i[:, ::-1]
            e, i = e[None], i[None]
            fake = generator.predict_on_batch(e)
            d_trainer.train_on_batch([e, i, fake], [ones, zeros])
            g_trainer.train_on_batch(e, [ones, i])

    seconds = _timed_epochs(params, epoch, lambda: epoch(params["warmup_steps"]))
    return summarise(seconds, params["unit"], {"parameters": _parameters(generator, discriminator)})
