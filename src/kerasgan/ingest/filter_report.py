"""The filter's contact sheet: kept and rejected images side by side, each with its score.

Each group is sorted by probability (highest first) and, when larger than `per_group`, sampled
evenly along that order, so both ends (sure and borderline) are always shown.
"""
from pathlib import Path

from ..kit.files import atomic_path

TILE = 64
LABEL = 14
COLUMNS = 16
HEADER = 22
MARGIN = 6


def sample(items, limit):
    """At most `limit` items, evenly spaced over the list (first and last always included)."""
    if limit <= 0:
        return []
    if len(items) <= limit:
        return list(items)
    if limit == 1:
        return [items[0]]
    step = (len(items) - 1) / float(limit - 1)
    return [items[int(round(i * step))] for i in range(limit)]


def contact_sheet(kept, rejected, out_path, threshold=0.99, per_group=64):
    """kept / rejected: lists of (path, probability). Writes a PNG and returns its path."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default()
    groups = []
    for title, items in (("kept", kept), ("rejected", rejected)):
        ordered = sorted(items, key=lambda item: (-item[1], str(item[0])))
        shown = sample(ordered, per_group)
        heading = "%s: %d image(s), p %s %g%s" % (
            title, len(items), ">=" if title == "kept" else "<", threshold,
            "" if len(shown) == len(items) else " (%d shown, evenly by score)" % len(shown))
        groups.append((heading, shown))

    width = MARGIN * 2 + COLUMNS * TILE
    height = MARGIN
    for _, shown in groups:
        rows = max(1, -(-len(shown) // COLUMNS))
        height += HEADER + rows * (TILE + LABEL) + MARGIN
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    y = MARGIN
    for heading, shown in groups:
        draw.text((MARGIN, y + 4), heading, fill="black", font=font)
        y += HEADER
        if not shown:
            draw.text((MARGIN, y + 4), "(none)", fill="gray", font=font)
        for i, (path, prob) in enumerate(shown):
            col, row = i % COLUMNS, i // COLUMNS
            x0, y0 = MARGIN + col * TILE, y + row * (TILE + LABEL)
            try:
                with Image.open(str(path), formats=["JPEG", "PNG"]) as image:
                    tile = image.convert("RGB").resize((TILE - 2, TILE - 2), Image.BILINEAR)
                sheet.paste(tile, (x0 + 1, y0 + 1))
            except Exception:
                draw.rectangle([x0 + 1, y0 + 1, x0 + TILE - 2, y0 + TILE - 2], outline="red")
            draw.text((x0 + 2, y0 + TILE), ("%.3f %s" % (int(prob * 1000) / 1000.0, Path(path).stem))[:10],
                      fill="black", font=font)
        rows = max(1, -(-len(shown) // COLUMNS))
        y += rows * (TILE + LABEL) + MARGIN
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        sheet.save(str(tmp), format="PNG")
    return out_path
