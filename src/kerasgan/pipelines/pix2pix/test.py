"""`make pix2pix-test RUN=... [EPOCH=latest|<n>] [INPUT=dir]`: the seed's result pages.

Runs a trained generator on DATA_DIR/pix2pix/test/ (what `make pix2pix-preprocess PHASE=test`
wrote; with INPUT=dir the Makefile preprocesses that folder into it first: a drawing gets its
auto-Canny edges, an edge map is used as it is) and writes, like the reference's HTML writer,

    OUT_DIR/pix2pix/<RUN>/test_<epoch>/index.html   one row per image: input | output | target
    OUT_DIR/pix2pix/<RUN>/test_<epoch>/index.md     the same as a Markdown table (the seed's pages)
    OUT_DIR/pix2pix/<RUN>/test_<epoch>/images/<name>_{input,output,target}.png

The target column is filled when the test file is an image|edges pair (its image), empty for an
edge map. As the reference's test.py without --eval, G runs in training mode: dropout is the
noise and batch norm uses the image's own statistics (batch 1); dropout seeds (and z, for a
mode-seeking run) come from the "generate" stream of SEED, so a page is reproducible.
"""
import html
from pathlib import Path

import numpy as np

from . import PIPELINE
from .data import load_pairs, resize, test_dir
from .generate import generate, load_generator
from ...kit import cli, runs, seeds
from ...kit.files import write_atomic
from ...kit.progress import log

COLUMNS = ("input", "output", "target")


def write_pages(out, rows, title):
    """rows: [(name, {column: relative image path or None})] -> index.html and index.md."""
    cells = lambda r: "".join(  # noqa: E731
        '<td>%s<br><span>%s</span></td>' % (
            '<img src="%s" width="256">' % html.escape(r[c]) if r.get(c) else "&mdash;", c)
        for c in COLUMNS)
    body = "\n".join('<tr><th>%s</th>%s</tr>' % (html.escape(name), cells(r)) for name, r in rows)
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n"
            "<style>body{font-family:sans-serif}td{text-align:center;padding:4px}"
            "img{image-rendering:pixelated}span{color:#555}</style></head>\n<body><h1>%s</h1>\n"
            "<table>\n<tr><th></th><th>input</th><th>output</th><th>target</th></tr>\n%s\n"
            "</table></body></html>\n" % (html.escape(title), html.escape(title), body))
    write_atomic(Path(out) / "index.html", page)
    md = ["# " + title, "", "| image | input | output | target |", "|---|---|---|---|"]
    for name, r in rows:
        md.append("| %s | %s |" % (name, " | ".join(
            "<img src='%s' width=256>" % r[c] if r.get(c) else "" for c in COLUMNS)))
    write_atomic(Path(out) / "index.md", "\n".join(md) + "\n")


def run_test(run, epoch="latest", source=None):
    from PIL import Image
    from ...kit.grids import to_uint8
    from ...kit import determinism
    opened = runs.open_run(PIPELINE, run)
    folder, config = opened.folder, opened.config
    source = Path(source or test_dir())
    if not source.is_dir() or not list(source.glob("*.png")):
        raise FileNotFoundError("%s holds no test images: make pix2pix-preprocess INPUT=... PHASE=test"
                                " (or pix2pix-test INPUT=...)" % source)
    edges, images, names = load_pairs(source)
    size = config["size"]
    determinism.seed_everything(config["seed"], threads=config["threads"])
    net, label, trained = load_generator(run, epoch)
    inputs = np.stack([resize(e, size) for e in edges])
    outputs = generate(net, inputs, seeds.stream(config["seed"], "generate"), config["nz"])
    out = folder / ("test_%s" % label)
    (out / "images").mkdir(parents=True, exist_ok=True)
    rows = []
    for name, e, o, image in zip(names, inputs, outputs, images):
        row = {}
        arrays = {"input": e, "output": o, "target": resize(image, size) if image is not None else None}
        for column in COLUMNS:
            if arrays[column] is None:
                continue
            rel = "images/%s_%s.png" % (name, column)
            Image.fromarray(to_uint8(arrays[column][None], -1.0, 1.0)[0]).save(str(out / rel))
            row[column] = rel
        rows.append((name, row))
    sources = _sources(source)
    rows = [("%s (%s)" % (name, sources[name]) if name in sources else name, row) for name, row in rows]
    title = "pix2pix %s, epoch %s%s (%s%s, %d px)" % (
        run, label, " = %d epochs" % trained if trained else "", config["loss"],
        " + mode seeking" if config["nz"] else "", size)
    write_pages(out, rows, title)
    log("pix2pix-test: %d images -> %s" % (len(rows), out / "index.html"))
    return out


def _sources(folder):
    """{n: the input file it came from}, from preprocess's manifest.csv when there is one."""
    import csv
    manifest = Path(folder) / "manifest.csv"
    if not manifest.is_file():
        return {}
    with manifest.open(newline="", encoding="utf-8") as handle:
        return {r["n"]: r["source"] for r in csv.DictReader(handle)}


def configure(parser):
    cli.run_arguments(parser, PIPELINE)
    parser.add_argument("--epoch", default="latest", help="latest or a kept snapshot epoch")
    parser.add_argument("--source", default=None, help="folder of test files (default DATA_DIR/pix2pix/test/)")


def main(args):
    run_test(args.run, args.epoch, args.source)
    return 0
