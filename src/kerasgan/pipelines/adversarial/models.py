"""The keras-adversarial book examples' models, as pure builders (docs/originals.md#keras-adversarial-examples).

- MNIST (examples/example_gan.py): dense generator 100 -> 256 -> 512 -> 1024 -> 784 and dense
  discriminator 784 -> 1024 -> 512 -> 256 -> 1, LeakyReLU(0.2) between, sigmoid outputs,
  L1L2(1e-5, 1e-5) on every Dense. 1,486,352 / 1,460,225 parameters on Keras 2.1.2.
- CIFAR-10 (examples/example_gan_cifar10.py): nch 256, h 5, L1L2(1e-7, 1e-7). Generator: Dense
  (nch*4*4) -> BatchNormalization -> reshape 4x4xnch -> 3 x [conv -> BatchNormalization ->
  LeakyReLU(0.2) -> UpSampling2D(2)] with nch/2, nch/2, nch/4 -> conv(3) -> sigmoid. Discriminator:
  3 x [conv -> MaxPooling2D(2) -> LeakyReLU(0.2)] with nch/4, nch/2, nch -> conv(1) ->
  AveragePooling2D(4) -> Flatten -> sigmoid; no dropout.

The layers are spelled with the Keras 1 names of `keras_adversarial.legacy`, as the examples were
(that module is ours, kerasgan.legacy_keras_adversarial; we import it by its own name here so the
builders don't depend on the start-up hook).

BatchNormalization in the CIFAR-10 generator: the original wrote `BatchNormalization(mode=0,
axis=1)` for Theano's channels-first tensors; on TensorFlow (channels-last) axis=1 normalises
image *rows*, one statistic per row position, not per channel (users saw blank red/pink images,
keras-adversarial #43). `bn_axis="rows"` keeps that (faithful); `"channels"` (axis=-1, our default)
is what the authors meant. Both have the same parameter count only when rows == channels, so the
counts below are per choice.
"""
import numpy as np

LATENT_DIM = 100

# MNIST example
MNIST_SHAPE = (28, 28)
MNIST_HIDDEN = 1024
MNIST_L1 = MNIST_L2 = 1e-5
MNIST_GENERATOR_PARAMS = 1486352
MNIST_DISCRIMINATOR_PARAMS = 1460225

# CIFAR-10 example
CIFAR_SHAPE = (32, 32, 3)
CIFAR_NCH = 256
CIFAR_KERNEL = 5
CIFAR_L1 = CIFAR_L2 = 1e-7
BN_AXES = {"channels": -1, "rows": 1}


def _legacy():
    from ... import legacy_keras_adversarial
    return legacy_keras_adversarial


def build_mnist_generator(latent_dim=LATENT_DIM, shape=MNIST_SHAPE, hidden=MNIST_HIDDEN,
                          l1=MNIST_L1, l2=MNIST_L2):
    """z (latent_dim) -> image (28, 28) in [0, 1]."""
    from keras.layers import Activation, LeakyReLU, Reshape
    from keras.models import Sequential
    legacy = _legacy()

    def reg():
        return legacy.l1l2(l1, l2)

    return Sequential([
        legacy.Dense(hidden // 4, name="generator_h1", input_dim=latent_dim, W_regularizer=reg()),
        LeakyReLU(0.2),
        legacy.Dense(hidden // 2, name="generator_h2", W_regularizer=reg()),
        LeakyReLU(0.2),
        legacy.Dense(hidden, name="generator_h3", W_regularizer=reg()),
        LeakyReLU(0.2),
        legacy.Dense(int(np.prod(shape)), name="generator_x_flat", W_regularizer=reg()),
        Activation("sigmoid"),
        Reshape(shape, name="generator_x")], name="generator")


def build_mnist_discriminator(shape=MNIST_SHAPE, hidden=MNIST_HIDDEN, l1=MNIST_L1, l2=MNIST_L2):
    """image (28, 28) -> probability that it is real."""
    from keras.layers import Activation, Flatten, LeakyReLU
    from keras.models import Sequential
    legacy = _legacy()

    def reg():
        return legacy.l1l2(l1, l2)

    return Sequential([
        Flatten(name="discriminator_flatten", input_shape=shape),
        legacy.Dense(hidden, name="discriminator_h1", W_regularizer=reg()),
        LeakyReLU(0.2),
        legacy.Dense(hidden // 2, name="discriminator_h2", W_regularizer=reg()),
        LeakyReLU(0.2),
        legacy.Dense(hidden // 4, name="discriminator_h3", W_regularizer=reg()),
        LeakyReLU(0.2),
        legacy.Dense(1, name="discriminator_y", W_regularizer=reg()),
        Activation("sigmoid")], name="discriminator")


def build_cifar_generator(latent_dim=LATENT_DIM, nch=CIFAR_NCH, kernel=CIFAR_KERNEL,
                          bn_axis="channels", l1=CIFAR_L1, l2=CIFAR_L2):
    """z (latent_dim) -> image (32, 32, 3) in [0, 1]."""
    from keras.layers import Activation, LeakyReLU, Reshape, UpSampling2D
    from keras.models import Sequential
    legacy = _legacy()
    axis = BN_AXES[bn_axis]

    def reg():
        return legacy.l1l2(l1=l1, l2=l2)

    model = Sequential(name="generator")
    model.add(legacy.Dense(nch * 4 * 4, input_dim=latent_dim, W_regularizer=reg()))
    model.add(legacy.BatchNormalization(mode=0))
    model.add(Reshape((4, 4, nch)))
    for filters in (nch // 2, nch // 2, nch // 4):
        model.add(legacy.Convolution2D(filters, kernel, kernel, border_mode="same", W_regularizer=reg()))
        model.add(legacy.BatchNormalization(mode=0, axis=axis))
        model.add(LeakyReLU(0.2))
        model.add(UpSampling2D(size=(2, 2)))
    model.add(legacy.Convolution2D(3, kernel, kernel, border_mode="same", W_regularizer=reg()))
    model.add(Activation("sigmoid"))
    return model


def build_cifar_discriminator(nch=CIFAR_NCH, kernel=CIFAR_KERNEL, l1=CIFAR_L1, l2=CIFAR_L2,
                              shape=CIFAR_SHAPE):
    """image (32, 32, 3) -> probability that it is real."""
    from keras.layers import Activation, Flatten, LeakyReLU
    from keras.models import Sequential
    legacy = _legacy()

    def reg():
        return legacy.l1l2(l1=l1, l2=l2)

    model = Sequential(name="discriminator")
    for i, filters in enumerate((nch // 4, nch // 2, nch)):
        extra = {"input_shape": shape} if i == 0 else {}
        model.add(legacy.Convolution2D(filters, kernel, kernel, border_mode="same",
                                       W_regularizer=reg(), **extra))
        model.add(legacy.MaxPooling2D(pool_size=(2, 2)))
        model.add(LeakyReLU(0.2))
    model.add(legacy.Convolution2D(1, kernel, kernel, border_mode="same", W_regularizer=reg()))
    model.add(legacy.AveragePooling2D(pool_size=(4, 4), border_mode="valid"))
    model.add(Flatten())
    model.add(Activation("sigmoid"))
    return model
