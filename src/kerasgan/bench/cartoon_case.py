"""Bench case of the cartoon DCGAN: our trainer's GAN epoch next to a plain Keras loop, same model.

Both use the seeded session (determinism.seed_everything), the builders of pipelines/cartoon/models.py,
the same synthetic 64x64 images (bench.gan.synthetic_images), Adam(2e-4, beta1 0.5), binary
cross-entropy, D on a real and a generated batch apart, then G through D.

- ours: pipelines/cartoon/train.py's _Run.train_epoch (three K.function steps, latents from the
  checkpointed numpy stream), in-process.
- reference: the tutorials' loop: fakes = G.predict_on_batch(z); D.train_on_batch on the real and
  on the fake batch; a Sequential [G, frozen D] train_on_batch(z, ones).
"""
import argparse
import os
import tempfile
import time

import numpy as np

from .gan import summarise, synthetic_images


def _config(params, images):
    from ..pipelines.cartoon import train
    parser = argparse.ArgumentParser()
    train.configure(parser)
    args = parser.parse_args(["--nf", str(params["nf"]), "--kernel", str(params["kernel"]),
                              "--batch-size", str(params["batch"]), "--seed", str(params["seed"]),
                              "--gan-epochs", str(params["epochs"] + 1), "--encoder-epochs", "0"])
    return train.resolve_config(args, images, np.zeros((len(images), 18), np.int16),
                                {"kind": "bench-synthetic", "folder": "bench"})


def _images(params):
    return synthetic_images(params["seed"], params["images"], 64)


def ours(params):
    """Seconds per GAN epoch of pipelines/cartoon/train.py's _Run.train_epoch."""
    from ..kit import loop
    from ..pipelines.cartoon import train
    os.environ["KERASGAN_THREADS"] = str(params["threads"])
    images = _images(params)
    config = _config(params, images)
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        run = train._Run(config, images, folder)
        loop.prepare(run, None)
        run.train_epoch(0)                     # warm-up: graph and allocations
        seconds = []
        for epoch in range(params["epochs"]):
            started = time.time()
            run.train_epoch(epoch)
            seconds.append(time.time() - started)
    return summarise(seconds, params["unit"], {"device": run.device, "parameters": {
        name: int(model.count_params()) for name, model in run.models.items()}})


def reference(params):
    """Seconds per epoch of a plain train_on_batch loop with the identical model and data."""
    from keras.models import Sequential
    from keras.optimizers import Adam
    from ..kit import determinism
    from ..kit import seeds
    from ..pipelines.cartoon import data, models, train
    determinism.seed_everything(params["seed"], threads=params["threads"])
    generator = models.build_generator(params["nf"], params["kernel"])
    discriminator = models.build_discriminator(params["nf"], params["kernel"])
    discriminator.compile(Adam(train.LR, beta_1=train.BETA_1), loss="binary_crossentropy")
    discriminator.trainable = False
    stacked = Sequential([generator, discriminator])
    stacked.compile(Adam(train.LR, beta_1=train.BETA_1), loss="binary_crossentropy")
    x = data.to_model(_images(params))
    rng, batch = seeds.stream(params["seed"], "train"), params["batch"]
    ones, zeros = np.ones((batch, 1), np.float32), np.zeros((batch, 1), np.float32)

    def epoch():
        order = rng.permutation(len(x))
        for b in range(len(x) // batch):
            z = rng.normal(size=(batch, models.LATENT_DIM)).astype(np.float32)
            fake = generator.predict_on_batch(z)
            discriminator.train_on_batch(x[order[b * batch:(b + 1) * batch]], ones)
            discriminator.train_on_batch(fake, zeros)
            stacked.train_on_batch(z, ones)

    epoch()                                    # warm-up
    seconds = []
    for _ in range(params["epochs"]):
        started = time.time()
        epoch()
        seconds.append(time.time() - started)
    return summarise(seconds, params["unit"], {"device": determinism.describe_device(params["threads"])})
