"""CIFAR-10, and an embedded labelled 32x32 colour set in its place for offline runs.

    load_cifar10(path=None) -> (x uint8 (n, 32, 32, 3), y int64 (n,))   the 50,000 training images
    load_emoji10(seed, per_class=40) -> same, 10 emoji classes, offline

load_cifar10(None) is `keras.datasets.cifar10.load_data()` (Keras 2.1.2: get_file of
cifar-10-python.tar.gz, extracted to ~/.keras/datasets/cifar-10-batches-py, no hash). An extracted
folder of that name in the cache is used as it is, and Keras then needs data_batch_1..5 of exactly
10,000 images each plus test_batch (docs/originals.md#datasets-and-weights-offline): we check that first and say so in one line.
Offline with nothing cached, DataError says which file to get from where and where to put it.

load_cifar10(folder) reads a `cifar-10-batches-py` folder with our own reader: every
data_batch_* in it (pickled dicts: b'data' uint8 (n, 3072) as 1024 red, 1024 green, 1024 blue
values of a row-major 32x32 image; b'labels'), any number of images.

load_emoji10: the demo's stand-in for CIFAR-10 (no network, no download). Ten classes of colour
emoji from Debian's Noto Color Emoji (the font kerasgan.demo.corpus renders), each glyph drawn on a
background colour and augmented (flip, shift, scale, hue of the background) to `per_class` images,
all random choices from the SEED's "data" stream: the same seed gives the same bytes.
"""
import os
import pickle
from pathlib import Path

import numpy as np

from ..errors import UserError

CIFAR_SOURCE = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"   # Keras 2.1.2's origin
CIFAR_URL = CIFAR_SOURCE    # where we fetch from (tests point it at a closed port)
FOLDER = "cifar-10-batches-py"
TRAIN_BATCHES = ["data_batch_%d" % i for i in range(1, 6)]
TEST_BATCH = "test_batch"
PER_BATCH = 10000
SIDE = 32

# Ten emoji classes, like CIFAR-10's ten (several vehicles and animals among them).
EMOJI_CLASSES = (
    ("airplane", 0x2708), ("automobile", 0x1F697), ("bird", 0x1F426), ("cat", 0x1F408),
    ("deer", 0x1F98C), ("dog", 0x1F415), ("frog", 0x1F438), ("horse", 0x1F40E),
    ("ship", 0x1F6A2), ("truck", 0x1F69A))


class DataError(UserError):
    pass


def keras_cache_dir():
    """Keras's dataset cache (get_file's default; /tmp/.keras when ~/.keras is not writable)."""
    base = os.path.expanduser(os.path.join("~", ".keras"))
    if not os.access(base, os.W_OK) and os.path.exists(base):
        base = os.path.join("/tmp", ".keras")
    return Path(base) / "datasets"


def _read_batch(path):
    try:
        with open(str(path), "rb") as handle:
            batch = pickle.load(handle, encoding="bytes")
        data, labels = batch[b"data"], batch[b"labels"]
    except (OSError, pickle.UnpicklingError, EOFError, KeyError, TypeError) as error:
        raise DataError("%s is not a CIFAR-10 batch (a pickled dict with b'data' and b'labels'): %s"
                        % (path, error))
    data = np.asarray(data, np.uint8)
    if data.ndim != 2 or data.shape[1] != 3 * SIDE * SIDE or len(labels) != len(data):
        raise DataError("%s: b'data' must be (n, 3072) with n labels, got %s and %d labels"
                        % (path, data.shape, len(labels)))
    x = data.reshape(-1, 3, SIDE, SIDE).transpose(0, 2, 3, 1)   # channels last, as Keras returns
    return x, np.asarray(labels, np.int64)


