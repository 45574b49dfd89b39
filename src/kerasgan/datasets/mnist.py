"""MNIST and the embedded 28x28 digits, for every pipeline that trains on handwritten digits.

    load_mnist(path=None) -> (x uint8 (n, 28, 28), y int64 (n,))    the 60,000 training images
    load_digits28()       -> (x uint8 (1797, 28, 28), y int64)       offline, from scikit-learn

load_mnist(None) does what Keras 2.1.2's `keras.datasets.mnist.load_data()` does (the same file,
origin, md5 and cache, ~/.keras/datasets/mnist.npz, downloaded on first use) and returns its
training split. Keras re-downloads a cached mnist.npz whose md5 differs (docs/originals.md#datasets-and-weights-offline), so a
copy of one's own is read directly instead: load_mnist("/some/where/mnist.npz"). Offline with
nothing cached, DataError says which file to fetch and where to put it.

load_digits28 is the default that needs no network: scikit-learn's bundled UCI handwritten digits
(1,797 images, 8x8, values 0..16) brought to MNIST's framing: scaled to 0..255, resized 8 -> 20
with Pillow's BICUBIC filter (clipped to 0..255), and padded with 4 black pixels on every side, as
MNIST puts each digit in a 20x20 box inside 28x28. Deterministic: no random step.
"""
import os
from pathlib import Path

import numpy as np

from ..errors import UserError

MNIST_SOURCE = "https://s3.amazonaws.com/img-datasets/mnist.npz"   # Keras 2.1.2's origin
MNIST_URL = MNIST_SOURCE    # where get_file fetches from (tests point it at a closed port)
MNIST_MD5 = "8a61469f7ea1b51cbae51d4f78837e45"   # Keras 2.1.2's file_hash for it
MNIST_FILE = "mnist.npz"
SIDE = 28
DIGIT_BOX = 20      # MNIST: the digit fits a 20x20 box, centred in 28x28


class DataError(UserError):
    pass


def keras_cache_file():
    """Where Keras keeps mnist.npz (get_file's default cache; /tmp/.keras when ~ is read-only)."""
    base = os.path.expanduser(os.path.join("~", ".keras"))
    if not os.access(base, os.W_OK):
        base = os.path.join("/tmp", ".keras")
    return Path(base) / "datasets" / MNIST_FILE


def read_npz(path):
    """x_train / y_train of an mnist.npz in Keras's format -> (uint8 (n, 28, 28), int64 (n,))."""
    path = Path(path)
    if not path.is_file():
        raise DataError("%s: no such file (an mnist.npz with x_train and y_train, as %s)"
                        % (path, MNIST_URL))
    try:
        with np.load(str(path), allow_pickle=False) as archive:
            x, y = archive["x_train"], archive["y_train"]
    except (KeyError, ValueError, OSError) as error:
        raise DataError("%s is not an mnist.npz with x_train and y_train: %s" % (path, error))
    if x.ndim != 3 or x.shape[1:] != (SIDE, SIDE) or len(y) != len(x):
        raise DataError("%s: x_train must be (n, 28, 28) with n labels, got %s and %s"
                        % (path, x.shape, y.shape))
    return x.astype(np.uint8), y.astype(np.int64)


def load_mnist(path=None):
    """MNIST's training split: from Keras's cache / download (path None) or a given mnist.npz."""
    if path is not None:
        return read_npz(path)
    from keras.utils.data_utils import get_file
    try:
        # what keras.datasets.mnist.load_data() does; the origin is a module constant so that a
        # test can point it at a closed port
        cached = get_file(MNIST_FILE, origin=MNIST_URL, file_hash=MNIST_MD5)
    except Exception as error:   # Keras raises a bare Exception("URL fetch failure ...")
        raise DataError(
            "MNIST is not cached and could not be downloaded (%s). Get %s (md5 %s) and put it at "
            "%s, or give the pipeline the file's path"
            % (str(error).splitlines()[0][:200], MNIST_SOURCE, MNIST_MD5, keras_cache_file()))
    return read_npz(cached)


def load_digits28():
    """scikit-learn's 1,797 UCI digits as 28x28 uint8 images in MNIST's framing (module docstring)."""
    from PIL import Image
    from sklearn.datasets import load_digits
    bunch = load_digits()
    small = np.round(bunch.images * (255.0 / 16.0))     # 0..16 -> 0..255
    x = np.zeros((len(small), SIDE, SIDE), np.uint8)
    pad = (SIDE - DIGIT_BOX) // 2
    for i, image in enumerate(small):
        big = Image.fromarray(image.astype(np.float32), mode="F").resize(
            (DIGIT_BOX, DIGIT_BOX), Image.BICUBIC)
        x[i, pad:pad + DIGIT_BOX, pad:pad + DIGIT_BOX] = np.clip(
            np.round(np.asarray(big, np.float32)), 0, 255).astype(np.uint8)
    return x, bunch.target.astype(np.int64)
