"""`make generate`: sample from a Pikachu GAN run into OUT_DIR/pikachu/<RUN>/samples/.

    make generate [RUN=default] [N=100] [NICE=1] [EPOCH=best|last|<n>] [SEED=0]

EPOCH=best (default) uses the generator of the epoch with the lowest discriminator loss, as the
original's author picked epoch 25,200; `last` the latest checkpoint; <n> a grid epoch whose
weights are still kept (checkpoints/snapshot-<n>.npz). NICE=1 does what keras-dcgan's --nice did:
draw 20 x N samples, score them with the discriminator of the same epoch, keep the N it rates
most real. Writes sample-<rank>.png (rank 000 = best scored when NICE=1), grid.png, samples.csv
(rank, candidate index, discriminator score) and samples.json.
"""

import numpy as np

from . import PIPELINE, models
from .train import BATCH_SIZE
from ...errors import UserError
from ...kit import cli, runfolder, runs, seeds

NICE_FACTOR = 20   # keras-dcgan --nice: 20 x batch candidates


class GenerateError(UserError):
    pass


def configure(parser):
    cli.run_arguments(parser, PIPELINE)
    cli.sample_arguments(parser, "best", "best, last, best-fid (lowest FID of an EVAL_N run) or a grid epoch number")
    parser.add_argument("--nice", type=int, choices=(0, 1), default=0,
                        help="1: keep the N of 20xN samples the discriminator scores highest")


def sample_latents(seed, count, latent_dim=models.LATENT_DIM):
    """The latents `generate` draws for SEED (tests recompute them)."""
    return seeds.stream(seed, "generate").normal(size=(count, latent_dim)).astype(np.float32)


def load_generator(run, which="best"):
    """-> (epoch, generator, discriminator) of a run: plain Keras layers with the weights of
    `which` (best, last or a kept grid epoch; kit.runs). Call in a seeded session."""
    opened = runs.open_run(PIPELINE, run)
    config = opened.config
    epoch, groups = opened.weights(which)
    generator = models.build_generator(config["nch"], config["kernel"], config["size"],
                                       config["latent_dim"])
    discriminator = models.build_discriminator(config["nch"], config["kernel"], config["dropout"],
                                               config["size"])
    generator.set_weights(groups["generator"])
    discriminator.set_weights(groups["discriminator"])
    return epoch, generator, discriminator


def generate(run, n=100, nice=False, epoch="best", seed=0, log=print):
    """Write the samples; return a dict with the epoch used, the kept candidate indices and all
    candidates' scores."""
    from ...kit import determinism
    from ...kit.grids import grid, save_png, to_uint8

    if n < 1:
        raise GenerateError("N must be at least 1")
    opened = runs.open_run(PIPELINE, run)
    folder, config = opened.folder, opened.config
    determinism.seed_everything(seed, threads=config.get("threads"))
    used_epoch, generator, discriminator = load_generator(run, str(epoch))

    count = n * NICE_FACTOR if nice else n
    z = sample_latents(seed, count, config["latent_dim"])
    images = generator.predict(z, batch_size=BATCH_SIZE)
    scores = discriminator.predict(images, batch_size=BATCH_SIZE).reshape(-1).astype(np.float64)
    if nice:
        keep = np.argsort(-scores, kind="mergesort")[:n]   # highest first; ties by index
    else:
        keep = np.arange(n)

    out = folder / runfolder.SAMPLES
    out.mkdir(parents=True, exist_ok=True)
    runfolder.clear_sample_images(out)
    pixels = to_uint8(images[keep])
    for rank, image in enumerate(pixels):
        save_png(image, out / (runfolder.SAMPLE_IMAGE % rank))
    save_png(grid(pixels), out / runfolder.SAMPLE_GRID)
    runfolder.write_sample_table(out, keep, scores)
    meta = {"run": run, "epoch": used_epoch, "requested_epoch": str(epoch), "n": n,
            "nice": bool(nice), "candidates": count, "seed": seed,
            "mean_score_kept": float(scores[keep].mean()), "mean_score_all": float(scores.mean())}
    runfolder.write_json(out / runfolder.SAMPLE_FIGURES, meta)
    log("generate: %d sample(s) of epoch %d%s -> %s" % (
        n, used_epoch, " (best %d of %d by the discriminator)" % (n, count) if nice else "", out))
    return {"epoch": used_epoch, "keep": keep, "scores": scores, "folder": out}


def main(args):
    generate(args.run, args.n, bool(args.nice), args.epoch, args.seed,
             log=lambda *a: print(*a, flush=True))
    return 0
