"""`make adversarial-mnist-generate` / `adversarial-cifar10-generate`: samples from a trained run.

    EPOCH=last (the latest checkpoint, the default) | best (the lowest discriminator loss) | a kept epoch
    N=100 samples from the SEED's "generate" stream -> OUT_DIR/<pipeline>/<RUN>/samples/:
    grid.png, sample-<i>.png and samples.json (what was sampled, from which epoch).
"""
import numpy as np

from ...kit import runfolder, runs, seeds
from ...kit.files import write_json


def load_generator(pipeline, run, which="last"):
    """-> (epoch, generator) of a run with the weights of `which` (last, best or a kept epoch;
    kit.runs); the example's own layers. Call in a seeded session."""
    from .train import build_players
    opened = runs.open_run(pipeline, run)
    epoch, groups = opened.weights(which)
    generator, _ = build_players(opened.config)
    generator.set_weights(groups["generator"])
    return epoch, generator


def generate(pipeline, run, n=100, which="last", seed=0):
    from ...kit import determinism
    from ...kit.grids import grid, save_png, to_uint8
    opened = runs.open_run(pipeline, run)
    folder, config = opened.folder, opened.config
    determinism.seed_everything(seed, threads=config["threads"])
    epoch, generator = load_generator(pipeline, run, which)
    z = seeds.stream(seed, "generate").normal(size=(n, config["latent_dim"])).astype(np.float32)
    images = np.asarray(generator.predict(z, batch_size=32))
    if images.ndim == 3:
        images = images[..., None]
    pixels = to_uint8(images)
    out = folder / runfolder.SAMPLES
    out.mkdir(exist_ok=True)
    runfolder.clear_sample_images(out)
    save_png(grid(pixels, int(np.ceil(np.sqrt(n)))), out / runfolder.SAMPLE_GRID)
    for i, image in enumerate(pixels):
        save_png(image, out / (runfolder.SAMPLE_IMAGE % i))
    write_json(out / runfolder.SAMPLE_FIGURES, {"n": n, "epoch": epoch, "requested_epoch": which,
                                      "seed": seed, "nice": False})
    return out


def main(pipeline, args):
    out = generate(pipeline, args.run, args.n, args.epoch, args.seed)
    print("%s: %d samples in %s" % (pipeline, args.n, out))
    return 0
