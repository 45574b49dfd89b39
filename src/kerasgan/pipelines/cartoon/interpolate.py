"""`make cartoon-interpolate [IMAGES=csA,csB] [STEPS=8]`: G along the line between two images'
latents, E(a) -> E(b). Writes OUT_DIR/cartoon/<RUN>/interpolate/<a>_<b>.png: a, then
G((1 - t) E(a) + t E(b)) for STEPS values of t from 0 to 1, then b. Without IMAGES, two images
chosen by the "eval" stream.
"""
import numpy as np

from . import PIPELINE, data as dataset
from .generate import load_generator, save_faces
from ...errors import UserError
from ...kit import cli, seeds
from ...kit.progress import log


def interpolate(run, names=None, steps=8, seed=0, which="last"):
    opened, _, generator, encoder = load_generator(run, which)
    images, _, all_names = dataset.run_images(opened.config)
    if names:
        missing = [n for n in names if n not in all_names]
        if missing:
            raise UserError("not in the set: %s" % ", ".join(missing))
        index = [all_names.index(n) for n in names]
    else:
        index = list(seeds.stream(seed, "eval").permutation(len(images))[:2])
    x = dataset.to_model(images[index])
    a, b = encoder.predict(x)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    drawn = generator.predict(((1.0 - t) * a + t * b).astype(np.float32))
    out = opened.folder / "interpolate" / ("%s_%s.png" % (all_names[index[0]], all_names[index[1]]))
    out.parent.mkdir(parents=True, exist_ok=True)
    save_faces(np.concatenate([x[:1], drawn, x[1:]]), out, steps + 2)
    log("cartoon-interpolate: %s" % out)
    return out


def configure(parser):
    cli.run_arguments(parser, PIPELINE)
    parser.add_argument("--images", default="", help="two image names, e.g. cs123,cs456 (default: two by SEED)")
    parser.add_argument("--steps", type=int, default=8, help="points on the line, ends included")
    parser.add_argument("--epoch", default="last", help="which weights: last (the run's latest epoch)")


def main(args):
    names = [n.strip() for n in args.images.split(",") if n.strip()] if args.images else None
    if names is not None and len(names) != 2:
        raise UserError("IMAGES takes exactly two names, e.g. cs123,cs456")
    if args.steps < 2:
        raise UserError("STEPS must be at least 2")
    interpolate(args.run, names, args.steps, args.seed, args.epoch)
    return 0
