"""`make cartoon-arithmetic ATTR=glasses [SCALE=1.0] [N=16]`, `make cartoon-interpolate`,
`make cartoon-generate`: what seed 002 did with the trained generator and encoder.

Arithmetic (seed 002: "元画像" -> "眼鏡を付与", imgs_base.png / imgs_glass_avg.png): the attribute
vector is mean E(x) over the set's images with the attribute minus mean E(x) over those without
(labels from the CSVs: attributes.binary_labels). For N base images without the attribute
(chosen by the "eval" stream) it writes, in OUT_DIR/cartoon/<RUN>/arithmetic/<ATTR>/:

    imgs_originals.png   the images x
    imgs_base.png        their reconstructions G(E(x))
    imgs_<attr>_avg.png  G(E(x) + SCALE v)     (the seed's imgs_glass_avg.png for glasses)
    imgs_<attr>_sub.png  G(E(x) - SCALE v)
    with_originals.png, with_base.png, with_removed.png: N images that have it, and G(E(x) - SCALE v)
    arithmetic.json      the figures below

Proof: an attribute classifier trained here on the set (classifier.py, cached in DATA_DIR/models/)
judges the generated images. "added" = share of the bases whose reconstruction it calls "without" that it
calls "with" after adding v; "removed" = share of the with-images whose reconstruction it calls
"with" that it calls "without" after subtracting v. Both are counted over up to EVAL_N images
per group (the grids show the first N), at SCALE and at 0.5, 1, 1.5 and 2, with the share of
reconstructions that keep their image's label and their mean pixel distance |G(z) - x|.

INVERSION=projection refines each base image's E(x) by Adam steps on the pixel error (project.py)
before the arithmetic; v stays E's. arithmetic.json then holds both inversions' figures
("inversions"), the top-level ones being the projection's; the encoder's grids go to encoder/.
"""
import json
import sys

import numpy as np

from . import PIPELINE, attributes, data as dataset, project
from .classifier import ensure_classifier
from .generate import load_generator, save_faces
from ...errors import UserError
from ...kit import judge, runfolder, runs, seeds
from ...kit.files import write_json
from ...kit.progress import log

BATCH = 64
EVAL_N = 200               # images per group the flip figures count
SCALES = (0.5, 1.0, 1.5, 2.0)   # the figures at these multiples of v too (arithmetic.json by_scale)
ENCODER, PROJECTION = "encoder", "projection"   # how a real image's latent is found (INVERSION=)


class ArithmeticError_(UserError):
    pass


def attribute_vector(latents, present, known):
    """mean latent with the attribute - mean latent without it (only images whose CSV lists it)."""
    with_, without = latents[present & known], latents[~present & known]
    if not len(with_) or not len(without):
        raise ArithmeticError_("the attribute needs images with it (%d) and without it (%d)"
                               % (len(with_), len(without)))
    return with_.mean(0) - without.mean(0)


def _draw(generator, latents):
    return generator.predict(latents.astype(np.float32), batch_size=BATCH)


def _says(classifier, images):
    return classifier.predict(images, batch_size=BATCH).ravel() >= 0.5


def choose(present, known, n, seed):
    """The base images of each group ("eval" stream): the grids show the first n, the figures
    count up to EVAL_N (16 would be noisy)."""
    rng = seeds.stream(seed, "eval")
    pools = {"without": np.flatnonzero(~present & known), "with": np.flatnonzero(present)}
    return {k: rng.permutation(v)[:max(n, EVAL_N)] for k, v in pools.items()}


def invert(inversion, generator, x, latents, chosen, steps):
    """-> {group: latents of the chosen images}: E(x), or E(x) refined by projection."""
    picked = {group: latents[index] for group, index in chosen.items()}
    if inversion == ENCODER:
        return picked
    return {group: project.project(generator, x[index], picked[group], steps, log=log)[0]
            for group, index in chosen.items()}


def write_grids(out, generator, x, chosen, z, vector, scale, n, attr):
    """The seed's grids of the first n of each group (names in the module's docstring)."""
    out.mkdir(parents=True, exist_ok=True)
    columns = int(np.ceil(np.sqrt(n)))
    for group, names in (("without", ("imgs_originals", "imgs_base", "imgs_%s_avg" % attr, "imgs_%s_sub" % attr)),
                         ("with", ("with_originals", "with_base", None, "with_removed"))):
        base = z[group][:n]
        results = [x[chosen[group][:n]], _draw(generator, base), _draw(generator, base + scale * vector),
                   _draw(generator, base - scale * vector)]
        for name, result in zip(names, results):
            if name:
                save_faces(result, out / (name + ".png"), columns)


