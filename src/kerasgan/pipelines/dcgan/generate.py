"""`make dcgan-generate [NICE=1]` / `python -m kerasgan dcgan --mode generate [--nice]`.

As the original: plain generate draws one batch of uniform(-1, 1) noise and saves its grid;
--nice draws 20 x batch samples, scores them with the discriminator and keeps exactly the batch
with the highest scores (ties by draw order), best first. Both use the run's latest weights (the
checkpoint, which is saved with generator.h5 / discriminator.h5 every 10 batches) and write
OUT_DIR/dcgan/<RUN>/generated_image.png (the original's name, the latest call's) plus
samples/<plain|nice>/: grid.png (the same picture), samples.csv (rank, candidate, score),
samples.json (with the digit classifier's figures when the run's data has labels).
"""
from pathlib import Path

import numpy as np

from . import PIPELINE, models
from ...datasets import digit_classifier
from ...errors import UserError
from ...kit import judge, runfolder, runs, seeds
from ...kit.files import read_json

NICE_FACTOR = 20       # keras-dcgan --nice: 20 x batch candidates
GENERATED = "generated_image.png"


class GenerateError(UserError):
    pass


def sample_latents(seed, count):
    """The noise `generate` draws for SEED (tests recompute it)."""
    return seeds.stream(seed, "generate").uniform(-1, 1, size=(count, models.LATENT_DIM)).astype(np.float32)


def nice_indices(scores, n):
    """The n candidates with the highest discriminator scores, highest first; ties by index."""
    return np.argsort(-np.asarray(scores, np.float64), kind="mergesort")[:n]


def load_generator(run, which="last"):
    """-> (checkpoint state, generator, discriminator) with the weights of `which` (last: the
    latest of the every-10-batches saves; kit.runs). Call in a seeded session."""
    opened = runs.open_run(PIPELINE, run)
    _, groups = opened.weights(which)
    state = opened.saved[0]
    generator, discriminator = models.build_generator(), models.build_discriminator()
    generator.set_weights(groups["generator"])
    discriminator.set_weights(groups["discriminator"])
    return state, generator, discriminator


def generate(run, batch_size=128, nice=False, seed=0, log=print):
    from ...kit import determinism
    from ...kit.grids import grid, save_png, to_uint8
    if batch_size < 1:
        raise GenerateError("--batch_size must be at least 1")
    opened = runs.open_run(PIPELINE, run)
    folder, config = opened.folder, opened.config
    summary = read_json(folder / runfolder.SUMMARY) or {}
    classifier_path = (summary.get("classifier") or {}).get("file")
    determinism.seed_everything(seed, threads=config.get("threads"))
    state, generator, discriminator = load_generator(run)
    count = batch_size * NICE_FACTOR if nice else batch_size
    z = sample_latents(seed, count)
    images = generator.predict(z, batch_size=128)
    scores = discriminator.predict(images, batch_size=128).reshape(-1).astype(np.float64)
    keep = nice_indices(scores, batch_size) if nice else np.arange(batch_size)
    kept = images[keep]

    out = folder / runfolder.SAMPLES / ("nice" if nice else "plain")
    out.mkdir(parents=True, exist_ok=True)
    picture = grid(to_uint8(kept, -1.0, 1.0))
    save_png(picture, out / runfolder.SAMPLE_GRID)
    save_png(picture, folder / GENERATED)
    runfolder.write_sample_table(out, keep, scores)
    meta = {"run": run, "epoch": state["epoch"], "batch": state["batch"], "n": batch_size,
            "nice": bool(nice), "candidates": count, "seed": seed,
            "mean_score_kept": float(scores[keep].mean()), "mean_score_all": float(scores.mean())}
    if classifier_path and Path(classifier_path).is_file():
        probabilities = judge.load(classifier_path).predict(kept, batch_size=256)
        meta.update(digit_classifier.figures(probabilities))
        meta["class_histogram"] = digit_classifier.histogram(probabilities)
    runfolder.write_json(out / runfolder.SAMPLE_FIGURES, meta)
    log("dcgan generate: %d sample(s) of epoch %d batch %d%s -> %s" % (
        batch_size, state["epoch"], state["batch"],
        " (best %d of %d by the discriminator)" % (batch_size, count) if nice else "",
        folder / GENERATED))
    if "classes_covered" in meta:
        log("dcgan generate: digits covered %d/10, KL from uniform %.3f, confident %.0f%%"
            % (meta["classes_covered"], meta["kl_uniform"], 100 * meta["confident"]))
    return {"keep": keep, "scores": scores, "images": images, "folder": out, "meta": meta}
