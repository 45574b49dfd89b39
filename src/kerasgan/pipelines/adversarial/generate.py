"""`make adversarial-mnist-generate` / `adversarial-cifar10-generate`: samples from a trained run.

    EPOCH=last (generator.h5, the default) | best (the lowest discriminator loss, from the checkpoint)
    N=100 samples from the SEED's "generate" stream -> OUT_DIR/<pipeline>/<RUN>/samples/:
    grid.png, sample-<i>.png and samples.json (what was sampled, from which epoch).
"""
from pathlib import Path

import numpy as np

from ...evaluation import scoring
from ...kit import checkpoint, runfolder, seeds
from ...kit.files import read_json, write_json
from ...errors import UserError


class GenerateError(UserError):
    pass


def generate(folder, n=100, which="last", seed=0):
    from ...kit.grids import grid, save_png, to_uint8
    from .train import build_players
    folder = Path(folder)
    config = read_json(folder / runfolder.CONFIG) if (folder / runfolder.CONFIG).exists() else None
    if config is None:
        raise GenerateError("%s: no run here (no config.json); train first" % folder)
    saved = checkpoint.load(folder)
    if which == "last":
        if not (folder / "generator.h5").exists():
            raise GenerateError("%s: no generator.h5 yet (the run has not finished); use EPOCH=best" % folder)
        epoch = saved[0]["epoch"] if saved else None
    elif which == "best":
        if not saved:
            raise GenerateError("%s: no checkpoint yet" % folder)
        epoch = saved[0]["best_epoch"]
    elif which == scoring.BEST_FID:
        try:
            epoch = scoring.best_fid_epoch(folder)
        except ValueError as error:
            raise GenerateError(str(error))
        if epoch not in checkpoint.snapshot_epochs(folder):
            raise GenerateError("%s: epoch %d (best FID) has no snapshot left (KEEP_SNAPSHOTS)" % (folder, epoch))
    else:
        raise GenerateError("EPOCH must be last, best or %s, got %r" % (scoring.BEST_FID, which))
    from ... import determinism
    determinism.seed_everything(seed, threads=config["threads"])
    if which == "last":
        from keras.models import load_model
        generator = load_model(str(folder / "generator.h5"))
    else:
        generator, _ = build_players(config)
        generator.set_weights(saved[1]["best_generator"] if which == "best"
                              else checkpoint.load_snapshot(folder, epoch)["generator"])
    z = seeds.stream(seed, "generate").normal(size=(n, config["latent_dim"])).astype(np.float32)
    images = np.asarray(generator.predict(z, batch_size=32))
    if images.ndim == 3:
        images = images[..., None]
    pixels = to_uint8(images)
    out = folder / runfolder.SAMPLES
    out.mkdir(exist_ok=True)
    for old in out.glob("sample-*.png"):
        old.unlink()
    save_png(grid(pixels, int(np.ceil(np.sqrt(n)))), out / "grid.png")
    for i, image in enumerate(pixels):
        save_png(image, out / ("sample-%04d.png" % i))
    write_json(out / "samples.json", {"n": n, "epoch": epoch, "requested_epoch": which,
                                      "seed": seed, "nice": False})
    return out


def main(pipeline, args):
    folder = runfolder.run_dir(pipeline, args.run)
    out = generate(folder, args.n, args.epoch, args.seed)
    print("%s: %d samples in %s" % (pipeline, args.n, out))
    return 0
