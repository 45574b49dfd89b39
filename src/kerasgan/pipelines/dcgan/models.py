"""keras-dcgan's two networks (docs/originals.md#keras-dcgan), as pure builders returning uncompiled models.

Channels last, 28x28x1 images in [-1, 1] (tanh), a 100-d uniform(-1, 1) latent. Parameter counts
on Keras 2.1.2: generator 6,763,777, discriminator 3,485,441 (tests/test_dcgan_models.py).
The compile / trainable wiring lives in train.build_gan, in one place.
"""
LATENT_DIM = 100
SIDE = 28
GENERATOR_PARAMS = 6763777
DISCRIMINATOR_PARAMS = 3485441


def build_generator(latent_dim=LATENT_DIM):
    """Dense(1024) tanh -> Dense(128*7*7) BN tanh -> 7x7x128 -> up 2 -> Conv(64, 5) tanh -> up 2
    -> Conv(1, 5) tanh: a 28x28x1 image in [-1, 1]."""
    from keras.layers import (Activation, BatchNormalization, Conv2D, Dense, Reshape,
                              UpSampling2D)
    from keras.models import Sequential
    model = Sequential(name="generator")
    model.add(Dense(1024, input_shape=(latent_dim,), activation="tanh"))
    model.add(Dense(128 * 7 * 7))
    model.add(BatchNormalization())
    model.add(Activation("tanh"))
    model.add(Reshape((7, 7, 128)))
    model.add(UpSampling2D(size=(2, 2)))
    model.add(Conv2D(64, (5, 5), padding="same", activation="tanh"))
    model.add(UpSampling2D(size=(2, 2)))
    model.add(Conv2D(1, (5, 5), padding="same", activation="tanh"))
    return model


def build_discriminator():
    """Conv(64, 5, same) tanh -> pool 2 -> Conv(128, 5, valid) tanh -> pool 2 -> Dense(1024) tanh
    -> Dense(1) sigmoid: the probability that a 28x28x1 image is real."""
    from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from keras.models import Sequential
    model = Sequential(name="discriminator")
    model.add(Conv2D(64, (5, 5), padding="same", input_shape=(SIDE, SIDE, 1), activation="tanh"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Conv2D(128, (5, 5), activation="tanh"))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Flatten())
    model.add(Dense(1024, activation="tanh"))
    model.add(Dense(1, activation="sigmoid"))
    return model
