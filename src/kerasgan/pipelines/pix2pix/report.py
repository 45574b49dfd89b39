"""The pix2pix pipeline's report: the training pairs, the run's losses and strips, its test pages.

Sections read only files the stages wrote (DATA_DIR/pix2pix/<phase>/manifest.csv, the run folder,
test_<epoch>/images/); see kerasgan.report.
"""
import re

from ...evaluation import report as evaluation_report
from ...report import training
from ...report.html import esc, img, not_run, read_csv, rel, table


def data(ctx):
    parts = ["<h2>Data (make pix2pix-preprocess)</h2>"]
    rows = []
    for phase in ("train", "test"):
        manifest = ctx.data / "pix2pix" / phase / "manifest.csv"
        found = read_csv(manifest) if manifest.is_file() else None
        if found is None:
            rows.append((phase, "not run"))
            continue
        kinds = [r.get("kind") for r in found]
        rows.append((phase, "%d image|edges pairs, %d edge maps (%s)"
                     % (kinds.count("image"), kinds.count("edge-map"), manifest)))
    parts.append(table(rows, ("phase", "files")))
    return parts


def test_pages(ctx):
    """Every test_<epoch>/ page of the run, its rows inline (input | output | target)."""
    parts = ["<h2>Result pages (make pix2pix-test)</h2>"]
    pages = sorted(p for p in ctx.run_path.glob("test_*") if (p / "index.html").is_file())
    if not pages:
        return parts + [not_run("pix2pix-test")]
    for page in pages:
        parts.append('<h3><a href="%s">%s</a></h3>' % (esc(rel(page / "index.html", ctx.run_path)),
                                                       esc(page.name)))
        names = sorted({re.sub(r"_(input|output|target)$", "", p.stem)
                        for p in (page / "images").glob("*.png")},
                       key=lambda n: (len(n), n))
        rows = []
        for name in names:
            cells = []
            for column in ("input", "output", "target"):
                path = page / "images" / ("%s_%s.png" % (name, column))
                cells.append(img(rel(path, ctx.run_path), column, width=128) if path.is_file() else "&mdash;")
            rows.append([esc(name)] + cells)
        parts.append("<table><tr><th></th><th>input</th><th>output</th><th>target</th></tr>%s</table>"
                     % "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % c for c in r) for r in rows))
    return parts


def losses(ctx):
    """Loss curves, the timelapse and the last strip (pix2pix has no "best epoch")."""
    from ...report.html import column, plot, series
    parts = ["<h2>pix2pix training (GAN + 100 L1)</h2>"]
    history = ctx.history
    if not history:
        return parts + [not_run("pix2pix-train (history.csv)")]
    ep = column(history, "epoch") or list(history[0].keys())[0]
    for name, keys in (("generator", ["loss_G_GAN", "loss_G_L1", "loss_MS"]),
                       ("discriminator", ["loss_D_real", "loss_D_fake", "loss_GP"])):
        curves = [(k, ) + tuple(series(history, ep, k)) for k in keys if k in ctx.losses]
        curves = [c for c in curves if len(c[1])]
        p = plot(ctx.files / ("pix2pix-%s.png" % name), name + " losses", curves) if curves else None
        if p:
            parts.append(img(rel(p, ctx.run_path), name + " losses"))
    parts.append("<p>%d epoch(s) logged; last epoch %s. Strips: edges | output | image for the first "
                 "training pairs.</p>" % (len(history), esc(history[-1].get(ep))))
    strips = training.grids(ctx.run_path)
    gif = ctx.run_path / "timelapse.gif"
    if gif.is_file():
        parts.append('<figure>%s<figcaption>timelapse</figcaption></figure>' % img("timelapse.gif", "timelapse", "big"))
    if strips:
        parts.append('<figure>%s<figcaption>epoch %d</figcaption></figure>'
                     % (img(rel(strips[-1][1], ctx.run_path), "last strip", "big"), strips[-1][0]))
    return parts


SECTIONS = (training.glance, data, test_pages, losses, evaluation_report.quality)
