"""Image grids, PNGs and the timelapse GIF (numpy + Pillow; no TensorFlow)."""
from pathlib import Path

import numpy as np

from .files import atomic_path

GUTTER = 2   # white pixels between grid cells


def to_uint8(images, low=0.0, high=1.0):
    """float images in [low, high] (sigmoid: 0..1, tanh: -1..1) -> uint8 with 3 channels kept as
    they are (a grey (n, h, w, 1) batch stays one channel)."""
    images = np.asarray(images)
    if (low, high) != (0.0, 1.0):   # (the [0, 1] path computes in the input's dtype, as it always has)
        images = (images - low) / (high - low)
    return np.round(np.clip(images, 0.0, 1.0) * 255.0).astype(np.uint8)


def grid(images, columns=None):
    """(n, h, w, c) uint8 -> one (rows*h + gutters, columns*w + gutters, c) uint8 image."""
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
    """A (h, w, 3) or (h, w, 1) uint8 array as a PNG, atomically."""
    from PIL import Image
    array = np.asarray(array)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    with atomic_path(path) as tmp:
        Image.fromarray(array).save(str(tmp), format="PNG")


def save_gif(frame_paths, path, seconds_per_frame=0.2):
    """An animated GIF of the frames, in the order given (the original's timelapse)."""
    from PIL import Image
    frames = []
    for p in frame_paths:
        with Image.open(str(p)) as image:
            frames.append(image.convert("RGB").convert("P", palette=Image.ADAPTIVE))
    if not frames:
        return False
    with atomic_path(path) as tmp:
        frames[0].save(str(tmp), format="GIF", save_all=True, append_images=frames[1:],
                       duration=int(seconds_per_frame * 1000), loop=0)
    return True


def make_timelapse(folder, pattern="epoch-*.png", name="timelapse.gif"):
    """The run's grids, in name order, as one GIF."""
    frames = sorted(Path(folder).glob(pattern))
    return save_gif(frames, Path(folder) / name)
