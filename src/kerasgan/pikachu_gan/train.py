"""`make train`: train the Pikachu GAN of seeds 000/001, resumably and reproducibly.

Reproduces the GAN of "GAN Pikachu" (seed 001, after inoue-kobo.com's gan-pikachu): keras-adversarial's
CIFAR-10 example with nch 512, h 7, trained with AdversarialOptimizerSimultaneous on the images
the filter kept (DATA_DIR/predicted/). Command:

    make train [RUN=default] [EPOCHS=50001] [SAVE_EVERY=100] [NCH=512] [KERNEL=7] [DROPOUT=0.5]
               [SIZE=32] [SEED=0] [DETERMINISTIC=0] [TRAIN_DIR=DATA_DIR/predicted]

Output: OUT_DIR/pikachu/<RUN>/ (layout in kerasgan.pikachu_gan.runfolder and the README).
The same command with the same RUN resumes where it stopped; another config is refused.

The training loop is explicit (one `train_on_batch` of the AdversarialModel per batch of 32, an
"epoch" being one pass over the training set as the original's `model.fit`), so that it can
checkpoint between epochs and draw every random number from one checkpointed numpy RNG:
the shuffle, the latents (the original sampled them in the graph with K.random_normal) and the
seeds of the discriminator's dropout masks. TF1's own random ops restart in every session, which
would make a resumed run differ from an uninterrupted one.
"""
import functools
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np

from . import models, runfolder
from .data import DataError, default_train_dir, load_training_images

# Defaults (REFERENCE.md §1 unless said otherwise).
DEFAULTS = {
    "run": "default",
    "epochs": 50001,          # nb_epoch of the original: epochs 0..50000
    "save_every": 100,        # a grid every 100 epochs, as the original
    "nch": models.NCH,
    "kernel": models.KERNEL,
    "dropout": models.DROPOUT,  # chosen (see models.DROPOUT)
    "size": models.SIZE,
    "seed": 0,
    "deterministic": 0,       # 1: GPU determinism settings (see README)
    "keep_snapshots": 10,     # grid epochs whose weights stay available to `generate EPOCH=<n>`
}
BATCH_SIZE = 32
LR_G, LR_D, DECAY = 1e-4, 1e-3, 1e-5   # Adam(1e-4, decay=1e-5) / Adam(1e-3, decay=1e-5)
LOSS = "binary_crossentropy"
GRID = 10                              # 10x10 fixed latents
DIVERSITY_WARN = 0.2                   # below: warn of mode collapse (1.0 = as varied as the data)
MEMORISED_WARN = 0.5                   # above: warn that most samples copy training images

# Independent numpy streams derived from SEED (np.random.RandomState([seed, stream])).
STREAM_TRAIN, STREAM_GRID, STREAM_GENERATE = 0, 1, 2

log = functools.partial(print, flush=True)


def stream(seed, which):
    return np.random.RandomState([seed, which])


def configure(parser):
    d = DEFAULTS
    parser.add_argument("--run", default=d["run"], help="run name: OUT_DIR/pikachu/<RUN>/")
    parser.add_argument("--epochs", type=int, default=d["epochs"], help="epochs in all (original 50001)")
    parser.add_argument("--save-every", type=int, default=d["save_every"],
                        help="grid, metrics and checkpoint every N epochs (original 100)")
    parser.add_argument("--nch", type=int, default=d["nch"], help="channels (original 512)")
    parser.add_argument("--kernel", type=int, default=d["kernel"], help="kernel size h (original 7)")
    parser.add_argument("--dropout", type=float, default=d["dropout"],
                        help="SpatialDropout2D rate (not recoverable; default 0.5)")
    parser.add_argument("--size", type=int, default=d["size"], help="image side (original 32)")
    parser.add_argument("--seed", type=int, default=d["seed"], help="the one seed of the run")
    parser.add_argument("--deterministic", type=int, choices=(0, 1), default=d["deterministic"],
                        help="1: TF_CUDNN_DETERMINISTIC + tensorflow-determinism (GPU only matters)")
    parser.add_argument("--train-dir", default=None,
                        help="folder of training images (default DATA_DIR/predicted/)")
    parser.add_argument("--keep-snapshots", type=int, default=d["keep_snapshots"],
                        help="how many grid epochs keep their weights for generate EPOCH=<n>")
    parser.add_argument("--dry-run", action="store_true", help="print the resolved config and stop")


