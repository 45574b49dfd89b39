"""`make sweep-score SWEEP=... RUN=...`: the scores of a point's final generator, written to
OUT_DIR/sweeps/<name>/scores/<RUN>.json (the run folder is untouched).

For sweeps whose runs keep no scores of their own (a sweep file's `score: {domain: ..., n: ...}`),
one entry per pipeline in SCORERS:
- dcgan: FID, KID, precision/recall/density/coverage of N samples of the run's last generator.h5
  from the "evaluate" stream of seed 0 (the same latents for every point, so that points compare),
  against the domain's real images, on the domain's feature network (docs/evaluation.md).
- pix2pix: L1, PSNR and SSIM of the generator's outputs for the first N pairs of the run's
  training folder against their photos (paired figures: a set of nine pairs is too small for a
  Fréchet distance). Dropout seeds and z are drawn as `make pix2pix-test` draws them for SEED 0
  (the "generate" stream), the same for every point: a SEED 0 point's figures are those of the
  result page pix2pix-test writes for its training pairs.
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


def dcgan_figures(run, run_dir, domain, n):
    """-> (figures, what they were measured against, feature network)."""
    from ..evaluation import features, images, metrics
    fake = images.to_domain(dcgan_samples(run_dir, n), domain)
    net = features.ensure(domain, SCORE_SEED)
    real, _, source = features.REAL_DATA[domain](SCORE_SEED)
    figures = metrics.all_figures(net(images.to_domain(real, domain)), net(fake),
                                  seeds.stream(SCORE_SEED, "evaluate"))
    return figures, source, net.describe()


def pix2pix_figures(run, run_dir, domain, n):
    """-> paired (L1, PSNR, SSIM) of the first n training pairs' outputs against their photos."""
    import numpy as np
    from ..evaluation import paired
    from ..kit.grids import to_uint8
    from ..kit.runs import open_run
    from ..pipelines.pix2pix import PIPELINE, data, generate
    config = open_run(PIPELINE, run).config
    edges, photos, _ = data.load_pairs(config["train_dir"])
    pairs = [(e, p) for e, p in zip(edges, photos) if p is not None][:n]
    if len(pairs) < n:
        raise UserError("%s holds %d image|edges pairs, fewer than score n = %d"
                        % (config["train_dir"], len(pairs), n))
    net, _, _ = generate.load_generator(run, "latest")
    size = config["size"]
    inputs = np.stack([data.resize(e, size) for e, _ in pairs])
    outputs = generate.generate(net, inputs, seeds.stream(SCORE_SEED, "generate"), config["nz"])
    targets = np.stack([data.resize(p, size) for _, p in pairs])
    figures = paired.figures(to_uint8(outputs, -1.0, 1.0), to_uint8(targets, -1.0, 1.0))
    return figures, "%d pairs of %s" % (n, config["train_dir"]), "none (paired figures)"


SCORERS = {"dcgan": dcgan_figures, "pix2pix": pix2pix_figures}


def score(sweep, run, out_dir=None):
    from ..kit import determinism
    if sweep.pipeline not in SCORERS or not sweep.score:
        raise UserError("%s: `score:` is for %s sweeps (the others score themselves: EVAL_N)"
                        % (sweep.path, ", ".join(sorted(SCORERS))))
    domain, n = sweep.score["domain"], int(sweep.score["n"])
    determinism.seed_everything(SCORE_SEED)
    run_dir = paths.run_dir(sweep.run_folder, run, out_dir)
    figures, source, network = SCORERS[sweep.pipeline](run, run_dir, domain, n)
    result = {"last": {k: float(v) for k, v in figures.items()}, "n": n, "real": source,
              "feature_network": network, "run_dir": str(run_dir)}
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
