"""`kerasgan reshape`: every file under DATA_DIR/downloads/*/ -> DATA_DIR/reshaped/<n>.jpg (n from 1).

As seed 001: `ImageOps.fit(image, (SIZE, SIZE), Image.NEAREST)`, RGB, JPEG (Pillow's default
quality, as the original's `save`). Unlike it, a file that can't be used is skipped with a reason
and the stage carries on. Runs in the ingestion environment (.venv-ingest; docs/security.md#two-environments):

- inputs: `downloads/<keyword>/<file>` in (keyword, natural file name) order; hidden files and
  partial downloads are skipped with a reason; symlinks are resolved and refused when they point
  out of DATA_DIR (`symlink-outside-data-dir`);
- decoding: only kerasgan.ingest.imagetypes.ACCEPTED formats (`Image.open(..., formats=...)`), under
  Pillow's decompression-bomb guard with its warning made an error (a bomb is never decoded), in a
  worker process with an address-space limit (`--mem-mb`) and a time limit per file
  (`--time-limit`); a worker that dies or hangs is replaced and the file reported;
- conversion: first frame of animations, EXIF orientation applied, 16-bit scaled to 8-bit, 1-bit,
  palette, CMYK and the rest converted to RGB, transparency composited on white;
- duplicates: exact (same sha256 of the file) always removed; near (perceptual hash of the
  reshaped image, imagehash.phash, Hamming distance <= DEDUPE) removed unless DEDUPE=off;
- outputs: `reshaped/<n>.jpg` (nothing else: the original notebooks read `reshaped/*` as images),
  `reports/reshape_manifest.csv` (n, file, source, source_sha256, sha256, phash), and `reports/reshape.csv` with one row per input (kept / skipped / duplicate /
  near-duplicate, reason, duplicate_of, distance). Outputs are only rewritten when their bytes
  change, stale numbered outputs are removed, and when neither inputs nor options changed since
  the last run (reports/reshape.json) nothing is decoded at all.
"""
import csv
import hashlib
import io
import json
import os
import re
import signal
import struct
import sys
import time
from collections import Counter, deque
from pathlib import Path

from .. import paths
from ..errors import UserError
from ..kit.files import write_atomic
from . import imagetypes

VERSION = 2  # bump when the conversion or the layout changes, so the "nothing changed" check re-runs
REPORT_FIELDS = ("source", "status", "reason", "output", "duplicate_of", "distance", "sha256", "phash",
                 "format", "mode", "width", "height")
MANIFEST_FIELDS = ("n", "file", "source", "source_sha256", "sha256", "phash")
OUTPUT_NAME = re.compile(r"^([1-9][0-9]*)\.jpg$")


# ---------------------------------------------------------------- the worker side
class _TimeLimit(Exception):
    pass


def _on_alarm(signum, frame):
    raise _TimeLimit()


def _limit_memory(mem_mb):
    import resource
    if mem_mb:
        limit = int(mem_mb * 2 ** 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def to_rgb(image):
    """Any decoded mode -> RGB; transparency composited on white, 16-bit scaled to 8-bit."""
    from PIL import Image
    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        scale = 1 / 256 if (mode.startswith("I;16") or image.getextrema()[1] > 255) else 1
        image = image.convert("I") if mode != "F" else image
        image = image.point(lambda v: v * scale).convert("L")
        mode = "L"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB") if mode != "RGB" else image


def convert(data, size, quality):
    """Bytes of an accepted image -> (JPEG bytes, phash hex, info). Raises on anything bad.

    quality None: lossless PNG bytes instead of JPEG (pix2pix's preprocess wants the pixels)."""
    import warnings

    import imagehash
    from PIL import Image, ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data), formats=list(imagetypes.ACCEPTED)) as image:
            info = dict(format=image.format, mode=image.mode, width=image.width, height=image.height)
            image.seek(0)  # animations: the first frame
            image.load()
            image = ImageOps.exif_transpose(image)
            image = to_rgb(image)
            out = ImageOps.fit(image, (size, size), Image.NEAREST)
    buffer = io.BytesIO()
    if quality is None:
        out.save(buffer, "PNG")
    else:
        out.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue(), str(imagehash.phash(out)), info


