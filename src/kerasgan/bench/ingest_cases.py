"""Bench case of the filter CNN (ingest/filter_model.py): batched predict vs one predict per image.

The original scored its images one `model.predict` per file; `filter score` stacks them and
predicts in batches of 32. Same model (random weights: speed does not depend on them), same
synthetic 32x32 images; only the model call is timed, not decoding.
"""
import time

import numpy as np


def _model_and_images(params):
    from ..kit import determinism
    from ..ingest.filter_model import build_filter_model, compile_filter_model
    from ..kit import seeds
    determinism.seed_everything(params["seed"], threads=params["threads"])
    model = compile_filter_model(build_filter_model())
    images = seeds.stream(params["seed"], "data").uniform(
        0, 1, size=(params["images"], 32, 32, 3)).astype(np.float32)
    model.predict(images[:2])   # warm-up: builds the predict function
    return model, images


def _result(n, seconds, probs):
    return {"value": n / seconds, "samples": [round(seconds, 4)], "seconds": round(seconds, 4),
            "images": n, "checksum": round(float(np.sum(probs)), 4)}


def filter_batched(params):
    model, images = _model_and_images(params)
    started = time.time()
    probs = model.predict(images, batch_size=32).reshape(-1)
    return _result(len(images), time.time() - started, probs)


def filter_one_by_one(params):
    model, images = _model_and_images(params)
    started = time.time()
    probs = [float(model.predict(image[None])[0, 0]) for image in images]
    return _result(len(images), time.time() - started, probs)
