"""`make sweep-score SWEEP=... RUN=...`: FID, KID, precision/recall/density/coverage of a point's
final generator, written to OUT_DIR/sweeps/<name>/scores/<RUN>.json (the run folder is untouched).

For sweeps whose runs keep no scores of their own (a sweep file's `score: {domain: ..., n: ...}`):
N samples of the run's last generator.h5 from the "evaluate" stream of seed 0 (the same latents
for every point, so that points compare), against the domain's real images, on the domain's
feature network (docs/evaluation.md). One entry per pipeline in SAMPLERS says how to sample it.
"""

from .. import paths
from ..errors import UserError
from ..kit import seeds
from ..kit.files import write_json
from . import spec

SCORES = "scores"
SCORE_SEED = 0


def dcgan_samples(run_dir, n):
    """keras-dcgan: uniform(-1, 1) latents of 100, tanh images in [-1, 1] -> uint8 28x28."""
    from ..kit.grids import to_uint8
    from ..pipelines.dcgan import models
    weights = run_dir / "generator.h5"
    if not weights.is_file():
        raise UserError("%s: no generator.h5: the run has not saved its weights yet" % run_dir)
    generator = models.build_generator()
    generator.load_weights(str(weights))
    z = seeds.stream(SCORE_SEED, "evaluate").uniform(-1, 1, size=(n, models.LATENT_DIM))
    return to_uint8(generator.predict(z, batch_size=128), -1.0, 1.0)[..., 0]


SAMPLERS = {"dcgan": dcgan_samples}


def score(sweep, run, out_dir=None):
    from ..kit import determinism
    from ..evaluation import features, images, metrics
    if sweep.pipeline not in SAMPLERS or not sweep.score:
        raise UserError("%s: `score:` is for %s sweeps (the others score themselves: EVAL_N)"
                        % (sweep.path, ", ".join(sorted(SAMPLERS))))
    domain, n = sweep.score["domain"], int(sweep.score["n"])
    determinism.seed_everything(SCORE_SEED)
    run_dir = paths.run_dir(sweep.run_folder, run, out_dir)
    fake = images.to_domain(SAMPLERS[sweep.pipeline](run_dir, n), domain)
    net = features.ensure(domain, SCORE_SEED)
    real, _, source = features.REAL_DATA[domain](SCORE_SEED)
    figures = metrics.all_figures(net(images.to_domain(real, domain)), net(fake),
                                  seeds.stream(SCORE_SEED, "evaluate"))
    result = {"last": {k: float(v) for k, v in figures.items()}, "n": n, "real": source,
              "feature_network": net.describe(), "run_dir": str(run_dir)}
    target = paths.sweep_dir(sweep.name, out_dir) / SCORES / (run + ".json")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_json(target, result)
    return target


def configure(parser):
    parser.add_argument("--sweep", required=True, help="the sweep file")
    parser.add_argument("--run", required=True, help="the point's run name")


def main(args):
    print("sweep-score: %s" % score(spec.load(args.sweep), args.run))
    return 0
