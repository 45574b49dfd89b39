"""A tiny keras-adversarial GAN, written exactly as keras-adversarial's README documents it.

Run as a script by test_shim.py (a fresh interpreter per run, as a user would):
    python shim_gan.py SEED OUT_JSON [IMAGE_DIR]
It trains a few batches and writes, as JSON, the per-player history and a digest of the weights
before and after training.
"""
import hashlib
import json
import sys

import numpy as np

import kerasgan  # noqa: F401  (installs the keras_adversarial compatibility patches)
from kerasgan.kit.determinism import seed_everything


def digest(arrays):
    h = hashlib.sha256()
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def main(seed, out_json, image_dir=None):
    seed_everything(seed)
    from keras.layers import BatchNormalization, Dense, Dropout, LeakyReLU
    from keras.models import Sequential
    from keras.optimizers import Adam
    from keras_adversarial import (AdversarialModel, AdversarialOptimizerSimultaneous,
                                   ImageGridCallback, gan_targets, normal_latent_sampling,
                                   simple_gan)

    latent = 4
    generator = Sequential([Dense(16, input_shape=(latent,)), BatchNormalization(), LeakyReLU(0.2),
                            Dense(16, activation="sigmoid")], name="generator")
    discriminator = Sequential([Dense(8, input_shape=(16,)), LeakyReLU(0.2), Dropout(0.3),
                                Dense(1, activation="sigmoid")], name="discriminator")
    gan = simple_gan(generator, discriminator, normal_latent_sampling((latent,)))
    model = AdversarialModel(base_model=gan,
                             player_params=[generator.trainable_weights,
                                            discriminator.trainable_weights],
                             player_names=["generator", "discriminator"])
    model.adversarial_compile(adversarial_optimizer=AdversarialOptimizerSimultaneous(),
                              player_optimizers=[Adam(1e-3, decay=1e-4), Adam(1e-3, decay=1e-4)],
                              loss="binary_crossentropy")
    x = np.random.RandomState(seed).rand(64, 16).astype("float32")
    g_before = generator.get_weights()
    d_before = discriminator.get_weights()
    callbacks = []
    if image_dir:
        zs = np.random.RandomState(1).normal(size=(4, latent))
        callbacks.append(ImageGridCallback(
            image_dir + "/epoch-{:03d}.png",
            lambda: generator.predict(zs).reshape((2, 2, 4, 4))))
    history = model.fit(x=x, y=gan_targets(x.shape[0]), epochs=2, batch_size=16,
                        callbacks=callbacks, verbose=0)
    bn = [l for l in generator.layers if isinstance(l, BatchNormalization)][0]
    moving_mean, moving_var = bn.get_weights()[2:]
    result = {
        "history": {k: [float(v) for v in vs] for k, vs in history.history.items()},
        "generator_before": digest(g_before), "generator_after": digest(generator.get_weights()),
        "discriminator_before": digest(d_before),
        "discriminator_after": digest(discriminator.get_weights()),
        "bn_moving_mean": moving_mean.tolist(), "bn_moving_var": moving_var.tolist(),
    }
    with open(out_json, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], *(sys.argv[3:4]))
