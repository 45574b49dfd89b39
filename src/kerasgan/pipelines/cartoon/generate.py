"""`make cartoon-generate [N=64] [EPOCH=last]`: N new faces from the trained generator, latents from
the "generate" stream: OUT_DIR/cartoon/<RUN>/samples/grid.png and samples.json (diversity and
memorisation against the training set, kit.metrics).

load_generator(run, which) is how every cartoon stage opens a run (kit.runs): G and E built from
the run's config and given the checkpoint's weights, never the training graph.
"""
import numpy as np

from . import PIPELINE, data as dataset, models
from ...errors import UserError
from ...kit import cli, metrics, runfolder, runs, seeds
from ...kit.files import write_json
from ...kit.progress import log

BATCH = 64


def load_generator(run, which="last"):
    """-> (kit.runs.Run, epoch, generator, encoder) with the weights of `which` (last, or the
    latest epoch's number: a cartoon run keeps no snapshots)."""
    opened = runs.open_run(PIPELINE, run)
    epoch, groups = opened.weights(which)
    config = opened.config
    generator = models.build_generator(config["nf"], config["kernel"])
    encoder = models.build_encoder(config["nf"], config["kernel"])
    generator.set_weights(groups["generator"])
    encoder.set_weights(groups["encoder"])
    return opened, epoch, generator, encoder


def save_faces(images, path, columns):
    """tanh images -> one grid PNG."""
    from ...kit.grids import grid, save_png, to_uint8
    save_png(grid(to_uint8(images, -1.0, 1.0), columns), path)


def generate(run, n=64, seed=0, which="last"):
    opened, epoch, generator, _ = load_generator(run, which)
    images, _, _ = dataset.run_images(opened.config)
    z = seeds.stream(seed, "generate").normal(size=(n, models.LATENT_DIM)).astype(np.float32)
    drawn = generator.predict(z, batch_size=BATCH)
    out = opened.folder / runfolder.SAMPLES
    out.mkdir(parents=True, exist_ok=True)
    save_faces(drawn, out / runfolder.SAMPLE_GRID, int(np.ceil(np.sqrt(n))))
    figures = metrics.CollapseMeter(images).measure((drawn + 1.0) / 2.0) if n > 1 else {}
    figures.update({"n": n, "seed": seed, "epoch": epoch, "which": str(which)})
    write_json(out / runfolder.SAMPLE_FIGURES, figures)
    log("cartoon-generate: %d faces of epoch %d -> %s" % (n, epoch, out / runfolder.SAMPLE_GRID))
    return figures


def configure(parser):
    cli.run_arguments(parser, PIPELINE)
    cli.sample_arguments(parser, "last", "which weights: last (the run's latest epoch)", n=64)


def main(args):
    if args.n < 1:
        raise UserError("N must be at least 1")
    generate(args.run, args.n, args.seed, args.epoch)
    return 0
