"""The GAN's training set: the filter's kept images, resized to SIZE once and cached.

Reads every JPEG (and PNG) directly in TRAIN_DIR (default DATA_DIR/predicted/, what the filter
stage keeps), resizes it to SIZE x SIZE, and caches the uint8 array with its source list under
DATA_DIR/cache/pikachu-gan/. The cache is rebuilt when the folder's files (names, sizes, mtimes),
SIZE or the resize method change. No TensorFlow here.
"""
import hashlib
import json
from pathlib import Path

import numpy as np

from ... import paths
from ...kit.files import atomic_path
from ...errors import UserError

EXTENSIONS = (".jpg", ".jpeg", ".png")
RESAMPLE = "LANCZOS"   # the original's resize is unknown; docs/pikachu.md#fidelity-notes
CACHE_VERSION = 1


class DataError(UserError):
    """A problem with the training images that the user must fix (printed without a traceback)."""


def default_train_dir():
    return paths.data_dir() / paths.PREDICTED


def list_images(train_dir):
    train_dir = Path(train_dir)
    if not train_dir.is_dir():
        raise DataError(
            "training images folder %s does not exist: run the filter stage first (it writes "
            "DATA_DIR/predicted/), or point TRAIN_DIR= at a folder of images" % train_dir)
    return sorted(p for p in train_dir.iterdir()
                  if p.is_file() and p.suffix.lower() in EXTENSIONS)


def _fingerprint(files, size):
    entries = [[p.name, p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    blob = json.dumps({"v": CACHE_VERSION, "size": size, "resample": RESAMPLE, "files": entries})
    return hashlib.sha256(blob.encode()).hexdigest()


def cache_dir(train_dir, size):
    tag = hashlib.sha256(str(Path(train_dir).resolve()).encode()).hexdigest()[:12]
    return paths.data_dir() / "cache" / "pikachu-gan" / ("%s-%dpx" % (tag, size))


def _resize(path, size):
    from PIL import Image
    try:
        with Image.open(str(path)) as image:
            image = image.convert("RGB").resize((size, size), getattr(Image, RESAMPLE))
            return np.asarray(image, dtype=np.uint8)
    except Exception as error:  # Pillow raises several unrelated types (incl. DecompressionBombError)
        raise DataError("can't read training image %s: %s" % (path, error))


def _write_atomic(path, write):
    with atomic_path(path) as tmp:
        with open(str(tmp), "wb") as handle:
            write(handle)


def load_training_images(train_dir, size, batch_size, log=print):
    """Return (images uint8 (n, size, size, 3), source names, sha256 of the array)."""
    files = list_images(train_dir)
    if len(files) < batch_size:
        raise DataError("%s holds %d training image(s), fewer than one batch (%d): the GAN needs "
                        "at least %d" % (train_dir, len(files), batch_size, batch_size))
    key = _fingerprint(files, size)
    folder = cache_dir(train_dir, size)
    array_path, sources_path, key_path = (folder / "images.npy", folder / "sources.txt",
                                          folder / "key.json")
    try:
        cached = json.loads(key_path.read_text())
    except (OSError, ValueError):
        cached = {}
    if cached.get("key") == key and array_path.exists() and sources_path.exists():
        images = np.load(str(array_path))
        sources = sources_path.read_text().splitlines()
        if images.shape == (len(files), size, size, 3) and len(sources) == len(files):
            log("data: %d images from the cache %s" % (len(files), folder))
            return images, sources, cached["sha256"]
    log("data: resizing %d images of %s to %dx%d (cached in %s)"
        % (len(files), train_dir, size, size, folder))
    images = np.stack([_resize(p, size) for p in files])
    sources = [p.name for p in files]
    digest = hashlib.sha256(images.tobytes()).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    _write_atomic(array_path, lambda h: np.save(h, images))
    _write_atomic(sources_path, lambda h: h.write(("\n".join(sources) + "\n").encode()))
    # the key goes last: a cache whose key matches is complete
    _write_atomic(key_path, lambda h: h.write(json.dumps({"key": key, "sha256": digest}).encode()))
    return images, sources, digest
