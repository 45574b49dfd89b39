"""Stage fingerprints: the SHA-256s of a run, stage by stage in pipeline order, plus the machine.

    python -m kerasgan fingerprint write --run OUT_DIR/pikachu/<RUN> [--data DATA_DIR] [--out FILE]
    python -m kerasgan fingerprint compare A B     (manifests, or run folders holding one)

`write` hashes every file a stage leaves (docs/reproducibility.md lists them for the Pikachu run)
and records the machine that computed them: CPU model, flags and caches, the library builds, the
numeric libraries' kernel choice and the emoji font. `compare` names the first stage whose bytes
differ, the files in it that differ, and what differs between the two machines. Exit status:
0 every stage identical, 1 a stage differs, 2 a manifest could not be read.

Files that record when or where something ran (download times, the demo's random loopback ports,
timings in summary.json, logs/) are not results: those columns and files are left out, so two runs
that computed the same bytes have the same fingerprint. history.csv's EVAL_N columns (FID & co.)
are left out too: they are computed from bytes already hashed (the grid epoch's generator, the
feature network's file), and a run scored or not has the same training fingerprint.
"""
import csv
import hashlib
import io
import json
import os
import platform
import re
import sys
from pathlib import Path

from .. import paths
from ..demo import corpus
from ..ingest import filter as filter_stage
from . import runfolder as rf
from .files import sha256_file, write_json

FORMAT = 1
MANIFEST = "fingerprint.json"      # written into the run folder by default
# CSV columns that say when or where a stage ran, not what it computed.
VOLATILE_COLUMNS = {"%s/manifest.csv" % paths.DOWNLOADS: ("url", "time")}
GRID = re.compile(r"^epoch-(\d+)\.png$")


