"""The two image sets `evaluate` compares, read from a folder, a run or a dataset by name.

    a folder          every .png/.jpg/.jpeg/.bmp directly in it, in name order; all of one size
    a run             OUT_DIR/<pipeline>/<RUN>/ (or <pipeline>/<RUN>) of the domain's pipelines:
                      its samples/ (written by their generate commands; grid pictures skipped), or
                      for pix2pix the *_output.png of its latest test_<epoch>/images/
    a dataset         real  (the domain's real data, what its feature network trains on: the
                      first REAL_DEFAULT images unless N is given)
                      targets (pix2pix: the *_target.png beside the outputs of A)

Images are converted to the domain's shape (grey or RGB, resized bicubic when their side
differs). Bad input raises SetError naming the file and the reason.
"""
from collections import namedtuple
from pathlib import Path

import numpy as np

from .. import paths
from ..kit import runfolder
from . import features

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")
SKIPPED = ("grid.png", "generated_image.png", runfolder.BEST_GRID)   # pictures of many samples
PIPELINES = {
    "digits": ("dcgan", "adversarial-mnist"),
    "colour32": ("adversarial-cifar10", "pikachu"),
    "faces64": ("cartoon",),
    "pix2pix": ("pix2pix",),
}
OUTPUT, TARGET = "_output", "_target"
REAL_DEFAULT = 5000     # B=real without N: PRDC's distance matrices grow with the square of the set


class SetError(Exception):
    """An image set that can't be read (the message names the file or folder and the reason)."""


def read_folder(folder, suffix=""):
    """uint8 images of one size and their names; only files whose stem ends with `suffix`."""
    from PIL import Image
    folder = Path(folder)
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXTENSIONS
                   and p.name not in SKIPPED and p.stem.endswith(suffix))
    if not files:
        raise SetError("%s: no images (%s)" % (folder, ", ".join(EXTENSIONS)))
    images, first = [], None
    for path in files:
        try:
            with Image.open(str(path)) as image:
                image.load()
                array = np.asarray(image.convert("RGB"), np.uint8)
        except Exception as error:   # Pillow raises several unrelated types
            raise SetError("%s: not a readable image (%s)" % (path, str(error)[:200]))
        if first is None:
            first = (path, array.shape)
        elif array.shape != first[1]:
            raise SetError("%s: %dx%d, but %s is %dx%d (one size per set)"
                           % (path, array.shape[1], array.shape[0], first[0].name, first[1][1], first[1][0]))
        images.append(array)
    return np.stack(images), [p.stem[:len(p.stem) - len(suffix)] if suffix else p.stem for p in files]


def to_domain(images, domain):
    """uint8 (n, h, w[, 1 | 3]) -> the domain's (n, side, side) grey or (n, side, side, 3) RGB."""
    from PIL import Image
    d = features.DOMAINS[domain]
    images = np.asarray(images, np.uint8)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    out = []
    for array in images:
        image = Image.fromarray(array).convert("RGB")
        if image.size != (d.side, d.side):
            image = image.resize((d.side, d.side), Image.BICUBIC)
        out.append(np.asarray(image.convert("L") if d.channels == 1 else image, np.uint8))
    return np.stack(out)


def run_folder(spec, domain):
    """The image folder and name suffix of a run given by name, or None if spec names no run."""
    root = paths.out_dir()
    candidates = [root / spec] if "/" in spec else [root / p / spec for p in PIPELINES[domain]]
    found = [c for c in candidates if (c / runfolder.CONFIG).is_file()]
    if len(found) > 1:
        raise SetError("run %s exists in %s: give <pipeline>/%s" % (spec, ", ".join(str(f) for f in found), spec))
    return samples_of(found[0]) if found else None


def samples_of(run):
    """A run folder -> (folder of its individual samples, suffix)."""
    tests = sorted(run.glob("test_*/images"), key=lambda p: (len(str(p)), str(p)))
    if tests:
        return tests[-1], OUTPUT
    samples = run / runfolder.SAMPLES
    if not samples.is_dir():
        raise SetError("%s: no samples/ yet: run the pipeline's generate command first" % run)
    return samples, ""


ImageSet = namedtuple("ImageSet", "images names source folder")


def load(spec, domain, seed=0, n=0, beside=None):
    """-> ImageSet (uint8 images in the domain's shape, file names or None, description, folder or
    None). `beside` is A's folder (for B=targets)."""
    if spec == "real":
        x, _, source = features.REAL_DATA[domain](seed)
        return ImageSet(x[:n or REAL_DEFAULT], None, source, None)
    if spec == "targets":
        if beside is None:
            raise SetError("B=targets needs A to be a pix2pix test page or run")
        folder, suffix = Path(beside), TARGET
    else:
        folder, suffix = _resolve(spec, domain)
    images, names = read_folder(folder, suffix)
    return ImageSet(to_domain(images[:n or None], domain), names[:n or None],
                    "%s/*%s.*" % (folder, suffix) if suffix else str(folder), folder)


def _resolve(spec, domain):
    """A folder, run folder or run name -> (image folder, suffix)."""
    folder = Path(spec)
    if folder.is_dir() and (folder / runfolder.CONFIG).is_file():
        return samples_of(folder)
    if folder.is_dir():
        return folder, (OUTPUT if list(folder.glob("*%s.png" % OUTPUT)) else "")
    found = run_folder(spec, domain)
    if found is None:
        raise SetError("%s: neither a folder, a run of %s under %s, nor a dataset (real, targets)"
                       % (spec, "/".join(PIPELINES[domain]), paths.out_dir()))
    return found
