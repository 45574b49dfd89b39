"""A corpus of every awkward input docs/pikachu.md#reshape lists, written as real files with Pillow (and by hand
where Pillow would refuse to write them). `write_corpus(downloads_dir, outside_dir)` returns
{relative name: expected reason or "kept"}; names are relative to downloads/<keyword>/."""
import io
import struct
import zlib

from PIL import Image, ImageDraw

HTML = b"<!DOCTYPE html><html><head><title>Pikachu</title></head><body>404</body></html>\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
       b'<circle cx="32" cy="32" r="30" fill="yellow"/></svg>\n')


def picture(size=(120, 90), seed=0, mode="RGB"):
    """A non-trivial image (shapes, so perceptual hashes differ between seeds)."""
    image = Image.new("RGB", size, (250 - 20 * seed % 200, 200, 30 + 40 * seed % 200))
    draw = ImageDraw.Draw(image)
    w, h = size
    for k in range(4):
        x0 = (seed * 37 + k * 53) % max(1, w - 10)
        y0 = (seed * 23 + k * 31) % max(1, h - 10)
        draw.rectangle([x0, y0, x0 + w // 3, y0 + h // 4], fill=((seed * 80 + k * 60) % 256, (k * 90) % 256, (seed * 50) % 256))
        draw.ellipse([w - x0 - w // 4, h - y0 - h // 4, w - x0, h - y0], fill=(k * 70 % 256, 255 - seed * 30 % 256, 90))
    return image.convert(mode) if mode != "RGB" else image


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width, height, idat=b""):
    """A PNG that claims width x height (a decompression bomb's header) with little data."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat or zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))


def write_corpus(folder, outside):
    """Write the corpus into `folder` (a downloads/<keyword>/ folder); `outside` is a folder out
    of DATA_DIR for the escaping symlink. Returns {name: expected status or reason}."""
    folder.mkdir(parents=True, exist_ok=True)
    folder, outside = folder.resolve(), outside.resolve()
    expected = {}

    def put(name, data, expect):
        (folder / name).write_bytes(data)
        expected[name] = expect

    # good images in every awkward mode
    put("1-plain.jpg", encode(picture(seed=1), "JPEG"), "kept")
    put("2-cmyk.jpg", encode(picture(seed=2, mode="CMYK"), "JPEG"), "kept")
    put("3-palette.png", encode(picture(seed=3).convert("P", palette=Image.ADAPTIVE, colors=16), "PNG"), "kept")
    rgba = picture(seed=4).convert("RGBA")
    rgba.putalpha(Image.new("L", rgba.size, 0))  # fully transparent: must come out white
    put("4-alpha.png", encode(rgba, "PNG"), "kept")
    sixteen = Image.new("I;16", (80, 60))
    sixteen.putdata([(x * 800 + y * 300) % 65536 for y in range(60) for x in range(80)])
    put("5-16bit.png", encode(sixteen, "PNG"), "kept")
    put("6-1bit.png", encode(picture(seed=6).convert("1"), "PNG"), "kept")
    frames = [picture(seed=7 + k).convert("P", palette=Image.ADAPTIVE) for k in range(3)]
    put("7-animated.gif", encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0), "kept")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees on display
    put("8-exif-rotated.jpg", encode(picture((160, 40), seed=8), "JPEG", exif=exif.tobytes()), "kept")
    put("9-wide.png", encode(picture((3000, 3), seed=9), "PNG"), "kept")
    put("10-tall.png", encode(picture((2, 2000), seed=10), "PNG"), "kept")
    put("11 name with spaces.png", encode(picture(seed=11), "PNG"), "kept")
    put("12-ピカチュウ.png", encode(picture(seed=12), "PNG"), "kept")
    put("-13-leading-dash.png", encode(picture(seed=13), "PNG"), "kept")
    put("14-no-extension", encode(picture(seed=14), "PNG"), "kept")
    put("15-png-named.jpg", encode(picture(seed=15), "PNG"), "kept")
    put("16-la.png", encode(picture(seed=16).convert("LA"), "PNG"), "kept")
    put("17-webp.webp", encode(picture(seed=17), "WEBP"), "kept")
    put("18-bmp.bmp", encode(picture(seed=18), "BMP"), "kept")
    # bad files: each with its reason
    put("20-empty.jpg", b"", "empty-file")
    put("21-truncated.jpg", encode(picture((400, 300), seed=21), "JPEG")[:900], "truncated")
    put("22-truncated.png", encode(picture((400, 300), seed=22), "PNG")[:300], "truncated")
    put("23-html.jpg", HTML, "not-an-image:html")
    put("24-image.svg", SVG, "not-an-image:svg")
    put("25-notes.txt", "ピカチュウ is yellow\n".encode("utf-8"), "not-an-image:text")
    put("26-bomb.png", png_header_only(30000, 30000), "decompression-bomb")   # > 2x the limit: error
    put("27-bomb-warn.png", png_header_only(10000, 10000), "decompression-bomb")  # 1x-2x: warning
    put("28-tiff.jpg", encode(picture(seed=28), "TIFF"), "not-an-image:tiff")  # decoder not accepted
    # duplicates
    put("30-copy-of-1.jpg", (folder / "1-plain.jpg").read_bytes(), "duplicate")
    put("31-reencoded-1.png", encode(Image.open(folder / "1-plain.jpg").convert("RGB"), "PNG"), "near-duplicate")
    # links and oddities
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.png").write_bytes(encode(picture(seed=40), "PNG"))
    (folder / "40-escape.png").symlink_to(outside / "secret.png")
    expected["40-escape.png"] = "symlink-outside-data-dir"
    (folder / "41-inside-link.png").symlink_to(folder / "11 name with spaces.png")
    expected["41-inside-link.png"] = "duplicate"
    (folder / "42-dangling.png").symlink_to(folder / "no-such-file.png")
    expected["42-dangling.png"] = "broken-symlink"
    (folder / "43-a-folder").mkdir()
    expected["43-a-folder"] = "not-a-regular-file"
    put(".DS_Store", b"\0\0\0\1Bud1", "hidden-file")
    return expected
