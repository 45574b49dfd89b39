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


D_LOSSES = (("loss_D_real", "loss_D_fake"), ("d_loss_real", "d_loss_fake"))   # pix2pix, cartoon


def _by_loss(ctx, history, ep, found):
    """(epoch, caption) of the original's pick: the run's best epoch or the lowest discriminator
    loss; a pipeline whose original kept none (pix2pix, cartoon) gets the lowest D loss of its grid epochs."""
    epoch, _ = best_epoch(ctx.run_path, history, ctx.summary)
    if epoch is not None:
        return epoch, "best by discriminator loss: epoch %d" % epoch
    keys = next((pair for pair in D_LOSSES if pair[0] in history[0]), D_LOSSES[0])
    real, fake = (dict(zip(*series(history, ep, k))) for k in keys)
    losses = {int(x): real[x] + fake[x] for x in real if x in fake and int(x) in found}
    if not losses:
        return None, None
    epoch = min(losses, key=lambda e: (losses[e], e))
    return epoch, "lowest D loss (real + fake) of the grid epochs: epoch %d (the original keeps no best epoch)" % epoch


def quality(ctx):
    """FID and precision/recall/coverage over the grid epochs; the two best epochs side by side."""
    history = ctx.history
    parts = ["<h3>Sample quality (FID)</h3>"]
    if not history or "fid" not in history[0]:
        return parts + ['<p class="notrun">No quality figures: train with EVAL_N=&lt;samples&gt; to '
                        'score each grid epoch, or compare two folders with make evaluate.</p>']
    ep = column(history, "epoch") or list(history[0].keys())[0]
    plots = [plot(ctx.files / "quality-fid.png", "FID of the evaluation samples (lower is better)",
                  [("fid", *series(history, ep, "fid"))]),
             plot(ctx.files / "quality-prdc.png", "precision, recall, coverage",
                  [(k, *series(history, ep, k)) for k in ("precision", "recall", "coverage")])]
    if "ssim" in history[0]:      # paired (pix2pix): outputs against their targets
        plots += [plot(ctx.files / "quality-paired.png", "L1 and SSIM of outputs against targets",
                       [(k, *series(history, ep, k)) for k in ("l1", "ssim")])]
    parts.append('<div class="row">%s</div>' % "".join(img(rel(p, ctx.run_path), p.stem) for p in plots if p))
    parts.append(_network(ctx))
    found = dict(grids(ctx.run_path))     # epoch -> its (last) grid
    by_loss, caption = _by_loss(ctx, history, ep, found)
    by_fid, fid = _best_fid(history, ep)
    shown = []
    best_png = ctx.run_path / "best.png"
    if by_loss is not None and (best_png.is_file() or by_loss in found):
        shown.append(_figure(ctx, best_png if best_png.is_file() else found[by_loss], caption))
    if by_fid is not None and by_fid in found:
        shown.append(_figure(ctx, found[by_fid], "best by FID: epoch %d (FID %.3f)" % (by_fid, fid)))
    parts.append("<p>Best epoch by discriminator loss (the original's rule): <b>%s</b>; by FID: <b>%s</b>.</p>"
                 % (esc(by_loss), esc(by_fid)))
    if shown:
        parts.append('<div class="row">%s</div>' % "".join(shown))
    return parts
