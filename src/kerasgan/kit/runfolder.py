"""One folder per run: OUT_DIR/<pipeline>/<run>/ (docs/architecture.md#run-folders).

Every pipeline's run folder holds at least

    config.json          the resolved config, written before training starts
    history.csv          one row per epoch (the pipeline names the columns)
    checkpoints/         latest.npz (complete resume state) and snapshot-<NNNNN>.npz
    logs/                TensorBoard event files
    summary.json         machine-readable summary; the report reads only files like these
    samples/             what the pipeline's generate step writes: grid.png, sample-<k>.png,
                         samples.csv, samples.json (the names below; docs/architecture.md#sample-and-score-files)

and whatever else the pipeline documents (grids, timelapse, final models).
"""
import csv
import io
import json
from pathlib import Path

from .. import paths
from .files import write_atomic, write_json  # noqa: F401  (re-exported for pipelines)
from ..errors import UserError

CONFIG = "config.json"
HISTORY = "history.csv"
SUMMARY = "summary.json"
CHECKPOINTS = "checkpoints"
LATEST = "latest.npz"
SAMPLES = "samples"
LOGS = "logs"
TIMELAPSE = "timelapse.gif"
BEST_GRID = "best.png"
REPORT = "report.html"
# samples/ (or samples/<variant>/), the same names in every pipeline:
SAMPLE_GRID = "grid.png"            # every sample drawn, in one picture
SAMPLE_IMAGE = "sample-%03d.png"    # each sample, k from 000 in the order shown (ranked: best first)
SAMPLE_TABLE = "samples.csv"        # rank, candidate, score: a draw ranked by a score
SAMPLE_FIGURES = "samples.json"     # which weights (epoch), n, seed, and the figures measured


class ConfigMismatch(UserError):
    pass


def run_dir(pipeline, run):
    return paths.run_dir(pipeline, run)


def grid_name(epoch):
    return "epoch-%05d.png" % epoch


def newest_run(pipeline, root=None):
    """The pipeline's newest run folder (a folder the trainer wrote: config.json first; by the
    folder's time, then name), or None when it has none."""
    base = Path(root or paths.out_dir()) / pipeline
    found = [p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")
             and (p / CONFIG).is_file()] if base.is_dir() else []
    return max(found, key=lambda p: (p.stat().st_mtime, p.name)) if found else None


# ---------------------------------------------------------------- config
def check_config(folder, config, mutable=()):
    """Refuse to continue a run whose saved config differs in a key outside `mutable` (keys that
    don't change what is computed, such as the number of epochs). Returns the saved config."""
    path = Path(folder) / CONFIG
    if not path.exists():
        return None
    saved = json.loads(path.read_text())
    keys = sorted((set(saved) | set(config)) - set(mutable))
    diffs = [(k, saved.get(k), config.get(k)) for k in keys if saved.get(k) != config.get(k)]
    if diffs:
        lines = "\n".join("  %-16s run has %s, now %s" % (k, json.dumps(a), json.dumps(b))
                          for k, a, b in diffs)
        raise ConfigMismatch(
            "run %s was started with a different config:\n%s\nUse another RUN=, or the same "
            "settings to resume it (delete %s to start it over)." % (folder, lines, folder))
    return saved


# ---------------------------------------------------------------- history.csv
def _format(value):
    if value is None or value == "":
        return ""
    return repr(float(value))


class History(object):
    """history.csv with a fixed column list: the first column is `epoch` (an int), the rest floats
    or empty (a metric measured only at some epochs)."""

    def __init__(self, folder, columns):
        self.path = Path(folder) / HISTORY
        self.columns = list(columns)
        assert self.columns[0] == "epoch", self.columns

    def read(self, upto=None):
        """Rows with epoch <= upto; a torn last line (a kill during an append) is dropped."""
        rows = []
        if not self.path.exists():
            return rows
        with open(str(self.path), newline="") as handle:
            for raw in csv.DictReader(handle):
                if any(raw.get(k) is None for k in self.columns):
                    break   # fewer fields than columns: the torn last line
                try:
                    row = {k: (float(raw[k]) if raw.get(k) not in (None, "") else None)
                           for k in self.columns}
                    row["epoch"] = int(raw["epoch"])
                except (TypeError, ValueError, KeyError):
                    break
                if upto is not None and row["epoch"] > upto:
                    break
                rows.append(row)
        return rows

    def _line(self, row):
        return [str(row["epoch"])] + [_format(row.get(k)) for k in self.columns[1:]]

    def write(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.columns)
        for row in rows:
            writer.writerow(self._line(row))
        write_atomic(self.path, buffer.getvalue())

    def truncate(self, upto):
        """Keep the rows up to epoch `upto` (those of the checkpoint a resume starts from)."""
        rows = self.read(upto=upto)
        self.write(rows)
        return rows

    def append(self, row):
        with open(str(self.path), "a", newline="") as handle:
            handle.write(",".join(self._line(row)) + "\n")
            handle.flush()


def clear_sample_images(folder):
    """Remove the sample-<k>.png of an earlier, maybe larger, draw."""
    for old in Path(folder).glob(SAMPLE_IMAGE.split("%")[0] + "*.png"):
        old.unlink()


def write_sample_table(folder, keep, scores):
    """samples.csv: one row per kept sample, best first: rank, candidate (its index among those
    drawn), score (repr: every digit)."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["rank", "candidate", "score"])
    for rank, index in enumerate(keep):
        writer.writerow([rank, int(index), repr(float(scores[index]))])
    write_atomic(Path(folder) / SAMPLE_TABLE, table.getvalue())
