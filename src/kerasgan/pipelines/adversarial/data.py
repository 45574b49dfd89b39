"""Training images of the two examples: which source, loaded how (no TensorFlow unless Keras downloads).

adversarial-mnist:   mnist (Keras's MNIST, downloaded into ~/.keras/datasets on first use),
                     digits (scikit-learn's UCI digits at 28x28, offline), or a path to an mnist.npz
adversarial-cifar10: cifar10 (Keras's CIFAR-10, same cache), emoji (10 classes of colour emoji,
                     augmented, offline), or a path to an extracted cifar-10-batches-py folder
Both examples train on the training split scaled to [0, 1] (mnist_utils / cifar10_utils).
"""
import hashlib

import numpy as np

from ...datasets import cifar10, mnist
from ...errors import UserError

SOURCES = {
    "adversarial-mnist": ("mnist", "digits"),
    "adversarial-cifar10": ("cifar10", "emoji"),
}
DataError = (mnist.DataError, cifar10.DataError)


class LoadError(UserError):
    pass


def load(pipeline, data, seed=0, per_class=40, limit=0):
    """-> (uint8 images, description). `limit` keeps the first N images (0: all)."""
    try:
        if pipeline == "adversarial-mnist":
            if data == "mnist":
                x, _ = mnist.load_mnist(None)
            elif data == "digits":
                x, _ = mnist.load_digits28()
            else:
                x, _ = mnist.load_mnist(data)
        else:
            if data == "cifar10":
                x, _ = cifar10.load_cifar10(None)
            elif data == "emoji":
                x, _ = cifar10.load_emoji10(seed, per_class)
            else:
                x, _ = cifar10.load_cifar10(data)
    except DataError as error:
        raise LoadError(str(error))
    except FileNotFoundError as error:   # the emoji font
        raise LoadError(str(error))
    if limit:
        x = x[:limit]
    return np.ascontiguousarray(x, np.uint8)


def digest(images):
    return hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()