def process(path, size, quality, max_file_bytes):
    """One input file -> result dict (status "ok" with the JPEG, or "skipped" with a reason)."""
    from PIL import Image, UnidentifiedImageError
    result = dict(status="skipped", reason="", sha256="", phash="", jpeg=b"", info={})
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(max_file_bytes + 1)
    except OSError as error:
        result["reason"] = "unreadable:" + (error.strerror or type(error).__name__)
        return result
    result["sha256"] = hashlib.sha256(data).hexdigest()
    if not data:
        result["reason"] = "empty-file"
        return result
    if len(data) > max_file_bytes:
        result["reason"] = "file-too-large"
        return result
    if imagetypes.sniff(data) is None:
        result["reason"] = "not-an-image:" + imagetypes.describe(data)
        return result
    try:
        jpeg, phash, info = convert(data, size, quality)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        result["reason"] = "decompression-bomb"
    except _TimeLimit:
        result["reason"] = "time-limit"
    except MemoryError:
        result["reason"] = "memory-limit"
    except UnidentifiedImageError:
        result["reason"] = "cannot-identify"
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError,
            ZeroDivisionError, struct.error) as error:
        text = str(error)
        result["reason"] = "truncated" if "truncated" in text else "decode-error:" + _short(text or type(error).__name__)
    else:
        result.update(status="ok", jpeg=jpeg, phash=phash, info=info)
    return result


def _short(text):
    return re.sub(r"\s+", " ", text)[:80]


def _worker(conn, size, quality, max_file_bytes, mem_mb, time_limit):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["OMP_NUM_THREADS"] = os.environ["OPENBLAS_NUM_THREADS"] = "1"
    import imagehash  # noqa: F401  (import before the memory limit: it is not the file's fault)
    from PIL import Image  # noqa: F401
    _limit_memory(mem_mb)
    signal.signal(signal.SIGALRM, _on_alarm)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, path = task
        try:
            signal.setitimer(signal.ITIMER_REAL, time_limit)
            result = process(path, size, quality, max_file_bytes)
        except _TimeLimit:
            result = dict(status="skipped", reason="time-limit", sha256="", phash="", jpeg=b"", info={})
        except MemoryError:
            result = dict(status="skipped", reason="memory-limit", sha256="", phash="", jpeg=b"", info={})
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        conn.send((index, result))


# ---------------------------------------------------------------- the supervisor side
class _Slot:
    def __init__(self, context, options):
        self.context, self.options = context, options
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child,) + options, daemon=True)
        self.process.start()
        child.close()
        self.task = None
        self.started = 0.0

    def give(self, task):
        self.task = task
        self.started = time.monotonic()
        self.conn.send(task)

    def stop(self, kill=False):
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_pool(tasks, jobs, options, time_limit):
    """tasks: [(index, path)] -> {index: result}; each file in a limited worker process."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    results = {}
    queue = deque(tasks)
    slots = [_Slot(context, options) for _ in range(max(1, min(jobs, len(tasks))))]
    hard_limit = time_limit + 5.0
    try:
        while queue or any(s.task is not None for s in slots):
            for slot in slots:
                if slot.task is None and queue:
                    slot.give(queue.popleft())
            busy = [s for s in slots if s.task is not None]
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=0.5)
            for i, slot in enumerate(slots):
                if slot.task is None:
                    continue
                index = slot.task[0]
                failure = None
                if slot.conn in ready or slot.conn.poll():
                    try:
                        got, result = slot.conn.recv()
                        results[got] = result
                        slot.task = None
                        continue
                    except (EOFError, OSError):
                        failure = "worker-died"
                if failure is None and not slot.process.is_alive():
                    code = slot.process.exitcode
                    failure = "worker-died:" + (signal.Signals(-code).name if code and code < 0 else str(code))
                if failure is None and time.monotonic() - slot.started > hard_limit:
                    failure = "time-limit"
                if failure is None:
                    continue
                results[index] = dict(status="skipped", reason=failure, sha256="", phash="", jpeg=b"", info={})
                slot.stop(kill=True)
                slots[i] = _Slot(context, options)
    finally:
        for slot in slots:
            slot.stop()
    return results


# ---------------------------------------------------------------- inputs
def natural_key(name):
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name)]


def list_inputs(data_root):
    """[(relative source, real path or None, reason)] for every entry under downloads/*/."""
    downloads = data_root / paths.DOWNLOADS
    real_root = os.path.realpath(str(data_root))
    found = []

    def inside(real):
        return real == real_root or real.startswith(real_root + os.sep)

    if not downloads.is_dir():
        return found
    for folder in sorted(downloads.iterdir(), key=lambda p: natural_key(p.name)):
        if not folder.is_dir():
            continue  # manifest.csv and stray files at the top level are not inputs (as downloads/*/*)
        rel_folder = "%s/%s" % (paths.DOWNLOADS, folder.name)
        if not inside(os.path.realpath(str(folder))):
            found.append((rel_folder + "/", None, "symlink-outside-data-dir"))
            continue
        for entry in sorted(os.scandir(str(folder)), key=lambda e: natural_key(e.name)):
            rel = "%s/%s" % (rel_folder, entry.name)
            if entry.name.startswith("tmp-") and entry.name.endswith(".part"):
                found.append((rel, None, "partial-download"))
                continue
            if entry.name.startswith("."):
                found.append((rel, None, "hidden-file"))
                continue
            real = os.path.realpath(entry.path)
            if not inside(real):
                found.append((rel, None, "symlink-outside-data-dir"))
            elif not os.path.isfile(real):
                found.append((rel, None, "broken-symlink" if entry.is_symlink() and not os.path.exists(real)
                               else "not-a-regular-file"))
            else:
                found.append((rel, real, ""))
    return found


