"""keras-dcgan's report: samples plain vs NICE with the digit classifier's figures, per-batch and
per-epoch losses, the <epoch>_<index>.png grids and their timelapse, mode-collapse figures.

Sections read only the run folder (config.json, summary.json, history.csv, batches.csv, grids,
samples/<plain|nice>/samples.json) and never import the trainer.
"""
import re

from ...evaluation import report as evaluation_report
from ...kit import runfolder
from ...report import training
from ...report.html import column, esc, img, not_run, number, read_csv, read_json, rel, series

GRID = re.compile(r"^(\d+)_(\d+)\.png$")
KINDS = (("plain", "plain: the first batch of noise"),
         ("nice", "--nice: the batch the discriminator scores highest of 20 x batch"))


def grids(run):
    found = []
    for p in run.iterdir() if run.is_dir() else ():
        m = GRID.match(p.name)
        if m:
            found.append(((int(m.group(1)), int(m.group(2))), p))
    return sorted(found)


def _figure(ctx, path, caption, width=300):
    return '<figure>%s<figcaption>%s</figcaption></figure>' % (
        img(rel(path, ctx.run_path), caption, "big", width), esc(caption))


def glance(ctx):
    shown = [(ctx.run_path / runfolder.SAMPLES / kind / runfolder.SAMPLE_GRID, "generate " + kind)
             for kind, _ in KINDS]
    shown.append((ctx.run_path / "timelapse.gif", "timelapse of the training grids"))
    found = grids(ctx.run_path)
    if found:
        shown.append((found[-1][1], "last grid %s" % found[-1][1].name))
    shown = [(p, c) for p, c in shown if p.is_file()]
    return ['<div class="row">%s</div>' % "".join(_figure(ctx, p, c) for p, c in shown)] if shown else []


def losses(ctx):
    from ...report.html import plot
    parts = ["<h2>keras-dcgan training</h2>"]
    config = ctx.config or {}
    if config:
        parts.append("<p>%s images (%s), batch %s, %s batches per epoch, %s epochs; SGD lr %s "
                     "momentum %s nesterov for D and for G through the frozen D.</p>" % tuple(
                         esc(v) for v in (config["data"]["images"], config["data"]["kind"],
                                          config["batch_size"], config["batches_per_epoch"],
                                          config["epochs"], config["optimizer_discriminator"]["lr"],
                                          config["optimizer_discriminator"]["momentum"])))
    batches = read_csv(ctx.run_path / "batches.csv")
    if batches:
        per = int(config.get("batches_per_epoch") or 1)
        for row in batches:
            row["step"] = int(row["epoch"]) * per + int(row["batch"])
        p = plot(ctx.files / "dcgan-batch-loss.png", "losses per batch",
                 [(k, *series(batches, "step", k)) for k in ("discriminator_loss", "generator_loss")],
                 xlabel="batch")
        if p:
            parts.append(img(rel(p, ctx.run_path), "losses per batch"))
    if ctx.history:
        p = plot(ctx.files / "dcgan-epoch-loss.png", "mean losses per epoch",
                 [(k, *series(ctx.history, "epoch", k)) for k in ("discriminator_loss", "generator_loss")])
        if p:
            parts.append(img(rel(p, ctx.run_path), "losses per epoch"))
    if not (batches or ctx.history):
        parts.append(not_run("training (batches.csv, history.csv)"))
    found = grids(ctx.run_path)
    if found:
        step = max(1, len(found) // 8)
        chosen = found[::step][-8:] if found[-1] in found[::step] else (found[::step] + [found[-1]])[-8:]
        parts.append("<h3>Grids of the batches just generated (&lt;epoch&gt;_&lt;index&gt;.png, %d in all)</h3>"
                     % len(found))
        parts.append('<div class="row">%s</div>' % "".join(
            _figure(ctx, p, p.name, 160) for _, p in chosen))
    return parts


def _quality_rows(meta):
    return [("classes covered (of 10)", meta.get("classes_covered")),
            ("KL(class histogram || uniform), nats", "%.3f" % meta["kl_uniform"] if "kl_uniform" in meta else None),
            ("share classified with confidence >= 0.9", "%.0f%%" % (100 * meta["confident"]) if "confident" in meta else None),
            ("class histogram 0..9", " ".join(map(str, meta.get("class_histogram", []))) or None),
            ("mean discriminator score, kept", "%.3f" % meta["mean_score_kept"] if "mean_score_kept" in meta else None),
            ("mean discriminator score, all candidates", "%.3f" % meta["mean_score_all"] if "mean_score_all" in meta else None),
            ("candidates / kept", "%s / %s" % (meta.get("candidates"), meta.get("n")))]


def quality(ctx):
    """Seed 002's mode-collapse view: which digits the generator draws, plain and --nice."""
    from ...report.html import plot
    parts = ["<h2>Quality: which digits come out (mode collapse)</h2>"]
    classifier = (ctx.summary or {}).get("classifier")
    if classifier:
        acc = classifier.get("held_out_accuracy")
        parts.append("<p>A small CNN trained here on the same data (%s images, %s epochs, held-out "
                     "accuracy %s; cached as <code>%s</code>) labels generated samples. KL from uniform "
                     "is 0 when every digit is drawn equally often and log 10 = 2.30 when all are one "
                     "digit.</p>" % (esc(classifier.get("images")), esc(classifier.get("epochs")),
                                     esc("%.3f" % acc if number(acc) is not None else "n/a"),
                                     esc(classifier.get("file"))))
    else:
        parts.append(not_run("digit classifier (the run's data has no labels, e.g. --path)"))
    metas = [(kind, what, read_json(ctx.run_path / "samples" / kind / "samples.json"))
             for kind, what in KINDS]
    metas = [(k, w, m) for k, w, m in metas if m]
    if metas:
        header = [""] + [w for _, w, _ in metas]
        rows = []
        for i, (label, _) in enumerate(_quality_rows(metas[0][2])):
            rows.append([label] + [_quality_rows(m)[i][1] for _, _, m in metas])
        parts.append('<div class="row">%s</div>' % "".join(
            _figure(ctx, ctx.run_path / runfolder.SAMPLES / k / runfolder.SAMPLE_GRID, w, 320)
            for k, w, _ in metas))
        parts.append(_table(rows, header))
        parts.append("<p>From the weights of epoch %s, batch %s (the latest checkpoint), SEED %s.</p>"
                     % tuple(esc(metas[0][2].get(k)) for k in ("epoch", "batch", "seed")))
    else:
        parts.append(not_run("generate (samples/plain, samples/nice)"))
    history = ctx.history
    if history and column(history, "classes_covered") and any(
            number(r.get("classes_covered")) is not None for r in history):
        p = plot(ctx.files / "dcgan-quality.png", "classifier figures of the fixed eval samples",
                 [(k, *series(history, "epoch", k)) for k in ("kl_uniform", "confident")])
        q = plot(ctx.files / "dcgan-classes.png", "digits covered (of 10)",
                 [("classes_covered", *series(history, "epoch", "classes_covered"))])
        parts.append('<div class="row">%s</div>' % "".join(
            img(rel(x, ctx.run_path), x.stem) for x in (p, q) if x))
    return parts


def _table(rows, header):
    out = ["<table>", "<tr>%s</tr>" % "".join("<th>%s</th>" % esc(h) for h in header)]
    for r in rows:
        out.append("<tr>%s</tr>" % "".join(
            "<td>%s</td>" % (esc(c) if c is not None else "&mdash;") for c in r))
    out.append("</table>")
    return "\n".join(out)


SECTIONS = (glance, quality, losses, training.diversity, evaluation_report.quality)
