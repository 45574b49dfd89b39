"""Report sections of the Pikachu pipeline's data stages: download, reshape, label, filter.

They read DATA_DIR's manifests and reports (the stages' own files); a stage that has not run is
shown as "not run", never an error.
"""
from collections import Counter, OrderedDict
from pathlib import Path

from .. import paths
from .html import (NOT_RUN, column, esc, img, not_run, number, plot, read_csv, read_json, rel,
                   series, table, thumbnail)

SAMPLE_THUMBS = 12          # accepted and rejected images shown, each


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
    a reason); reports/reshape_manifest.csv alone (kept images only) if the report is missing."""
    rows = read_csv(Path(data) / paths.REPORTS / "reshape.csv")
    if rows is None:
        kept = read_csv(Path(data) / paths.RESHAPE_MANIFEST)
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


# ---------------------------------------------------------------- sections
def stages(ctx):
    """The pipeline at a glance: which stages have written their files."""
    flt = ctx.cache("filter", filter_info, ctx.data)
    done = [("download", download_counts(ctx.data) is not None),
            ("reshape", reshape_counts(ctx.data) is not None),
            ("label", labeled_counts(ctx.data) is not None),
            ("filter", flt.get("scores") is not None),
            ("train", ctx.history is not None),
            ("generate", (ctx.run_path / "samples" / "grid.png").is_file())]
    return ['<p class="stages">%s</p>' % " &rarr; ".join(
        '<span class="%s">%s %s</span>' % ("ok" if ok else "notrun", esc(name), "&#10003;" if ok else "(not run)")
        for name, ok in done)]


def training_images(ctx):
    for source in (ctx.summary or {}, ctx.config or {}, (ctx.config or {}).get("data") or {},
                   ((ctx.summary or {}).get("config") or {}).get("data") or {}):
        for key in ("training_images", "train_images", "images", "n_images"):
            if number(source.get(key)) is not None:
                return int(number(source[key]))
    if (ctx.data / paths.PREDICTED).is_dir() and ctx.run_exists:
        return sum(1 for p in (ctx.data / paths.PREDICTED).iterdir() if p.is_file())
    return None


def counts(ctx):
    dl, rs, labeled = download_counts(ctx.data), reshape_counts(ctx.data), labeled_counts(ctx.data)
    flt = ctx.cache("filter", filter_info, ctx.data)
    threshold = (flt.get("score") or {}).get("threshold")
    parts = ["<h2>Counts at each stage</h2>",
             counts_section(dl, rs, flt, labeled, training_images(ctx), threshold)]
    if dl and dl["by keyword"]:
        parts.append("<p>Found per keyword: %s</p>" % esc(", ".join(
            "%s %d" % kv for kv in sorted(dl["by keyword"].items()))))
    return parts


def _fmt(value):
    v = number(value)
    return "?" if v is None else "%.4g" % v


def filter_curves(ctx, flt):
    train = flt.get("train")
    parts = []
    if train:
        parts.append("<p>Target class <b>%s</b>; %s epoch(s) run, best val_loss %s at epoch %s "
                     "(val_acc %s); %s parameters.</p>"
                     % tuple(esc(x) for x in (train.get("target"), train.get("epochs_run"),
                                              _fmt(train.get("best_val_loss")), train.get("best_epoch"),
                                              _fmt(train.get("best_val_acc")), train.get("parameters"))))
    fh = flt.get("history")
    if not fh:
        return parts + [not_run("filter training")]
    ep = column(fh, "epoch")
    curves = [(k, *series(fh, ep, k)) for k in ("loss", "val_loss") if column(fh, k)]
    accs = [(k, *series(fh, ep, k)) for k in ("acc", "val_acc") if column(fh, k)]
    a = plot(ctx.files / "filter-loss.png", "filter: loss", curves)
    b = plot(ctx.files / "filter-acc.png", "filter: accuracy", accs)
    parts.append('<div class="row">%s</div>' % "".join(
        img(rel(p, ctx.run_path), p.stem) for p in (a, b) if p))
    return parts


def filter_section(ctx):
    """The find-TARGET CNN: its curves, then accepted and rejected images."""
    from ..ingest.filter_report import sample
    flt = ctx.cache("filter", filter_info, ctx.data)
    parts = ["<h2>Filter (find TARGET)</h2>"] + filter_curves(ctx, flt)
    scores = flt.get("scores")
    if not scores:
        return parts + [not_run("filter scoring")]
    scored = [(r["file"], number(r["probability"]), str(r.get("kept")).strip() in ("1", "True", "true"))
              for r in scores if number(r.get("probability")) is not None]
    kept = sorted([s for s in scored if s[2]], key=lambda s: (-s[1], s[0]))
    rejected = sorted([s for s in scored if not s[2]], key=lambda s: (-s[1], s[0]))
    for title, chosen, prefix in (("Accepted (%d, highest score first, evenly sampled)", kept, "kept"),
                                  ("Rejected (%d, closest to the threshold first, evenly sampled)",
                                   rejected, "rejected")):
        parts.append("<h3>%s</h3>" % (title % len(chosen)))
        parts.append(image_strip([(f, p) for f, p, _ in sample(chosen, SAMPLE_THUMBS)], ctx.files,
                                 ctx.run_path, ctx.data, prefix))
    return parts
