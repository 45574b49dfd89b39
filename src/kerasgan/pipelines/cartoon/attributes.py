"""The Cartoon Set's attributes (google.github.io/cartoonset; docs/originals.md#the-cartoon-set), defined once.

Each image csX.png has csX.csv beside it, one line per attribute: `"name", variant, variants`,
e.g. `"face_shape", 4, 7`. A binary attribute for the arithmetic is either a name whose NONE
variant means "absent" (glasses: 11, facial_hair: 14: present = any other variant) or
`name=variant` (hair_color=3: present = that variant).
"""
import csv
import io
import re

import numpy as np

# name: number of variants, in the order of the published list
VARIANTS = {
    "chin_length": 3, "eye_angle": 3, "eye_lashes": 2, "eye_lid": 2, "eyebrow_shape": 14,
    "eyebrow_weight": 2, "face_shape": 7, "facial_hair": 15, "glasses": 12, "hair": 111,
    "eye_color": 5, "face_color": 11, "glasses_color": 7, "hair_color": 10,
    "eye_eyebrow_distance": 3, "eye_slant": 3, "eyebrow_thickness": 4, "eyebrow_width": 3,
}
NAMES = list(VARIANTS)
# the variant that means "none" (the set's last variant for these two)
NONE = {"facial_hair": 14, "glasses": 11}
MISSING = -1          # an attribute a file does not list (the synthetic set draws a subset)


class AttributeError_(ValueError):
    """A CSV that is not the Cartoon Set's format (the message names the reason)."""


def parse(text):
    """The text of a csX.csv -> {name: variant}. Raises AttributeError_ on anything malformed."""
    found = {}
    for number, row in enumerate(csv.reader(io.StringIO(text), skipinitialspace=True), 1):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise AttributeError_("line %d: %d fields, expected 3" % (number, len(row)))
        name = row[0].strip()
        if name not in VARIANTS:
            raise AttributeError_("line %d: unknown attribute %r" % (number, name[:40]))
        try:
            variant, variants = int(row[1]), int(row[2])
        except ValueError:
            raise AttributeError_("line %d: variant and count must be integers" % number)
        if variants != VARIANTS[name] or not 0 <= variant < variants:
            raise AttributeError_("line %d: %s %d of %d (the set has %d variants)"
                                  % (number, name, variant, variants, VARIANTS[name]))
        if name in found:
            raise AttributeError_("line %d: %s listed twice" % (number, name))
        found[name] = variant
    if not found:
        raise AttributeError_("no attributes")
    return found


def format_csv(values):
    """{name: variant} -> the set's CSV text, in the published order."""
    return "".join('"%s", %d, %d\n' % (name, values[name], VARIANTS[name])
                   for name in NAMES if name in values)


def to_row(values):
    """{name: variant} -> int16 row over NAMES (MISSING where absent)."""
    return np.array([values.get(name, MISSING) for name in NAMES], np.int16)


def slug(spec):
    """An attribute spec as a file-name part (hair_color=3 -> hair_color-3)."""
    return re.sub(r"[^A-Za-z0-9_]+", "-", spec)


def parse_binary(spec):
    """'glasses' | 'hair_color=3' -> (name, variant or None). Raises ValueError with the reason."""
    name, _, value = spec.partition("=")
    name = name.strip()
    if name not in VARIANTS:
        raise ValueError("ATTR %r: not a Cartoon Set attribute (%s)" % (spec, ", ".join(NAMES)))
    if not value:
        if name not in NONE:
            raise ValueError("ATTR %s has no 'none' variant: give one, e.g. %s=0" % (name, name))
        return name, None
    try:
        variant = int(value)
    except ValueError:
        raise ValueError("ATTR %r: the variant must be an integer" % spec)
    if not 0 <= variant < VARIANTS[name]:
        raise ValueError("ATTR %r: %s has variants 0..%d" % (spec, name, VARIANTS[name] - 1))
    return name, variant


def binary_labels(table, spec):
    """(n, len(NAMES)) attribute table, 'glasses' -> (present bool (n,), known bool (n,))."""
    name, variant = parse_binary(spec)
    column = np.asarray(table)[:, NAMES.index(name)]
    known = column != MISSING
    present = column == variant if variant is not None else column != NONE[name]
    return present & known, known
