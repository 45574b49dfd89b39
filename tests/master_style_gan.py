"""A user's script written against keras-adversarial's GitHub master, the way its examples are.

No `import kerasgan` anywhere: tests/test_legacy_keras_adversarial.py runs it with the plain
.venv interpreter (PYTHONPATH unset), so it only works if the .pth file that `make setup`
installs provides keras_adversarial.legacy, AdversarialOptimizerScheduled and the Keras 2.1.2 fixes.

Usage: python master_style_gan.py MNIST_NPZ OUT_DIR EPOCHS simultaneous|scheduled
"""
import matplotlib as mpl

# This line allows mpl to run with no DISPLAY defined (as master's examples do)
mpl.use('Agg')

import os  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from keras.layers import Activation, Flatten, LeakyReLU, Reshape  # noqa: E402
from keras.models import Sequential  # noqa: E402
from keras.optimizers import Adam  # noqa: E402
from keras_adversarial import (AdversarialModel, AdversarialOptimizerScheduled,  # noqa: E402
                               AdversarialOptimizerSimultaneous, ImageGridCallback, gan_targets,
                               normal_latent_sampling, simple_gan)
from keras_adversarial.legacy import BatchNormalization, Dense, fit, l1l2  # noqa: E402


def model_generator(latent_dim, input_shape, hidden_dim=32, reg=lambda: l1l2(1e-5, 1e-5)):
    return Sequential([
        Dense(hidden_dim / 2, name="generator_h1", input_dim=latent_dim, W_regularizer=reg()),
        BatchNormalization(mode=0),
        LeakyReLU(0.2),
        Dense(hidden_dim, name="generator_h2", W_regularizer=reg()),
        LeakyReLU(0.2),
        Dense(np.prod(input_shape), name="generator_x_flat", W_regularizer=reg()),
        Activation('sigmoid'),
        Reshape(input_shape, name="generator_x")],
        name="generator")


def model_discriminator(input_shape, hidden_dim=32, reg=lambda: l1l2(1e-5, 1e-5)):
    return Sequential([
        Flatten(name="discriminator_flatten", input_shape=input_shape),
        Dense(hidden_dim, name="discriminator_h1", W_regularizer=reg()),
        LeakyReLU(0.2),
        Dense(hidden_dim / 2, name="discriminator_h2", W_regularizer=reg()),
        LeakyReLU(0.2),
        Dense(1, name="discriminator_y", W_regularizer=reg()),
        Activation('sigmoid')],
        name="discriminator")


def main(npz, path, nb_epoch, kind):
    latent_dim = 8
    input_shape = (28, 28)
    data = np.load(npz)
    xtrain = data["x_train"].astype(np.float32) / 255.0
    xtest = data["x_test"].astype(np.float32) / 255.0

    generator = model_generator(latent_dim, input_shape)
    discriminator = model_discriminator(input_shape)
    gan = simple_gan(generator, discriminator, normal_latent_sampling((latent_dim,)))
    model = AdversarialModel(base_model=gan,
                             player_params=[generator.trainable_weights, discriminator.trainable_weights],
                             player_names=["generator", "discriminator"])
    if kind == "scheduled":
        optimizer = AdversarialOptimizerScheduled([0, 0, 1])
    else:
        optimizer = AdversarialOptimizerSimultaneous()
    model.adversarial_compile(adversarial_optimizer=optimizer,
                              player_optimizers=[Adam(1e-4, decay=1e-4), Adam(1e-3, decay=1e-4)],
                              loss='binary_crossentropy',
                              player_compile_kwargs=[{}, {"metrics": ["accuracy"]}])

    zsamples = np.random.normal(size=(3 * 4, latent_dim))

    def generator_sampler():
        return generator.predict(zsamples).reshape((3, 4, 28, 28))

    generator_cb = ImageGridCallback(os.path.join(path, "epoch-{:03d}.png"), generator_sampler)
    y = gan_targets(xtrain.shape[0])
    ytest = gan_targets(xtest.shape[0])
    history = fit(model, x=xtrain, y=y, validation_data=(xtest, ytest), callbacks=[generator_cb],
                  nb_epoch=nb_epoch, batch_size=32)
    df = pd.DataFrame(history.history)
    df.to_csv(os.path.join(path, "history.csv"))
    generator.save(os.path.join(path, "generator.h5"))
    discriminator.save(os.path.join(path, "discriminator.h5"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
