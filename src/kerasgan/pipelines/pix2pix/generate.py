"""pix2pix's sampling: `load_generator(run, which)` opens a run (kit.runs) as the generator alone,
and `generate(net, edges, rng, nz)` runs it as the reference's test.py does. The training grid,
`make pix2pix-test` and the quality scoring all sample through these.
"""
import numpy as np

from . import PIPELINE, models
from ...errors import UserError
from ...kit import checkpoint, runs


def load_generator(run, which="latest"):
    """-> (net, epoch label, epochs trained or None): the generator alone (U-Net with the seeded
    dropout, in training mode as `generate` runs it), never the training graph, with the
    weights of `which` (latest or a kept snapshot; kit.runs). Call in a seeded session."""
    import keras.backend as K
    opened = runs.open_run(PIPELINE, run)
    config = opened.config
    which = "latest" if str(which) in runs.LAST or which in (None, "") else str(which)
    if which != "latest" and not which.isdigit():
        raise UserError("EPOCH must be latest or a kept epoch number, not %r" % (which,))
    if which != "latest" and int(which) not in checkpoint.snapshot_epochs(opened.folder):
        raise UserError("epoch %s is not kept; kept: %s (or EPOCH=latest)"
                        % (which, checkpoint.snapshot_epochs(opened.folder)))
    epoch, groups = opened.weights(which)
    seed_variable = K.variable(np.zeros(2, dtype=np.int64), dtype="int64", name="dropout_seed")
    generator = models.build_generator(config["size"], config["ngf"], config["nz"],
                                       dropout=models.seeded_dropout(seed_variable))
    generator.set_weights(groups["generator"])
    trained = epoch + 1 if which == "latest" else None
    return {"generator": generator, "seed_variable": seed_variable}, which, trained


def generate(net, edges, rng, nz):
    """G in training mode (dropout and batch statistics on, as the reference's test.py without
    --eval), one image at a time (batch 1), dropout seeds and z from `rng`."""
    import keras.backend as K
    generator = net["generator"]
    if "predict" not in net:
        net["predict"] = K.function(generator.inputs + [K.learning_phase()], [generator.outputs[0]])
    out = []
    for e in edges:
        K.set_value(net["seed_variable"], rng.randint(0, 2 ** 31 - 1, size=2).astype(np.int64))
        feed = [e[None]]
        if nz:
            feed.append(rng.normal(size=(1, nz)).astype(np.float32))
        out.append(net["predict"](feed + [1])[0][0])
    return np.stack(out)
