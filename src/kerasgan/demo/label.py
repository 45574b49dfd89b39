"""The demo's "hand-labelled" folders, from the labels file the project ships.

Seed 001 sorted 112 images by hand into labeled/{trains,valids}/{pikachu,others} (30/50 train,
12/20 valid). The demo cannot ask anyone to click, so `src/kerasgan/labels.csv` (written by us,
by looking at the rendered emoji: codepoint -> class) plays the hand: the yellow smiley faces are
the target class `smiley`, as the yellow Pikachu stood out among Pokemon, and everything else the
demo's keywords return is `others` (a codepoint missing from the file counts as `others`).

    python -m kerasgan demo-label [--seed 0]

Each reshaped image is traced back to its emoji through the stages' manifests:
reports/reshape_manifest.csv (reshaped file -> downloaded file) and downloads/manifest.csv (downloaded
file -> URL, whose path names the codepoint: /images/<codepoint>.png on the demo's search server).
Per class the traced images are ordered by name, shuffled with SEED, and the first ones copied to
labeled/trains/<class>/, the next to labeled/valids/<class>/, in the original's numbers.
labeled/ is rewritten only if it is empty or was written by this command (marker file
labeled/.demo-label), never over a user's own labels.
"""
import csv
import random
import re
import shutil
from collections import OrderedDict
from pathlib import Path

from .. import paths
from ..errors import UserError

LABELS_FILE = Path(__file__).with_name("labels.csv")
TARGET = "smiley"
OTHER = "others"
# The original's numbers (docs/originals.md#the-filter-cnn): split -> class -> images.
COUNTS = OrderedDict([("trains", OrderedDict([(TARGET, 30), (OTHER, 50)])),
                      ("valids", OrderedDict([(TARGET, 12), (OTHER, 20)]))])
MARKER = ".demo-label"
CODEPOINT_IN_URL = re.compile(r"/images/([0-9a-f]{4,6})\.png(?:$|[?#])")


class LabelError(UserError):
    """What is missing, and which stage to run."""


def read_labels(path=LABELS_FILE):
    with Path(path).open(newline="", encoding="utf-8") as handle:
        return {row["codepoint"].strip().lower(): row["class"].strip() for row in csv.DictReader(handle)}


def _rows(path, stage):
    if not path.is_file():
        raise LabelError("%s is missing: run `make %s` first" % (path, stage))
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _pick(row, *names):
    lower = {k.lower(): v for k, v in row.items() if k}
    for name in names:
        if lower.get(name):
            return lower[name]
    return None


def _keys(data, value):
    """The ways a manifest may write a file path: relative to downloads/, to DATA_DIR, absolute."""
    p = Path(value)
    downloads = data / paths.DOWNLOADS
    candidates = [p] if p.is_absolute() else [downloads / p, data / p]
    return [str(c.resolve()) if c.exists() else str(c) for c in candidates]


def trace(data):
    """{reshaped file name: codepoint} for every reshaped image that came from the demo server."""
    data = Path(data)
    urls = {}
    for row in _rows(data / paths.DOWNLOADS / "manifest.csv", "download"):
        name, url = _pick(row, "file", "path"), _pick(row, "url")
        if name and url:
            for key in _keys(data, name):
                urls[key] = url
    traced = {}
    for row in _rows(data / paths.RESHAPE_MANIFEST, "reshape"):
        out = _pick(row, "reshaped", "output", "out", "file", "target", "dest")
        source = _pick(row, "source", "input", "src", "download", "original")
        if not out or not source or not (data / paths.RESHAPED / Path(out).name).is_file():
            continue
        url = next((urls[k] for k in _keys(data, source) if k in urls), None)
        match = CODEPOINT_IN_URL.search(url or "")
        if match:
            traced[Path(out).name] = match.group(1)
    return traced


def build(data=None, seed=0, labels_file=LABELS_FILE, counts=COUNTS, log=print):
    """Write labeled/{trains,valids}/{smiley,others}/; return {split: {class: n}}."""
    data = Path(data or paths.data_dir())
    labels = read_labels(labels_file)
    traced = trace(data)
    by_class = {}
    for name in sorted(traced):
        by_class.setdefault(labels.get(traced[name], OTHER), []).append(name)
    unlisted = sorted({cp for cp in traced.values() if cp not in labels})
    needed = {cls: sum(split[cls] for split in counts.values()) for cls in next(iter(counts.values()))}
    for cls, n in needed.items():
        if len(by_class.get(cls, [])) < n:
            raise LabelError("only %d reshaped image(s) of class %r traced back to the labels file "
                             "(%d needed): check KEYWORDS returns enough of them"
                             % (len(by_class.get(cls, [])), cls, n))
    labeled = data / paths.LABELED
    rng = random.Random(seed)
    chosen = {cls: rng.sample(names, len(names)) for cls, names in sorted(by_class.items())}
    plan, written = {}, OrderedDict()  # labeled/ path -> reshaped file; {split: {class: n}}
    for split, classes in counts.items():
        written[split] = OrderedDict()
        for cls, n in classes.items():
            take, chosen[cls] = chosen[cls][:n], chosen[cls][n:]
            for name in take:
                plan["%s/%s/%s" % (split, cls, name)] = data / paths.RESHAPED / name
            written[split][cls] = len(take)
    existing = {p.relative_to(labeled).as_posix(): p for p in labeled.rglob("*")
                if p.is_file() and p.name != MARKER} if labeled.is_dir() else {}
    if existing and not (labeled / MARKER).is_file():
        raise LabelError("%s already holds labels this command did not write; point DATA_DIR at "
                         "a demo folder (the demo never overwrites a user's labels)" % labeled)
    if set(existing) == set(plan) and all(existing[k].read_bytes() == v.read_bytes() for k, v in plan.items()):
        # Untouched files keep their times, so the filter's input fingerprint (and Make) sees no change.
        log("demo-label: %s unchanged" % labeled)
        return written
    if labeled.exists():
        shutil.rmtree(str(labeled))
    for rel_path, source in sorted(plan.items()):
        target = labeled / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(str(source), str(target))
    (labeled / MARKER).write_text("written by `python -m kerasgan demo-label` from %s\n" % labels_file.name)
    log("demo-label: %s (from %d traced images%s) -> %s" % (
        ", ".join("%s/%s %d" % (s, c, n) for s, cs in written.items() for c, n in cs.items()),
        len(traced), "; %d codepoint(s) not in the labels file counted as %s" % (len(unlisted), OTHER)
        if unlisted else "", labeled))
    return written


def configure(parser):
    parser.add_argument("--seed", type=int, default=0, help="seed of the train/valid draw (default 0)")
    parser.add_argument("--labels", type=Path, default=LABELS_FILE,
                        help="codepoint,class CSV (default: the shipped labels.csv)")


def main(args):
    build(seed=args.seed, labels_file=args.labels)
    return 0
