"""`make evaluate A=<folder|RUN> B=<folder|real|targets> DOMAIN=<digits|colour32|faces64|pix2pix>`.

Scores image set A (generated) against B (real): FID, KID (mean, std), precision, recall, density,
coverage on the domain's feature network (kerasgan.evaluation.features), or on Inception's pool_3
with INCEPTION=<classify_image_graph_def.pb>. For pix2pix, when A and B pair by file name (a test
page against B=targets), L1, PSNR and SSIM of the pairs too. Prints the figures and writes

    OUT_DIR/evaluation/<domain>-<A>-vs-<B>/evaluation.json
    --features-out <file.npz>: the two feature arrays (a, b), to recompute the figures elsewhere

Exit status 2 on bad input (the message names the file and the reason).
"""
import math
import re
import sys

import numpy as np

from .. import paths
from ..kit import seeds
from ..kit.files import write_json
from . import features, images, inception, metrics, paired

FOLDER = "evaluation"
RESULT = "evaluation.json"


def configure(parser):
    parser.add_argument("--a", required=True, help="generated images: a folder, a run folder or a run name")
    parser.add_argument("--b", default="real", help="real images: a folder, real (the domain's data) or targets")
    parser.add_argument("--domain", required=True, choices=sorted(features.DOMAINS))
    parser.add_argument("--n", type=int, default=0, help="at most N images of each set (0: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the feature network and KID subsets")
    parser.add_argument("--kid-subsets", type=int, default=metrics.KID_SUBSETS)
    parser.add_argument("--features-out", default="", help="also write the features a, b to this .npz")
    parser.add_argument("--inception", default="", help="classify_image_graph_def.pb: the official Inception FID")
    parser.add_argument("--inception-sha256", default="", help="refuse an Inception file with another sha256")


def slug(spec):
    tail = "-".join(part for part in str(spec).replace("\\", "/").split("/")[-2:] if part)
    return re.sub(r"[^A-Za-z0-9_.]+", "-", tail).strip("-.") or "set"


def network(args, log):
    if args.inception:
        return inception.InceptionNet(args.inception, args.inception_sha256)
    log("evaluate: %s" % inception.ENABLE)
    return features.ensure(args.domain, args.seed, log=log)


def evaluate(args, log=print):
    """-> (result dict, its path). Raises SetError / FeatureError / InceptionError / ValueError."""
    a = images.load(args.a, args.domain, args.seed, args.n)
    b = images.load(args.b, args.domain, args.seed, args.n, beside=a.folder)
    net = network(args, log)
    fa, fb = net(a.images), net(b.images)
    figures = metrics.all_figures(fb, fa, seeds.stream(args.seed, "evaluate"), subsets=args.kid_subsets)
    result = dict(figures, n_a=int(len(fa)), n_b=int(len(fb)), feature_network=net.describe(),
                  domain=args.domain, a=a.source, b=b.source, seed=args.seed,
                  nearest_k=metrics.NEAREST_K, kid_subsets=args.kid_subsets,
                  kid_subset_size=min(metrics.KID_SUBSET_SIZE, len(fa), len(fb)))
    if args.domain == "pix2pix" and a.names and a.names == b.names and a.images.shape == b.images.shape:
        result["paired"] = {k: _finite(v) for k, v in paired.figures(_rgb(a.images), _rgb(b.images)).items()}
    out = paths.out_dir() / FOLDER / ("%s-%s-vs-%s" % (args.domain, slug(args.a), slug(args.b)))
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / RESULT, result)
    if args.features_out:
        np.savez(args.features_out, a=fa, b=fb)
    return result, out / RESULT


def _rgb(x):
    return x[..., None] if x.ndim == 3 else x


def _finite(value):
    return value if math.isfinite(value) else None     # PSNR of identical images: infinite


def describe(result, path):
    net = result["feature_network"]
    accuracy = net.get("held_out_accuracy")
    lines = ["evaluate %s: A %s (%d) vs B %s (%d)" % (result["domain"], result["a"], result["n_a"],
                                                      result["b"], result["n_b"]),
             "  features: %s%s" % (net["name"], "" if accuracy is None else ", held-out accuracy %.3f" % accuracy),
             "  FID %.4f   KID %.5f +- %.5f" % (result["fid"], result["kid_mean"], result["kid_std"]),
             "  precision %.3f  recall %.3f  density %.3f  coverage %.3f (k=%d)"
             % (result["precision"], result["recall"], result["density"], result["coverage"], result["nearest_k"])]
    if "paired" in result:
        p = result["paired"]
        lines.append("  paired: L1 %.4f  PSNR %s dB  SSIM %.4f" % (
            p["l1"], "inf" if p["psnr"] is None else "%.2f" % p["psnr"], p["ssim"]))
    lines.append("  -> %s" % path)
    return "\n".join(lines)


def main(args):
    try:
        result, path = evaluate(args, log=lambda message: print(message, file=sys.stderr))
    except (images.SetError, features.FeatureError, inception.InceptionError, ValueError) as error:
        print("evaluate: error: %s" % error, file=sys.stderr)
        return 2
    print(describe(result, path))
    return 0
