"""pix2pix's U-Net generator and 70x70 PatchGAN discriminator, as pure builders (docs/originals.md#pix2pix-reference-defaults).

Facts from the reference (junyanz/pytorch-CycleGAN-and-pix2pix, unet_256 / basic, ngf = ndf = 64):

- generator, one block per down-sampling, depth = log2(SIZE) so the innermost feature map is 1x1
  (8 at SIZE 256 = unet_256, 6 at 64, 5 at 32). Encoder level i (1-based) has min(ngf*2^(i-1), 512)
  channels: C64-C128-C256-C512x5 at 256. Each down step is LeakyReLU(0.2) -> Conv 4x4 stride 2 ->
  BatchNorm (the first level has no LeakyReLU before and no BN after, the innermost no BN). Convs
  have no bias (the reference sets bias only for instance norm, so even the first and innermost
  down convs have none). Decoder mirrors it: ReLU -> ConvTranspose 4x4 stride 2 -> BN (+ dropout
  0.5 in the three levels just outside the innermost), concatenated with the encoder's activated
  features of the same level; the outermost up conv has a bias and ends in tanh.
  The reference's LeakyReLU is in place, so its skip connections carry LeakyReLU(x), not x: same here.
- discriminator (input = concat(condition, image), 6 channels): C64 (stride 2, bias, no norm) -
  C128 - C256 (stride 2, BN, no bias) - C512 (stride 1, BN, no bias) - Conv(1) (stride 1, bias),
  4x4 kernels, padding 1, LeakyReLU 0.2; no sigmoid (the losses take logits). 30x30 patches at 256.

Trainable parameters at SIZE 256 (test_pix2pix_models.py asserts them): G 54,413,955 and D 2,768,705,
the reference's printed 54.414 M and 2.769 M. Keras's BatchNormalization also holds moving mean and
variance (non-trainable; PyTorch keeps them as buffers, which its count leaves out), so compare
trainable counts only. MODE_SEEKING adds NZ noise channels to the generator's input (the first conv
grows by NZ*64*16 weights).

Noise: pix2pix's only noise is dropout. TF1's stateful dropout restarts in every session, so the
dropout here is stateless, its seed a variable the trainer sets from the checkpointed numpy RNG.
"""
import itertools
import math

# Defaults, with their source.
NGF = 64            # reference --ngf
NDF = 64            # reference --ndf
MAX_MULT = 8        # channels stop growing at ngf*8 = 512
LEAK = 0.2          # LeakyReLU slope (both networks)
DROPOUT = 0.5       # reference use_dropout (pix2pix: --no_dropout off)
DROPOUT_LEVELS = 3  # unet_256: num_downs - 5 = 3 ngf*8 blocks with dropout
D_LAYERS = 3        # reference --n_layers_D (basic = 70x70 PatchGAN)
NZ = 8              # mode seeking: noise channels (BicycleGAN's --nz, which MSGAN's code builds on)
SIZE = 256          # reference --load_size 286 / --crop_size 256
MIN_SIZE = 32       # the PatchGAN needs >= 2x2 patches: 32 -> 16 -> 8 -> 4 -> 3 -> 2


def unet_depth(size):
    """Down-sampling blocks for a SIZE x SIZE input: log2(SIZE), innermost map 1x1."""
    if size < MIN_SIZE or size & (size - 1):
        raise ValueError("SIZE must be a power of two >= %d, got %r" % (MIN_SIZE, size))
    return int(round(math.log(size, 2)))


def level_channels(depth, ngf=NGF):
    """Encoder channels of levels 1..depth: [64, 128, 256, 512, 512, ...]."""
    return [ngf * min(2 ** i, MAX_MULT) for i in range(depth)]


def dropout_levels(depth):
    """Levels (1-based) whose up block has dropout: the three just outside the innermost."""
    return set(range(max(2, depth - DROPOUT_LEVELS), depth))


