"""The image formats the ingestion stages accept, and how to recognise them from their first bytes.

download keeps only files whose bytes are one of these; reshape decodes only these
(`Image.open(..., formats=ACCEPTED)`). Everything else (HTML, SVG, text, TIFF, PSD, ...) is refused
with a reason: fewer decoders, less attack surface.
"""

ACCEPTED = ("JPEG", "PNG", "GIF", "WEBP", "BMP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "BMP": "bmp"}


def sniff(head):
    """The format of `head` (the first bytes of a file) if it is an accepted image, else None."""
    head = bytes(head[:16])
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:2] == b"BM" and len(head) >= 14:
        return "BMP"
    return None


def describe(head):
    """A short name for what non-image bytes look like (for reasons in reports)."""
    text = bytes(head[:512]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head:
        return "empty"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "html"
    if b"<svg" in text:
        return "svg"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "xml"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:4] == b"%PDF":
        return "pdf"
    try:
        bytes(head[:512]).decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"
