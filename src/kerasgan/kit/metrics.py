"""Mode collapse and memorisation of generated samples, measured against the training set.

Pixel-space figures every pipeline can compute with numpy alone (no Inception weights exist
offline: docs/originals.md#datasets-and-weights-offline). `collapse_warnings` turns a history of them into the run's warnings.
"""
import numpy as np

DIVERSITY_WARN = 0.2    # below: warn of mode collapse (1.0 = as varied as the data)
MEMORISED_WARN = 0.5    # above: warn that most samples copy training images
COLUMNS = ["diversity", "nearest_train", "memorised"]


def _flat(images):
    return images.reshape(len(images), -1).astype(np.float64)


def _rms_distances(a, b):
    """Root-mean-square pixel distance between every row of a and every row of b."""
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a.dot(b.T)
    return np.sqrt(np.maximum(squared, 0.0) / a.shape[1])


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
        train = _flat(train_images.astype(np.float64) / 255.0)[:limit]
        self.train = train
        d = _rms_distances(train, train)
        n = len(train)
        self.train_pairwise = d[np.triu_indices(n, 1)].mean()
        np.fill_diagonal(d, np.inf)
        nearest = d.min(1)
        self.train_nearest = nearest.mean()
        self.memo_threshold = 0.5 * np.median(nearest)

    def measure(self, samples):
        s = _flat(samples)
        n = len(s)
        pairwise = _rms_distances(s, s)[np.triu_indices(n, 1)].mean()
        to_train = _rms_distances(s, self.train)
        nearest = to_train.min(1)
        return {
            "diversity": float(pairwise / self.train_pairwise),
            "nearest_train": float(nearest.mean() / self.train_nearest),
            "memorised": float((nearest < self.memo_threshold).mean()),
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