def resolve_config(args, data_digest, n_images, train_dir):
    from .. import determinism
    if args.epochs < 1 or args.save_every < 1:
        raise DataError("EPOCHS and SAVE_EVERY must be at least 1")
    if args.nch < 4 or args.nch % 4:
        raise DataError("NCH must be a multiple of 4 (the blocks use nch/4 and nch/2), got %d" % args.nch)
    if not 0.0 <= args.dropout < 1.0:
        raise DataError("DROPOUT must be in [0, 1), got %r" % args.dropout)
    return {
        "pipeline": "pikachu-gan",
        "run": args.run,
        "epochs": args.epochs,
        "save_every": args.save_every,
        "nch": args.nch,
        "kernel": args.kernel,
        "dropout": args.dropout,
        "size": args.size,
        "seed": args.seed,
        "deterministic": args.deterministic,
        "keep_snapshots": args.keep_snapshots,
        "latent_dim": models.LATENT_DIM,
        "batch_size": BATCH_SIZE,
        "optimizer_generator": {"name": "Adam", "lr": LR_G, "decay": DECAY},
        "optimizer_discriminator": {"name": "Adam", "lr": LR_D, "decay": DECAY},
        "loss": LOSS,
        "regularizer": {"l1": models.L1, "l2": models.L2},
        "grid": GRID,
        "threads": int(os.environ.get("KERASGAN_THREADS") or determinism.DEFAULT_THREADS),
        "train_dir": str(Path(train_dir).resolve()),
        "data": {"images": n_images, "sha256": data_digest},
    }


def main(args):
    train_dir = Path(args.train_dir) if args.train_dir else default_train_dir()
    try:
        images, sources, digest = load_training_images(train_dir, args.size, BATCH_SIZE, log=log)
        config = resolve_config(args, digest, len(images), train_dir)
        folder = runfolder.run_dir(args.run)
        runfolder.check_config(folder, config)
    except (DataError, runfolder.ConfigMismatch) as error:
        print("train: error: %s" % error, file=sys.stderr)
        return 2
    if args.dry_run:
        import json
        print(json.dumps(config, indent=2, sort_keys=True))
        return 0
    return train(config, images, folder)


# ---------------------------------------------------------------- the keras-adversarial wiring
def build_gan(config):
    """Models, AdversarialModel and optimizers, wired as the original (keras-adversarial README).

    The latents are an input of the GAN (simple_gan(..., None)) rather than sampled in the graph,
    and the dropout masks read `seed_variable`: both are fed from the numpy RNG."""
    import keras.backend as K
    from keras.optimizers import Adam
    from keras_adversarial import AdversarialModel, AdversarialOptimizerSimultaneous, simple_gan

    seed_variable = K.variable(np.zeros(2, dtype=np.int64), dtype="int64", name="dropout_seed")
    generator = models.build_generator(config["nch"], config["kernel"], config["size"],
                                       config["latent_dim"])
    discriminator = models.build_discriminator(
        config["nch"], config["kernel"], config["dropout"], config["size"],
        spatial_dropout=models.seeded_spatial_dropout(seed_variable))
    gan = simple_gan(generator, discriminator, None)   # inputs [z, x] -> [yfake, yreal]
    model = AdversarialModel(base_model=gan,
                             player_params=[generator.trainable_weights,
                                            discriminator.trainable_weights],
                             player_names=["generator", "discriminator"])
    opt_g = Adam(LR_G, decay=DECAY)
    opt_d = Adam(LR_D, decay=DECAY)
    model.adversarial_compile(adversarial_optimizer=AdversarialOptimizerSimultaneous(),
                              player_optimizers=[opt_g, opt_d], loss=LOSS)
    # Build the train function now: the optimizers create their slots (Adam's m, v) here, and a
    # resume must restore them before the first batch.
    model._make_train_function()
    return generator, discriminator, model, opt_g, opt_d, seed_variable


