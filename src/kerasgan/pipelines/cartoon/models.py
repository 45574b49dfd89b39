"""The cartoon pipeline's networks, as pure builders returning uncompiled models.

Seed 002 gives no architecture (docs/originals.md#cartoon-set-experiment), so the GAN is the DCGAN of Radford et al. (2015)
at 64x64: z (100) -> Dense -> 4x4x(8 nf) -> strided 5x5 transposed convolutions with batch norm and
ReLU, halving the channels, -> 64x64x3 tanh; the discriminator mirrors it (strided 5x5
convolutions, LeakyReLU 0.2, batch norm except on the first layer) down to 4x4x(8 nf) -> one
sigmoid. nf = 64 gives the paper's 4x4x512. The encoder is the discriminator's body without
batch norm and with a linear 100-d head: images -> z. The attribute classifier is a small CNN of its own.

Parameter counts at nf 64, kernel 5, on Keras 2.1.2 (tests/test_cartoon_models.py):
generator 5,128,643, discriminator 4,317,441, encoder 5,125,860.
"""
LATENT_DIM = 100
SIDE = 64
NF = 64              # 4x4x(8 * 64) = 4x4x512, the paper's first block
KERNEL = 5           # Radford et al.'s 5x5
BN_MOMENTUM = 0.9    # the DCGAN reference code's decay (Keras's 0.99 lags a short run)
STEPS = 4            # 4 -> 8 -> 16 -> 32 -> 64
INIT_STDDEV = 0.02   # the paper: every weight from N(0, 0.02) (batch norm's scale from N(1, 0.02))
GENERATOR_PARAMS = 5128643
DISCRIMINATOR_PARAMS = 4317441
ENCODER_PARAMS = 5125860


def _weights():
    from keras.initializers import RandomNormal
    return RandomNormal(0.0, INIT_STDDEV)


def _batch_norm():
    from keras.initializers import RandomNormal
    from keras.layers import BatchNormalization
    return BatchNormalization(momentum=BN_MOMENTUM, gamma_initializer=RandomNormal(1.0, INIT_STDDEV))


def build_generator(nf=NF, kernel=KERNEL, latent_dim=LATENT_DIM):
    """z -> Dense(4*4*8nf) BN ReLU -> 3 x [ConvT(stride 2) BN ReLU] -> ConvT(3, stride 2) tanh."""
    from keras.layers import Activation, Conv2DTranspose, Dense, Reshape
    from keras.models import Sequential
    model = Sequential(name="generator")
    top = nf * 2 ** (STEPS - 1)
    model.add(Dense(4 * 4 * top, input_shape=(latent_dim,), use_bias=False, kernel_initializer=_weights()))
    model.add(Reshape((4, 4, top)))
    model.add(_batch_norm())
    model.add(Activation("relu"))
    for step in range(STEPS - 1):
        model.add(Conv2DTranspose(top // 2 ** (step + 1), kernel, strides=2, padding="same",
                                  use_bias=False, kernel_initializer=_weights()))
        model.add(_batch_norm())
        model.add(Activation("relu"))
    model.add(Conv2DTranspose(3, kernel, strides=2, padding="same", kernel_initializer=_weights()))
    model.add(Activation("tanh"))
    return model


def _body(model, nf, kernel, batch_norm=True):
    """64x64x3 -> 4 x [Conv(stride 2) (BN) LeakyReLU 0.2] -> Flatten: the D / E trunk."""
    from keras.layers import Conv2D, Flatten, LeakyReLU
    for step in range(STEPS):
        first = step == 0
        kwargs = {"input_shape": (SIDE, SIDE, 3)} if first else {}
        model.add(Conv2D(nf * 2 ** step, kernel, strides=2, padding="same",
                         use_bias=first or not batch_norm, kernel_initializer=_weights(), **kwargs))
        if batch_norm and not first:   # the paper: no batch norm on D's input layer
            model.add(_batch_norm())
        model.add(LeakyReLU(0.2))
    model.add(Flatten())
    return model


def build_discriminator(nf=NF, kernel=KERNEL):
    """64x64x3 in [-1, 1] -> the probability that it is a real image."""
    from keras.layers import Dense
    from keras.models import Sequential
    model = _body(Sequential(name="discriminator"), nf, kernel)
    model.add(Dense(1, activation="sigmoid", kernel_initializer=_weights()))
    return model


def build_encoder(nf=NF, kernel=KERNEL, latent_dim=LATENT_DIM):
    """64x64x3 in [-1, 1] -> z (linear: latents are unbounded normals). No batch norm: the
    encoder trains through the frozen generator in inference mode (train.build)."""
    from keras.layers import Dense
    from keras.models import Sequential
    model = _body(Sequential(name="encoder"), nf, kernel, batch_norm=False)
    model.add(Dense(latent_dim))
    return model


def build_classifier(side=SIDE):
    """A small CNN: 64x64x3 in [-1, 1] -> P(attribute). Judges the arithmetic's outputs."""
    from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from keras.models import Sequential
    model = Sequential(name="attribute_classifier")
    model.add(Conv2D(16, 3, activation="relu", padding="same", input_shape=(side, side, 3)))
    model.add(MaxPooling2D(2))
    model.add(Conv2D(32, 3, activation="relu", padding="same"))
    model.add(MaxPooling2D(2))
    model.add(Conv2D(32, 3, activation="relu", padding="same"))
    model.add(MaxPooling2D(2))
    model.add(Flatten())
    model.add(Dense(64, activation="relu"))
    model.add(Dense(1, activation="sigmoid"))
    return model
