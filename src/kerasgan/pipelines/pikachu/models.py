"""Generator and discriminator of the Pikachu GAN, as pure builders (docs/originals.md#the-gan).

Recovered from the original's model diagrams (keras-adversarial's CIFAR-10 example with nch 512,
h 7): with the defaults below the generator has 12,121,603 parameters and the discriminator
209,684 (tests/test_gan.py checks both).

Builders return uncompiled Keras models; the keras-adversarial wiring lives in `train.py`.
"""
import itertools

# Defaults, with their source.
LATENT_DIM = 100      # normal_latent_sampling((100,)) in the original
NCH = 512             # original (the CIFAR-10 example had 256)
KERNEL = 7            # original "h" (the example had 5)
DROPOUT = 0.5         # not recoverable; keras-adversarial's CIFAR-10 example trained D with 0.5
SIZE = 32             # image side; the original trained on 32x32x3
L1 = L2 = 1e-7        # the example's L1L2 weight regularisation on every kernel
LEAK = 0.2            # LeakyReLU slope in both models


def _check_size(size):
    if size < 8 or size % 8:
        raise ValueError("SIZE must be a multiple of 8 (three 2x up/down-samplings), got %r" % size)


def build_generator(nch=NCH, h=KERNEL, size=SIZE, latent_dim=LATENT_DIM):
    """z (latent_dim) -> image (size, size, 3) in [0, 1].

    Dense(nch*4*4) -> BN -> Reshape(4, 4, nch) -> 3 x [Conv2D(h, same) -> BN -> LeakyReLU(0.2) ->
    UpSampling2D(2)] with nch/2, nch/2, nch/4 filters -> Conv2D(3, h, same) -> sigmoid.
    (size/8 replaces 4 for sizes other than the original 32.)
    """
    from keras.layers import (Activation, BatchNormalization, Conv2D, Dense, LeakyReLU, Reshape,
                              UpSampling2D)
    from keras.models import Sequential
    from keras.regularizers import L1L2

    _check_size(size)
    base = size // 8
    reg = lambda: L1L2(l1=L1, l2=L2)  # noqa: E731 - a fresh regulariser per layer, as the example
    model = Sequential(name="generator")
    model.add(Dense(nch * base * base, input_dim=latent_dim, kernel_regularizer=reg()))
    # Keras 2 BatchNormalization normalises the channel axis (the Keras 1 example's mode=0).
    model.add(BatchNormalization())
    model.add(Reshape((base, base, nch)))
    for filters in (nch // 2, nch // 2, nch // 4):
        model.add(Conv2D(filters, (h, h), padding="same", kernel_regularizer=reg()))
        model.add(BatchNormalization())
        model.add(LeakyReLU(LEAK))
        model.add(UpSampling2D(size=(2, 2)))
    model.add(Conv2D(3, (h, h), padding="same", kernel_regularizer=reg()))
    model.add(Activation("sigmoid"))
    return model


def build_discriminator(nch=NCH, h=KERNEL, dropout=DROPOUT, size=SIZE, spatial_dropout=None):
    """image (size, size, 3) -> probability that it is real.

    3 x [SeparableConv2D(h, same) -> SpatialDropout2D -> MaxPooling2D(2) -> LeakyReLU(0.2)] with
    nch/4, nch/2, nch filters -> SeparableConv2D(1, h, same) -> AveragePooling2D(size/8, valid) ->
    Flatten -> sigmoid.

    `spatial_dropout(rate)` makes the dropout layers; default Keras's SpatialDropout2D. Training
    passes `SeededSpatialDropout2D` (same computation, noise from a fed seed) so resumes are exact.
    """
    from keras.layers import (Activation, AveragePooling2D, Flatten, LeakyReLU, MaxPooling2D,
                              SeparableConv2D, SpatialDropout2D)
    from keras.models import Sequential
    from keras.regularizers import L1L2

    _check_size(size)
    spatial_dropout = spatial_dropout or SpatialDropout2D
    model = Sequential(name="discriminator")

    def sepconv(filters, **kwargs):
        # SeparableConv2D has two kernels; L1L2 goes on both (Keras 2.1.2 ignores kernel_regularizer).
        return SeparableConv2D(filters, (h, h), padding="same",
                               depthwise_regularizer=L1L2(l1=L1, l2=L2),
                               pointwise_regularizer=L1L2(l1=L1, l2=L2), **kwargs)

    for i, filters in enumerate((nch // 4, nch // 2, nch)):
        extra = {"input_shape": (size, size, 3)} if i == 0 else {}
        model.add(sepconv(filters, **extra))
        model.add(spatial_dropout(dropout))
        model.add(MaxPooling2D(pool_size=(2, 2)))
        model.add(LeakyReLU(LEAK))
    model.add(sepconv(1))
    model.add(AveragePooling2D(pool_size=(size // 8, size // 8), padding="valid"))
    model.add(Flatten())
    model.add(Activation("sigmoid"))
    return model


def seeded_spatial_dropout(seed_variable):
    """A `spatial_dropout` factory for build_discriminator whose masks depend only on the value
    of `seed_variable` (an int64 variable of shape (2,), set from a numpy RNG before each batch).
    The layers of one factory get offsets 1009, 2018, ... in the order they are made, so their
    masks are independent (as the original's stateful ones) and a second build in the same
    process gets the masks of the first."""
    cls = _seeded_class()
    layers = itertools.count(1)
    return lambda rate: cls(rate, seed_variable, 1009 * next(layers))


_SEEDED = None


def _seeded_class():
    """Build the layer class lazily, so importing this module needs no Keras."""
    global _SEEDED
    if _SEEDED is not None:
        return _SEEDED
    import keras.backend as K
    import tensorflow as tf
    from keras.layers import SpatialDropout2D

    class SeededSpatialDropout2D(SpatialDropout2D):
        """SpatialDropout2D whose noise is a stateless function of a seed variable.

        Why: TF1's stateful random ops (what K.dropout uses) restart their sequence in every new
        session, so a resumed run would draw other masks than an uninterrupted one. Here the mask
        of each call is stateless_uniform(seed), the seed is fed from the checkpointed numpy RNG.
        Each layer has its own offset, and each application of it (the discriminator is applied
        to fake and real images, once per player) another, so masks stay independent as with the
        stateful op.
        Same scaling as K.dropout: kept channels are multiplied by 1 / (1 - rate).
        """

        def __init__(self, rate, seed_variable, offset, **kwargs):
            super(SeededSpatialDropout2D, self).__init__(rate, **kwargs)
            self._seed_variable = seed_variable
            self._offset = offset
            self._applications = 0

        def call(self, inputs, training=None):
            if not 0. < self.rate < 1.:
                return inputs
            self._applications += 1
            offset = tf.constant([self._offset, 7919 * self._applications], dtype=tf.int64)
            seed = self._seed_variable + offset
            noise_shape = self._get_noise_shape(inputs)
            keep = 1. - self.rate

            def dropped():
                uniform = tf.random.stateless_uniform(tf.stack(noise_shape), seed=seed,
                                                      dtype=inputs.dtype)
                mask = tf.floor(keep + uniform)
                return inputs * (mask / keep)

            return K.in_train_phase(dropped, inputs, training=training)

    _SEEDED = SeededSpatialDropout2D
    return _SEEDED


def count_params(model):
    return int(model.count_params())
