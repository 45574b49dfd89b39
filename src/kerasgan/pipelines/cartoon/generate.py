"""`make cartoon-generate [N=64]`: N new faces from the trained generator, latents from the
"generate" stream: OUT_DIR/cartoon/<RUN>/samples/grid.png and samples.json (diversity and
memorisation against the training set, kit.metrics).
"""
import sys

import numpy as np

from . import arithmetic, models
from ...kit import metrics, runfolder, seeds
from ...kit.files import write_json
from ...kit.progress import log


def generate(run, n=64, seed=0):
    folder, config, generator, _ = arithmetic.load_run(run)
    images, _, _ = arithmetic.load_images(config)
    z = seeds.stream(seed, "generate").normal(size=(n, models.LATENT_DIM)).astype(np.float32)
    drawn = generator.predict(z, batch_size=arithmetic.BATCH)
    out = folder / runfolder.SAMPLES
    out.mkdir(parents=True, exist_ok=True)
    arithmetic.save_grid(drawn, out / "grid.png", int(np.ceil(np.sqrt(n))))
    figures = metrics.CollapseMeter(images).measure((drawn + 1.0) / 2.0) if n > 1 else {}
    figures.update({"n": n, "seed": seed, "epoch": config["epochs"] - 1, "which": "final"})
    write_json(out / "samples.json", figures)
    log("cartoon-generate: %d faces -> %s" % (n, out / "grid.png"))
    return figures


def configure(parser):
    parser.add_argument("--run", default="default", help="run name: OUT_DIR/cartoon/<RUN>/")
    parser.add_argument("--n", type=int, default=64, help="faces to draw")
    parser.add_argument("--seed", type=int, default=0)


def main(args):
    try:
        if args.n < 1:
            raise arithmetic.ArithmeticError_("N must be at least 1")
        generate(args.run, args.n, args.seed)
    except (arithmetic.ArithmeticError_, ValueError) as error:
        print("cartoon-generate: error: %s" % error, file=sys.stderr)
        return 2
    return 0
