"""The cartoon pipeline's report: the arithmetic grids with the flip shares, the encoder's
recovery error and reconstructions, interpolations, the GAN's losses, grids and collapse figures.

Sections read only the run folder (config.json, summary.json, history.csv, arithmetic/*/,
interpolate/, reconstructions.png, samples/) and never import the trainer.
"""
from ...evaluation import report as evaluation_report
from ...report import training
from ...report.html import esc, img, not_run, number, read_json, rel, table as _table


def table(rows, header):
    """A table of the rows whose value is known."""
    return _table([r for r in rows if r[1] is not None], header)


def _figure(ctx, path, caption, width=260):
    return '<figure>%s<figcaption>%s</figcaption></figure>' % (
        img(rel(path, ctx.run_path), caption, "big", width), esc(caption))


def _share(figure):
    if not figure or not figure.get("of"):
        return "n/a"
    return "%.0f%% (%d of %d)" % (100.0 * figure["flipped"] / figure["of"], figure["flipped"], figure["of"])


def _pct(value):
    return "%.0f%%" % (100 * value) if number(value) is not None else None


def _inversion_rows(attr, name, figures):
    """One inversion's figures: the flips, the reconstructions' label and pixel distance."""
    return [
        ("%s: added (reconstructions without %s that have it after + v)" % (name, attr), _share(figures.get("added"))),
        ("%s: removed (reconstructions with %s that lose it after - v)" % (name, attr), _share(figures.get("removed"))),
        ("%s: reconstructions G(z) that keep the image's label" % name, _pct(figures.get("reconstructions_keep_label"))),
        ("%s: mean |G(z) - x| in pixels (-1..1)" % name, "%.3f" % figures["reconstruction_l1"]
         if number(figures.get("reconstruction_l1")) is not None else None)]


def _figures_table(meta, attr):
    classifier, recovery = meta.get("classifier") or {}, meta.get("recovery") or {}
    inversions = meta.get("inversions") or {meta.get("inversion", "encoder"): meta}
    rows = []
    for name in sorted(inversions, key=lambda k: k != "encoder"):
        rows += _inversion_rows(attr, "E(x)" if name == "encoder" else "projection from E(x)", inversions[name])
    rows += [
        ("encoder: latent recovery |E(G(z)) - z|^2 / |z|^2, cosine",
         "%.3f, %.3f" % (recovery["recovery_error"], recovery["recovery_cosine"])
         if number(recovery.get("recovery_error")) is not None else None),
        ("classifier: held-out accuracy on the set",
         "%.3f" % classifier["held_out_accuracy"] if number(classifier.get("held_out_accuracy")) is not None else None),
        ("images with / without %s" % attr, "%s / %s" % (meta.get("images_with"), meta.get("images_without"))),
        ("|v| (attribute vector's norm)", "%.3f" % meta["vector_norm"] if number(meta.get("vector_norm")) is not None else None)]
    parts = [table(rows, ("figure", "value"))]
    scaled = [("%s, scale %s" % (name, k), "added %s; removed %s" % (_share(v.get("added")), _share(v.get("removed"))))
              for name, figures in sorted(inversions.items()) for k, v in
              sorted((figures.get("by_scale") or {}).items(), key=lambda kv: float(kv[0]))]
    if scaled:
        parts += ["<p>The same figures at other multiples of v:</p>", table(scaled, ("", "flip shares"))]
    return parts


def arithmetic(ctx):
    """Seed 002's result: base images, the attribute added and subtracted, and the proof."""
    parts = ["<h2>Latent attribute arithmetic (make cartoon-arithmetic)</h2>"]
    folders = sorted(p for p in (ctx.run_path / "arithmetic").glob("*") if (p / "arithmetic.json").is_file())
    if not folders:
        return parts + [not_run("cartoon-arithmetic")]
    for folder in folders:
        meta = read_json(folder / "arithmetic.json") or {}
        attr = meta.get("attribute", folder.name)
        inversion = meta.get("inversion", "encoder")
        parts.append("<h3>%s, scale %s, %s base images per group; latents by %s</h3>"
                     % (esc(attr), esc(meta.get("scale")), esc(meta.get("n")),
                        "the encoder E(x)" if inversion == "encoder"
                        else "projection (%s steps from E(x))" % esc(meta.get("projection_steps"))))
        parts += _figures_table(meta, attr)
        shown = [(folder, "")] + [(folder / k, k + ": ") for k in sorted(meta.get("inversions") or {}) if k != inversion]
        for where, prefix in shown:
            parts.append(_grids(ctx, where, folder.name, prefix))
    return parts


