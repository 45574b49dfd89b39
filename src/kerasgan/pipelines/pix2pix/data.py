"""pix2pix's data: the image|edges pairs of DATA_DIR/pix2pix/<phase>/ (what `make pix2pix-preprocess`
writes) as arrays, and the reference's resize. No TensorFlow here.
"""
import hashlib
from pathlib import Path

import numpy as np

from ... import paths
from ...errors import UserError
from ...kit.files import sha256_file

LOAD_RATIO = 286.0 / 256.0    # load_size / crop_size (docs/originals.md#pix2pix-reference-defaults)


class DataError(UserError):
    pass


def default_train_dir():
    return paths.data_dir() / "pix2pix" / "train"


def load_pairs(folder):
    """DATA_DIR/pix2pix/<phase>/*.png -> (edges list, images list or None each, names). Pairs are
    [image | edges] (2S x S); a lone S x S file is an edge map without target."""
    from PIL import Image
    files = sorted(Path(folder).glob("*.png"), key=lambda p: (len(p.stem), p.stem))
    edges, images, names = [], [], []
    for path in files:
        with Image.open(str(path)) as image:
            array = np.asarray(image.convert("RGB"))
        h, w = array.shape[:2]
        if w == 2 * h:
            images.append(array[:, :h])
            edges.append(array[:, h:])
        elif w == h:
            images.append(None)
            edges.append(array)
        else:
            raise DataError("%s is neither a pair (2S x S) nor an edge map (S x S): %dx%d" % (path, w, h))
        names.append(path.stem)
    return edges, images, names


def resize(array, side):
    """uint8 (h, w, 3) -> float32 (side, side, 3) in [-1, 1], bicubic (the reference's Resize)."""
    from PIL import Image
    image = Image.fromarray(array)
    if image.size != (side, side):
        image = image.resize((side, side), Image.BICUBIC)
    return np.asarray(image, np.float32) / 127.5 - 1.0


def load_size(size):
    return int(round(size * LOAD_RATIO))


def test_dir():
    return paths.data_dir() / "pix2pix" / "test"


def pairs_digest(folder):
    """sha256 over the sha256 of every PNG of FOLDER in name order (config.json's data key)."""
    return hashlib.sha256(b"".join(sha256_file(p).encode()
                                   for p in sorted(Path(folder).glob("*.png")))).hexdigest()
