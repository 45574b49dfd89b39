"""Quality figures at a run's grid epochs: the hook a training loop calls, and what reads them back.

    scorer = scoring.grid_scorer(domain, real_images, seed, latent_dim)   # None when EVAL_N is unset
    row.update(scorer(generator))                                          # at each grid epoch

A scorer draws EVAL_N latents once from the "evaluate" stream (never the training streams), so
every grid epoch scores the same latents; it compares the generator's images with up to
REAL_LIMIT of the run's training images on the domain's feature network (features.py), in a graph
of its own. Off unless KERASGAN_EVAL_N (Make: EVAL_N) is set: runs without it keep their bytes.
"""
import os
from pathlib import Path

import numpy as np

from ..kit import seeds
from . import features, images, metrics

ENV = "KERASGAN_EVAL_N"
COLUMNS = ["fid", "kid_mean", "kid_std", "precision", "recall", "coverage"]
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
    """generator -> {column: value} for the fixed evaluation latents."""

    def __init__(self, domain, real_images, seed, latent_dim, n, log=print):
        self.domain, self.n = domain, n
        self.net = features.ensure(domain, seed, log=log)
        real = np.asarray(real_images)[:REAL_LIMIT]
        self.real = self.net(images.to_domain(real, domain))
        stream = seeds.stream(seed, "evaluate")
        self.z = stream.normal(size=(n, latent_dim)).astype(np.float32)
        self.kid_state = stream.get_state()     # the KID subsets: the same draws at every epoch

    def __call__(self, generator, to_pixels):
        """Score `generator` on the fixed latents; to_pixels maps its output to uint8 images."""
        samples = to_pixels(generator.predict(self.z, batch_size=64))
        fake = self.net(images.to_domain(samples, self.domain))
        rng = np.random.RandomState()
        rng.set_state(self.kid_state)
        figures = metrics.all_figures(self.real, fake, rng, subsets=KID_SUBSETS)
        return {k: figures[k] for k in COLUMNS}

    def describe(self):
        return dict(self.net.describe(), n=self.n, real=int(len(self.real)), kid_subsets=KID_SUBSETS)


# config["pipeline"] -> domain: the run folders' names (images.PIPELINES), and Pikachu's config name
DOMAIN_OF = dict([(p, d) for d, names in images.PIPELINES.items() for p in names], **{"pikachu-gan": "colour32"})


def grid_scorer(pipeline, real_images, seed, latent_dim, log=print):
    """A GridScorer for the pipeline's domain when EVAL_N is set, else None."""
    n = eval_n()
    if not n:
        return None
    return GridScorer(DOMAIN_OF[pipeline], real_images, seed, latent_dim, n, log)


def history(folder, base_columns, scorer):
    """The run's History with the quality columns when it is scored now or was before; a
    history.csv begun without them gets them (empty) instead of losing its rows on resume."""
    from ..kit import runfolder
    path = Path(folder) / runfolder.HISTORY
    header = path.read_text().split("\n", 1)[0].split(",") if path.is_file() else []
    scored_before = COLUMNS[0] in header
    columns = list(base_columns) + (COLUMNS if scorer is not None or scored_before else [])
    if header and columns != header and not scored_before:
        runfolder.History(folder, columns).write(runfolder.History(folder, base_columns).read())
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
    pick = lambda r: {k: r.get(k) for k in ["epoch"] + COLUMNS}   # noqa: E731
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
