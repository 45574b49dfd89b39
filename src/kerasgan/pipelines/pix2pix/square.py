"""`kerasgan pix2pix-square`: untrusted images of INPUT -> DATA_DIR/pix2pix/squared-<PHASE>/<n>.png.

The first half of `make pix2pix-preprocess`. It runs in the ingestion environment (.venv-ingest,
docs/security.md#two-environments) and decodes through the reshape stage's own limited decoding
(kerasgan.ingest.reshape: accepted formats only, decompression-bomb guard, one worker process per
file with memory and time limits, EXIF orientation, transparency on white, ImageOps.fit to a
SIZE x SIZE square), asking it for lossless PNG rather than JPEG. The second half
(kerasgan.pipelines.pix2pix.preprocess, legacy environment: OpenCV) reads only these PNGs.

Writes <n>.png (n from 1, input files in natural order, hidden files skipped) and manifest.csv
(n, source, status, reason); a file that can't be used is listed with its reason, never fatal.
"""
import csv
import io
import os
from pathlib import Path

from ... import paths

FIELDS = ("n", "source", "status", "reason")
MANIFEST = "manifest.csv"


def squared_dir(phase, data_root=None):
    return Path(data_root or paths.data_dir()) / "pix2pix" / ("squared-" + phase)


def list_inputs(input_dir):
    from ...ingest.reshape import natural_key
    root = Path(input_dir)
    found = []
    for dirpath, dirnames, filenames in os.walk(str(root)):
        dirnames[:] = sorted((d for d in dirnames if not d.startswith(".")), key=natural_key)
        for name in sorted(filenames, key=natural_key):
            if not name.startswith("."):
                found.append(Path(dirpath) / name)
    return found


def square(input_dir, out, size, jobs=0, mem_mb=1024, time_limit=30, max_file_mb=50, log=print):
    """Square every image under input_dir into `out`; -> manifest rows."""
    from ...ingest.reshape import run_pool
    inputs = list_inputs(input_dir)
    if not inputs:
        raise FileNotFoundError("no files under %s" % input_dir)
    tasks = [(i, str(p)) for i, p in enumerate(inputs)]
    jobs = jobs or os.cpu_count() or 1
    # quality None: the reshape worker returns lossless PNG bytes
    results = run_pool(tasks, jobs, (size, None, int(max_file_mb * 2 ** 20), mem_mb, time_limit),
                       time_limit)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):
        stale.unlink()
    rows, n = [], 0
    for i, path in enumerate(inputs):
        result = results[i]
        source = str(path.relative_to(input_dir))
        if result["status"] == "ok":
            n += 1
            (out / ("%d.png" % n)).write_bytes(result["jpeg"])   # PNG bytes (quality None)
            rows.append({"n": n, "source": source, "status": "ok", "reason": ""})
        else:
            rows.append({"n": "", "source": source, "status": "skipped", "reason": result["reason"]})
            log("pix2pix-square: skipped %s (%s)" % (source, result["reason"]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / MANIFEST).write_text(buffer.getvalue(), encoding="utf-8")
    log("pix2pix-square: %d of %d files squared to %dx%d in %s" % (n, len(inputs), size, size, out))
    return rows


def configure(parser):
    parser.add_argument("--input", required=True, help="folder of images (untrusted)")
    parser.add_argument("--phase", required=True, help="train or test (any name): squared-<PHASE>/")
    parser.add_argument("--size", type=int, default=256, help="side of the squares (default 256)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    parser.add_argument("--mem-mb", type=float, default=1024, help="address-space limit per worker")
    parser.add_argument("--time-limit", type=float, default=30, help="seconds per file")


def main(args):
    square(args.input, squared_dir(args.phase), args.size, args.jobs, args.mem_mb, args.time_limit)
    return 0
