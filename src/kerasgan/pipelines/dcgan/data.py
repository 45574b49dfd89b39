"""The DCGAN's training images: MNIST (the original's), the embedded digits, an mnist.npz of one's
own, or a folder of one's own images (--path, the fork's option).

    load(data="mnist", path=None) -> (x uint8 (n, 28, 28), y int64 or None, description dict)

--data mnist    Keras's MNIST (downloaded into ~/.keras/datasets on first use), training split
--data digits   scikit-learn's UCI digits at 28x28, offline (kerasgan.datasets.mnist.load_digits28)
--data FILE     an mnist.npz of one's own (read directly; see docs/originals.md#datasets-and-weights-offline)
--path DIR      every image file in DIR (sorted by name), converted to grey ("L") and resized to
                28x28 with Pillow's LANCZOS filter; no labels, so no classifier figures
"""
from pathlib import Path

import numpy as np

from ...datasets.mnist import DataError, load_digits28, load_mnist, SIDE
from ...kit.files import sha256_bytes

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def load_folder(folder):
    from PIL import Image
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("--path %s: not a folder" % folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise DataError("--path %s: no image files (%s)" % (folder, " ".join(IMAGE_SUFFIXES)))
    images = []
    for p in files:
        try:
            with Image.open(str(p)) as image:
                grey = image.convert("L")
                if grey.size != (SIDE, SIDE):
                    grey = grey.resize((SIDE, SIDE), Image.LANCZOS)
                images.append(np.asarray(grey, np.uint8))
        except (OSError, ValueError) as error:
            raise DataError("--path: cannot read %s: %s" % (p, error))
    return np.stack(images)


def load(data="mnist", path=None):
    if path:
        x, y = load_folder(path), None
        source = {"kind": "folder", "path": str(Path(path).resolve())}
    elif data == "mnist":
        x, y = load_mnist()
        source = {"kind": "mnist"}
    elif data == "digits":
        x, y = load_digits28()
        source = {"kind": "digits", "how": "sklearn load_digits 8x8, x255/16, BICUBIC to 20x20, pad 4"}
    else:
        x, y = load_mnist(data)
        source = {"kind": "npz", "path": str(Path(data).resolve())}
    source.update({"images": int(len(x)), "sha256": sha256_bytes(x.tobytes()),
                   "labels": y is not None})
    return x, y, source


def to_model(x):
    """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [-1, 1], as the original: (x - 127.5) / 127.5."""
    return ((x.astype(np.float32) - 127.5) / 127.5)[:, :, :, None]