def build_generator(size=SIZE, ngf=NGF, nz=0, dropout=None, name="generator"):
    """[edges (size, size, 3)] (+ [z (nz,)] when nz > 0) -> image (size, size, 3) in [-1, 1].

    z (mode seeking) is tiled over the image and concatenated to the input channels, as
    BicycleGAN's G_Unet_add_input (MSGAN's pix2pix experiments build on that code).
    `dropout(rate)` makes the dropout layers (default: stateless_dropout without a seed variable,
    i.e. Keras's Dropout: fine for building and counting, not for resumable training).
    """
    from keras.layers import (Activation, BatchNormalization, Concatenate, Conv2D, Conv2DTranspose,
                              Input, LeakyReLU, Reshape, UpSampling2D)
    from keras.models import Model

    if dropout is None:
        from keras.layers import Dropout as dropout
    depth = unet_depth(size)
    channels = level_channels(depth, ngf)
    edges = Input((size, size, 3), name="edges")
    inputs = [edges]
    x = edges
    if nz:
        z = Input((nz,), name="z")
        inputs.append(z)
        # tiled by nearest up-sampling of 1x1 (not a Lambda: the model must save to .h5)
        tiled = UpSampling2D(size, name="tile_z")(Reshape((1, 1, nz))(z))
        x = Concatenate(name="edges_z")([edges, tiled])

    def conv(filters, name, **kw):
        return Conv2D(filters, 4, strides=2, padding="same", use_bias=False, name=name, **kw)

    # Encoder: skips[i] = LeakyReLU of level i+1's output (what the in-place reference concatenates).
    skips = []
    for level in range(1, depth + 1):
        if level > 1:
            x = LeakyReLU(LEAK, name="down%d_lrelu" % level)(x)
            skips.append(x)
        x = conv(channels[level - 1], "down%d_conv" % level)(x)
        if 1 < level < depth:
            x = BatchNormalization(name="down%d_bn" % level)(x)
    # Decoder: level depth (innermost) up to 1 (outermost).
    drop = dropout_levels(depth)
    for level in range(depth, 0, -1):
        if level < depth:
            x = Concatenate(name="up%d_cat" % level)([skips[level - 1], x])
        x = Activation("relu", name="up%d_relu" % level)(x)
        if level == 1:
            x = Conv2DTranspose(3, 4, strides=2, padding="same", name="up1_convt")(x)
            x = Activation("tanh", name="tanh")(x)
            break
        x = Conv2DTranspose(channels[level - 2], 4, strides=2, padding="same", use_bias=False,
                            name="up%d_convt" % level)(x)
        x = BatchNormalization(name="up%d_bn" % level)(x)
        if level in drop:
            x = dropout(DROPOUT)(x)
    return Model(inputs, x, name=name)


def build_discriminator(size=SIZE, ndf=NDF, name="discriminator"):
    """concat(edges, image) (size, size, 6) -> patch logits (p, p, 1), p = 30 at 256, 2 at 32."""
    from keras.layers import BatchNormalization, Conv2D, Input, LeakyReLU, ZeroPadding2D
    from keras.models import Model

    unet_depth(size)  # same size rule
    pair = Input((size, size, 6), name="pair")
    x = pair
    mult = 1
    for n in range(D_LAYERS + 1):
        mult = min(2 ** n, MAX_MULT)
        stride = 2 if n < D_LAYERS else 1
        # padding 1 on both sides as the reference (TF's "same" pads 1|2 for stride 1)
        x = ZeroPadding2D(1, name="d%d_pad" % n)(x)
        x = Conv2D(ndf * mult, 4, strides=stride, use_bias=(n == 0), name="d%d_conv" % n)(x)
        if n > 0:
            x = BatchNormalization(name="d%d_bn" % n)(x)
        x = LeakyReLU(LEAK, name="d%d_lrelu" % n)(x)
    x = ZeroPadding2D(1, name="out_pad")(x)
    x = Conv2D(1, 4, strides=1, name="patch_logits")(x)
    return Model(pair, x, name=name)


def trainable_count(model):
    from keras import backend as K
    return int(sum(K.count_params(w) for w in model.trainable_weights))


# ---------------------------------------------------------------- seeded dropout
_SEEDED = None


def seeded_dropout(seed_variable):
    """A `dropout` factory for build_generator whose masks are a function of `seed_variable`
    (int64, shape (2,)), which the trainer sets from its numpy RNG before each step. The layers
    of one factory get offsets 1009, 2018, ... in the order they are made: a second network built
    in the same process (a notebook's train then test) gets the masks of the first."""
    cls = _seeded_class()
    layers = itertools.count(1)
    return lambda rate: cls(rate, seed_variable, 1009 * next(layers))


def _seeded_class():
    """The layer class, built lazily so that importing this module needs no Keras."""
    global _SEEDED
    if _SEEDED is not None:
        return _SEEDED
    import tensorflow as tf
    from keras import backend as K
    from keras.layers import Dropout

    class SeededDropout(Dropout):
        """Dropout whose mask is stateless_uniform(seed + a per-layer offset).

        Each layer gets its own offset (masks independent across layers); two calls of the same
        layer in one step (mode seeking's G(x, z1) and G(x, z2)) get further offsets. Same scaling
        as K.dropout. Active whenever the learning phase is 1: the reference's test.py also runs G
        in train mode (without --eval), so its dropout is noise at test time too.
        """
        def __init__(self, rate, seed_variable, offset, **kwargs):
            super(SeededDropout, self).__init__(rate, **kwargs)
            self._seed_variable = seed_variable
            self._offset = offset
            self._calls = 0

        def call(self, inputs, training=None):
            if not 0. < self.rate < 1.:
                return inputs
            self._calls += 1
            seed = self._seed_variable + tf.constant([self._offset, 7919 * self._calls], tf.int64)
            keep = 1. - self.rate

            def dropped():
                uniform = tf.random.stateless_uniform(tf.shape(inputs), seed=seed, dtype=inputs.dtype)
                return inputs * (tf.floor(keep + uniform) / keep)

            return K.in_train_phase(dropped, inputs, training=training)

        def get_config(self):
            config = super(SeededDropout, self).get_config()
            config.pop("noise_shape", None)
            config.pop("seed", None)
            return config

    _SEEDED = SeededDropout
    return _SEEDED