def read_folder(folder):
    """Every data_batch_* of a cifar-10-batches-py folder -> (x, y), in batch-number order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("%s: no such folder (a %s folder, as extracted from %s)"
                        % (folder, FOLDER, CIFAR_SOURCE))
    names = sorted((p for p in folder.glob("data_batch_*")),
                   key=lambda p: int(p.name.rsplit("_", 1)[1]) if p.name.rsplit("_", 1)[1].isdigit() else 0)
    if not names:
        raise DataError("%s holds no data_batch_* files (a %s folder, as extracted from %s)"
                        % (folder, FOLDER, CIFAR_SOURCE))
    parts = [_read_batch(p) for p in names]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def check_cached(folder):
    """What Keras's load_data needs of an extracted cache folder; DataError in one line if not."""
    missing = [n for n in TRAIN_BATCHES + [TEST_BATCH] if not (folder / n).is_file()]
    if missing:
        raise DataError("%s lacks %s; Keras uses this folder as it is: delete it to download again, "
                        "or put the files of %s there" % (folder, ", ".join(missing), CIFAR_SOURCE))
    for name in TRAIN_BATCHES:
        n = len(_read_batch(folder / name)[0])
        if n != PER_BATCH:
            raise DataError("%s/%s holds %d images; Keras needs exactly %d per batch (pass a folder "
                            "of your own with --data PATH instead)" % (folder, name, n, PER_BATCH))


def load_cifar10(path=None):
    """CIFAR-10's training split: Keras's cache / download (path None) or a given folder."""
    if path is not None:
        return read_folder(path)
    cached = keras_cache_dir() / FOLDER
    if not cached.is_dir():
        from keras.utils.data_utils import get_file
        try:
            # what keras.datasets.cifar10.load_data() does first (same name, cache and untar)
            get_file(FOLDER, origin=CIFAR_URL, untar=True)
        except Exception as error:   # Keras raises a bare Exception("URL fetch failure ...")
            raise DataError(
                "CIFAR-10 is not cached and could not be downloaded (%s). Get %s and extract it "
                "into %s (giving %s/), or pass an extracted %s folder (--data PATH)"
                % (str(error).splitlines()[0][:200], CIFAR_SOURCE, cached.parent, cached, FOLDER))
    check_cached(cached)
    from keras.datasets import cifar10
    (x, y), _ = cifar10.load_data()
    return x.astype(np.uint8), np.asarray(y, np.int64).reshape(-1)


# ---------------------------------------------------------------- the embedded stand-in
def _glyph(font, cp):
    """The emoji as an RGBA image cropped to its drawing."""
    from ..demo.corpus import render
    image = render(font, cp)
    return image.crop(image.getbbox())


def load_emoji10(seed, per_class=40, font_path=None):
    """10 classes x per_class augmented 32x32 colour emoji (uint8) and their labels 0..9."""
    from PIL import Image, ImageFont
    from ..demo.corpus import FONT_SIZE, find_font
    from ..kit import seeds
    font = ImageFont.truetype(str(find_font(font_path)), FONT_SIZE)
    rng = seeds.stream(seed, "data")
    xs, ys = [], []
    for label, (_, cp) in enumerate(EMOJI_CLASSES):
        glyph = _glyph(font, cp)
        for _ in range(per_class):
            size = int(rng.randint(22, 31))             # scale: 22..30 px on a 32 px canvas
            flip = rng.rand() < 0.5
            dx, dy = rng.randint(0, SIDE - size + 1, size=2)
            background = tuple(int(v) for v in rng.randint(150, 256, size=3))   # light, varied
            art = glyph.transpose(Image.FLIP_LEFT_RIGHT) if flip else glyph
            w, h = art.size
            scale = float(size) / max(w, h)
            art = art.resize((max(1, int(round(w * scale))), max(1, int(round(h * scale)))),
                             Image.LANCZOS)
            canvas = Image.new("RGBA", (SIDE, SIDE), background + (255,))
            canvas.alpha_composite(art, (int(dx), int(dy)))
            xs.append(np.asarray(canvas.convert("RGB"), np.uint8))
            ys.append(label)
    order = rng.permutation(len(xs))
    return np.stack(xs)[order], np.asarray(ys, np.int64)[order]
