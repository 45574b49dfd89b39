"""`kerasgan pix2pix-demo-data`: the demo's animals and chimeras, drawn from Noto Color Emoji.

`make pix2pix-demo` needs photos of the seed's seven animal kinds with no internet: this renders
the font's lion, goat, snake, dog (two), horse (two), bird and fish with the demo corpus's own
renderer (kerasgan.demo.corpus.render, transparent square canvas) into

    DATA_DIR/pix2pix-emoji/train/<codepoint>-<name>.png   the 9 animals (training set)
    DATA_DIR/pix2pix-emoji/test/                          chimeras + two animals with a target

A chimera is the front half of one animal and the back half of another (the seed's "summon a
chimera": the drawing's edges go through the trained generator). These files then enter the
pipeline as any user's images do (`make pix2pix-preprocess INPUT=...`).
"""
from pathlib import Path

from ... import paths
from ...demo import corpus

ANIMALS = (  # the seed's kinds: lion, goat, snake, dog, horse, bird, fish
    (0x1F981, "lion"), (0x1F410, "goat"), (0x1F40D, "snake"), (0x1F415, "dog"),
    (0x1F436, "dog-face"), (0x1F40E, "horse"), (0x1F434, "horse-face"), (0x1F426, "bird"),
    (0x1F41F, "fish"),
)
CHIMERAS = (("lion", "fish"), ("goat", "snake"), ("horse", "bird"), ("dog", "lion"))
TEST_ANIMALS = ("lion", "bird")
FOLDER = "pix2pix-emoji"


def render_all(font_path=None):
    from PIL import ImageFont
    font = ImageFont.truetype(str(corpus.find_font(font_path)), corpus.FONT_SIZE)
    return {name: (cp, corpus.render(font, cp)) for cp, name in ANIMALS}


def chimera(front, back):
    """Left half of `front`, right half of `back` (RGBA, same size)."""
    out = back.copy()
    half = front.size[0] // 2
    out.paste(front.crop((0, 0, half, front.size[1])), (0, 0))
    return out


def build(out=None, font_path=None, log=print):
    out = Path(out or paths.data_dir() / FOLDER)
    images = render_all(font_path)
    for phase in ("train", "test"):
        (out / phase).mkdir(parents=True, exist_ok=True)
        for old in (out / phase).glob("*.png"):
            old.unlink()
    for name, (cp, image) in images.items():
        image.save(str(out / "train" / ("%s-%s.png" % (corpus.codepoint_id(cp), name))), format="PNG")
    for i, (front, back) in enumerate(CHIMERAS, 1):
        chimera(images[front][1], images[back][1]).save(
            str(out / "test" / ("%d-%s-%s.png" % (i, front, back))), format="PNG")
    for name in TEST_ANIMALS:
        images[name][1].save(str(out / "test" / ("9-%s.png" % name)), format="PNG")
    log("pix2pix-demo-data: %d animals (train), %d chimeras + %d animals (test) in %s"
        % (len(images), len(CHIMERAS), len(TEST_ANIMALS), out))
    return out


def configure(parser):
    parser.add_argument("--font", help="NotoColorEmoji.ttf (default: the system's copy)")


def main(args):
    build(font_path=args.font)
    return 0
