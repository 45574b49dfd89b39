"""Small real JPEG images of two visually distinct classes, for the filter and label tests.

"pikachu": warm yellow images with a dark blob; "others": cool blue/green images with stripes.
Deterministic for a given seed.
"""
from pathlib import Path

import numpy as np
from PIL import Image


def make_image(kind, rng, size=48):
    yy, xx = np.mgrid[0:size, 0:size]
    if kind == "pikachu":
        base = np.array([235, 200, 40]) + rng.randint(-20, 20, 3)
        img = np.ones((size, size, 3)) * base
        cy, cx, r = rng.randint(10, size - 10, 2).tolist() + [rng.randint(4, 9)]
        img[(yy - cy) ** 2 + (xx - cx) ** 2 < r * r] = [40, 30, 20]
    else:
        base = np.array([40, 110, 200]) + rng.randint(-30, 30, 3)
        img = np.ones((size, size, 3)) * base
        period = rng.randint(6, 14)
        img[(xx + yy) % period < period // 2] = base * 0.5
    img = img + rng.normal(0, 8, img.shape)
    return Image.fromarray(np.clip(img, 0, 255).astype("uint8"), "RGB")


def write_images(folder, kind, n, seed, start=0, size=48, prefix=""):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    paths = []
    for i in range(n):
        path = folder / ("%s%d.jpg" % (prefix, start + i + 1))
        make_image(kind, rng, size).save(str(path), quality=90)
        paths.append(path)
    return paths


def write_labeled(data_dir, per_class=(14, 14, 10, 10), classes=("pikachu", "others"), seed=1):
    """labeled/{trains,valids}/{pikachu,others}/ with per_class = (train t, train o, valid t, valid o)."""
    labeled = Path(data_dir) / "labeled"
    t_train, o_train, t_valid, o_valid = per_class
    write_images(labeled / "trains" / classes[0], "pikachu", t_train, seed)
    write_images(labeled / "trains" / classes[1], "others", o_train, seed + 1)
    write_images(labeled / "valids" / classes[0], "pikachu", t_valid, seed + 2)
    write_images(labeled / "valids" / classes[1], "others", o_valid, seed + 3)
    return labeled


def write_reshaped(data_dir, n_target=12, n_other=12, seed=7, size=64):
    """reshaped/1.jpg ... mixed classes (even numbers pikachu-like); returns {name: kind}."""
    reshaped = Path(data_dir) / "reshaped"
    reshaped.mkdir(parents=True, exist_ok=True)
    rng = np.random.RandomState(seed)
    kinds = {}
    # interleave: 1 others, 2 pikachu, 3 others, ...
    t, o = 0, 0
    for i in range(1, n_target + n_other + 1):
        kind = "pikachu" if (i % 2 == 0 and t < n_target) or o >= n_other else "others"
        t, o = (t + 1, o) if kind == "pikachu" else (t, o + 1)
        make_image(kind, rng, size).save(str(reshaped / ("%d.jpg" % i)), quality=90)
        kinds["%d.jpg" % i] = kind
    return kinds
