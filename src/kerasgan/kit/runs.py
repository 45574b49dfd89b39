"""One way to open a finished (or stopped) run: `open_run(pipeline, run)` and `Run.weights(which)`.

A pipeline's `load_generator(run, which)` builds its sampling network (never the training graph)
and puts in the weights `Run.weights` picks: `best` (the epoch the checkpoint names as best), `last`
(the latest checkpoint; `latest` means the same), `best-fid` (the lowest FID of a run scored with EVAL_N) or an epoch number (the latest or best epoch, or
a kept snapshot). generate, test, interpolate, arithmetic and the reports open runs this way.
"""
from . import checkpoint, runfolder
from .files import read_json
from ..errors import UserError

LAST = ("last", "latest")
BEST_FID = "best-fid"      # = kerasgan.evaluation.scoring.BEST_FID (imported lazily: no TF here)


class Run(object):
    def __init__(self, pipeline, name, folder, config):
        self.pipeline, self.name, self.folder, self.config = pipeline, name, folder, config
        self._saved = None

    @property
    def saved(self):
        """(state, groups) of checkpoints/latest.npz."""
        if self._saved is None:
            self._saved = checkpoint.load(self.folder)
            if self._saved is None:
                raise UserError("run %s has no checkpoint yet: train it first" % self.folder)
        return self._saved

    def weights(self, which):
        """-> (epoch, {group: weights}) of `which`: best, last/latest or an epoch number."""
        which = str(which)
        if which == BEST_FID:
            which = str(self.best_fid_epoch())
        state, groups = self.saved
        best = state.get("best_epoch")
        if which == "best" or (best is not None and which == str(best)):
            if best is None:
                raise UserError("run %s keeps no best epoch: use EPOCH=last" % self.folder)
            return best, {k[len("best_"):]: v for k, v in groups.items() if k.startswith("best_")}
        if which in LAST or which == str(state["epoch"]):
            return state["epoch"], groups
        if not which.isdigit():
            raise UserError("EPOCH must be best, last or an epoch number, got %r" % which)
        kept = checkpoint.snapshot_epochs(self.folder)
        if int(which) not in kept:
            raise UserError("epoch %s of run %s has no saved weights; available: %s"
                            % (which, self.folder, ", ".join(
                                ["last (%d)" % state["epoch"]]
                                + (["best (%d)" % best] if best is not None else [])
                                + [str(e) for e in kept])))
        return int(which), checkpoint.load_snapshot(self.folder, int(which))


    def best_fid_epoch(self):
        """The grid epoch of the lowest FID an EVAL_N run recorded (kerasgan.evaluation)."""
        from ..evaluation import scoring
        try:
            return scoring.best_fid_epoch(self.folder)
        except ValueError as error:
            raise UserError(str(error))


def open_run(pipeline, run):
    """The run OUT_DIR/<pipeline>/<run>/ with its config; a UserError when there is none."""
    folder = runfolder.run_dir(pipeline, run)
    config = read_json(folder / runfolder.CONFIG)
    if config is None:
        raise UserError("no run at %s (config.json missing): train it first" % folder)
    return Run(pipeline, run, folder, config)
