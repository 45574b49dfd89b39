"""The demo's embedded image corpus: the colour emoji of Debian's fonts-noto-color-emoji.

`make demo` needs images to "download" with no internet. This module renders every
single-codepoint emoji the font has into `DATA_DIR/demo-corpus/images/<codepoint>.png` and writes
`DATA_DIR/demo-corpus/index.csv` (codepoint, file, name, keywords), name and keywords taken from
Python's Unicode database. The local search server (kerasgan.demo.search) answers keyword queries
from that index, and the real download stage fetches the PNGs from it.

    python -m kerasgan demo-corpus [--font PATH] [--out DIR]

Why single codepoints only: names come from `unicodedata`, which knows no ZWJ or flag sequences
(and Python 3.7's database stops at Unicode 11, so later emoji are left out too). About 1,300
emoji remain: plenty for a demo whose target class is the yellow smiley faces.

Which interpreter renders: the legacy one (Pillow 9.5, pinned by hash). It only ever opens this
one font file from the distribution (trusted input, unlike the web images the ingestion
environment decodes), and a pinned Pillow with its bundled FreeType and zlib gives the same PNG
bytes on every machine, which the demo's reproducibility relies on.
"""
import csv
import os
import unicodedata
from pathlib import Path

from .. import paths
from ..kit.files import write_csv

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",      # Debian / Ubuntu fonts-noto-color-emoji
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",               # Arch, Alpine
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",  # Fedora
)
FONT_SIZE = 109          # the only size of the font's embedded bitmaps (CBDT strike)
CANVAS = 136             # the glyphs are 136x128: pad to a square so reshape's fit crops nothing
# Emoji live in these ranges; everything else in the font is text (digits, #, *) or tags.
RANGES = ((0x2100, 0x2BFF), (0x3000, 0x33FF), (0x1F000, 0x1FAFF))
# Words that name nothing in a picture; a search for them would return everything.
STOPWORDS = frozenset("with and of the in a an on for to".split())
INSTALL_HINT = ("the demo needs the Noto Color Emoji font: on Debian/Ubuntu "
                "`sudo apt-get install fonts-noto-color-emoji`, or give its path with FONT=...")

CORPUS = "demo-corpus"   # under DATA_DIR
INDEX = "index.csv"
IMAGES = "images"
FIELDS = ("codepoint", "file", "name", "keywords")


def find_font(path=None):
    """The font file: `path` if given, else $KERASGAN_EMOJI_FONT, else the usual system places."""
    given = path or os.environ.get("KERASGAN_EMOJI_FONT")
    candidates = [given] if given else list(FONT_CANDIDATES)
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FileNotFoundError("font not found (%s); %s" % (", ".join(map(str, candidates)), INSTALL_HINT))


def keywords(name):
    """'SMILING FACE WITH OPEN MOUTH' -> ['smiling', 'face', 'open', 'mouth']."""
    words = name.lower().replace("-", " ").split()
    return [w for w in words if w not in STOPWORDS]


def codepoint_id(cp):
    """File-name form of a codepoint, as emoji projects write it: 1f600."""
    return "%04x" % cp


def emoji_codepoints(font, only=None):
    """(codepoint, name) for every named codepoint in RANGES that the font draws."""
    for lo, hi in RANGES:
        for cp in range(lo, hi + 1):
            name = unicodedata.name(chr(cp), None)
            if not name or (only is not None and codepoint_id(cp) not in only):
                continue
            # A codepoint outside the font's cmap gives an empty (zero-height) mask.
            if font.getmask(chr(cp)).size[1] == 0:
                continue
            yield cp, name


def render(font, cp):
    """One emoji as a transparent square RGBA image (the artwork's own colours)."""
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    left, top, right, bottom = font.getbbox(chr(cp))
    x = (CANVAS - (right - left)) // 2 - left
    y = (CANVAS - (bottom - top)) // 2 - top
    ImageDraw.Draw(image).text((x, y), chr(cp), font=font, embedded_color=True)
    return image


def build(out=None, font_path=None, only=None, log=print):
    """Render the corpus into `out` (default DATA_DIR/demo-corpus); return the index rows.

    `only`: a set of codepoints (as codepoint_id writes them) to restrict the corpus to (tests).
    Idempotent: when index.csv exists and every image it lists is present, nothing is redone.
    """
    from PIL import ImageFont
    out = Path(out or paths.data_dir() / CORPUS)
    index = out / INDEX
    if index.is_file():
        rows = read_index(out)
        if rows and all((out / row["file"]).is_file() for row in rows):
            log("demo-corpus: %d emoji already in %s" % (len(rows), out))
            return rows
    font = ImageFont.truetype(str(find_font(font_path)), FONT_SIZE)
    (out / IMAGES).mkdir(parents=True, exist_ok=True)
    rows = []
    for cp, name in emoji_codepoints(font, only):
        rel = "%s/%s.png" % (IMAGES, codepoint_id(cp))
        render(font, cp).save(str(out / rel), format="PNG")
        rows.append({"codepoint": codepoint_id(cp), "file": rel, "name": name.lower(),
                     "keywords": " ".join(keywords(name))})
    write_csv(index, FIELDS, rows)  # the index last and atomically: it marks a complete corpus
    log("demo-corpus: rendered %d emoji into %s" % (len(rows), out))
    return rows


def read_index(corpus):
    with (Path(corpus) / INDEX).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def configure(parser):
    parser.add_argument("--out", help="corpus folder (default: DATA_DIR/%s)" % CORPUS)
    parser.add_argument("--font", help="NotoColorEmoji.ttf (default: the system's copy)")


def main(args):
    build(args.out, args.font)
    return 0
