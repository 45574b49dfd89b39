"""`kerasgan pix2pix-preprocess`: squared-<PHASE>/ -> DATA_DIR/pix2pix/<PHASE>/<n>.png pairs.

The second half of `make pix2pix-preprocess INPUT=dir PHASE=train|test [SIZE=256]` (the first,
kerasgan.pipelines.pix2pix.square, decoded the untrusted inputs in the ingestion environment; this
half reads only the PNGs that one wrote). As the seed's preprocess.py: edges by auto-Canny
(pyimagesearch 2015; docs/originals.md#pix2pix-chimera), written beside the image as one aligned pix2pix file:

    <n>.png = [ image | edges ]  (2*SIZE x SIZE): pix2pix's A = image (left), B = edges (right);
              direction BtoA trains edges -> image, as the seed's `--direction BtoA`.
    <n>.png = [ edges ]          (SIZE x SIZE, test phase only): the input already was an edge map
              (black and white only), so there is no target; dark lines on white are inverted.

plus manifest.csv (n, source, kind: image | edge-map). A drawing is an image: it gets its edges.
"""
import csv
import io
from pathlib import Path

import numpy as np

from ... import paths
from .square import MANIFEST, squared_dir

SIGMA = 0.33          # auto_canny's default
EDGE_MAP_SHARE = 0.98  # share of pixels at (near) black or white for an input to be an edge map
FIELDS = ("n", "source", "kind")


def pairs_dir(phase, data_root=None):
    return Path(data_root or paths.data_dir()) / "pix2pix" / phase


def auto_canny(rgb, sigma=SIGMA):
    """uint8 RGB (H, W, 3) -> uint8 edges (H, W), white on black (pyimagesearch's auto_canny)."""
    import cv2
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    v = np.median(blurred)
    lower = int(max(0, (1.0 - sigma) * v))
    upper = int(min(255, (1.0 + sigma) * v))
    return cv2.Canny(blurred, lower, upper)


def as_edge_map(rgb):
    """The (H, W) white-on-black edges if `rgb` already is an edge map (grey, nearly all pixels
    black or white), else None."""
    rgb = rgb.astype(np.int16)
    if np.abs(rgb - rgb.mean(axis=2, keepdims=True)).max() > 16:
        return None   # has colour
    grey = rgb.mean(axis=2)
    binary = (grey < 32) | (grey > 223)
    if binary.mean() < EDGE_MAP_SHARE:
        return None
    edges = grey > 127
    if edges.mean() > 0.5:   # dark lines on white paper
        edges = ~edges
    return np.where(edges, 255, 0).astype(np.uint8)


def make_pair(rgb, phase):
    """-> (uint8 image to write, kind)."""
    edges = as_edge_map(rgb) if phase != "train" else None
    if edges is not None:
        return np.repeat(edges[:, :, None], 3, axis=2), "edge-map"
    edges = auto_canny(rgb)
    return np.concatenate([rgb, np.repeat(edges[:, :, None], 3, axis=2)], axis=1), "image"


def preprocess(phase, data_root=None, log=print):
    from PIL import Image
    source = squared_dir(phase, data_root)
    manifest = source / MANIFEST
    if not manifest.is_file():
        raise FileNotFoundError("%s is missing: run the square step first (make pix2pix-preprocess)"
                                % manifest)
    with manifest.open(newline="", encoding="utf-8") as handle:
        squared = [r for r in csv.DictReader(handle) if r["status"] == "ok"]
    out = pairs_dir(phase, data_root)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):
        stale.unlink()
    rows = []
    for row in squared:
        with Image.open(str(source / ("%s.png" % row["n"]))) as image:
            rgb = np.asarray(image.convert("RGB"))
        pair, kind = make_pair(rgb, phase)
        Image.fromarray(pair).save(str(out / ("%s.png" % row["n"])), format="PNG")
        rows.append({"n": row["n"], "source": row["source"], "kind": kind})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "manifest.csv").write_text(buffer.getvalue(), encoding="utf-8")
    kinds = [r["kind"] for r in rows]
    log("pix2pix-preprocess: %d pairs (image | edges), %d edge maps in %s"
        % (kinds.count("image"), kinds.count("edge-map"), out))
    return rows


def configure(parser):
    parser.add_argument("--phase", required=True, help="train or test: DATA_DIR/pix2pix/<PHASE>/")


def main(args):
    preprocess(args.phase)
    return 0
