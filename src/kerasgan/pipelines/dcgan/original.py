"""`make dcgan-train DCGAN_LOOP=original`: keras-dcgan's training loop as jacobgil wrote it.

The reference of the outcome-fidelity sweep (sweeps/dcgan-fidelity.yaml, docs/sweeps.md): the
same builders (models.py) and data (data.py) as `make dcgan-train`, trained by the original's own
loop (docs/originals.md#keras-dcgan): the stacked model compiled while D is frozen, then D compiled
trainable; per batch G.predict on uniform(-1, 1) noise, D.train_on_batch on real + generated
(labels 1 / 0), fresh noise, D.trainable off, stacked.train_on_batch (labels 1), D.trainable on;
images every 20 batches and both weight files every 10, as the original.

Ours beyond it, so that it is a run like the others: OUT_DIR/dcgan/<RUN>/ (never the current
directory), the noise from the seed's "train" stream, weights named generator.h5 and
discriminator.h5 (the original: `generator`, `discriminator`), history.csv with each epoch's mean
losses, config.json and summary.json. Like the original it has no resume: a stopped run starts
again from its first batch (the same bytes, the seed being the same).
"""
import os
import time

import numpy as np

from . import data as dataset, models, train as ours
from ...kit import runfolder, seeds, summary
from ...kit.files import read_json, write_json
from ...kit.grids import grid, save_png, to_uint8
from ...kit.progress import log

PIPELINE = "dcgan"
HISTORY_COLUMNS = ["epoch", "discriminator_loss", "generator_loss"]


def config_of(args, source):
    from ...kit import determinism
    return {"pipeline": PIPELINE, "loop": "original", "run": args.run, "epochs": args.epochs,
            "batch_size": args.batch_size, "seed": args.seed, "latent_dim": models.LATENT_DIM,
            "threads": determinism.configured_threads(),
            "data": {k: source[k] for k in ("kind", "images", "sha256")}}


def build():
    """G, D and the stacked model, compiled in the original's order (D frozen inside the stack)."""
    from keras.models import Sequential
    from keras.optimizers import SGD
    g, d = models.build_generator(), models.build_discriminator()
    d.trainable = False                 # the original's generator_containing_discriminator
    d_on_g = Sequential([g, d])
    g.compile(loss=ours.LOSS, optimizer="SGD")
    d_on_g.compile(loss=ours.LOSS, optimizer=SGD(lr=ours.LR, momentum=ours.MOMENTUM,
                                                 nesterov=ours.NESTEROV))
    d.trainable = True
    d.compile(loss=ours.LOSS, optimizer=SGD(lr=ours.LR, momentum=ours.MOMENTUM, nesterov=ours.NESTEROV))
    return g, d, d_on_g


def epoch(nets, x_train, batch, rng, number, folder):
    """One epoch of the original's loop; returns its mean D and G losses."""
    g, d, d_on_g = nets
    losses = []
    for index in range(len(x_train) // batch):
        noise = rng.uniform(-1, 1, size=(batch, models.LATENT_DIM))
        image_batch = x_train[index * batch:(index + 1) * batch]
        generated = g.predict(noise, verbose=0)
        if index % ours.DEFAULTS["grid_every"] == 0:
            save_png(grid(to_uint8(generated, -1.0, 1.0)), os.path.join(folder, ours.grid_file(number, index)))
        d_loss = d.train_on_batch(np.concatenate((image_batch, generated)), [1] * batch + [0] * batch)
        noise = rng.uniform(-1, 1, (batch, models.LATENT_DIM))
        d.trainable = False
        g_loss = d_on_g.train_on_batch(noise, [1] * batch)
        d.trainable = True
        if index % 10 == 9:
            g.save_weights(os.path.join(folder, "generator.h5"), True)
            d.save_weights(os.path.join(folder, "discriminator.h5"), True)
        losses.append((float(d_loss), float(g_loss)))
    return np.mean(losses, axis=0)


def train(config, x, folder):
    from ...kit import determinism
    determinism.seed_everything(config["seed"])
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / runfolder.CONFIG, config)
    nets, rng = build(), seeds.stream(config["seed"], "train")
    x_train, rows, start = dataset.to_model(x), [], time.time()
    for number in range(config["epochs"]):
        d_loss, g_loss = epoch(nets, x_train, config["batch_size"], rng, number, folder)
        rows.append({"epoch": number, "discriminator_loss": d_loss, "generator_loss": g_loss})
        log("epoch %d/%d  d %.4f  g %.4f" % (number + 1, config["epochs"], d_loss, g_loss))
    nets[0].save_weights(str(folder / "generator.h5"), True)
    nets[1].save_weights(str(folder / "discriminator.h5"), True)
    runfolder.History(folder, HISTORY_COLUMNS).write(rows)
    files = {"config": runfolder.CONFIG, "history": runfolder.HISTORY, "generator": "generator.h5",
             "discriminator": "discriminator.h5",
             "grids": [{"epoch": e, "file": ours.grid_file(e, i)} for e in range(config["epochs"])
                       for i in range(0, len(x_train) // config["batch_size"],
                                      ours.DEFAULTS["grid_every"])]}
    device = determinism.describe_device(config["threads"])
    summary.write_summary(folder, config, "finished", config["epochs"], device,
                          (time.time() - start) / max(1, config["epochs"]), files, loop="original")
    return 0


def main(args):
    x, _, source = dataset.load(args.data, args.path)
    config = config_of(args, source)
    folder = runfolder.run_dir(PIPELINE, args.run)
    done = read_json(folder / runfolder.SUMMARY)
    if done and done.get("status") == "finished" and done.get("config") == config:
        log("dcgan original: run %s already finished; nothing to do" % folder)
        return 0
    return train(config, x, folder)
