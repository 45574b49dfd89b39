"""The cartoon set at 64x64: PNG + CSV pairs decoded once into a cache the trainer reads.

    python -m kerasgan cartoon-prepare --set FOLDER     (ingestion environment: untrusted PNGs)
    prepared(folder) -> DATA_DIR/cartoon/prepared/<set>-<fingerprint>.npz

prepare: every csX.png of FOLDER with its csX.csv. The PNGs are decoded by the reshape stage's own
limited decoding (kerasgan.ingest.reshape.run_pool: accepted formats only, decompression-bomb
guard, a worker process per file with memory and time limits, transparency on white) at the set's
500x500 as lossless PNG, then reduced to 64x64 here with Pillow's BOX filter (area averaging: thin
glasses frames survive; the reshape stage's NEAREST would drop them). A broken pair (image
without CSV or CSV without image, a malformed CSV, an image that won't decode) is skipped and
named, with its reason, in the log and in the cache's .json; it is never fatal. The cache
(images uint8 (n, 64, 64, 3), attributes int16 (n, 18) over attributes.NAMES with -1 where a CSV
does not list one, names) is keyed by the files' names, sizes and times, so a changed set is
decoded again and an unchanged one never is.

load(path) reads the cache (numpy only, no pickles) in the legacy environment; load_set(SET, SEED, N)
finds and reads the cache of a set, run_images(config) the one a run was trained on.
"""
import hashlib
import io
import os
import sys
from pathlib import Path

import numpy as np

from . import attributes, sets
from ... import paths
from ...errors import UserError
from ...kit.files import atomic_path, write_json

SIDE = 64
SOURCE_SIDE = 500       # the Cartoon Set's images; reshape's fit keeps a 500x500 image as it is
VERSION = 1             # bump when the conversion changes: every cache is made again
MAX_FILE_MB = 20


class DataError(UserError):
    pass


def prepared_dir(data_root=None):
    return Path(data_root or paths.data_dir()) / "cartoon" / "prepared"


def list_pairs(folder):
    """-> (pairs [(name, png, csv)], broken [(name, reason)]) in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError("%s: not a folder (make cartoon-download, or CARTOON_SET=synthetic)" % folder)
    stems = {}
    for path in folder.iterdir():
        if path.name.startswith("cs") and path.suffix.lower() in (".png", ".csv") and path.is_file():
            stems.setdefault(path.stem, {})[path.suffix.lower()] = path
    pairs, broken = [], []
    for stem in sorted(stems):
        found = stems[stem]
        if ".png" not in found:
            broken.append((stem, "csv without png"))
        elif ".csv" not in found:
            broken.append((stem, "png without csv"))
        else:
            pairs.append((stem, found[".png"], found[".csv"]))
    if not pairs:
        raise DataError("%s holds no csX.png + csX.csv pairs" % folder)
    return pairs, broken


def fingerprint(folder, pairs, broken):
    digest = hashlib.sha256(("cartoon-prepare %d %d %d\n" % (VERSION, SIDE, SOURCE_SIDE)).encode())
    for stem, png, csv in pairs:
        for path in (png, csv):
            stat = path.stat()
            digest.update(("%s %d %d\n" % (path.name, stat.st_size, stat.st_mtime_ns)).encode())
    for stem, reason in broken:
        digest.update(("%s %s\n" % (stem, reason)).encode())
    return digest.hexdigest()[:16]


def cache_path(folder, pairs, broken, data_root=None):
    return prepared_dir(data_root) / ("%s-%s.npz" % (Path(folder).name, fingerprint(folder, pairs, broken)))


def read_attributes(csv_path):
    """-> ({name: variant}, None) or (None, reason)."""
    try:
        with open(str(csv_path), "rb") as handle:
            raw = handle.read(64 * 1024 + 1)
        if len(raw) > 64 * 1024:
            return None, "csv over 64 KB"
        return attributes.parse(raw.decode("utf-8")), None
    except UnicodeDecodeError:
        return None, "csv is not UTF-8 text"
    except attributes.AttributeError_ as error:
        return None, "bad csv: %s" % error
    except OSError as error:
        return None, "csv unreadable: %s" % (error.strerror or error)


def shrink(png_bytes):
    """Lossless PNG bytes of the reshape worker -> uint8 (64, 64, 3) by area averaging."""
    from PIL import Image
    with Image.open(io.BytesIO(png_bytes), formats=["PNG"]) as image:
        return np.asarray(image.convert("RGB").resize((SIDE, SIDE), Image.BOX), np.uint8)


def prepare(folder, data_root=None, jobs=0, mem_mb=1024, time_limit=30, log=print):
    """Decode the set once; -> the cache's path (kept when it exists)."""
    from ...ingest.reshape import run_pool
    pairs, broken = list_pairs(folder)
    target = cache_path(folder, pairs, broken, data_root)
    if target.is_file():
        log("cartoon-prepare: %s is up to date" % target)
        return target
    rows, names, tasks = {}, {}, []
    for index, (stem, png, csv) in enumerate(pairs):
        values, reason = read_attributes(csv)
        if reason:
            broken.append((stem, reason))
            continue
        rows[index], names[index] = attributes.to_row(values), stem
        tasks.append((index, str(png)))
    log("cartoon-prepare: decoding %d images of %s to %dx%d" % (len(tasks), folder, SIDE, SIDE))
    results = run_pool(tasks, jobs or os.cpu_count() or 1,
                       (SOURCE_SIDE, None, MAX_FILE_MB << 20, mem_mb, time_limit), time_limit) if tasks else {}
    images, table, kept = [], [], []
    for index, _ in tasks:
        result = results[index]
        if result["status"] != "ok":
            broken.append((names[index], "image: " + result["reason"]))
            continue
        images.append(shrink(result["jpeg"]))     # PNG bytes: quality None
        table.append(rows[index])
        kept.append(names[index])
    broken.sort()
    for stem, reason in broken:
        log("cartoon-prepare: skipped %s (%s)" % (stem, reason))
    if not images:
        raise DataError("%s: no usable pair (%d broken)" % (folder, len(broken)))
    write_cache(target, np.stack(images), np.stack(table), kept, broken, folder)
    log("cartoon-prepare: %d images (%d pairs skipped) -> %s" % (len(images), len(broken), target))
    return target


