"""Judges: small classifiers trained here, once per data set, that score generated images where no
pretrained network exists offline (docs/originals.md#datasets-and-weights-offline): the digit
classifier (datasets/digit_classifier.py: adversarial-mnist and dcgan figures) and the cartoon
attribute classifiers (cartoon-arithmetic's flip shares).

A judge is cached as DATA_DIR/models/<name>-<key>.h5 beside a .json of its figures (held-out
accuracy, split, epochs, seed); the key is a sha256 of its training images and labels, so changed
data trains a new judge and the same data never trains twice. `ensure` trains a missing one in its
own seeded session (kit.determinism), with its split and everything else random drawn from the
"judge" stream of SEED, and clears that session afterwards: a judge never shifts the random
numbers of a network built after it, and a cached judge and a freshly trained one give the same
bytes downstream. Build (and load) everything else after `ensure`.
"""
import hashlib
import json
from pathlib import Path

import numpy as np

from . import seeds
from .files import atomic_path, write_json
from .. import paths

VALID_SHARE = 0.1       # of the images held out for the judge's accuracy
SPLIT_MIN = 20          # fewer images: none held out (unless the judge asks for some)


def key(*arrays):
    """sha256 hex of the arrays' bytes (C order, their own dtypes), in order."""
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def cache_path(name, data_key, data_root=None):
    """DATA_DIR/models/<name>-<first 16 hex of the key>.h5."""
    return Path(data_root or paths.data_dir()) / paths.MODELS / ("%s-%s.h5" % (name, data_key[:16]))


def split(rng, n, at_least=0):
    """-> (held-out indices, training indices): a permutation of n from rng, VALID_SHARE held out
    (none below SPLIT_MIN images, but at least `at_least`)."""
    order = rng.permutation(n)
    held = int(round(n * VALID_SHARE)) if n >= SPLIT_MIN else 0
    held = max(held, at_least)
    return order[:held], order[held:]


def ensure(path, seed, fit, log=print):
    """The judge at PATH; when it is missing, fit(rng) -> (compiled, trained model, info dict) makes
    it in a fresh seeded session (rng: the "judge" stream), and it is saved with info as its .json.
    -> PATH. The session is cleared either way it was made: seed yours after this call."""
    from . import determinism
    path = Path(path)
    if path.is_file():
        return path
    import keras.backend as K
    determinism.seed_everything(seed)
    model, info = fit(seeds.stream(seed, "judge"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, ".h5") as tmp:
        model.save(str(tmp))
    write_json(path.with_suffix(".json"), info)
    K.clear_session()
    return path


def load(path):
    from keras.models import load_model
    return load_model(str(path))


def info(path):
    """The judge's .json ({} when there is none)."""
    meta = Path(path).with_suffix(".json")
    return json.loads(meta.read_text()) if meta.is_file() else {}
