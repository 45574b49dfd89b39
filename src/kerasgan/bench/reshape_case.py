"""Bench case of `reshape` (ingest/reshape.py; runs in .venv-ingest): sequential vs parallel.

Synthetic inputs (colour gradients with noise, saved as JPEG at the case's width x height) are
reshaped to 256x256 JPEG with the stage's own `process` (decode, EXIF, RGB, ImageOps.fit, JPEG,
perceptual hash): file after file in this process, as the original's loop, or through the stage's
`run_pool` (one memory- and time-limited worker process per core).
"""
import os
import tempfile
import time
from pathlib import Path

SIZE, QUALITY, MAX_BYTES, MEM_MB, TIME_LIMIT = 256, 75, 50 * 2 ** 20, 1024, 30.0


def _inputs(params, folder):
    import numpy as np
    from PIL import Image
    rng = np.random.RandomState([params["seed"], 4])
    w, h = params["width"], params["height"]
    ramp = np.linspace(0, 255, w)[None, :, None] * np.ones((h, 1, 1))
    paths = []
    for i in range(params["images"]):
        colour = rng.uniform(0.2, 1.0, size=3)
        pixels = ramp * colour + rng.uniform(0, 40, size=(h, w, 3))
        path = Path(folder) / ("%d.jpg" % i)
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(str(path), quality=90)
        paths.append(str(path))
    return paths


def _result(results, seconds, jobs):
    ok = sum(1 for r in results if r["status"] == "ok")
    return {"value": len(results) / seconds, "samples": [round(seconds, 4)],
            "seconds": round(seconds, 4), "images": len(results), "ok": ok, "jobs": jobs}


def sequential(params):
    from ..ingest.reshape import process
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        paths = _inputs(params, folder)
        process(paths[0], SIZE, QUALITY, MAX_BYTES)   # warm-up: imports
        started = time.time()
        results = [process(p, SIZE, QUALITY, MAX_BYTES) for p in paths]
        return _result(results, time.time() - started, 1)


def parallel(params):
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"   # as `reshape` main
    from ..ingest.reshape import run_pool
    jobs = params.get("jobs") or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="kerasgan-bench-") as folder:
        paths = _inputs(params, folder)
        started = time.time()   # includes starting the workers, as a real run does
        results = run_pool(list(enumerate(paths)), jobs, (SIZE, QUALITY, MAX_BYTES, MEM_MB, TIME_LIMIT),
                           TIME_LIMIT)
        return _result(list(results.values()), time.time() - started, jobs)