# ---------------------------------------------------------------- what a stage's bytes are
def file_digest(path, name):
    """SHA-256 of a file, with the volatile columns of the CSVs listed above removed."""
    drop = VOLATILE_COLUMNS.get(name)
    if not drop:
        return sha256_file(path)
    with open(str(path), newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    keep = [i for i, field in enumerate(rows[0] if rows else []) if field not in drop]
    text = io.StringIO(newline="")
    csv.writer(text).writerows([[row[i] for i in keep if i < len(row)] for row in rows])
    return hashlib.sha256(text.getvalue().encode("utf-8")).hexdigest()


def files_under(root, pattern):
    """Visible files matching a glob pattern under root, by name (hidden files are bookkeeping)."""
    found = [p for p in Path(root).glob(pattern) if p.is_file()]
    return sorted(p for p in found if not any(part.startswith(".") for part in p.relative_to(root).parts))


def stage(name, items):
    """{name, sha256, files}: one digest over the sorted (item, digest) pairs, and the pairs."""
    items = dict(sorted(items.items()))
    whole = hashlib.sha256("".join("%s\t%s\n" % kv for kv in items.items()).encode("utf-8"))
    return {"name": name, "sha256": whole.hexdigest(), "files": items}


def glob_stage(name, root, patterns, label):
    """A stage made of whole files: `label` prefixes their paths (data/ or run/)."""
    items = {}
    for pattern in patterns:
        for path in files_under(root, pattern):
            relative = path.relative_to(root).as_posix()
            items["%s/%s" % (label, relative)] = file_digest(path, relative)
    return stage(name, items)


# ---------------------------------------------------------------- the Pikachu pipeline's stages
# (stage, patterns under DATA_DIR), in the order the pipeline runs them.
DATA_STAGES = (
    ("corpus", ("%s/%s" % (corpus.CORPUS, corpus.INDEX), "%s/%s/*" % (corpus.CORPUS, corpus.IMAGES))),
    ("downloads", ("%s/manifest.csv" % paths.DOWNLOADS, "%s/*/*" % paths.DOWNLOADS)),
    ("reshaped", ("%s/*" % paths.RESHAPED, "%s/reshape.csv" % paths.REPORTS)),
    ("labeled", ("%s/**/*" % paths.LABELED,)),
    ("filter-model", ("%s/%s" % (paths.MODELS, filter_stage.MODEL_FILE), "%s/%s" % (paths.REPORTS, filter_stage.HISTORY_CSV))),
    ("filter-scores", ("%s/%s" % (paths.REPORTS, filter_stage.SCORES_CSV),)),
    ("predicted", ("%s/*" % paths.PREDICTED,)),
)
FINAL_FILES = ("%s/%s" % (rf.CHECKPOINTS, rf.LATEST), "generator.h5", "discriminator.h5", rf.BEST_GRID, rf.TIMELAPSE)
# Records of when or where a run happened, not of what it computed: never hashed.
UNHASHED = (rf.CONFIG, rf.SUMMARY, rf.REPORT, MANIFEST)
UNHASHED_FOLDERS = (rf.LOGS, "report-files")


def text_digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_quality(lines):
    """history.csv's lines without the EVAL_N columns (kerasgan.evaluation.scoring.QUALITY)."""
    from ..evaluation.scoring import QUALITY
    header = lines[0].rstrip("\n").split(",") if lines else []
    keep = [i for i, name in enumerate(header) if name not in QUALITY]
    if len(keep) == len(header):
        return lines
    fields = [line.rstrip("\n").split(",") for line in lines]
    return [",".join(f[i] for i in keep if i < len(f)) + "\n" for f in fields]


def history_blocks(run):
    """history.csv cut at the grid epochs: {grid epoch: text of the rows since the previous grid},
    and under None the rows after the last grid (a run stopped between two grids).

    Epoch 0's block is the first epoch's losses; with its grid (the generator's output on the
    fixed latents) it stands for the first epoch's weights, which are not kept on disk once
    more than keep_snapshots grids exist."""
    grids = sorted(int(m.group(1)) for m in (GRID.match(p.name) for p in Path(run).glob("epoch-*.png")) if m)
    history = Path(run) / rf.HISTORY
    if not history.is_file():
        return grids, {}
    lines = _without_quality(history.read_text(encoding="utf-8").splitlines(True))
    blocks = {epoch: "" for epoch in grids + [None]}
    for line in lines[1:]:
        epoch = int(line.split(",", 1)[0])
        ends = [g for g in grids if g >= epoch]
        blocks[ends[0] if ends else None] += line
    return grids, {epoch: lines[0] + text for epoch, text in blocks.items() if text}


def gan_stages(run):
    """One stage per grid epoch (its history rows, grid and kept snapshot), then the final files."""
    grids, blocks = history_blocks(run)
    stages, previous = [], None
    for epoch in grids:
        items = {"run/epoch-%05d.png" % epoch: sha256_file(Path(run) / ("epoch-%05d.png" % epoch))}
        start = 0 if previous is None else previous + 1
        if epoch in blocks:
            span = "epoch %d" % epoch if start == epoch else "epochs %d-%d" % (start, epoch)
            items["run/history.csv (%s)" % span] = text_digest(blocks[epoch])
        snapshot = Path(run) / rf.CHECKPOINTS / ("snapshot-%05d.npz" % epoch)
        if snapshot.is_file():
            items["run/%s/%s" % (rf.CHECKPOINTS, snapshot.name)] = sha256_file(snapshot)
        stages.append(stage("gan-epoch-%05d" % epoch, items))
        previous = epoch
    final = glob_stage("gan-final", run, FINAL_FILES, "run")
    if grids and None in blocks:
        final["files"]["run/history.csv (after epoch %s)" % previous] = text_digest(blocks[None])
        final = stage(final["name"], final["files"])
    stages.append(final)
    stages.append(glob_stage("samples", run, ("%s/**/*" % rf.SAMPLES,), "run"))
    stages.append(other_files(run, stages))
    return [s for s in stages if s["files"]]


def other_files(run, stages):
    """Every other file of the run folder (other pipelines' layouts: their grids, models, CSVs)."""
    covered = {name.split(" (")[0][len("run/"):] for s in stages for name in s["files"]}
    items = {}
    for path in files_under(run, "**/*"):
        relative = path.relative_to(run).as_posix()
        if not (relative in covered or relative in UNHASHED or relative.split("/")[0] in UNHASHED_FOLDERS):
            items["run/" + relative] = sha256_file(path)
    return stage("other", items)


def run_stages(run, data=None):
    """Every stage of a run, in pipeline order; data stages only where DATA_DIR holds them."""
    stages = []
    if data is not None:
        stages = [glob_stage(name, data, patterns, "data") for name, patterns in DATA_STAGES]
        stages = [s for s in stages if s["files"]]
    return stages + gan_stages(run)


# ---------------------------------------------------------------- the machine
CPU_KEYS = {"model name": "model", "vendor_id": "vendor", "cpu family": "family", "model": "model_number",
            "stepping": "stepping", "microcode": "microcode", "flags": "flags"}
# Variables that change which kernels or how many threads compute (docs/reproducibility.md).
KERNEL_VARIABLES = ("KERASGAN_THREADS", "KERASGAN_INTER_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                    "OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_DISABLE_MKL", "TF_XLA_FLAGS", "PYTHONHASHSEED")
PACKAGES = ("numpy", "tensorflow", "intel-tensorflow", "Keras", "h5py", "Pillow", "keras-adversarial", "scipy")


def cpu_facts(cpuinfo="/proc/cpuinfo", sysfs="/sys/devices/system/cpu/cpu0/cache"):
    """The first processor of /proc/cpuinfo, and cpu0's caches as the kernel reports them."""
    facts = {"cores": os.cpu_count()}
    try:
        with open(cpuinfo) as handle:
            for line in handle:
                key, _, value = line.partition(":")
                key = CPU_KEYS.get(key.strip())
                if not line.strip() and len(facts) > 1:
                    break   # the end of the first processor's block
                if key and key not in facts:
                    facts[key] = sorted(value.split()) if key == "flags" else value.strip()
    except OSError:
        pass
    caches = {}
    for index in sorted(Path(sysfs).glob("index*")):
        read = lambda name: (index / name).read_text().strip() if (index / name).is_file() else None  # noqa: E731
        caches["L%s %s" % (read("level"), read("type"))] = {
            "size": read("size"), "ways": read("ways_of_associativity"), "line": read("coherency_line_size")}
    facts["caches"] = caches
    return facts


def openblas_core():
    """Which kernels numpy's bundled OpenBLAS picked for this CPU (a DYNAMIC_ARCH build choice)."""
    import ctypes
    import numpy
    for lib in sorted(Path(numpy.__file__).parent.glob(".libs/libopenblas*.so")):
        try:
            handle = ctypes.CDLL(str(lib))
            handle.openblas_get_corename.restype = ctypes.c_char_p
            return handle.openblas_get_corename().decode()
        except (OSError, AttributeError):
            return None
    return None


def library_facts(data=None):
    """Versions of the packages that compute, numpy's BLAS and its kernels, the font and the
    ingestion environment's Pillow (as reshape recorded it), without importing TensorFlow."""
    import pkg_resources
    facts = {"python": platform.python_version(), "platform": platform.platform()}
    for name in PACKAGES:
        try:
            facts[name] = pkg_resources.get_distribution(name).version
        except pkg_resources.DistributionNotFound:
            pass
    import numpy
    facts["numpy_blas"] = sorted(set(getattr(numpy.__config__, "blas_opt_info", {}).get("libraries", [])))
    facts["openblas_core"] = openblas_core()
    try:
        from PIL import features
        facts.update({"pillow_" + f: features.version(f) for f in ("freetype2", "zlib", "libjpeg_turbo")})
    except (ImportError, AttributeError):
        pass
    facts["environment"] = {name: os.environ[name] for name in KERNEL_VARIABLES if name in os.environ}
    reshape = Path(data) / paths.REPORTS / "reshape.json" if data else None
    options = (json.loads(reshape.read_text()) or {}).get("options", {}) if reshape and reshape.is_file() else {}
    facts["ingest"] = {k: options[k] for k in ("pillow", "imagehash") if k in options}
    return facts


def font_facts():
    try:
        font = corpus.find_font()
    except FileNotFoundError:
        return None
    return {"path": str(font), "sha256": sha256_file(font), "bytes": font.stat().st_size}


def digest(array):
    import numpy as np
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def kernel_facts():
    """SHA-256s of a few fixed products and convolutions as this machine's numpy and TensorFlow
    compute them (one intra-op thread, as training): equal here, equal kernels. TensorFlow's
    matrix kernels are generated for the CPU's vector instructions (docs/reproducibility.md)."""
    import numpy as np
    import tensorflow as tf
    rng = np.random.RandomState(0)
    a, b = rng.standard_normal((128, 300)).astype(np.float32), rng.standard_normal((300, 96)).astype(np.float32)
    x = rng.standard_normal((8, 32, 32, 3)).astype(np.float32)
    k = rng.standard_normal((3, 3, 3, 16)).astype(np.float32)
    depthwise, pointwise = (rng.standard_normal(s).astype(np.float32) for s in ((3, 3, 16, 1), (1, 1, 16, 8)))
    facts = {"numpy_matmul": digest(a @ b)}
    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    with tf.Graph().as_default(), tf.Session(config=config) as session:
        kernel = tf.constant(k)
        conv = tf.nn.conv2d(tf.constant(x), kernel, [1, 1, 1, 1], "SAME")
        separable = tf.nn.separable_conv2d(conv, tf.constant(depthwise), tf.constant(pointwise), [1, 1, 1, 1], "SAME")
        gradient = tf.gradients(tf.reduce_sum(tf.square(separable)), kernel)[0]
        ops = {"tf_matmul": tf.matmul(tf.constant(a), tf.constant(b)), "tf_conv2d": conv,
               "tf_separable_conv2d": separable, "tf_conv2d_kernel_gradient": gradient}
        facts.update({name: digest(value) for name, value in session.run(ops).items()})
    return facts


def machine_facts(data=None, kernels=True):
    facts = {"cpu": cpu_facts(), "libraries": library_facts(data), "emoji_font": font_facts()}
    if kernels:
        facts["kernels"] = kernel_facts()
    return facts


def manifest(run, data=None, kernels=True):
    """The fingerprint of a run: its stages in pipeline order and the machine they came from."""
    return {"format": FORMAT, "run": Path(run).name, "seed": os.environ.get("PYTHONHASHSEED"),
            "stages": run_stages(run, data), "machine": machine_facts(data, kernels)}


# ---------------------------------------------------------------- comparing two manifests
def load(path):
    """A manifest from a file, or from a run folder's fingerprint.json; ValueError says why not."""
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError("%s: cannot read (%s); make fingerprint writes it" % (path, error.strerror))
    except ValueError as error:
        raise ValueError("%s: not JSON (%s)" % (path, error))
    if not isinstance(found, dict) or found.get("format") != FORMAT or not isinstance(found.get("stages"), list):
        raise ValueError("%s: not a fingerprint manifest of format %d" % (path, FORMAT))
    return found


def flatten(facts, prefix=""):
    """{'cpu.caches.L2 Unified.size': '2048K', ...}: nested facts as dotted keys."""
    flat = {}
    for key, value in (facts or {}).items():
        name = prefix + str(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def machine_differences(a, b):
    """Lines naming each machine fact that differs (flags as added/removed sets)."""
    fa, fb = flatten(a), flatten(b)
    lines = []
    for key in sorted(set(fa) | set(fb)):
        va, vb = fa.get(key), fb.get(key)
        if va == vb:
            continue
        if isinstance(va, list) and isinstance(vb, list):
            only_a, only_b = sorted(set(va) - set(vb)), sorted(set(vb) - set(va))
            lines.append("%s: only A has %s; only B has %s" % (key, " ".join(only_a) or "-", " ".join(only_b) or "-"))
        else:
            lines.append("%s: A %s, B %s" % (key, json.dumps(va), json.dumps(vb)))
    return lines


def file_differences(sa, sb, limit=5):
    fa, fb = sa.get("files", {}), sb.get("files", {})
    differ = [n for n in sorted(set(fa) & set(fb)) if fa[n] != fb[n]]
    lines = ["%d of %d files differ: %s%s" % (len(differ), len(set(fa) | set(fb)), ", ".join(differ[:limit]),
                                              " ..." if len(differ) > limit else "")] if differ else []
    for side, names in (("A", sorted(set(fa) - set(fb))), ("B", sorted(set(fb) - set(fa)))):
        if names:
            lines.append("only in %s: %s%s" % (side, ", ".join(names[:limit]), " ..." if len(names) > limit else ""))
    return lines


def compare(a, b):
    """(first differing stage or None, report lines). A stage only one run has also differs."""
    sb = {s["name"]: s for s in b["stages"]}
    names = [s["name"] for s in a["stages"]] + [n for n in sb if n not in {s["name"] for s in a["stages"]}]
    sa = {s["name"]: s for s in a["stages"]}
    differ = [n for n in names if n not in sa or n not in sb or sa[n]["sha256"] != sb[n]["sha256"]]
    first = differ[0] if differ else None
    lines = ["stage %s: identical (%d files)" % (n, len(sa[n].get("files", {})))
             for n in names[:names.index(first) if first else len(names)]]
    if first:
        lines.append("first differing stage: %s" % first)
        if first not in sa or first not in sb:
            lines.append("  only in %s" % ("A" if first in sa else "B"))
        else:
            lines += ["  " + line for line in file_differences(sa[first], sb[first])]
        lines.append("stages that differ: %s" % ", ".join(differ))
    diffs = machine_differences(a.get("machine"), b.get("machine"))
    lines.append("machines differ in:" if diffs else "machines: the same facts (CPU, caches, libraries, font)")
    lines += ["  " + line for line in diffs]
    if any(line.startswith("kernels.tf_") for line in diffs):
        lines.append("TensorFlow's kernels compute other bytes on these machines: from the first stage it "
                     "trains (filter-model, gan-epoch-00000) on, other bytes are expected")
    return first, lines


# ---------------------------------------------------------------- command line
def configure(parser):
    sub = parser.add_subparsers(dest="action", metavar="<action>")
    write = sub.add_parser("write", help="hash a run's stages into a manifest (default RUN/%s)" % MANIFEST)
    write.add_argument("--run", required=True, help="the run folder, OUT_DIR/<pipeline>/<RUN>/")
    write.add_argument("--data", help="DATA_DIR whose data stages fed the run (omit: the run's stages only)")
    write.add_argument("--out", help="where to write the manifest (default: RUN/%s)" % MANIFEST)
    write.add_argument("--no-kernels", action="store_true",
                       help="leave out the kernel probe (it imports TensorFlow: a few seconds)")
    both = sub.add_parser("compare", help="name the first stage whose bytes differ between A and B")
    both.add_argument("a", help="a manifest, or a run folder holding %s" % MANIFEST)
    both.add_argument("b", help="the other one")


def main(args):
    if args.action == "write":
        run = Path(args.run)
        if not run.is_dir():
            print("fingerprint: %s: no such run folder" % run, file=sys.stderr)
            return 2
        data = Path(args.data) if args.data else None
        out = Path(args.out) if args.out else run / MANIFEST
        found = manifest(run, data, kernels=not args.no_kernels)
        write_json(out, found)
        print("fingerprint: %d stages of %s -> %s" % (len(found["stages"]), run, out))
        return 0
    if args.action == "compare":
        try:
            a, b = load(args.a), load(args.b)
        except ValueError as error:
            print("fingerprint: %s" % error, file=sys.stderr)
            return 2
        first, lines = compare(a, b)
        print("A: %s\nB: %s" % (args.a, args.b))
        print("\n".join(lines))
        return 1 if first else 0
    print("fingerprint: choose an action: write or compare (--help)", file=sys.stderr)
    return 2