def gan_targets(n):
    """[generator yfake, generator yreal, discriminator yfake, discriminator yreal] = [1, 0, 0, 1]."""
    ones, zeros = np.ones((n, 1), np.float32), np.zeros((n, 1), np.float32)
    return [ones, zeros, zeros, ones]


def enable_determinism(deterministic):
    if deterministic:
        from .. import determinism
        determinism.enable_gpu_determinism()


def describe_device(threads):
    # Ask the seeded session (allow_growth) rather than device_lib, which would grab all GPU memory.
    import keras.backend as K
    gpus = [d.name.split("device:")[-1] for d in K.get_session().list_devices()
            if d.device_type == "GPU"]
    if gpus:
        return "GPU (%s; not bit-exact, see README)" % ", ".join(gpus)
    return "CPU (%d intra-op thread%s)" % (threads, "" if threads == 1 else "s")


def versions():
    import keras
    import tensorflow as tf
    try:
        from importlib_metadata import version
    except ImportError:  # pragma: no cover
        from importlib.metadata import version
    return {"python": sys.version.split()[0], "tensorflow": tf.__version__,
            "keras": keras.__version__, "keras-adversarial": version("keras-adversarial"),
            "numpy": np.__version__}


def _duration(seconds):
    seconds = int(round(seconds))
    days, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return ("%dd " % days if days else "") + "%02d:%02d:%02d" % (h, m, s)


class _StopFlag(object):
    """SIGINT / SIGTERM: finish the current epoch, checkpoint, exit."""

    def __init__(self):
        self.signum = None
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    def _handle(self, signum, frame):
        if self.signum is not None:   # second signal: stop now (the last checkpoint stays)
            raise KeyboardInterrupt
        self.signum = signum
        log("signal %d: stopping after this epoch (checkpointing first)" % signum)


