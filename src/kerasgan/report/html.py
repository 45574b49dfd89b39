"""Small pieces every report section uses: reading what runs wrote, figures, HTML (stdlib only)."""
import csv
import html
import json
import os
import platform
import sys
from collections import OrderedDict
from pathlib import Path

NOT_RUN = "not run"
THUMB = 64
VERSIONS = ("tensorflow", "tensorflow-gpu", "keras", "keras-adversarial", "numpy", "h5py",
            "pillow", "matplotlib", "scipy")
STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.4}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .6em;
text-align:left;vertical-align:top} th{background:#f4f4f4} td.n{text-align:right}
.notrun{color:#888;font-style:italic} .warn{background:#fff3cd;border:1px solid #e0c060;
padding:.5em 1em} .ok{color:#276b2b}
figure{display:inline-block;margin:.3em;text-align:center;font-size:.8em}
figure img{display:block;image-rendering:pixelated;border:1px solid #ddd}
img.big{max-width:100%;height:auto;image-rendering:pixelated} .stages span{margin:0 .2em} .row img{margin-right:1em}
code{background:#f4f4f4;padding:0 .2em}
"""


def read_csv(path):
    path = Path(path)
    if not path.is_file():
        return None
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))

def read_json(path):
    path = Path(path)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None

def number(value):
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if result == result else None  # NaN -> None

def column(rows, *names):
    """The first of `names` that the rows have (case-insensitive), else None."""
    if not rows:
        return None
    keys = {k.lower(): k for k in rows[0].keys() if k}
    for name in names:
        if name.lower() in keys:
            return keys[name.lower()]
    return None

def series(rows, x, y):
    xs, ys = [], []
    for row in rows:
        a, b = number(row.get(x)), number(row.get(y))
        if a is not None and b is not None:
            xs.append(a)
            ys.append(b)
    return xs, ys

def package_versions(names=VERSIONS):
    """Installed versions, read from the *.dist-info folders on sys.path (no imports, no TF start)."""
    found = {}
    for entry in sys.path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        for info in folder.glob("*.dist-info"):
            name, _, version = info.name[:-len(".dist-info")].partition("-")
            found.setdefault(name.lower().replace("_", "-"), version)
    versions = OrderedDict([("python", platform.python_version())])
    for name in names:
        if name in found:
            versions[name] = found[name]
    return versions

def plot(path, title, curves, xlabel="epoch", ylabel=None, hline=None):
    """curves: [(label, xs, ys)]. Writes a PNG; returns its path, or None without data."""
    curves = [c for c in curves if c[1]]
    if not curves:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=80)
    for label, xs, ys in curves:
        ax.plot(xs, ys, label=label, marker="." if len(xs) < 40 else None)
    if hline is not None:
        ax.axhline(hline[0], color="#cc3333", linestyle="--", linewidth=1, label=hline[1])
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(alpha=.3)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(str(path), metadata={"Software": None} if _mpl_metadata_ok() else None)
    plt.close(fig)
    return path

def _mpl_metadata_ok():
    import matplotlib
    return tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 1)

def thumbnail(source, dest, size=THUMB):
    """A small PNG copy of a reshaped JPEG (the legacy stack only ever reads those)."""
    from PIL import Image
    with Image.open(str(source), formats=["JPEG", "PNG"]) as image:
        image.convert("RGB").resize((size, size), Image.BILINEAR).save(str(dest), format="PNG")
    return dest

def esc(value):
    return html.escape(str(value))

def rel(path, start):
    return Path(os.path.relpath(str(path), str(start))).as_posix()

def table(rows, header=None):
    out = ["<table>"]
    if header:
        out.append("<tr>%s</tr>" % "".join("<th>%s</th>" % esc(h) for h in header))
    for row in rows:
        cells = []
        for value in row:
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append('<td%s>%s</td>' % (' class="n"' if numeric else "", esc(value)))
        out.append("<tr>%s</tr>" % "".join(cells))
    out.append("</table>")
    return "\n".join(out)

def not_run(what):
    return '<p class="notrun">%s: %s.</p>' % (esc(what), NOT_RUN)

def img(src, alt, cls=None, width=None):
    return '<img src="%s" alt="%s"%s%s>' % (esc(src), esc(alt), ' class="%s"' % cls if cls else "",
                                             ' width="%d"' % width if width else "")