def _grids(ctx, folder, slug, prefix):
    shown = [("imgs_originals.png", "originals x (without)"), ("imgs_base.png", "imgs_base: G(z)"),
             ("imgs_%s_avg.png" % slug, "G(z + v)"), ("imgs_%s_sub.png" % slug, "G(z - v)"),
             ("with_originals.png", "originals (with)"), ("with_base.png", "G(z)"),
             ("with_removed.png", "G(z - v)")]
    shown = [(folder / name, prefix + caption) for name, caption in shown if (folder / name).is_file()]
    return '<div class="row">%s</div>' % "".join(_figure(ctx, p, c, 200) for p, c in shown)


def encoder(ctx):
    parts = ["<h2>Encoder: images -> z</h2>"]
    recovery = (ctx.summary or {}).get("recovery")
    objective = (ctx.config or {}).get("encoder_objective")
    if objective:
        l2 = "reconstruction_l2" in objective
        parts.append("<p>Objective: %s x mean (E(G(z)) - z)^2 (latent regression on G's samples) + %s x "
                     "mean %s (reconstruction of real images through the frozen G).</p>"
                     % (esc(objective.get("latent_regression")),
                        esc(objective.get("reconstruction_l2" if l2 else "reconstruction_l1")),
                        "(G(E(x)) - x)^2" if l2 else "|G(E(x)) - x|"))
    if (ctx.config or {}).get("average"):
        parts.append("<p>G's weights: their running average (decay %s, CARTOON_AVERAGE) from the GAN's "
                     "last epoch on.</p>" % esc(ctx.config["average"]))
    if (ctx.config or {}).get("joint"):
        parts.append("<p>Joint: E trained alongside the GAN too, and G's loss had %s x that reconstruction term "
                     "(CARTOON_JOINT), so that G learns to redraw the real faces E encodes.</p>"
                     % esc(ctx.config["joint"]))
    if recovery:
        parts.append(table([("relative latent recovery error |E(G(z)) - z|^2 / |z|^2", "%.3f" % recovery["recovery_error"]),
                            ("mean cosine(E(G(z)), z)", "%.3f" % recovery["recovery_cosine"]),
                            ("mean |G(E(G(z))) - G(z)| in pixels (-1..1)", "%.3f" % recovery["recovery_pixel_l1"]
                             if number(recovery.get("recovery_pixel_l1")) is not None else None)],
                           ("figure", "value")))
    else:
        parts.append(not_run("encoder phase"))
    shown = [(ctx.run_path / "reconstructions.png", "pairs: real | G(E(real))")]
    shown += [(p, "interpolation " + p.stem) for p in sorted((ctx.run_path / "interpolate").glob("*.png"))]
    shown = [(p, c) for p, c in shown if p.is_file()]
    if shown:
        parts.append('<div class="row">%s</div>' % "".join(_figure(ctx, p, c, 520) for p, c in shown))
    return parts


def models(ctx):
    config, summary = ctx.config or {}, ctx.summary or {}
    if not config:
        return []
    params = summary.get("parameters") or {}
    rows = [("data", "%s images (%s), 64x64" % (config["data"]["images"], config["data"]["kind"])),
            ("epochs", "%s DCGAN + %s encoder, batch %s" % (config["gan_epochs"], config["encoder_epochs"], config["batch_size"])),
            ("base filters nf", "%s (z 100 -> 4x4x%d -> 64x64x3)" % (config["nf"], 8 * config["nf"])),
            ("seconds per epoch", "%.1f" % summary["seconds_per_epoch"] if number(summary.get("seconds_per_epoch")) is not None else None)]
    rows += [("%s parameters" % k, "{:,}".format(v)) for k, v in sorted(params.items())]
    return ["<h2>Models</h2>", table(rows, ("", ""))]


def losses(ctx):
    """The GAN phase's and the encoder phase's losses, the timelapse and the last grid (the
    run keeps no "best epoch": the arithmetic needs the final G and E)."""
    from ...report.html import plot, series
    parts = ["<h2>Training</h2>"]
    if not ctx.history:
        return parts + [not_run("cartoon-train (history.csv)")]
    for name, keys in (("GAN", ("d_loss_real", "d_loss_fake", "g_loss")),
                       ("encoder", ("e_loss_latent", "e_loss_reconstruction", "recovery_error"))):
        curves = [(k,) + tuple(series(ctx.history, "epoch", k)) for k in keys]
        curves = [c for c in curves if c[1]]
        p = plot(ctx.files / ("cartoon-%s.png" % name.lower()), name + " phase", curves) if curves else None
        if p:
            parts.append(img(rel(p, ctx.run_path), name + " losses"))
    shown = [(ctx.run_path / "timelapse.gif", "timelapse of the fixed-latent grid")]
    grids = training.grids(ctx.run_path)
    if grids:
        shown.append((grids[-1][1], "last grid, epoch %d" % grids[-1][0]))
    shown = [(p, c) for p, c in shown if p.is_file()]
    parts.append('<div class="row">%s</div>' % "".join(_figure(ctx, p, c, 400) for p, c in shown))
    return parts


SECTIONS = (training.glance, arithmetic, encoder, models, losses, training.diversity,
            evaluation_report.quality, training.samples)
