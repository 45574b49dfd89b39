"""The one epoch loop under every epoch-based pipeline, and the protocol a pipeline implements.

The loop owns what every trainer shares: the run folder (config.json before anything else), the
checkpoint's resume point, "already finished" (a flag in the checkpoint, written once the final
models are), --deterministic and the seeded session, progress and ETA, SIGINT/SIGTERM (checkpoint,
then stop), the NaN check, the grid / snapshot / checkpoint cadence, TensorBoard and the summary's
status. A pipeline subclasses `Trainer` and provides its networks, one epoch, its grid, what its
checkpoint adds and its final models; `on_grid(epoch, samples)` is the one place where a grid
epoch's samples are available to whoever wants to score them. With EVAL_N, a pipeline that names
its `domain` and draws `evaluation_samples` gets FID, KID, precision, recall and coverage in the
rows of its scored steps (kerasgan.evaluation.scoring), from the "evaluate" stream only.

The loop counts steps: an epoch by default, a batch for a trainer whose original works per batch
(keras-dcgan: a grid every 20 batches, weights every 10, resume mid-epoch), which overrides the
`steps`, `is_grid`, `is_save`, `resume_point` and `where` methods. Default cadence: epoch e is a grid
epoch when e % save_every == 0 or it is the last; a grid epoch writes the grid, a snapshot (weights
only, `keep_snapshots` kept; a config without that key keeps none) and the checkpoint; a signal
writes the checkpoint of the step it interrupts. Every random number comes from the checkpointed
RNG, so a run killed at any point and resumed writes the same bytes as one that never stopped.
"""
from pathlib import Path

import numpy as np

from . import checkpoint, runfolder, seeds
from .progress import log

FINISHED = "finished"     # the checkpoint state's flag: final models written


class Trainer(object):
    """One training session of a run. The loop sets: models, optimizers, rng, start, device, rows."""

    name = "train"                 # the log lines' prefix
    unit = "epoch"                 # what one step of the loop is
    command = "make train"         # how a user resumes (for the stop message)
    loss_columns = ()              # history columns checked for NaN / inf after each epoch
    domain = None                  # EVAL_N: the feature network (kerasgan.evaluation.features.DOMAINS)
    paired = False                 # EVAL_N: evaluation_samples -> (outputs, their targets)
    scorer = None                  # set by the loop when EVAL_N is given

    def __init__(self, config, folder, history_columns):
        self.config, self.folder = config, Path(folder)
        self.history = runfolder.History(self.folder, history_columns)
        self.progress = None

    # ---- the steps and their cadence (an epoch each, unless a pipeline says otherwise)
    def steps(self):
        return self.config["epochs"]

    def is_grid(self, step):
        return step % self.config["save_every"] == 0 or step == self.steps() - 1

    def is_save(self, step):
        return self.is_grid(step)

    def progress_every(self):
        return self.config["save_every"]

    def resume_point(self, saved):
        """-> (rng, first step) of a checkpoint (or of a fresh run: saved None)."""
        return checkpoint.resume_point(saved, self.config["seed"], self.models, self.optimizers)

    def where(self, step):
        """A step in words, for the log."""
        return "%s %d" % (self.unit, step)

    def done(self, saved):
        """Is the checkpoint's run complete for this config?"""
        return bool(saved) and bool(saved[0].get(FINISHED)) and \
            saved[0]["epoch"] >= self.config["epochs"] - 1

    # ---- what a pipeline provides
    def setup(self):
        """Work before the seeded session (e.g. a judge classifier trained in its own)."""

    def build_networks(self):
        """-> ({name: model}, {name: optimizer}): built in the seeded session, train functions made
        (the optimizers' slots must exist before a resume restores them)."""
        raise NotImplementedError

    def resume(self, saved):
        """Read what this pipeline added to the checkpoint (saved: (state, groups) or None)."""

    def train_epoch(self, epoch):
        """One epoch; -> its history row (the loop adds "epoch")."""
        raise NotImplementedError

    def train_step(self, step):
        """One step; -> its history row, or None when the step ends no epoch (per-batch trainers)."""
        row = self.train_epoch(step)
        row["epoch"] = step
        return row

    def after_epoch(self, epoch, row):
        """After the NaN check, before the grid (e.g. track the best epoch)."""

    def grid(self, step, row):
        """Write the grid step's image (and its figures into `row`); -> the samples shown."""

    def on_grid(self, step, samples):
        """A grid step's samples, once written: the one place a scorer hooks in (step: the epoch
        for epoch trainers, the global batch for per-batch ones)."""

    def evaluation_real(self, n):
        """EVAL_N: uint8 real images (n, h, w[, c]) the samples are compared with (n: how many
        samples are scored, for a pipeline whose real set is drawn with them)."""
        raise NotImplementedError

    def evaluation_samples(self, rng, n):
        """EVAL_N: n uint8 samples drawn with `rng` (the "evaluate" stream, fresh at every scored
        step: the same latents every time); paired: (outputs, targets)."""
        raise NotImplementedError

    def is_scored(self, step, grid):
        """Does this step's row get the EVAL_N figures? (default: the grid epochs)"""
        return grid

    def quality_summary(self):
        """{"quality": the feature network, last and best-by-FID scored epochs} or {}."""
        from ..evaluation import scoring
        quality = scoring.summary(getattr(self, "rows", []), self.scorer)
        return {"quality": quality} if quality else {}

    def describe(self, row, grid):
        """The progress line's text for an epoch."""
        return ""

    def scalars(self, row):
        """-> [(TensorBoard tag, value)] of an epoch's row."""
        return [("loss/" + k, row[k]) for k in self.loss_columns if row.get(k) is not None]

    def before_checkpoint(self, epoch, grid):
        """Files the checkpoint must follow (a resume redoes them)."""

    def checkpoint_state(self):
        """This pipeline's keys of the checkpoint's JSON state."""
        return {}

    def checkpoint_groups(self):
        """This pipeline's weight groups beyond models and optimizers (e.g. the best epoch's)."""
        return {}

    def final_models(self):
        """-> [(file name, Keras model)] written when the last epoch is done."""
        return []

    def final_files(self):
        """Other files of the finished run, written after the final models (e.g. a figure)."""

    def summary(self, status):
        """summary.json with this status."""

    def timelapse(self):
        """timelapse.gif of the grids (default: epoch-<n>.png in epoch order)."""
        make_timelapse(self.folder)

    def done_message(self):
        return "outputs in %s" % self.folder

    def build_message(self):
        return ""


