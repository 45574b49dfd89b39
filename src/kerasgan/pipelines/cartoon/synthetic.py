"""A synthetic cartoon set, drawn here: the offline stand-in for Google's Cartoon Set.

NOT the real Cartoon Set: faces drawn with Pillow in its exact layout and format, for the demo and
the tests (no download). Each face is csX.png (500x500 RGBA, transparent background, as the real
set) with csX.csv beside it in the set's format, listing the attributes drawn:

    face_shape (7 ellipses)  face_color (11 skin tones)  hair (111; drawn as 4 styles, hair % 4)
    hair_color (10)  eye_color (5)  facial_hair (15; 14 = none; 3 kinds)  glasses (12; 11 = none;
    round, square, sunglasses, frames thicker with the variant)  glasses_color (7)

Glasses and facial hair are absent half the time (the real set draws every variant equally often,
so 11 of 12 faces wear glasses); the rest of each face is uniform over the variants. Deterministic
from SEED (kit.seeds stream "data"): the same SEED and count give the same files.
"""
import os
import shutil
from pathlib import Path

from . import attributes
from ...kit import seeds

SIDE = 500
FACE_COLORS = [(255, 224, 196), (250, 208, 170), (240, 194, 150), (228, 178, 130), (214, 160, 110),
               (196, 140, 96), (176, 120, 80), (150, 100, 66), (126, 82, 54), (100, 64, 42),
               (80, 50, 34)]
HAIR_COLORS = [(20, 20, 20), (70, 45, 25), (120, 75, 35), (180, 130, 60), (230, 200, 120),
               (150, 40, 20), (200, 200, 200), (90, 60, 140), (40, 90, 170), (200, 90, 150)]
EYE_COLORS = [(60, 40, 20), (40, 90, 160), (50, 130, 70), (100, 100, 100), (20, 20, 20)]
GLASSES_COLORS = [(10, 10, 10), (90, 40, 10), (20, 30, 110), (150, 10, 20), (20, 90, 30),
                  (80, 80, 80), (100, 0, 110)]
FACE_SHAPES = [(150, 190), (165, 185), (175, 175), (140, 205), (160, 210), (180, 195), (155, 170)]
DRAWN = ("face_shape", "face_color", "hair", "hair_color", "eye_color", "facial_hair", "glasses",
         "glasses_color")
CENTER = (250, 270)
EYE_Y, EYE_DX = 250, 65


def sample_attributes(rng):
    """One face's attributes (the DRAWN subset), from the data stream."""
    values = {name: int(rng.randint(attributes.VARIANTS[name])) for name in DRAWN}
    for name, none in attributes.NONE.items():   # absent half the time
        if rng.rand() < 0.5:
            values[name] = none
        else:
            values[name] = int(rng.randint(none))
    return values


def _hair(draw, style, color, rx, ry):
    cx, cy = CENTER
    top = cy - ry
    if style == 3:     # bald
        return
    draw.chord([cx - rx - 8, top - 25, cx + rx + 8, cy + 20], 180, 360, fill=color)
    if style == 1:     # long: down the sides
        draw.rectangle([cx - rx - 14, cy - 40, cx - rx + 22, cy + 140], fill=color)
        draw.rectangle([cx + rx - 22, cy - 40, cx + rx + 14, cy + 140], fill=color)
    elif style == 2:   # a tall tuft
        draw.ellipse([cx - 70, top - 75, cx + 70, top + 40], fill=color)


def _facial_hair(draw, variant, color, rx, ry):
    cx, cy = CENTER
    kind = variant % 3
    if kind == 0:      # beard: the lower face
        draw.chord([cx - rx, cy - ry + 60, cx + rx, cy + ry], 20, 160, fill=color)
    elif kind == 1:    # moustache
        draw.rectangle([cx - 55, cy + 62, cx + 55, cy + 82 + 2 * (variant % 5)], fill=color)
    else:              # goatee
        draw.ellipse([cx - 35, cy + ry - 70, cx + 35, cy + ry - 5], fill=color)


def _glasses(draw, variant, color):
    kind, width = variant % 3, 14 + 2 * (variant // 3)
    lens = 50
    for side in (-1, 1):
        box = [CENTER[0] + side * EYE_DX - lens, EYE_Y - lens, CENTER[0] + side * EYE_DX + lens,
               EYE_Y + lens]
        if kind == 0:
            draw.ellipse(box, outline=color, width=width)
        elif kind == 1:
            draw.rectangle(box, outline=color, width=width)
        else:          # sunglasses: filled lenses
            draw.ellipse(box, fill=color)
    draw.line([CENTER[0] - EYE_DX + lens, EYE_Y, CENTER[0] + EYE_DX - lens, EYE_Y], fill=color,
              width=width)


def render(values):
    """{attribute: variant} -> a 500x500 RGBA Pillow image."""
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    rx, ry = FACE_SHAPES[values["face_shape"]]
    cx, cy = CENTER
    hair = HAIR_COLORS[values["hair_color"]]
    draw.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=FACE_COLORS[values["face_color"]])
    _hair(draw, values["hair"] % 4, hair, rx, ry)
    for side in (-1, 1):
        x = cx + side * EYE_DX
        draw.ellipse([x - 28, EYE_Y - 20, x + 28, EYE_Y + 20], fill=(255, 255, 255))
        draw.ellipse([x - 14, EYE_Y - 14, x + 14, EYE_Y + 14], fill=EYE_COLORS[values["eye_color"]])
    draw.arc([cx - 50, cy + 50, cx + 50, cy + 110], 20, 160, fill=(120, 30, 30), width=8)
    if values["facial_hair"] != attributes.NONE["facial_hair"]:
        _facial_hair(draw, values["facial_hair"], hair, rx, ry)
    if values["glasses"] != attributes.NONE["glasses"]:
        _glasses(draw, values["glasses"], GLASSES_COLORS[values["glasses_color"]])
    return image


def file_ids(rng, n):
    """n distinct 18-digit ids (the real set's names are cs<digits>.png)."""
    ids, seen = [], set()
    while len(ids) < n:
        value = int(rng.randint(10 ** 8, 10 ** 9)) * 10 ** 9 + int(rng.randint(10 ** 9))
        if value not in seen:
            seen.add(value)
            ids.append(value)
    return ids


def write_set(folder, n, seed, log=print):
    """Draw n faces into `folder` (csX.png + csX.csv); a finished folder is kept as it is.

    Drawn into a temporary sibling and renamed, so a killed run never leaves half a set."""
    folder = Path(folder)
    if (folder / ".complete").is_file():
        return folder
    rng = seeds.stream(seed, "data")
    tmp = folder.with_name("." + folder.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(str(tmp))
    tmp.mkdir(parents=True)
    for i, ident in enumerate(file_ids(rng, n)):
        values = sample_attributes(rng)
        render(values).save(str(tmp / ("cs%d.png" % ident)), format="PNG", compress_level=1)
        (tmp / ("cs%d.csv" % ident)).write_text(attributes.format_csv(values))
        if (i + 1) % 500 == 0:
            log("cartoon synthetic: %d/%d faces" % (i + 1, n))
    (tmp / ".complete").write_text("synthetic cartoon set: %d faces, SEED %d\n" % (n, seed))
    if folder.exists():
        shutil.rmtree(str(folder))
    os.replace(str(tmp), str(folder))
    log("cartoon synthetic: %d faces (SYNTHETIC, drawn here) in %s" % (n, folder))
    return folder