def write_cache(target, images, table, names, broken, folder):
    """The cache file (+ its .json: the folder, counts and every skipped pair with its reason)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target, ".npz") as tmp:
        np.savez(str(tmp), images=images, attributes=table, names=np.array(names),
                 columns=np.array(attributes.NAMES))
    write_json(target.with_suffix(".json"), {
        "folder": str(Path(folder).resolve()), "images": len(images), "side": SIDE,
        "skipped": [{"name": s, "reason": r} for s, r in broken], "version": VERSION})


def load(path):
    """The cache -> (images uint8 (n, 64, 64, 3), attributes int16 (n, 18), names)."""
    path = Path(path)
    try:
        with np.load(str(path), allow_pickle=False) as archive:
            images, table, names = archive["images"], archive["attributes"], archive["names"]
            columns = [str(c) for c in archive["columns"]]
    except (OSError, ValueError, KeyError) as error:
        raise DataError("%s: not a prepared cartoon set (%s); delete it and prepare again" % (path, error))
    if columns != attributes.NAMES or images.shape[1:] != (SIDE, SIDE, 3) or len(images) != len(table):
        raise DataError("%s: unexpected layout; delete it and prepare again" % path)
    return images, table, [str(n) for n in names]


def load_set(spec, seed, synthetic_n):
    """-> (images, attribute table, names, cache path, set description); the cache must exist."""
    folder, kind = sets.resolve(spec, seed, synthetic_n)
    if kind == sets.SYNTHETIC and not folder.is_dir():
        raise DataError("the synthetic set %s is not drawn yet: make cartoon-prepare "
                        "CARTOON_SET=synthetic" % folder)
    pairs, broken = list_pairs(folder)
    cache = cache_path(folder, pairs, broken)
    if not cache.is_file():
        raise DataError("%s is not prepared yet: make cartoon-prepare (CARTOON_SET=%s)"
                        % (folder, spec or ""))
    images, table, names = load(cache)
    return images, table, names, cache, {"kind": kind, "folder": str(folder), "cache": str(cache)}


def run_images(config):
    """A run's training images, attributes and names (from its config.json); refuses a set that
    changed since the run was trained."""
    images, table, names, _, _ = load_set(config["set"], config["seed"],
                                          config.get("synthetic_n") or sets.SYNTHETIC_N)
    if digest(images, table) != config["data"]["sha256"]:
        raise DataError("the set %s changed since run %s was trained" % (config["set"], config["run"]))
    return images, table, names


def digest(images, table):
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(images).tobytes())
    h.update(np.ascontiguousarray(table).tobytes())
    return h.hexdigest()


def to_model(images):
    """uint8 -> float32 in [-1, 1] (the generator's tanh range)."""
    return images.astype(np.float32) / 127.5 - 1.0


def set_arguments(parser):
    """--set, --synthetic-n and --seed: which prepared set a command reads."""
    parser.add_argument("--set", default="", help="synthetic, or a folder of csX.png + csX.csv pairs "
                        "(default: the one cartoon-download recorded)")
    parser.add_argument("--synthetic-n", type=int, default=sets.SYNTHETIC_N, help="faces in the synthetic set")
    parser.add_argument("--seed", type=int, default=0, help="the synthetic set's SEED")


def configure(parser):
    set_arguments(parser)
    parser.add_argument("--jobs", type=int, default=0, help="decoding processes (default: all cores)")
    parser.add_argument("--mem-mb", type=float, default=1024, help="address-space limit per worker")
    parser.add_argument("--time-limit", type=float, default=30, help="seconds per image")


def main(args):
    from . import synthetic
    log = lambda *a: print(*a, flush=True)  # noqa: E731
    try:
        folder, kind = sets.resolve(args.set, args.seed, args.synthetic_n)
        if kind == sets.SYNTHETIC:
            synthetic.write_set(folder, args.synthetic_n, args.seed, log=log)
        path = prepare(folder, jobs=args.jobs, mem_mb=args.mem_mb, time_limit=args.time_limit,
                       log=log)
    except (DataError, ValueError) as error:
        print("cartoon-prepare: error: %s" % error, file=sys.stderr)
        return 2
    print(path)
    return 0