def prepare(trainer, saved):
    """The seeded session, the networks, and the checkpoint's weights, optimizer slots and RNG."""
    from . import determinism
    config = trainer.config
    if config.get("deterministic"):
        determinism.enable_gpu_determinism()
    determinism.seed_everything(config["seed"], threads=config["threads"])
    trainer.models, trainer.optimizers = trainer.build_networks()
    trainer.device = determinism.describe_device(config["threads"])
    trainer.rng, trainer.start = trainer.resume_point(saved)
    trainer.resume(saved)
    # The history beyond the checkpoint belongs to epochs we are about to redo.
    trainer.rows = trainer.history.truncate(first_epoch(trainer) - 1)


def attach_scorer(trainer):
    """EVAL_N: the scorer of the trainer's domain (its feature network trained or loaded in a
    graph of its own), and history.csv with the quality columns."""
    from ..evaluation import scoring
    trainer.scorer = scoring.grid_scorer(trainer, log)
    trainer.history = scoring.history(trainer.folder, trainer.history.columns, trainer.scorer)


def first_epoch(trainer):
    """The epoch the resumed session starts in."""
    return trainer.start if trainer.unit == "epoch" else trainer.start // trainer.steps_per_epoch


def train(trainer):
    """Train (or resume) the trainer's run; 0 when finished, 1 on NaN, 128 + signal when stopped."""
    import tensorflow as tf
    from .progress import Progress, StopFlag
    config, folder = trainer.config, trainer.folder
    folder.mkdir(parents=True, exist_ok=True)
    runfolder.write_json(folder / runfolder.CONFIG, config)   # before training starts
    saved = checkpoint.load(folder)
    if trainer.done(saved) and summary_finished(folder):
        log("%s: run %s already finished (%d epochs); nothing to do"
            % (trainer.name, folder, saved[0]["epoch"] + 1))
        return 0
    trainer.setup()
    attach_scorer(trainer)
    prepare(trainer, saved)
    log("device: %s; TensorFlow %s, Keras %s%s" % (trainer.device, tf.__version__,
                                                   __import__("keras").__version__,
                                                   trainer.build_message()))
    log("resume: run %s from %s" % (folder, trainer.where(trainer.start))
        if saved else "%s: new run %s" % (trainer.name, folder))
    writer = tf.summary.FileWriter(str(folder / runfolder.LOGS))
    # let TensorBoard drop events of epochs a killed session logged and this one redoes
    writer.add_session_log(tf.SessionLog(status=tf.SessionLog.START), global_step=trainer.start)
    trainer.progress = Progress(trainer.steps(), trainer.start, every=trainer.progress_every(),
                                unit=trainer.unit)
    try:
        status = loop(trainer, writer, StopFlag())
    finally:
        writer.close()
    if status == 0:
        finish(trainer)
    return status