def fingerprint(inputs, options):
    digest = hashlib.sha256(json.dumps(options, sort_keys=True).encode())
    for rel, real, reason in inputs:
        stat = os.stat(real) if real else None
        digest.update(json.dumps([rel, real, reason, stat and stat.st_size, stat and stat.st_mtime_ns,
                                  stat and stat.st_ino]).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


# ---------------------------------------------------------------- writing
def write_if_changed(path, data):
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except OSError:
        pass
    write_atomic(path, data)   # the user's umask, unlike mkstemp's 0600
    return True


def csv_bytes(fields, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", "surrogateescape")


def sha256_file(path):
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


# ---------------------------------------------------------------- the stage
def configure(parser):
    parser.add_argument("--size", type=int, default=256, help="side of the square outputs (default: 256)")
    parser.add_argument("--dedupe", default="0",
                        help="near-duplicate threshold: Hamming distance between perceptual hashes at or "
                             "below which a later image is dropped (default: 0, identical hashes; off: keep all)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality (default: 75, Pillow's default "
                                                                "that the original used)")
    parser.add_argument("--mem-mb", type=float, default=1024, help="address-space limit per worker in MB (default: 1024)")
    parser.add_argument("--time-limit", type=float, default=30, help="seconds per file (default: 30)")
    parser.add_argument("--max-file-mb", type=float, default=50, help="largest input file read, in MB (default: 50)")
    parser.add_argument("--data-dir", help="dataset root (default: $KERASGAN_DATA_DIR or data)")
    parser.add_argument("--force", action="store_true", help="redo the work even if nothing changed")


def _parse_dedupe(text):
    """DEDUPE: None (off) or a whole number of bits; ValueError otherwise."""
    if text.strip().lower() in ("off", "none", "no", "-1", ""):
        return None
    return int(text)


def _unchanged(stamp_path, stamp, out_dir):
    """True when the last run had the same inputs and options and its outputs are intact."""
    try:
        previous = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        return False
    outputs = previous.get("outputs", {})
    if previous.get("fingerprint") == stamp and all(
            sha256_file(out_dir / name) == sha for name, sha in outputs.items()) and \
            set(n for n in os.listdir(str(out_dir)) if OUTPUT_NAME.match(n)) == set(outputs):
        print("reshape: nothing changed since the last run (%d images in %s)" % (len(outputs), out_dir))
        return True
    return False


class _Collator(object):
    """Turns the workers' results into report rows, numbered outputs and the manifest, in input
    order: exact duplicates by sha256, near duplicates by perceptual-hash distance."""

    def __init__(self, out_dir, dedupe):
        self.out_dir, self.dedupe = out_dir, dedupe
        self.report, self.manifest, self.outputs = [], [], {}
        self.by_sha, self.hashes = {}, []  # sha256 -> source; [(phash int, source)] of kept images
        self.counts = Counter()

    def add(self, rel, reason, result):
        row = dict(source=rel, status="skipped", reason=reason)
        if result is not None:
            info = result.get("info") or {}
            row.update(sha256=result["sha256"], phash=result["phash"], reason=result["reason"],
                       **{k: info.get(k, "") for k in ("format", "mode", "width", "height")})
            if result["status"] == "ok":
                self._decoded(row, rel, result)
        self.counts[row["status"]] += 1
        if row["status"] == "skipped":
            self.counts["reason:" + row["reason"].split(":")[0]] += 1
        self.report.append(row)

    def _decoded(self, row, rel, result):
        if result["sha256"] in self.by_sha:
            row.update(status="duplicate", reason="same-bytes", duplicate_of=self.by_sha[result["sha256"]])
            return
        self.by_sha[result["sha256"]] = rel
        value = int(result["phash"], 16)
        nearest = min(((bin(value ^ other).count("1"), source) for other, source in self.hashes),
                      default=None)
        if nearest is not None:
            row["distance"] = nearest[0]
        if self.dedupe is not None and nearest is not None and nearest[0] <= self.dedupe:
            row.update(status="near-duplicate", reason="phash-distance<=%d" % self.dedupe,
                       duplicate_of=nearest[1])
            return
        self.hashes.append((value, rel))
        n = len(self.manifest) + 1
        name = "%d.jpg" % n
        write_if_changed(self.out_dir / name, result["jpeg"])
        sha = hashlib.sha256(result["jpeg"]).hexdigest()
        self.outputs[name] = sha
        row.update(status="kept", output="%s/%s" % (paths.RESHAPED, name))
        self.manifest.append(dict(n=n, file="%s/%s" % (paths.RESHAPED, name), source=rel,
                                  source_sha256=result["sha256"], sha256=sha, phash=result["phash"]))


def main(args):
    # Workers are forked from here: keep numeric libraries single-threaded (small address space under
    # the memory limit, whatever the core count) and do not import them in this process.
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    from importlib.metadata import version

    import PIL
    root = Path(args.data_dir) if args.data_dir else paths.data_dir()
    try:
        dedupe = _parse_dedupe(args.dedupe)
    except ValueError:
        raise UserError("DEDUPE must be a whole number of bits (0-64) or off, not %r" % args.dedupe)
    if args.size < 1:
        raise UserError("SIZE must be positive")
    inputs = list_inputs(root)
    if not any(real for _, real, _ in inputs):
        print("reshape: no files under %s/*/ (run make download first)" % (root / paths.DOWNLOADS), file=sys.stderr)
        return 1
    out_dir = root / paths.RESHAPED
    reports = root / paths.REPORTS
    out_dir.mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)
    stamp_path = reports / "reshape.json"
    options = dict(version=VERSION, size=args.size, dedupe=dedupe, quality=args.quality,
                   max_file_mb=args.max_file_mb, mem_mb=args.mem_mb, time_limit=args.time_limit,
                   pillow=PIL.__version__,
                   imagehash=version("ImageHash"))
    stamp = fingerprint(inputs, options)
    if not args.force and stamp_path.is_file() and _unchanged(stamp_path, stamp, out_dir):
        return 0

    tasks = [(i, real) for i, (rel, real, reason) in enumerate(inputs) if real]
    jobs = args.jobs or os.cpu_count() or 1
    started = time.monotonic()
    results = run_pool(tasks, jobs, (args.size, args.quality, int(args.max_file_mb * 2 ** 20), args.mem_mb,
                                     args.time_limit), args.time_limit)
    done = _Collator(out_dir, dedupe)
    for i, (rel, real, reason) in enumerate(inputs):
        done.add(rel, reason, results.get(i))

    for name in os.listdir(str(out_dir)):
        if OUTPUT_NAME.match(name) and name not in done.outputs:
            os.unlink(str(out_dir / name))  # a numbered output of an earlier run that no longer exists
    if (out_dir / "manifest.csv").is_file():
        os.unlink(str(out_dir / "manifest.csv"))   # where earlier versions kept the manifest
    write_if_changed(root / paths.RESHAPE_MANIFEST, csv_bytes(MANIFEST_FIELDS, done.manifest))
    write_if_changed(reports / "reshape.csv", csv_bytes(REPORT_FIELDS, done.report))
    write_if_changed(stamp_path, (json.dumps(dict(fingerprint=stamp, options=options, outputs=done.outputs),
                                             indent=1, sort_keys=True) + "\n").encode())
    counts = done.counts
    reasons = sorted((k[len("reason:"):], v) for k, v in counts.items() if k.startswith("reason:"))
    print("reshape: %d inputs -> %d kept in %s, %d duplicates, %d near-duplicates, %d skipped%s (%.1f s, %d jobs)"
          % (len(inputs), counts["kept"], out_dir, counts["duplicate"], counts["near-duplicate"], counts["skipped"],
             (" (" + ", ".join("%s: %d" % r for r in reasons) + ")") if reasons else "",
             time.monotonic() - started, jobs))
    print("reshape: report %s" % (reports / "reshape.csv"))
    return 0