def arithmetic(run, spec, scale=1.0, n=16, seed=0, inversion=None, steps=None):
    """Write the grids and arithmetic.json of `spec` for `run`; -> the figures."""
    inversion, steps = inversion or ENCODER, project.STEPS if steps is None else steps
    opened = runs.open_run(PIPELINE, run)
    folder, config = opened.folder, opened.config
    images, table, _ = dataset.run_images(config)
    present, known = attributes.binary_labels(table, spec)
    from ...kit import determinism
    # first: training it starts (and clears) a session of its own, which would drop networks
    # built before; then one seeded session for the rest, whether the judge was cached or not
    classifier_file, info = ensure_classifier(images, present, spec, config["seed"])
    determinism.seed_everything(config["seed"], threads=determinism.configured_threads())
    classifier = judge.load(classifier_file)
    _, _, generator, encoder = load_generator(run)
    x = dataset.to_model(images)
    latents = encoder.predict(x, batch_size=BATCH)
    vector = attribute_vector(latents, present, known)    # always E's: the seed's vector
    chosen = choose(present, known, n, seed)
    attr = attributes.slug(spec)
    out = folder / "arithmetic" / attr
    methods = (ENCODER,) if inversion == ENCODER else (ENCODER, inversion)
    found = {}
    for method in methods:   # the chosen inversion's grids in out/, the other's in out/<method>/
        z = invert(method, generator, x, latents, chosen, steps)
        write_grids(out if method == inversion else out / method, generator, x, chosen, z, vector, scale, n, attr)
        found[method] = Judge(classifier, generator, z, vector, x, chosen).figures(scale)
    figures = dict(found[inversion])
    figures.update({"attribute": spec, "scale": scale, "n": int(n), "inversion": inversion,
                    "projection_steps": steps if inversion == PROJECTION else None, "inversions": found,
                    "vector_norm": float(np.linalg.norm(vector)),
                    "mean_latent_norm": float(np.linalg.norm(latents, axis=1).mean()),
                    "images_with": int(present.sum()), "images_without": int((~present & known).sum()),
                    "originals_classified_right": float(np.mean(np.concatenate(
                        [~_says(classifier, x[chosen["without"]]), _says(classifier, x[chosen["with"]])]))),
                    "classifier": info, "run": config["run"], "seed": seed,
                    "recovery": json.loads((folder / runfolder.SUMMARY).read_text()).get("recovery")
                    if (folder / runfolder.SUMMARY).is_file() else None})
    write_json(out / "arithmetic.json", figures)
    for method in methods:
        log("cartoon-arithmetic: %s, scale %g, %s: added %s, removed %s, reconstructions keep their label %.0f%%"
            % (spec, scale, method, _share(found[method]["added"]), _share(found[method]["removed"]),
               100 * found[method]["reconstructions_keep_label"]))
    log("cartoon-arithmetic: classifier held-out accuracy %.3f -> %s" % (info["held_out_accuracy"], out))
    return figures


class Judge(object):
    """The classifier's verdicts on G's images of the chosen latents, moved by s * v."""

    def __init__(self, classifier, generator, z, vector, x, chosen):
        self.classifier, self.generator, self.vector, self.z = classifier, generator, vector, z
        drawn = {group: _draw(generator, latents) for group, latents in z.items()}
        self.base = {group: _says(classifier, images) for group, images in drawn.items()}
        # how far G(E(x)) is from x: mean |difference| in pixels (-1..1) over both groups
        self.distance = float(np.mean(np.concatenate(
            [np.abs(drawn[g] - x[chosen[g]]).mean((1, 2, 3)) for g in drawn])))

    def says(self, z):
        return _says(self.classifier, _draw(self.generator, z))

    def flips(self, scale):
        """{added, removed}: flipped / eligible (reconstructions the classifier called
        without, resp. with, the attribute)."""
        eligible_add, eligible_remove = ~self.base["without"], self.base["with"]
        added = self.says(self.z["without"] + scale * self.vector)
        removed = self.says(self.z["with"] - scale * self.vector)
        return {"added": {"flipped": int((eligible_add & added).sum()), "of": int(eligible_add.sum())},
                "removed": {"flipped": int((eligible_remove & ~removed).sum()), "of": int(eligible_remove.sum())}}

    def figures(self, scale):
        """The flips at `scale` and at SCALES, the share of reconstructions that keep their
        image's label, their pixel distance, and how well the latents invert G (recovery)."""
        keep = float(np.mean(np.concatenate([~self.base["without"], self.base["with"]])))
        figures = self.flips(scale)
        figures["by_scale"] = {"%g" % s: self.flips(s) for s in sorted(set(SCALES) | {scale})}
        figures.update({"reconstructions_keep_label": keep, "reconstruction_l1": self.distance})
        return figures


def _share(figure):
    return ("%d/%d = %.0f%%" % (figure["flipped"], figure["of"], 100.0 * figure["flipped"] / figure["of"])
            if figure["of"] else "n/a (no eligible base)")


def configure(parser):
    parser.add_argument("--run", default="default", help="run name: OUT_DIR/cartoon/<RUN>/")
    parser.add_argument("--attr", default="glasses",
                        help="glasses, facial_hair, or name=variant (e.g. hair_color=3)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiple of the vector added")
    parser.add_argument("--n", type=int, default=16, help="base images per group")
    parser.add_argument("--seed", type=int, default=0, help="which base images (eval stream)")
    parser.add_argument("--inversion", default=ENCODER, choices=(ENCODER, PROJECTION),
                        help="latents of the real images: E(x) (the seed's), or E(x) refined by "
                             "projection (the encoder's figures are kept beside it)")
    parser.add_argument("--steps", type=int, default=project.STEPS, help="projection's Adam steps")


def main(args):
    try:
        attributes.parse_binary(args.attr)
        if args.n < 1 or args.steps < 1:
            raise ArithmeticError_("N and STEPS must be at least 1")
        arithmetic(args.run, args.attr, args.scale, args.n, args.seed, args.inversion, args.steps)
    except (ArithmeticError_, ValueError, dataset.DataError) as error:
        print("cartoon-arithmetic: error: %s" % error, file=sys.stderr)
        return 2
    return 0