def bad_losses(trainer, row):
    return [k for k in trainer.loss_columns
            if row.get(k) is not None and not np.isfinite(row[k])]


def loop(trainer, writer, stop):
    """Steps from trainer.start to the end; returns 0, 1 on NaN, or 128 + signal."""
    for step in range(trainer.start, trainer.steps()):
        trainer.progress.begin()
        row = trainer.train_step(step)
        grid = trainer.is_grid(step)
        if not record(trainer, step, row, grid, writer):
            return 1
        trainer.progress.end(step, trainer.describe(row, grid),
                             force=grid if trainer.unit == "epoch" else row is not None)
        if trainer.is_save(step) or stop.requested:
            save(trainer, step, grid)
            writer.flush()
            trainer.summary("running")
        if stop.requested:
            log("%s: stopped at %s; `%s RUN=%s` (same settings) resumes"
                % (trainer.name, trainer.where(step), trainer.command, trainer.config["run"]))
            trainer.timelapse()
            trainer.summary("interrupted")
            return 128 + stop.signum
    return 0


def record(trainer, step, row, grid, writer):
    """A step's outputs: the NaN check, the grid (and on_grid), and an epoch's row into
    history.csv and TensorBoard. False when a loss is NaN or infinite (nothing written)."""
    bad = bad_losses(trainer, row) if row is not None else []
    if bad:
        log("%s: error: %s is %r at %s; the last checkpoint stays"
            % (trainer.name, bad[0], row[bad[0]], trainer.where(step)))
        trainer.summary("interrupted")
        return False
    if row is not None:
        trainer.after_epoch(row["epoch"], row)
    if grid:
        trainer.on_grid(step, trainer.grid(step, row))
    if row is not None and trainer.scorer is not None and trainer.is_scored(step, grid):
        row.update(trainer.scorer(trainer))
        log("%s: %s" % (trainer.where(step), trainer.scorer.describe_row(row)))
    if row is not None:
        trainer.history.append(row)
        trainer.rows.append(row)
        write_scalars(writer, trainer.scalars(row) + [("quality/" + k, row[k]) for k in (
            trainer.scorer.columns if trainer.scorer else ()) if row.get(k) is not None], row["epoch"])
    return True


def write_scalars(writer, scalars, step):
    import tensorflow as tf
    writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)
                                         for tag, value in scalars]), step)


def save(trainer, epoch, grid, flags=None):
    """Snapshot (grid epochs), the pipeline's files, then the checkpoint (last: a resume redoes
    all above)."""
    if grid and "keep_snapshots" in trainer.config:
        checkpoint.save_snapshot(trainer.folder, epoch, checkpoint.capture(trainer.models),
                                 trainer.config["keep_snapshots"])
    trainer.before_checkpoint(epoch, grid)
    state = {"epoch": epoch, "rng": seeds.rng_state(trainer.rng), "seed": trainer.config["seed"]}
    state.update(trainer.checkpoint_state())
    state.update(flags or {})
    checkpoint.save(trainer.folder, state, checkpoint.capture(
        trainer.models, trainer.optimizers, trainer.checkpoint_groups()))


def summary_finished(folder):
    """Does summary.json say "finished"? Written last, so it never says so before the run is."""
    import json
    try:
        return json.loads((Path(folder) / runfolder.SUMMARY).read_text()).get("status") == "finished"
    except (OSError, ValueError):
        return False


def finish(trainer):
    """The final models (loadable without kerasgan) and files, the timelapse, the checkpoint's
    "finished" flag, then the summary. A run killed before its summary says "finished" does this
    again on the next call (a resume at the end: the same bytes), so whoever trusts the summary
    (the sweep's skip) never sees a finished run without the checkpoint's flag."""
    from .files import atomic_path
    for name, model in trainer.final_models():
        with atomic_path(trainer.folder / name) as tmp:
            model.save(str(tmp))
    trainer.final_files()
    trainer.timelapse()
    save(trainer, trainer.steps() - 1, False, {FINISHED: True})
    trainer.summary("finished")
    log("%s: done; %s" % (trainer.name, trainer.done_message()))


def make_timelapse(folder):
    from .grids import make_timelapse as timelapse
    timelapse(folder, name=runfolder.TIMELAPSE)
