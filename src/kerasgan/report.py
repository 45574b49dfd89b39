"""`make report [RUN=...]`: one static HTML page for a training run and the data it was trained on.

    python -m kerasgan report [--pipeline pikachu] [--run NAME]

Reads (each optional: a stage that has not run is shown as "not run", never an error)
    DATA_DIR/downloads/manifest.csv        found / downloaded / failed by reason (issue 4)
    DATA_DIR/reshaped/manifest.csv         reshaped, skipped by reason, duplicates (issue 4)
    DATA_DIR/reports/filter_*.{csv,json}   filter curves, scores, kept at THRESHOLD (issue 4)
    OUT_DIR/<pipeline>/<RUN>/              config.json, history.csv, epoch-*.png, timelapse.gif,
                                           summary.json, samples/ (issue 5)
and writes OUT_DIR/<pipeline>/<RUN>/report.html plus report-files/ beside it (matplotlib curves,
thumbnails of accepted and rejected images). Every image is referenced relatively, so the run
folder can be moved or archived as a whole and opened from disk; no server, no scripts, no
tracking (STYLE.md 9: pix2pix-style static HTML written with the standard library).
RUN defaults to the most recently modified run of the pipeline.
"""
import csv
import datetime
import html
import json
import os
import platform
import re
import shutil
import sys
from collections import Counter, OrderedDict
from pathlib import Path

from . import paths

