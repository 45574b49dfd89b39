"""Quality figures at a run's scored steps (EVAL_N): the scorer kit.loop calls, and what reads them back.

kit.loop attaches a GridScorer to every trainer that names its `domain` when EVAL_N is set, and
at each scored step (the grid epochs) adds its figures to the history row:

    row.update(trainer.scorer(trainer))     # FID, KID, precision, recall, coverage (+ l1, psnr, ssim)

The scorer hands the trainer a fresh "evaluate" stream (never a training stream) for
`evaluation_samples(rng, n)`, so every scored step scores the same latents and the KID subsets
drawn after them; it compares the samples with up to REAL_LIMIT of the trainer's
`evaluation_real(n)` on the domain's feature network (features.py), in a graph of its own. A paired
trainer (pix2pix) returns (outputs, targets) and also gets L1, PSNR and SSIM. Off unless
KERASGAN_EVAL_N (Make: EVAL_N) is set: runs without it keep their bytes and their history.csv.
"""
import os
import time
from pathlib import Path

import numpy as np

from ..kit import seeds
from . import features, images, metrics, paired

ENV = "KERASGAN_EVAL_N"
COLUMNS = ["fid", "kid_mean", "kid_std", "precision", "recall", "coverage"]
PAIRED_COLUMNS = paired.COLUMNS
REAL_LIMIT = 1000
KID_SUBSETS = 10        # per grid epoch: 10 subsets keep the cost small (evaluate uses 100)


def eval_n():
    """EVAL_N from the environment (0: off)."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) < metrics.NEAREST_K + 2:
        raise ValueError("%s=%r: give a number of samples >= %d" % (ENV, value, metrics.NEAREST_K + 2))
    return int(value)


class GridScorer(object):
    """trainer -> {column: value} of its evaluation samples."""

    def __init__(self, trainer, n, log=print):
        self.domain, self.n, self.seed = trainer.domain, n, trainer.config["seed"]
        self.paired = bool(trainer.paired)
        self.columns = COLUMNS + (PAIRED_COLUMNS if self.paired else [])
        self.net = features.ensure(self.domain, features.NETWORK_SEED, log=log)
        started = time.process_time()
        real = np.asarray(trainer.evaluation_real(n))[:REAL_LIMIT]
        self.real = self.net(images.to_domain(real, self.domain))
        # CPU seconds (all threads) of the scoring and of the whole session since here, for the
        # summary: what EVAL_N costs against the training it rides on (docs/evaluation.md)
        self.cpu, self.scored, self.since = time.process_time() - started, 0, started

    def __call__(self, trainer):
        started = time.process_time()
        try:
            return self._score(trainer)
        finally:
            self.cpu += time.process_time() - started
            self.scored += 1

    def _score(self, trainer):
        rng = seeds.stream(self.seed, "evaluate")
        drawn = trainer.evaluation_samples(rng, self.n)
        outputs, targets = drawn if self.paired else (drawn, None)
        fake = self.net(images.to_domain(outputs, self.domain))
        figures = metrics.all_figures(self.real, fake, rng, subsets=KID_SUBSETS)
        row = {k: figures[k] for k in COLUMNS}
        if self.paired:
            row.update(paired.figures(outputs, targets))
        return row

    def describe_row(self, row):
        """The log line's figures."""
        text = "FID %.3f  KID %.4f  precision %.2f recall %.2f coverage %.2f" % tuple(
            row[k] for k in ("fid", "kid_mean", "precision", "recall", "coverage"))
        return text + ("  L1 %.4f PSNR %.2f SSIM %.3f" % (row["l1"], row["psnr"], row["ssim"])
                       if self.paired else "")

    def describe(self):
        return dict(self.net.describe(), n=self.n, real=int(len(self.real)), kid_subsets=KID_SUBSETS,
                    scored_steps=self.scored, cpu_seconds_scoring=round(self.cpu, 3),
                    cpu_seconds_session=round(time.process_time() - self.since, 3))


def grid_scorer(trainer, log=print):
    """A GridScorer for the trainer when EVAL_N is set and it names a domain, else None."""
    n = eval_n()
    if not n or trainer.domain is None:
        return None
    return GridScorer(trainer, n, log)


# config["pipeline"] -> domain: the run folders' names (images.PIPELINES), and Pikachu's config name
DOMAIN_OF = dict([(p, d) for d, names in images.PIPELINES.items() for p in names], **{"pikachu-gan": "colour32"})
QUALITY = COLUMNS + PAIRED_COLUMNS


def history(folder, base_columns, scorer):
    """The run's History with the quality columns when it is scored now or was before; a
    history.csv begun without them gets them (empty) instead of losing its rows on resume."""
    from ..kit import runfolder
    base = [c for c in base_columns if c not in QUALITY]
    path = Path(folder) / runfolder.HISTORY
    header = path.read_text().split("\n", 1)[0].split(",") if path.is_file() else []
    before = [c for c in QUALITY if c in header]
    now = scorer.columns if scorer is not None else []
    columns = base + before + [c for c in now if c not in before]
    if header and columns != header:
        runfolder.History(folder, columns).write(runfolder.History(folder, header).read())
    return runfolder.History(folder, columns)


def best_by_fid(rows):
    """The history row with the lowest FID (None if no grid epoch was scored)."""
    scored = [r for r in rows if r.get("fid") is not None]
    return min(scored, key=lambda r: (r["fid"], r["epoch"])) if scored else None


def summary(rows, scorer):
    """summary.json's `quality`: the feature network, the last and the best-by-FID grid epochs."""
    scored = [r for r in rows if r.get("fid") is not None]
    if not scored:
        return None
    pick = lambda r: {k: r.get(k) for k in ["epoch"] + QUALITY if k in r}   # noqa: E731
    return {"feature_network": scorer.describe() if scorer else None,
            "last": pick(scored[-1]), "best_fid": pick(best_by_fid(scored))}


BEST_FID = "best-fid"       # generate's EPOCH= value


def best_fid_epoch(folder):
    """The grid epoch with the lowest FID, from the run's summary.json; ValueError if unscored."""
    from ..kit import runfolder
    from ..kit.files import read_json
    path = folder / runfolder.SUMMARY
    quality = read_json(path).get("quality") if path.is_file() else None
    if not quality:
        raise ValueError("%s has no FID figures: train the run with EVAL_N=<samples> to score its "
                         "grid epochs" % path)
    return int(quality["best_fid"]["epoch"])
