"""Report sections of a training run, for any pipeline: curves, timelapse, best epoch, grids,
collapse figures, samples. They read only the run folder (config.json, history.csv, summary.json,
epoch-*.png, samples/) and never import a trainer.
"""
import re

from .html import (THUMB, column, esc, img, not_run, number, read_csv, read_json, rel, series)

GRID_NAME = re.compile(r"^epoch-(\d+)\.png$")


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

def grids(run):
    """[(epoch, path)] in training order: the run's summary.json lists them (kit.summary.run_files);
    a run without one is searched for epoch-<n>.png."""
    listed = ((read_json(run / "summary.json") or {}).get("files") or {}).get("grids") if run else None
    if isinstance(listed, list) and all(isinstance(g, dict) for g in listed):
        return [(g["epoch"], run / g["file"]) for g in listed if (run / g["file"]).is_file()]
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
    """The diversity below which the run warned of mode collapse, as its summary.json records it."""
    thresholds = (summary or {}).get("thresholds") or {}
    if number(thresholds.get("diversity")) is not None:
        return number(thresholds["diversity"])
    for source in (config or {}, summary or {}):
        for key, value in source.items():
            if ("collapse" in key.lower() or "diversity_threshold" in key.lower()) and number(value) is not None:
                return number(value)
    return None   # the run recorded none: no line drawn

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


# ---------------------------------------------------------------- sections
def glance(ctx):
    """Samples, timelapse and the last grid side by side at the top."""
    found = grids(ctx.run_path)
    shown = [(p, caption) for p, caption in (
        (ctx.run_path / "samples" / "grid.png", "samples"),
        (ctx.run_path / "timelapse.gif", "timelapse"),
        (found[-1][1] if found else None, "last grid")) if p is not None and p.is_file()]
    if not shown:
        return []
    return ['<div class="row">%s</div>' % "".join(
        '<figure>%s<figcaption>%s</figcaption></figure>' % (img(rel(p, ctx.run_path), caption, "big", 300), esc(caption))
        for p, caption in shown)]


def losses(ctx, title="GAN training"):
    """Loss curves, the timelapse, the best epoch's grid and the last grid."""
    from .html import plot
    history, names = ctx.history, ctx.losses
    parts = ["<h2>%s</h2>" % esc(title)]
    if history:
        ep = column(history, "epoch") or list(history[0].keys())[0]
        main = [k for k in names if k.lower() in ("generator_loss", "discriminator_loss")] or names
        p = plot(ctx.files / "gan-loss.png", "GAN losses", [(k, *series(history, ep, k)) for k in main])
        if p:
            parts.append(img(rel(p, ctx.run_path), "GAN losses"))
        parts.append("<p>%d epoch(s) logged; last epoch %s.</p>" % (len(history), esc(history[-1].get(ep))))
    else:
        parts.append(not_run("GAN training (history.csv)"))
    gif = ctx.run_path / "timelapse.gif"
    parts.append("<h3>Timelapse of the fixed-latent grid</h3>")
    parts.append(img(rel(gif, ctx.run_path), "timelapse", "big") if gif.is_file() else not_run("timelapse.gif"))
    return parts + best_and_last(ctx)


def best_and_last(ctx):
    grid_files = grids(ctx.run_path)
    best, how = best_epoch(ctx.run_path, ctx.history, ctx.summary)
    parts = ["<h3>Best epoch</h3>"]
    if best is not None:
        parts.append("<p>Best epoch <b>%d</b> (%s).</p>" % (best, esc(how)))
        if (ctx.run_path / "best.png").is_file():  # the run's own grid from the best generator
            parts.append('<figure>%s<figcaption>best epoch %d (best.png)</figcaption></figure>'
                         % (img("best.png", "best grid", "big"), best))
        elif grid_files:
            chosen = min(grid_files, key=lambda g: (abs(g[0] - best), g[0]))
            parts.append('<figure>%s<figcaption>grid of epoch %d</figcaption></figure>'
                         % (img(rel(chosen[1], ctx.run_path), "best grid", "big"), chosen[0]))
    else:
        parts.append(not_run("best epoch"))
    if grid_files:
        last = grid_files[-1]
        parts.append('<figure>%s<figcaption>last grid, epoch %d</figcaption></figure>'
                     % (img(rel(last[1], ctx.run_path), "last grid", "big"), last[0]))
    return parts


def diversity(ctx):
    """Mode collapse and memorisation over the grid epochs, with the run's warnings."""
    from .html import plot
    history, config, summary = ctx.history, ctx.config, ctx.summary
    parts = ["<h3>Diversity and memorisation</h3>"]
    warning = collapse_warning(history, ctx.diversity, config, summary)
    if warning:
        parts.append('<p class="warn">&#9888; %s</p>' % esc(warning))
    if not (history and (ctx.diversity or ctx.memo)):
        return parts + [not_run("diversity / memorisation figures")]
    ep = column(history, "epoch") or list(history[0].keys())[0]
    threshold_d = collapse_threshold(config, summary)
    a = plot(ctx.files / "gan-diversity.png", "diversity of the fixed-latent samples",
             [(k, *series(history, ep, k)) for k in ctx.diversity],
             hline=(threshold_d, "collapse threshold") if threshold_d is not None else None)
    b = plot(ctx.files / "gan-memorisation.png", "memorisation (nearest training image)",
             [(k, *series(history, ep, k)) for k in ctx.memo])
    parts.append('<div class="row">%s</div>' % "".join(
        img(rel(p, ctx.run_path), p.stem) for p in (a, b) if p))
    if not warning:
        parts.append('<p class="ok">No mode-collapse warning.</p>')
    return parts


def samples(ctx):
    return ["<h2>Samples</h2>", samples_section(ctx.run_path)]


# A pipeline without a report.py of its own gets these (kerasgan.report.build).
DEFAULT_SECTIONS = (glance, losses, diversity, samples)
