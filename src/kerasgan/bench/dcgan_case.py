"""Bench case of keras-dcgan (pipelines/dcgan): our trainer's batches next to the original's loop.

Both variants: the same builders (pipelines/dcgan/models.py), the same synthetic grey 28x28
images in [-1, 1] (gan.synthetic_images' first channel), uniform(-1, 1) noise, SGD(5e-4, momentum
0.9, Nesterov) for D and the stacked G + frozen D, binary cross-entropy, batches in order, the
same seeded session (determinism.seed_everything, BENCH_THREADS intra-op threads).

- ours: pipelines/dcgan/train.py's own `train` (build_gan, the resumable loop: batches.csv, a
  grid every 20 batches, weights + checkpoint every 10) on an epoch of `batches` batches; each
  batch is timed from one batches.csv row to the next, in the second epoch (the first warms up).
  The epoch-end quality figures are outside the timed batches.
- reference: jacobgil's loop as written: G.predict, D.train_on_batch(real + fake), fresh noise,
  D.trainable off, stacked.train_on_batch, D.trainable on; the original's own saves (images every
  20 batches, both weight files every 10) into a temporary folder.
Unit: steps/s (one step = one D and one G update on a batch of `batch_size`).
"""
import argparse
import tempfile
import time

import numpy as np

from .gan import summarise, synthetic_images


def _images(params):
    """uint8 (n, 28, 28): the synthetic colour blobs' red channel, one batch per step."""
    from ..pipelines.dcgan import models
    n = params["batch_size"] * params["batches"]
    return synthetic_images(params["seed"], n, models.SIDE)[..., 0]


def _config(params, x):
    from ..pipelines.dcgan import cli, train
    parser = argparse.ArgumentParser()
    cli.configure(parser)
    args = parser.parse_args(["--mode", "train", "--batch_size", str(params["batch_size"]),
                              "--epochs", "2", "--seed", str(params["seed"]),
                              "--quality-n", str(params["batch_size"])])
    source = {"kind": "bench-synthetic", "images": len(x), "sha256": "-", "labels": False}
    return train.resolve_config(args, source)


def _parameters(generator, discriminator):
    return {"generator": generator.count_params(), "discriminator": discriminator.count_params()}


def ours(params):
    """Steps per second of pipelines/dcgan/train.py's loop (second epoch, between batches.csv rows)."""
    import os
    from ..pipelines.dcgan import train
    os.environ["KERASGAN_THREADS"] = str(params["threads"])
    x = _images(params)
    config = _config(params, x)
    stamps, built = [], {}
    append, build_gan = train.BatchLog.append, train.build_gan

    def timed_append(self, epoch, batch, d_loss, g_loss):   # after each batch's two updates
        append(self, epoch, batch, d_loss, g_loss)
        if epoch == 1:
            stamps.append(time.time())

    def recorded_build():
        built["nets"] = build_gan()
        return built["nets"]

    train.BatchLog.append, train.build_gan = timed_append, recorded_build
    try:
        with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
            status = train.train(config, x, None, folder)
    finally:
        train.BatchLog.append, train.build_gan = append, build_gan
    assert status == 0, status
    seconds = np.diff(stamps).tolist()
    generator, discriminator = built["nets"][:2]
    return summarise(seconds, params["unit"], {"parameters": _parameters(generator, discriminator),
                                               "batch_size": params["batch_size"]})


def reference(params):
    """Steps per second of keras-dcgan's own loop (its saves included), same model and data."""
    import os
    from keras.models import Sequential
    from keras.optimizers import SGD
    from ..kit import determinism
    from ..kit import seeds
    from ..kit.grids import grid, save_png, to_uint8
    from ..pipelines.dcgan import data, models, train
    determinism.seed_everything(params["seed"], threads=params["threads"])
    x_train = data.to_model(_images(params))
    g, d = models.build_generator(), models.build_discriminator()
    d.trainable = False   # the original's generator_containing_discriminator, before the compile
    d_on_g = Sequential([g, d])
    d_optim = SGD(lr=train.LR, momentum=train.MOMENTUM, nesterov=train.NESTEROV)
    g_optim = SGD(lr=train.LR, momentum=train.MOMENTUM, nesterov=train.NESTEROV)
    g.compile(loss=train.LOSS, optimizer="SGD")
    d_on_g.compile(loss=train.LOSS, optimizer=g_optim)
    d.trainable = True
    d.compile(loss=train.LOSS, optimizer=d_optim)
    rng = seeds.stream(params["seed"], "train")
    batch = params["batch_size"]
    seconds = []
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        for epoch in range(2):   # the first warms up, as ours
            started = time.time()
            for index in range(params["batches"]):
                noise = rng.uniform(-1, 1, size=(batch, models.LATENT_DIM))
                image_batch = x_train[index * batch:(index + 1) * batch]
                generated = g.predict(noise, verbose=0)
                if index % 20 == 0:
                    save_png(grid(to_uint8(generated, -1.0, 1.0)),
                             os.path.join(folder, train.grid_file(epoch, index)))
                d.train_on_batch(np.concatenate((image_batch, generated)), [1] * batch + [0] * batch)
                noise = rng.uniform(-1, 1, (batch, models.LATENT_DIM))
                d.trainable = False
                d_on_g.train_on_batch(noise, [1] * batch)
                d.trainable = True
                if index % 10 == 9:
                    g.save_weights(os.path.join(folder, "generator"), True)
                    d.save_weights(os.path.join(folder, "discriminator"), True)
                if epoch == 1:
                    seconds.append(time.time() - started)
                    started = time.time()
    return summarise(seconds[1:], params["unit"], {"parameters": _parameters(g, d),
                                                   "batch_size": batch})
