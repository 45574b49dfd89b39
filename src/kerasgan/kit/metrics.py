"""Mode collapse and memorisation of generated samples, measured against the training set.

Pixel-space figures every pipeline can compute with numpy alone (no Inception weights exist
offline: docs/originals.md#datasets-and-weights-offline). `collapse_warnings` turns a history of them into the run's warnings.
"""
import math

import numpy as np

DIVERSITY_WARN = 0.2    # below: warn of mode collapse (1.0 = as varied as the data)
MEMORISED_WARN = 0.5    # above: warn that most samples copy training images
COLUMNS = ["diversity", "nearest_train", "memorised"]


def _levels(images):
    """(n, ...) uint8 images, or floats in [0, 1] (quantised as their grids are) -> (n, pixels)
    float64 whole levels 0..255."""
    images = np.asarray(images)
    flat = images.reshape(len(images), -1).astype(np.float64)
    return flat if images.dtype == np.uint8 else np.round(np.clip(flat, 0.0, 1.0) * 255.0)


def _rms_distances(a, b):
    """Root-mean-square distance (in [0, 1] units) between every row of a and every row of b.

    The rows hold whole levels, so every product and partial sum of the dot products is an integer
    below 2**53: exact in float64 whatever order BLAS sums in (threads, SIMD, memory alignment), so
    the figures have the same bytes in every run."""
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a.dot(b.T)
    return np.sqrt(np.maximum(squared, 0.0) / (a.shape[1] * 255.0 ** 2))


def _mean(values):
    """The exactly rounded mean (math.fsum): independent of numpy's summation order."""
    values = np.ravel(values)
    return math.fsum(values.tolist()) / len(values)


class CollapseMeter(object):
    """Diversity and memorisation of generated samples, relative to the training set.

    - diversity: mean pairwise distance between the samples / the same figure on the training
      images. About 1 = as varied as the data; near 0 = every sample alike (mode collapse, as the
      original's best grid).
    - nearest_train: mean distance from each sample to its nearest training image / mean distance
      from each training image to its nearest other one. Well below 1 = copies of training images.
    - memorised: fraction of samples closer to a training image than half the training set's
      median nearest-neighbour distance.
    """

    def __init__(self, train_images, limit=2000):
        train = _levels(np.asarray(train_images)[:limit])
        self.train = train
        d = _rms_distances(train, train)
        n = len(train)
        self.train_pairwise = _mean(d[np.triu_indices(n, 1)])
        np.fill_diagonal(d, np.inf)
        nearest = d.min(1)
        self.train_nearest = _mean(nearest)
        self.memo_threshold = 0.5 * np.median(nearest)

    def measure(self, samples):
        s = _levels(samples)
        n = len(s)
        pairwise = _mean(_rms_distances(s, s)[np.triu_indices(n, 1)])
        to_train = _rms_distances(s, self.train)
        nearest = to_train.min(1)
        return {
            "diversity": float(pairwise / self.train_pairwise),
            "nearest_train": float(_mean(nearest) / self.train_nearest),
            "memorised": float(_mean(nearest < self.memo_threshold)),
        }


def collapse_warnings(history, diversity_warn=DIVERSITY_WARN, memorised_warn=MEMORISED_WARN):
    """Warnings (dicts with kind, epochs, message) from the rows of history.csv that carry the
    metrics above."""
    warnings = []
    grid_rows = [r for r in history if r.get("diversity") is not None]
    low = [r for r in grid_rows if r["diversity"] < diversity_warn]
    if low:
        warnings.append({
            "kind": "mode-collapse", "epochs": [r["epoch"] for r in low],
            "message": "diversity below %.2f at %d of %d grid epochs (first %d, last %d): the "
                       "samples look alike" % (diversity_warn, len(low), len(grid_rows),
                                               low[0]["epoch"], low[-1]["epoch"])})
    copied = [r for r in grid_rows if r["memorised"] > memorised_warn]
    if copied:
        warnings.append({
            "kind": "memorisation", "epochs": [r["epoch"] for r in copied],
            "message": "over %.0f%% of the samples near-copy training images at %d grid epochs"
                       % (100 * memorised_warn, len(copied))})
    return warnings
