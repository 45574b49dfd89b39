"""Image grids, the timelapse GIF, and the mode-collapse / memorisation metrics (numpy + Pillow)."""
import numpy as np

GUTTER = 2   # white pixels between grid cells


def to_uint8(images):
    """float images in [0, 1] (the generator's sigmoid output) -> uint8."""
    return np.round(np.clip(images, 0.0, 1.0) * 255.0).astype(np.uint8)


def grid(images, columns=None):
    """(n, h, w, 3) uint8 -> one (rows*h + gutters, columns*w + gutters, 3) uint8 image."""
    n, h, w, c = images.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / float(columns)))
    out = np.full((rows * h + (rows + 1) * GUTTER, columns * w + (columns + 1) * GUTTER, c), 255,
                  dtype=np.uint8)
    for i in range(n):
        r, col = divmod(i, columns)
        top, left = GUTTER + r * (h + GUTTER), GUTTER + col * (w + GUTTER)
        out[top:top + h, left:left + w] = images[i]
    return out


def save_png(array, path):
    from PIL import Image
    tmp = path.with_name(path.name + ".tmp.png")
    Image.fromarray(array).save(str(tmp), format="PNG")
    tmp.replace(path)


def save_gif(frame_paths, path, seconds_per_frame=0.2):
    """An animated GIF of the grids, in the order given (the original's timelapse)."""
    from PIL import Image
    frames = []
    for p in frame_paths:
        with Image.open(str(p)) as image:
            frames.append(image.convert("RGB").convert("P", palette=Image.ADAPTIVE))
    if not frames:
        return False
    tmp = path.with_name(path.name + ".tmp.gif")
    frames[0].save(str(tmp), format="GIF", save_all=True, append_images=frames[1:],
                   duration=int(seconds_per_frame * 1000), loop=0)
    tmp.replace(path)
    return True


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