# ---------------------------------------------------------------- training
def train(config, images, folder):
    from .. import determinism
    from .images import CollapseMeter, grid, save_png, to_uint8

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runfolder.write_json(folder / runfolder.CONFIG, config)   # before training starts
    checkpoint = runfolder.load_checkpoint(folder)
    epochs, save_every = config["epochs"], config["save_every"]
    state = checkpoint["state"] if checkpoint else None
    if state and state["epoch"] >= epochs - 1 and (folder / "generator.h5").exists():
        log("train: run %s already finished (%d epochs); nothing to do" % (folder, state["epoch"] + 1))
        return 0

    import keras.backend as K
    import tensorflow as tf
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)

    enable_determinism(config["deterministic"])
    determinism.seed_everything(config["seed"], threads=config["threads"])
    generator, discriminator, model, opt_g, opt_d, seed_variable = build_gan(config)
    device = describe_device(config["threads"])
    log("device: %s; TensorFlow %s, Keras %s" % (device, tf.__version__, __import__("keras").__version__))

    if checkpoint:
        generator.set_weights(checkpoint["generator"])
        discriminator.set_weights(checkpoint["discriminator"])
        K.batch_set_value(list(zip(opt_g.weights, checkpoint["opt_generator"])))
        K.batch_set_value(list(zip(opt_d.weights, checkpoint["opt_discriminator"])))
        rng = determinism.rng_from_state(state["rng"])
        start = state["epoch"] + 1
        best = {"epoch": state["best_epoch"], "loss": state["best_loss"],
                "generator": checkpoint["best_generator"],
                "discriminator": checkpoint["best_discriminator"]}
        log("resume: run %s from epoch %d (checkpoint of epoch %d)" % (folder, start, state["epoch"]))
    else:
        rng = stream(config["seed"], STREAM_TRAIN)
        start = 0
        best = None
        log("train: new run %s" % folder)
    # The history beyond the checkpoint belongs to epochs we are about to redo.
    history = runfolder.read_history(folder, upto=start - 1)
    runfolder.write_history(folder, history)

    writer = tf.summary.FileWriter(str(folder / runfolder.LOGS))
    # let TensorBoard drop events of epochs a killed session logged and this one redoes
    writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), global_step=start)

    x_train = images.astype(np.float32) / 255.0
    n = len(x_train)
    fixed_z = stream(config["seed"], STREAM_GRID).normal(
        size=(GRID * GRID, config["latent_dim"])).astype(np.float32)
    meter = CollapseMeter(images)
    names = list(model.metrics_names)
    assert names == runfolder.LOSS_COLUMNS, names
    d_index = names.index("discriminator_loss")
    targets = {}
    stop = _StopFlag()
    session = {"seconds": 0.0, "epochs": 0, "device": device}
    best_grid_epoch = None
    epoch = start - 1

    def checkpoint_now(epoch):
        runfolder.save_checkpoint(
            folder,
            {"epoch": epoch, "rng": determinism.rng_state(rng), "best_epoch": best["epoch"],
             "best_loss": best["loss"], "seed": config["seed"]},
            generator.get_weights(), discriminator.get_weights(),
            K.batch_get_value(opt_g.weights), K.batch_get_value(opt_d.weights),
            best["generator"], best["discriminator"])

    def sample_grid(weights=None):
        if weights is None:
            return generator.predict(fixed_z, batch_size=BATCH_SIZE)
        current = generator.get_weights()
        generator.set_weights(weights)
        try:
            return generator.predict(fixed_z, batch_size=BATCH_SIZE)
        finally:
            generator.set_weights(current)

    for epoch in range(start, epochs):
        began = time.time()
        order = rng.permutation(n)
        totals = np.zeros(len(names), np.float64)
        for offset in range(0, n, BATCH_SIZE):
            index = order[offset:offset + BATCH_SIZE]
            m = len(index)
            z = rng.normal(size=(m, config["latent_dim"])).astype(np.float32)
            K.set_value(seed_variable, rng.randint(0, 2 ** 31 - 1, size=2).astype(np.int64))
            if m not in targets:
                targets[m] = gan_targets(m)
            outs = model.train_on_batch([z, x_train[index]], targets[m])
            totals += np.asarray(outs, np.float64) * m
        losses = totals / n
        row = dict(zip(names, losses.tolist()))
        row["epoch"] = epoch
        if best is None or losses[d_index] < best["loss"]:
            best = {"epoch": epoch, "loss": float(losses[d_index]),
                    "generator": generator.get_weights(),
                    "discriminator": discriminator.get_weights()}
        last = epoch == epochs - 1
        grid_epoch = epoch % save_every == 0 or last
        if grid_epoch:
            samples = sample_grid()
            row.update(meter.measure(samples))
            save_png(grid(to_uint8(samples), GRID), folder / runfolder.grid_name(epoch))
            if row["diversity"] < DIVERSITY_WARN:
                log("warning: mode collapse? epoch %d: diversity %.3f (< %.2f; 1.0 = as varied as "
                    "the training images)" % (epoch, row["diversity"], DIVERSITY_WARN))
            if row["memorised"] > MEMORISED_WARN:
                log("warning: epoch %d: %.0f%% of the grid's samples are near-copies of training "
                    "images" % (epoch, 100 * row["memorised"]))
        runfolder.append_history(folder, row)
        history.append(row)
        summary = [tf.Summary.Value(tag="loss/" + k, simple_value=row[k]) for k in names]
        summary += [tf.Summary.Value(tag="collapse/" + k, simple_value=row[k])
                    for k in runfolder.METRIC_COLUMNS if k in row]
        writer.add_summary(tf.Summary(value=summary), epoch)

        took = time.time() - began
        session["seconds"] += took
        session["epochs"] += 1
        rate = session["epochs"] / max(session["seconds"], 1e-9)
        remaining = epochs - epoch - 1
        if session["epochs"] == 1:
            log("timing: the first epoch took %.1f s (graph warm-up included); %d epochs to go"
                % (took, remaining))
        log("epoch %05d/%d  d %.4f  g %.4f  %.2f epochs/s  ETA %s%s"
            % (epoch, epochs, row["discriminator_loss"], row["generator_loss"], rate,
               _duration(remaining / rate),
               "  diversity %.3f" % row["diversity"] if grid_epoch else ""))

        if grid_epoch or stop.signum is not None:
            if grid_epoch:
                runfolder.save_snapshot(folder, epoch, generator.get_weights(),
                                        discriminator.get_weights(), config["keep_snapshots"])
            if best_grid_epoch != best["epoch"]:
                save_png(grid(to_uint8(sample_grid(best["generator"])), GRID),
                         folder / runfolder.BEST_GRID)
                best_grid_epoch = best["epoch"]
            checkpoint_now(epoch)   # last: everything above is redone identically on resume
            writer.flush()
            write_summary(folder, config, history, best, session, "running")
            if stop.signum is not None:
                log("train: stopped at epoch %d; `make train RUN=%s` (same settings) resumes"
                    % (epoch, config["run"]))
                make_timelapse(folder)
                write_summary(folder, config, history, best, session, "interrupted")
                writer.close()
                return 128 + stop.signum

    writer.close()
    finish(folder, config, generator, discriminator, history, best, session)
    return 0