REPORT = "report.html"
FILES = "report-files"
NOT_RUN = "not run"
NO_RUN = "no-run"           # the run folder's name when there is no training run at all
SAMPLE_THUMBS = 12          # accepted and rejected images shown, each
THUMB = 64
GRID_NAME = re.compile(r"^epoch-(\d+)\.png$")
VERSIONS = ("tensorflow", "tensorflow-gpu", "keras", "keras-adversarial", "numpy", "h5py",
            "pillow", "matplotlib", "scipy")
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top} th{background:#f4f4f4} td.n{text-align:right}
.notrun{color:#888;font-style:italic} .warn{background:#fff3cd;border:1px solid #e0c060;
padding:.5em 1em} .ok{color:#276b2b}
figure{display:inline-block;margin:.3em;text-align:center;font-size:.8em}
figure img{display:block;image-rendering:pixelated;border:1px solid #ddd}
img.big{max-width:100%;height:auto;image-rendering:pixelated} .stages span{margin:0 .2em} .row img{margin-right:1em}
code{background:#f4f4f4;padding:0 .2em}
"""


# ---------------------------------------------------------------- reading what the stages wrote

def read_csv(path):
    path = Path(path)
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_json(path):
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def number(value):
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result else None  # NaN -> None


def column(rows, *names):
    """The first of `names` that the rows have (case-insensitive), else None."""
    if not rows:
        return None
    keys = {k.lower(): k for k in rows[0].keys() if k}
    for name in names:
        if name.lower() in keys:
            return keys[name.lower()]
    return None


def find_run(pipeline, run=None, root=None):
    """OUT_DIR/<pipeline>/<run>; the newest run (by its folder's time) when run is None, None if
    there is none."""
    base = Path(root or paths.out_dir()) / pipeline
    if run:
        return base / run
    # a run is a folder the training stage wrote (config.json first), not e.g. the report's no-run/
    runs = [p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")
            and (p / "config.json").is_file()] if base.is_dir() else []
    return max(runs, key=lambda p: (p.stat().st_mtime, p.name)) if runs else None


def ok_status(value):
    return (value or "").strip().lower() in ("ok", "saved", "downloaded", "success", "done",
                                             "written", "reshaped", "kept", "exists", "skipped-exists",
                                             "cached", "resumed")


def download_counts(data):
    """From downloads/manifest.csv (one row per keyword and URL; status saved, skipped or failed)."""
    rows = read_csv(Path(data) / paths.DOWNLOADS / "manifest.csv")
    if rows is None:
        return None
    status = lambda r: (r.get("status") or "").strip().lower()  # noqa: E731
    failed = [r for r in rows if status(r) == "failed"]
    return OrderedDict([
        ("found", len(rows)),
        ("downloaded", sum(1 for r in rows if status(r) in ("saved", "ok"))),
        ("skipped", sum(1 for r in rows if status(r) == "skipped")),
        ("failed", len(failed)),
        ("failed by reason", Counter((r.get("reason") or "?") for r in failed)),
        ("by keyword", Counter(r.get("keyword") or "?" for r in rows)),
    ])


def reshape_counts(data):
    """From reports/reshape.csv (one row per input: kept, duplicate, near-duplicate or skipped, with
    a reason); reshaped/manifest.csv alone (kept images only) if the report is missing."""
    rows = read_csv(Path(data) / paths.REPORTS / "reshape.csv")
    if rows is None:
        kept = read_csv(Path(data) / paths.RESHAPED / "manifest.csv")
        if kept is None:
            return None
        rows = [dict(status="kept") for _ in kept]
    status = lambda r: (r.get("status") or "").strip().lower()  # noqa: E731
    dup = [r for r in rows if status(r) in ("duplicate", "near-duplicate")]
    bad = [r for r in rows if status(r) == "skipped"]
    return OrderedDict([
        ("inputs", len(rows)),
        ("reshaped", sum(1 for r in rows if status(r) == "kept")),
        ("duplicates", len(dup)),
        ("duplicates by kind", Counter("%s (%s)" % (status(r), r.get("reason") or "?") for r in dup)),
        ("skipped", len(bad)),
        ("skipped by reason", Counter((r.get("reason") or "?") for r in bad)),
    ])


def filter_info(data):
    reports = Path(data) / paths.REPORTS
    scores = read_csv(reports / "filter_scores.csv")
    info = OrderedDict(
        history=read_csv(reports / "filter_history.csv"),
        train=read_json(reports / "filter_train.json"),
        score=read_json(reports / "filter_score.json"),
        scores=scores,
        sheet=(reports / "filter_contact_sheet.png") if (reports / "filter_contact_sheet.png").is_file() else None,
    )
    if scores is not None:
        scored = [r for r in scores if number(r.get("probability")) is not None]
        info["scored"] = len(scored)
        info["kept"] = sum(1 for r in scored if str(r.get("kept")).strip() in ("1", "True", "true"))
    return info


def labeled_counts(data):
    labeled = Path(data) / paths.LABELED
    if not labeled.is_dir():
        return None
    counts = OrderedDict()
    for split in sorted(p for p in labeled.iterdir() if p.is_dir()):
        for cls in sorted(p for p in split.iterdir() if p.is_dir()):
            counts["%s/%s" % (split.name, cls.name)] = sum(1 for f in cls.iterdir() if f.is_file())
    return counts


def gan_history(run):
    rows = read_csv(run / "history.csv") if run else None
    if not rows:
        return None, [], [], []
    epoch = column(rows, "epoch") or list(rows[0].keys())[0]
    keys = [k for k in rows[0].keys() if k and k != epoch]
    losses = [k for k in keys if "loss" in k.lower()]
    diversity = [k for k in keys if "divers" in k.lower()]
    memo = [k for k in keys if any(w in k.lower() for w in ("memor", "nearest", "nn_"))]
    return rows, losses, diversity, memo


def series(rows, x, y):
    xs, ys = [], []
    for row in rows:
        a, b = number(row.get(x)), number(row.get(y))
        if a is not None and b is not None:
            xs.append(a)
            ys.append(b)
    return xs, ys


def grids(run):
    found = []
    if run and run.is_dir():
        for p in run.iterdir():
            m = GRID_NAME.match(p.name)
            if m:
                found.append((int(m.group(1)), p))
    return sorted(found)


def best_epoch(run, rows, summary):
    """(epoch, how it was chosen): the run's own record first, else the lowest D loss."""
    for source in (summary or {}, read_json(run / "best.json") if run else None):
        if source:
            for key in ("best_epoch", "best"):
                value = source.get(key)
                if isinstance(value, dict):
                    value = value.get("epoch")
                if number(value) is not None:
                    return int(number(value)), "recorded by the run"
    if rows:
        epoch = column(rows, "epoch")
        dloss = next((k for k in rows[0] if k and "disc" in k.lower() and "loss" in k.lower()), None)
        if epoch and dloss:
            xs, ys = series(rows, epoch, dloss)
            if ys:
                i = min(range(len(ys)), key=lambda i: (ys[i], xs[i]))
                return int(xs[i]), "lowest %s in history.csv" % dloss
    return None, None


def package_versions(names=VERSIONS):
    """Installed versions, read from the *.dist-info folders on sys.path (no imports, no TF start)."""
    found = {}
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        for info in folder.glob("*.dist-info"):
            name, _, version = info.name[:-len(".dist-info")].partition("-")
            found.setdefault(name.lower().replace("_", "-"), version)
    versions = OrderedDict([("python", platform.python_version())])
    for name in names:
        if name in found:
            versions[name] = found[name]
    return versions


# ---------------------------------------------------------------- figures

def plot(path, title, curves, xlabel="epoch", ylabel=None, hline=None):
    """curves: [(label, xs, ys)]. Writes a PNG; returns its path, or None without data."""
    curves = [c for c in curves if c[1]]
    if not curves:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=80)
    for label, xs, ys in curves:
        ax.plot(xs, ys, label=label, marker="." if len(xs) < 40 else None)
    if hline is not None:
        ax.axhline(hline[0], color="#cc3333", linestyle="--", linewidth=1, label=hline[1])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(alpha=.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(str(path), metadata={"Software": None} if _mpl_metadata_ok() else None)
    plt.close(fig)
    return path


def _mpl_metadata_ok():
    import matplotlib
    return tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 1)


def thumbnail(source, dest, size=THUMB):
    """A small PNG copy of a reshaped JPEG (the legacy stack only ever reads those)."""
    from PIL import Image
    with Image.open(str(source), formats=["JPEG", "PNG"]) as image:
        image.convert("RGB").resize((size, size), Image.BILINEAR).save(str(dest), format="PNG")
    return dest


# ---------------------------------------------------------------- HTML

def esc(value):
    return html.escape(str(value))


def rel(path, start):
    return Path(os.path.relpath(str(path), str(start))).as_posix()


def table(rows, header=None):
    out = ["<table>"]
    if header:
        out.append("<tr>%s</tr>" % "".join("<th>%s</th>" % esc(h) for h in header))
    for row in rows:
        cells = []
        for value in row:
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append('<td%s>%s</td>' % (' class="n"' if numeric else "", esc(value)))
        out.append("<tr>%s</tr>" % "".join(cells))
    out.append("</table>")
    return "\n".join(out)


def not_run(what):
    return '<p class="notrun">%s: %s.</p>' % (esc(what), NOT_RUN)


def img(src, alt, cls=None, width=None):
    return '<img src="%s" alt="%s"%s%s>' % (esc(src), esc(alt), ' class="%s"' % cls if cls else "",
                                             ' width="%d"' % width if width else "")


def counts_section(dl, rs, flt, labeled, training_images, threshold):
    def val(block, key):
        return NOT_RUN if block is None else block.get(key, NOT_RUN)
    rows = [
        ("download", "found (image URLs)", val(dl, "found")),
        ("download", "downloaded", val(dl, "downloaded")),
        ("download", "skipped (already on disk, or same bytes as another)", val(dl, "skipped")),
        ("download", "failed", val(dl, "failed")),
    ]
    if dl:
        for reason, n in sorted(dl["failed by reason"].items(), key=lambda kv: (-kv[1], str(kv[0]))):
            rows.append(("download", "  failed: %s" % reason, n))
    rows += [("reshape", "inputs", val(rs, "inputs")),
             ("reshape", "reshaped", val(rs, "reshaped")),
             ("reshape", "duplicates removed", val(rs, "duplicates"))]
    if rs:
        for kind, n in sorted(rs["duplicates by kind"].items(), key=lambda kv: str(kv[0])):
            rows.append(("reshape", "  duplicate: %s" % kind, n))
        rows.append(("reshape", "skipped", rs["skipped"]))
        for reason, n in sorted(rs["skipped by reason"].items(), key=lambda kv: (-kv[1], str(kv[0]))):
            rows.append(("reshape", "  skipped: %s" % reason, n))
    if labeled:
        for name, n in labeled.items():
            rows.append(("label", "labeled/%s" % name, n))
    else:
        rows.append(("label", "labeled images", NOT_RUN))
    rows += [("filter", "scored", flt.get("scored", NOT_RUN)),
             ("filter", "kept at THRESHOLD %s" % (threshold if threshold is not None else "?"),
              flt.get("kept", NOT_RUN)),
             ("train", "training images", training_images if training_images is not None else NOT_RUN)]
    return table(rows, ("stage", "count", "n"))


def image_strip(items, files_dir, page_dir, data, prefix):
    """items: [(reshaped file name, probability)] -> figures with thumbnails and scores."""
    out = []
    for i, (name, p) in enumerate(items):
        source = Path(data) / paths.RESHAPED / name
        if not source.is_file():
            continue
        dest = files_dir / ("%s-%02d.png" % (prefix, i))
        try:
            thumbnail(source, dest)
        except Exception:
            continue
        out.append('<figure>%s<figcaption>%s<br>p=%.3f</figcaption></figure>'
                   % (img(rel(dest, page_dir), name), esc(name), p))
    return "\n".join(out) or '<p class="notrun">none</p>'


def build(pipeline="pikachu", run=None, data=None, out=None, now=None):
    """Write the report; return its path. Raises nothing for missing stages."""
    data = Path(data or paths.data_dir())
    out = Path(out or paths.out_dir())
    run_path = find_run(pipeline, run, out)
    if run_path is None:
        run_path = Path(out) / pipeline / NO_RUN
    run_exists = run_path.is_dir()
    run_path.mkdir(parents=True, exist_ok=True)
    files = run_path / FILES
    if files.is_dir():
        shutil.rmtree(str(files))
    files.mkdir()

    config = read_json(run_path / "config.json") if run_exists else None
    summary = read_json(run_path / "summary.json") if run_exists else None
    dl, rs, flt, labeled = download_counts(data), reshape_counts(data), filter_info(data), labeled_counts(data)
    threshold = (flt.get("score") or {}).get("threshold")
    history, losses, diversity, memo = gan_history(run_path if run_exists else None)
    training_images = None
    for source in (summary or {}, config or {}, (config or {}).get("data") or {},
                   ((summary or {}).get("config") or {}).get("data") or {}):
        for key in ("training_images", "train_images", "images", "n_images"):
            if number(source.get(key)) is not None:
                training_images = int(number(source[key]))
                break
        if training_images is not None:
            break
    if training_images is None and (data / paths.PREDICTED).is_dir() and run_exists:
        training_images = sum(1 for p in (data / paths.PREDICTED).iterdir() if p.is_file())

    parts = []
    title = "%s / %s" % (pipeline, run_path.name)
    parts.append("<h1>Report: %s</h1>" % esc(title))
    parts.append("<p>Written %s by <code>make report</code>. Data: <code>%s</code>; run: "
                 "<code>%s</code>.</p>" % (esc(now or datetime.datetime.now().strftime("%Y-%m-%d %H:%M")),
                                           esc(data), esc(run_path)))
    if not run_exists:
        parts.append('<p class="warn">No training run found under %s: the training stage has '
                     'not run.</p>' % esc(Path(out) / pipeline))
    stages = OrderedDict([("download", dl is not None), ("reshape", rs is not None),
                          ("label", labeled is not None), ("filter", flt.get("scores") is not None),
                          ("train", history is not None),
                          ("generate", (run_path / "samples" / "grid.png").is_file())])
    parts.append('<p class="stages">%s</p>' % " &rarr; ".join(
        '<span class="%s">%s %s</span>' % ("ok" if done else "notrun", esc(name), "&#10003;" if done else "(not run)")
        for name, done in stages.items()))
    glance = [(p, caption) for p, caption in (
        (run_path / "samples" / "grid.png", "samples"),
        (run_path / "timelapse.gif", "timelapse"),
        (grids(run_path)[-1][1] if grids(run_path) else None, "last grid")) if p is not None and p.is_file()]
    if glance:
        parts.append('<div class="row">%s</div>' % "".join(
            '<figure>%s<figcaption>%s</figcaption></figure>' % (img(rel(p, run_path), caption, "big", 300), esc(caption))
            for p, caption in glance))

    # -- counts
    parts.append("<h2>Counts at each stage</h2>")
    parts.append(counts_section(dl, rs, flt, labeled, training_images, threshold))
    if dl and dl["by keyword"]:
        parts.append("<p>Found per keyword: %s</p>" % esc(", ".join(
            "%s %d" % kv for kv in sorted(dl["by keyword"].items()))))

    # -- filter
    parts.append("<h2>Filter (find TARGET)</h2>")
    train = flt.get("train")
    if train:
        parts.append("<p>Target class <b>%s</b>; %s epoch(s) run, best val_loss %s at epoch %s "
                     "(val_acc %s); %s parameters.</p>"
                     % tuple(esc(x) for x in (train.get("target"), train.get("epochs_run"),
                                              _fmt(train.get("best_val_loss")), train.get("best_epoch"),
                                              _fmt(train.get("best_val_acc")), train.get("parameters"))))
    fh = flt.get("history")
    if fh:
        ep = column(fh, "epoch")
        curves = [(k, *series(fh, ep, k)) for k in ("loss", "val_loss") if column(fh, k)]
        accs = [(k, *series(fh, ep, k)) for k in ("acc", "val_acc") if column(fh, k)]
        a = plot(files / "filter-loss.png", "filter: loss", curves)
        b = plot(files / "filter-acc.png", "filter: accuracy", accs)
        parts.append('<div class="row">%s</div>' % "".join(
            img(rel(p, run_path), p.stem) for p in (a, b) if p))
    else:
        parts.append(not_run("filter training"))
    scores = flt.get("scores")
    if scores:
        scored = [(r["file"], number(r["probability"]), str(r.get("kept")).strip() in ("1", "True", "true"))
                  for r in scores if number(r.get("probability")) is not None]
        from .filter_report import sample
        kept = sorted([s for s in scored if s[2]], key=lambda s: (-s[1], s[0]))
        rejected = sorted([s for s in scored if not s[2]], key=lambda s: (-s[1], s[0]))
        parts.append("<h3>Accepted (%d, highest score first, evenly sampled)</h3>" % len(kept))
        parts.append(image_strip([(f, p) for f, p, _ in sample(kept, SAMPLE_THUMBS)], files, run_path, data, "kept"))
        parts.append("<h3>Rejected (%d, closest to the threshold first, evenly sampled)</h3>" % len(rejected))
        parts.append(image_strip([(f, p) for f, p, _ in sample(rejected, SAMPLE_THUMBS)], files, run_path, data, "rejected"))
    else:
        parts.append(not_run("filter scoring"))

    # -- GAN
    parts.append("<h2>GAN training</h2>")
    if history:
        ep = column(history, "epoch") or list(history[0].keys())[0]
        main = [k for k in losses if k.lower() in ("generator_loss", "discriminator_loss")] or losses
        p = plot(files / "gan-loss.png", "GAN losses", [(k, *series(history, ep, k)) for k in main])
        if p:
            parts.append(img(rel(p, run_path), "GAN losses"))
        parts.append("<p>%d epoch(s) logged; last epoch %s.</p>" % (len(history), esc(history[-1].get(ep))))
    else:
        parts.append(not_run("GAN training (history.csv)"))
    gif = run_path / "timelapse.gif"
    parts.append("<h3>Timelapse of the fixed-latent grid</h3>")
    parts.append(img(rel(gif, run_path), "timelapse", "big") if gif.is_file() else not_run("timelapse.gif"))

    grid_files = grids(run_path)
    best, how = best_epoch(run_path, history, summary)
    parts.append("<h3>Best epoch</h3>")
    if best is not None:
        parts.append("<p>Best epoch <b>%d</b> (%s).</p>" % (best, esc(how)))
        if (run_path / "best.png").is_file():  # the run's own grid from the best generator
            parts.append('<figure>%s<figcaption>best epoch %d (best.png)</figcaption></figure>'
                         % (img("best.png", "best grid", "big"), best))
        elif grid_files:
            chosen = min(grid_files, key=lambda g: (abs(g[0] - best), g[0]))
            parts.append('<figure>%s<figcaption>grid of epoch %d</figcaption></figure>'
                         % (img(rel(chosen[1], run_path), "best grid", "big"), chosen[0]))
    else:
        parts.append(not_run("best epoch"))
    if grid_files:
        last = grid_files[-1]
        parts.append('<figure>%s<figcaption>last grid, epoch %d</figcaption></figure>'
                     % (img(rel(last[1], run_path), "last grid", "big"), last[0]))

    # -- diversity
    parts.append("<h3>Diversity and memorisation</h3>")
    warning = collapse_warning(history, diversity, config, summary)
    if warning:
        parts.append('<p class="warn">&#9888; %s</p>' % esc(warning))
    if history and (diversity or memo):
        ep = column(history, "epoch") or list(history[0].keys())[0]
        threshold_d = collapse_threshold(config, summary)
        a = plot(files / "gan-diversity.png", "diversity of the fixed-latent samples",
                 [(k, *series(history, ep, k)) for k in diversity],
                 hline=(threshold_d, "collapse threshold") if threshold_d is not None else None)
        b = plot(files / "gan-memorisation.png", "memorisation (nearest training image)",
                 [(k, *series(history, ep, k)) for k in memo])
        parts.append('<div class="row">%s</div>' % "".join(
            img(rel(p, run_path), p.stem) for p in (a, b) if p))
        if not warning:
            parts.append('<p class="ok">No mode-collapse warning.</p>')
    else:
        parts.append(not_run("diversity / memorisation figures"))

    # -- samples
    parts.append("<h2>Samples</h2>")
    parts.append(samples_section(run_path))

    # -- environment
    parts.append("<h2>Environment</h2>")
    env = OrderedDict()
    env.update(package_versions())
    env["platform"] = platform.platform()
    env["device"] = _device(config, summary)
    env["SEED"] = (config or {}).get("seed", os.environ.get("PYTHONHASHSEED", "?"))
    env["DATA_DIR"] = str(data)
    env["OUT_DIR"] = str(out)
    parts.append(table(env.items(), ("", "")))
    parts.append("<h3>Run configuration (config.json)</h3>")
    parts.append("<pre>%s</pre>" % esc(json.dumps(config, indent=2, sort_keys=True)) if config
                 else not_run("training (no config.json)"))
    if summary:
        parts.append("<h3>Run summary (summary.json)</h3><pre>%s</pre>"
                     % esc(json.dumps(summary, indent=2, sort_keys=True)))

    page = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>kerasgan report: %s</title><style>%s</style></head>\n<body>\n%s\n</body></html>\n"
            % (esc(title), STYLE, "\n".join(parts)))
    target = run_path / REPORT
    tmp = target.with_suffix(".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


def samples_section(run_path):
    """samples/ as `make generate` writes it: grid.png, sample-<rank>.png, samples.json."""
    folder = run_path / "samples"
    if not folder.is_dir():
        return not_run("generate (no samples/)")
    meta = read_json(folder / "samples.json") or {}
    pngs = sorted(p for p in folder.rglob("*.png") if p.is_file())
    if not pngs:
        return not_run("generate (samples/ is empty)")
    out = []
    if meta:
        how = ("NICE: the %s of %s candidates the discriminator rated most real"
               % (meta.get("n", "?"), meta.get("candidates", "?")) if meta.get("nice")
               else "%s samples" % meta.get("n", len(pngs)))
        out.append("<p>%s, from the generator of epoch %s (EPOCH=%s), SEED %s.</p>"
                   % (esc(how), esc(meta.get("epoch", "?")), esc(meta.get("requested_epoch", meta.get("which", "?"))),
                      esc(meta.get("seed", "?"))))
    for p in (p for p in pngs if "grid" in p.name.lower()):
        nice = meta.get("nice") or "nice" in str(p.relative_to(folder)).lower()
        label = "NICE grid" if nice else "grid"
        out.append('<figure>%s<figcaption>%s: samples/%s</figcaption></figure>'
                   % (img(rel(p, run_path), label, "big"), esc(label), esc(p.relative_to(folder).as_posix())))
    singles = [p for p in pngs if "grid" not in p.name.lower()]
    for nice in (True, False):
        chosen = [p for p in singles if bool(meta.get("nice") or "nice" in str(p.relative_to(folder)).lower()) == nice]
        if chosen:
            out.append("<h3>%s samples (%d, the first %d)</h3>" % ("NICE" if nice else "Final",
                                                                  len(chosen), min(len(chosen), 20)))
            out.append("".join('<figure>%s</figure>' % img(rel(p, run_path), p.name, width=THUMB)
                               for p in chosen[:20]))
    return "\n".join(out)


def collapse_threshold(config, summary):
    """The diversity below which training warns of mode collapse: the run's, else issue 5's default."""
    for source in (config or {}, summary or {}):
        for key, value in source.items():
            if ("collapse" in key.lower() or "diversity_threshold" in key.lower()) and number(value) is not None:
                return number(value)
    try:
        from .pikachu_gan.train import DIVERSITY_WARN
        return float(DIVERSITY_WARN)
    except Exception:  # another pipeline, or no training code: no line drawn
        return None


def collapse_warning(history, diversity, config, summary):
    """The run's own warnings if it recorded any, else ours from history and the threshold."""
    recorded = (summary or {}).get("warnings")
    if recorded:
        items = recorded if isinstance(recorded, list) else [recorded]
        return "; ".join(str(w.get("message") or w) if isinstance(w, dict) else str(w) for w in items)
    threshold = collapse_threshold(config, summary)
    if history and diversity and threshold is not None:
        ep = column(history, "epoch") or list(history[0].keys())[0]
        low = [(x, y) for x, y in zip(*series(history, ep, diversity[0])) if y < threshold]
        if low:
            return ("possible mode collapse: %s fell below %g at %d logged epoch(s), first at epoch %d"
                    % (diversity[0], threshold, len(low), int(low[0][0])))
    return None


def _device(config, summary):
    for source in (summary or {}, config or {}):
        for key in ("device", "devices", "gpu"):
            if source.get(key):
                return str(source[key])
    return "not recorded by the run"


def _fmt(value):
    v = number(value)
    return "?" if v is None else "%.4g" % v


def configure(parser):
    parser.add_argument("--pipeline", default="pikachu", help="pipeline folder under OUT_DIR (default pikachu)")
    parser.add_argument("--run", default=os.environ.get("RUN") or None,
                        help="run name (default: the most recently modified run)")


def main(args):
    path = build(args.pipeline, args.run)
    print("report: %s" % path)
    return 0
