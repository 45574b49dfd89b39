"""`make cartoon-interpolate [IMAGES=csA,csB] [STEPS=8]`: G along the line between two images'
latents, E(a) -> E(b). Writes OUT_DIR/cartoon/<RUN>/interpolate/<a>_<b>.png: a, then
G((1 - t) E(a) + t E(b)) for STEPS values of t from 0 to 1, then b. Without IMAGES, two images
chosen by the "eval" stream.
"""
import sys

import numpy as np

from . import arithmetic, data as dataset
from ...kit import seeds
from ...kit.progress import log


def interpolate(run, names=None, steps=8, seed=0):
    folder, config, generator, encoder = arithmetic.load_run(run)
    images, _, all_names = arithmetic.load_images(config)
    if names:
        missing = [n for n in names if n not in all_names]
        if missing:
            raise arithmetic.ArithmeticError_("not in the set: %s" % ", ".join(missing))
        index = [all_names.index(n) for n in names]
    else:
        index = list(seeds.stream(seed, "eval").permutation(len(images))[:2])
    x = dataset.to_model(images[index])
    a, b = encoder.predict(x)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    drawn = generator.predict(((1.0 - t) * a + t * b).astype(np.float32))
    out = folder / "interpolate" / ("%s_%s.png" % (all_names[index[0]], all_names[index[1]]))
    out.parent.mkdir(parents=True, exist_ok=True)
    arithmetic.save_grid(np.concatenate([x[:1], drawn, x[1:]]), out, steps + 2)
    log("cartoon-interpolate: %s" % out)
    return out


def configure(parser):
    parser.add_argument("--run", default="default", help="run name: OUT_DIR/cartoon/<RUN>/")
    parser.add_argument("--images", default="", help="two image names, e.g. cs123,cs456 (default: two by SEED)")
    parser.add_argument("--steps", type=int, default=8, help="points on the line, ends included")
    parser.add_argument("--seed", type=int, default=0)


def main(args):
    names = [n.strip() for n in args.images.split(",") if n.strip()] if args.images else None
    try:
        if names is not None and len(names) != 2:
            raise arithmetic.ArithmeticError_("IMAGES takes exactly two names, e.g. cs123,cs456")
        if args.steps < 2:
            raise arithmetic.ArithmeticError_("STEPS must be at least 2")
        interpolate(args.run, names, args.steps, args.seed)
    except (arithmetic.ArithmeticError_, dataset.DataError, ValueError) as error:
        print("cartoon-interpolate: error: %s" % error, file=sys.stderr)
        return 2
    return 0
