"""`make cartoon-classifier ATTR=glasses`: the attribute classifier that judges cartoon-arithmetic.

A small CNN (models.build_classifier) trained here on the set's images and the attribute's CSV
labels, cached in DATA_DIR/models/ (kit.judge): the same set, attribute and recipe never train
twice. cartoon-arithmetic trains it when it is missing; this command trains it ahead, e.g. while
cartoon-train runs (the demo does both at once).

Recipe: class-balanced binary cross-entropy; each epoch sees every training image once with
Gaussian pixel noise (NOISE, drawn from the "judge" stream). The noise is there because the judge
scores G's images, whose speckle real images lack: trained on clean images only, judges that
differ only in their seed disagree on several points in a hundred of the same reconstructions
(docs/cartoon-arithmetic.md#the-judge).
"""
import sys

import numpy as np

from . import attributes, data as dataset
from ...kit import judge
from ...kit.progress import log

BATCH = 64
EPOCHS = 16
NOISE = 0.15           # std of the pixel noise on the [-1, 1] training images
RECIPE = "epochs=%d noise=%g" % (EPOCHS, NOISE)   # part of the cache key: another recipe, another judge


def classifier_path(images, labels, spec, data_root=None):
    return judge.cache_path("cartoon-classifier-" + attributes.slug(spec), judge.key(
        images, np.asarray(labels, np.uint8), np.frombuffer((spec + " " + RECIPE).encode(), np.uint8)),
        data_root)


def _fit(images, labels, spec, seed, path):
    """-> fit(rng) for kit.judge.ensure: the model trained by the recipe, and its figures."""
    def fit(rng):
        from . import models
        valid, fit = judge.split(rng, len(images), at_least=1)
        x, y = dataset.to_model(images), labels.astype(np.float32)
        share = float(y[fit].mean())
        weights = {0: 0.5 / max(1.0 - share, 1e-3), 1: 0.5 / max(share, 1e-3)}   # balance the classes
        model = models.build_classifier()
        model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
        log("cartoon classifier: %s on %d images (%.0f%% with it), %d held out, %s -> %s"
            % (spec, len(fit), 100 * share, len(valid), RECIPE, path))
        for _ in range(EPOCHS):
            noisy = x[fit] + rng.normal(0.0, NOISE, size=x[fit].shape).astype(np.float32)
            model.fit(noisy, y[fit], batch_size=BATCH, epochs=1, shuffle=False, verbose=0,
                      class_weight=weights)
        accuracy = float(np.mean((model.predict(x[valid]).ravel() >= 0.5) == labels[valid]))
        log("cartoon classifier: held-out accuracy %.3f" % accuracy)
        return model, {"attribute": spec, "images": int(len(images)), "held_out": int(len(valid)),
                       "held_out_accuracy": accuracy, "share_with": share, "epochs": EPOCHS,
                       "noise": NOISE, "seed": seed, "file": str(path)}
    return fit


def ensure_classifier(images, labels, spec, seed, data_root=None):
    """The cached classifier of `spec` on these images (trained now if missing) -> (its path, its
    figures). Clears the session: build everything else after it."""
    path = classifier_path(images, labels, spec, data_root)
    judge.ensure(path, seed, _fit(images, labels, spec, seed, path))
    return path, judge.info(path)


def configure(parser):
    dataset.set_arguments(parser)
    parser.add_argument("--attr", default="glasses",
                        help="glasses, facial_hair, or name=variant (e.g. hair_color=3)")


def main(args):
    try:
        images, table, _, _, _ = dataset.load_set(args.set, args.seed, args.synthetic_n)
        present, _ = attributes.binary_labels(table, args.attr)
        path, info = ensure_classifier(images, present, args.attr, args.seed)
    except (ValueError, dataset.DataError) as error:
        print("cartoon-classifier: error: %s" % error, file=sys.stderr)
        return 2
    log("cartoon-classifier: %s, held-out accuracy %.3f -> %s" % (args.attr, info["held_out_accuracy"], path))
    return 0
