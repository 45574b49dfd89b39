"""Bench cases of the Pikachu GAN: our trainer's epoch next to a plain Keras loop, same model.

Both variants use the same seeded session (determinism.seed_everything: fixed thread pools, as
`make train`), the same builders (pipelines/pikachu/models.py), the same synthetic images and the
same optimiser settings (Adam(1e-4, decay 1e-5) for G, Adam(1e-3, decay 1e-5) for D, binary
cross-entropy, batch 32, an epoch = one pass over the images).

- ours: pipelines/pikachu/train.py's own _Run (build_gan: keras-adversarial's simultaneous
  AdversarialModel, seeded dropout, RNG-fed latents) and its train_epoch, in-process.
- reference: (with params reference_session="tf-default": in TF's default session, as a plain
  script, instead of the seeded one) the plain loop of the tutorials: per batch, fakes = G.predict_on_batch(z); D trains on
  real + fake; then G trains through a frozen D (a Sequential [G, D] compiled with D.trainable off).
"""
import argparse
import os
import tempfile
import time

import numpy as np


def synthetic_images(seed, n, size):
    """n uint8 images (size, size, 3): smooth colour blobs plus noise, from the "data" stream."""
    from ..kit import seeds
    rng = seeds.stream(seed, "data")
    yy, xx = np.mgrid[0:size, 0:size] / float(size)
    images = np.empty((n, size, size, 3), np.float32)
    for i in range(n):
        cx, cy, r = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8), rng.uniform(0.1, 0.4)
        blob = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
        colour = rng.uniform(0, 1, size=3)
        images[i] = blob[..., None] * colour + rng.uniform(0, 0.15, size=(size, size, 3))
    return (np.clip(images, 0, 1) * 255).astype(np.uint8)


def _config(params, n_images):
    """The config `make train` would resolve for these settings (train.resolve_config)."""
    from ..pipelines.pikachu import train
    parser = argparse.ArgumentParser()
    train.configure(parser)
    args = parser.parse_args(["--nch", str(params["nch"]), "--kernel", str(params["kernel"]),
                              "--seed", str(params["seed"]), "--epochs", str(params["epochs"])])
    return train.resolve_config(args, "bench-synthetic", n_images, tempfile.gettempdir())


def summarise(seconds, unit, extra):
    """Timed samples -> a variant's result. s/epoch: the median epoch; epochs/s: 1 / that;
    steps/s: steps / their total time (so the saves every few steps count, spread over all)."""
    median = float(np.median(seconds))
    if unit == "steps/s":
        value = len(seconds) / float(np.sum(seconds))
    else:
        value = median if unit == "s/epoch" else 1.0 / median
    out = {"value": value, "samples": [round(s, 4) for s in seconds],
           "median_seconds_per_epoch" if unit != "steps/s" else "median_seconds_per_step": median}
    out.update(extra)
    return out


def ours(params):
    """Seconds per epoch of pipelines/pikachu/train.py's _Run.train_epoch."""
    from ..kit import determinism
    from ..kit import loop
    from ..pipelines.pikachu import train
    os.environ["KERASGAN_THREADS"] = str(params["threads"])
    images = synthetic_images(params["seed"], params["images"], params.get("size", 32))
    config = _config(params, len(images))
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        run = train._Run(config, images, folder)
        started = time.time()
        loop.prepare(run, None)
        build_seconds = time.time() - started
        x_train = run.x_train
        run.x_train = x_train[:params["warmup_batches"] * train.BATCH_SIZE]   # warm-up
        run.train_epoch(0)
        run.x_train = x_train
        seconds = []
        for _ in range(params["epochs"]):
            started = time.time()
            run.train_epoch(0)
            seconds.append(time.time() - started)
    return summarise(seconds, params["unit"], {
        "build_seconds": round(build_seconds, 2), "device": run.device, "mkl": determinism.mkl_enabled(),
        "parameters": {"generator": run.generator.count_params(),
                       "discriminator": run.discriminator.count_params()}})