def finish(folder, config, generator, discriminator, history, best, session):
    """generator.h5 / discriminator.h5 (plain Keras layers, loadable without kerasgan), GIF, summary."""
    plain = models.build_discriminator(config["nch"], config["kernel"], config["dropout"],
                                       config["size"])
    plain.set_weights(discriminator.get_weights())
    for model, name in ((generator, "generator.h5"), (plain, "discriminator.h5")):
        tmp = folder / (".%s.tmp-%d" % (name, os.getpid()))
        model.save(str(tmp))
        os.replace(str(tmp), str(folder / name))
    make_timelapse(folder)
    write_summary(folder, config, history, best, session, "finished")
    log("train: done; best epoch %d (discriminator loss %.4f); outputs in %s"
        % (best["epoch"], best["loss"], folder))


def make_timelapse(folder):
    from .images import save_gif
    frames = sorted(Path(folder).glob("epoch-*.png"))
    save_gif(frames, Path(folder) / runfolder.TIMELAPSE)


def collapse_warnings(history):
    warnings = []
    grid_rows = [r for r in history if r.get("diversity") is not None]
    low = [r for r in grid_rows if r["diversity"] < DIVERSITY_WARN]
    if low:
        warnings.append({
            "kind": "mode-collapse", "epochs": [r["epoch"] for r in low],
            "message": "diversity below %.2f at %d of %d grid epochs (first %d, last %d): the "
                       "samples look alike" % (DIVERSITY_WARN, len(low), len(grid_rows),
                                               low[0]["epoch"], low[-1]["epoch"])})
    copied = [r for r in grid_rows if r["memorised"] > MEMORISED_WARN]
    if copied:
        warnings.append({
            "kind": "memorisation", "epochs": [r["epoch"] for r in copied],
            "message": "over %.0f%% of the samples near-copy training images at %d grid epochs"
                       % (100 * MEMORISED_WARN, len(copied))})
    return warnings


def write_summary(folder, config, history, best, session, status):
    last = history[-1] if history else {}
    grid_rows = [r for r in history if r.get("diversity") is not None]
    summary = {
        "pipeline": "pikachu-gan",
        "run": config["run"],
        "status": status,
        "epochs": config["epochs"],
        "epochs_done": (last.get("epoch", -1) + 1),
        "best_epoch": best["epoch"] if best else None,
        "best_discriminator_loss": best["loss"] if best else None,
        "final": {k: last.get(k) for k in runfolder.HISTORY_COLUMNS if k in last},
        "last_grid": ({k: grid_rows[-1][k] for k in ["epoch"] + runfolder.METRIC_COLUMNS}
                      if grid_rows else None),
        "warnings": collapse_warnings(history),
        "device": session["device"],
        "seconds_per_epoch": (session["seconds"] / session["epochs"]) if session["epochs"] else None,
        "versions": versions(),
        "config": config,
        "files": {
            "config": runfolder.CONFIG, "history": runfolder.HISTORY,
            "grids": sorted(p.name for p in Path(folder).glob("epoch-*.png")),
            "best_grid": runfolder.BEST_GRID, "timelapse": runfolder.TIMELAPSE,
            "tensorboard": runfolder.LOGS + "/", "checkpoint": runfolder.CHECKPOINTS + "/" + runfolder.LATEST,
            "generator": "generator.h5", "discriminator": "discriminator.h5",
            "samples": runfolder.SAMPLES + "/",
        },
    }
    runfolder.write_json(Path(folder) / runfolder.SUMMARY, summary)
