"""The report section of a run's quality figures (EVAL_N): FID curve, PRDC curves, and the
original's best epoch (lowest discriminator loss) beside the best-by-FID epoch, with their grids.
Reads only the run folder (history.csv, summary.json, epoch-*.png), like every report section.
"""
from ..report.html import column, esc, img, number, plot, rel, series
from ..report.training import best_epoch, grids


def _best_fid(history, ep):
    xs, ys = series(history, ep, "fid")
    if not ys:
        return None, None
    i = min(range(len(ys)), key=lambda i: (ys[i], xs[i]))
    return int(xs[i]), ys[i]


def _figure(ctx, path, caption):
    return '<figure>%s<figcaption>%s</figcaption></figure>' % (
        img(rel(path, ctx.run_path), caption, "big"), esc(caption))


def _network(ctx):
    net = ((ctx.summary or {}).get("quality") or {}).get("feature_network") or {}
    if not net:
        return ""
    accuracy = number(net.get("held_out_accuracy"))
    return "<p>Features: %s%s; %s generated samples against %s training images.</p>" % (
        esc(net.get("name")), "" if accuracy is None else " (held-out accuracy %.3f)" % accuracy,
        esc(net.get("n")), esc(net.get("real")))


def quality(ctx):
    """FID and precision/recall/coverage over the grid epochs; the two best epochs side by side."""
    history = ctx.history
    parts = ["<h3>Sample quality (FID)</h3>"]
    if not history or "fid" not in history[0]:
        return parts + ['<p class="notrun">No quality figures: train with EVAL_N=&lt;samples&gt; to '
                        'score each grid epoch, or compare two folders with make evaluate.</p>']
    ep = column(history, "epoch") or list(history[0].keys())[0]
    a = plot(ctx.files / "quality-fid.png", "FID of the evaluation samples (lower is better)",
             [("fid", *series(history, ep, "fid"))])
    b = plot(ctx.files / "quality-prdc.png", "precision, recall, coverage",
             [(k, *series(history, ep, k)) for k in ("precision", "recall", "coverage")])
    parts.append('<div class="row">%s</div>' % "".join(img(rel(p, ctx.run_path), p.stem) for p in (a, b) if p))
    parts.append(_network(ctx))
    by_loss, _ = best_epoch(ctx.run_path, history, ctx.summary)
    by_fid, fid = _best_fid(history, ep)
    found = dict(grids(ctx.run_path))
    shown = []
    if by_loss is not None and (ctx.run_path / "best.png").is_file():
        shown.append(_figure(ctx, ctx.run_path / "best.png", "best by discriminator loss: epoch %d" % by_loss))
    if by_fid is not None and by_fid in found:
        shown.append(_figure(ctx, found[by_fid], "best by FID: epoch %d (FID %.3f)" % (by_fid, fid)))
    parts.append("<p>Best epoch by discriminator loss (the original's rule): <b>%s</b>; by FID: <b>%s</b>.</p>"
                 % (esc(by_loss), esc(by_fid)))
    if shown:
        parts.append('<div class="row">%s</div>' % "".join(shown))
    return parts