def build_reference(config):
    """G, D (plain SpatialDropout2D) and the frozen-D stack, compiled as the tutorials do."""
    from keras.models import Sequential
    from keras.optimizers import Adam
    from ..pipelines.pikachu import models, train
    generator = models.build_generator(config["nch"], config["kernel"], config["size"],
                                       config["latent_dim"])
    discriminator = models.build_discriminator(config["nch"], config["kernel"], config["dropout"],
                                               config["size"])
    discriminator.compile(Adam(train.LR_D, decay=train.DECAY), loss=train.LOSS)
    discriminator.trainable = False
    stacked = Sequential([generator, discriminator])
    stacked.compile(Adam(train.LR_G, decay=train.DECAY), loss=train.LOSS)
    return generator, discriminator, stacked


def reference_epoch(rng, x_train, generator, discriminator, stacked, latent_dim, batch_size):
    n = len(x_train)
    order = rng.permutation(n)
    d_losses, g_losses = [], []
    for offset in range(0, n, batch_size):
        real = x_train[order[offset:offset + batch_size]]
        m = len(real)
        z = rng.normal(size=(m, latent_dim)).astype(np.float32)
        fake = generator.predict_on_batch(z)
        labels = np.concatenate([np.ones((m, 1), np.float32), np.zeros((m, 1), np.float32)])
        d_losses.append(discriminator.train_on_batch(np.concatenate([real, fake]), labels))
        g_losses.append(stacked.train_on_batch(z, np.ones((m, 1), np.float32)))
    return float(np.mean(d_losses)), float(np.mean(g_losses))


def reference(params):
    """Seconds per epoch of a plain train_on_batch loop with the identical model and data."""
    from ..kit import determinism
    from ..kit import seeds
    from ..pipelines.pikachu import train
    images = synthetic_images(params["seed"], params["images"], params.get("size", 32))
    config = _config(params, len(images))
    started = time.time()
    if params.get("reference_session") == "tf-default":
        # As a plain script: Keras creates TF's default session (intra-op threads = all cores).
        import keras.backend as K
        import tensorflow as tf
        K.clear_session()
        np.random.seed(config["seed"])
        tf.set_random_seed(config["seed"])
        device = "CPU or GPU, TF's default session"
    else:
        determinism.seed_everything(config["seed"], threads=params["threads"])
        device = determinism.describe_device(params["threads"])
    generator, discriminator, stacked = build_reference(config)
    build_seconds = time.time() - started
    x_train = images.astype(np.float32) / 255.0
    rng = seeds.stream(config["seed"], "train")
    step = lambda x: reference_epoch(rng, x, generator, discriminator, stacked,  # noqa: E731
                                     config["latent_dim"], train.BATCH_SIZE)
    step(x_train[:params["warmup_batches"] * train.BATCH_SIZE])   # warm-up
    seconds = []
    for _ in range(params["epochs"]):
        started = time.time()
        step(x_train)
        seconds.append(time.time() - started)
    return summarise(seconds, params["unit"], {
        "build_seconds": round(build_seconds, 2),
        "device": device, "mkl": determinism.mkl_enabled(),
        "parameters": {"generator": generator.count_params(),
                       "discriminator": discriminator.count_params()}})


def fingerprint(params):
    """Not a timing: `epochs` epochs of make train's _Run -> every epoch's losses and a digest of
    the final weights, for comparing session settings (tests/test_speed.py)."""
    import hashlib
    from ..kit import loop
    from ..pipelines.pikachu import train
    images = synthetic_images(params["seed"], params["images"], params.get("size", 32))
    config = _config(params, len(images))
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        run = train._Run(config, images, folder)
        loop.prepare(run, None)
        losses = [run.train_epoch(epoch) for epoch in range(params["epochs"])]
    digest = hashlib.sha256()
    for model in (run.generator, run.discriminator):
        for weights in model.get_weights():
            digest.update(weights.tobytes())
    return {"value": None, "losses": losses, "weights_sha256": digest.hexdigest()}
