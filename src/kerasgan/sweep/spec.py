"""A sweep file: one pipeline, base make variables, a grid of settings x seeds (docs/sweeps.md).

    pipeline: pix2pix                 # a name of PIPELINES below
    prepare:                          # make goals run once before the points (data stages)
      - pix2pix-demo-data
    base: {EPOCHS: 400, SIZE: 64}     # the pipeline's own make variables, the same for every point
    grid: {LOSS: [lsgan, wgangp], SEED: [0, 1, 2]}

Each point of the grid is an ordinary `make <pipeline>-train RUN=<name> ...`; its run name is
derived from the sweep's name and the point's settings, so a second start finds the same folders.
Values may name `{sweep_dir}` (OUT_DIR/sweeps/<name>) and `{out_dir}`. No TensorFlow, no Dask here:
the driver, the workers and the report all read sweep files through this module (Python 3.7+).
"""
import collections
import itertools
import re
from pathlib import Path

import yaml

from ..errors import UserError

# pipeline: (its make target for training, the folder its runs live in under OUT_DIR)
PIPELINES = {
    "pikachu": ("train", "pikachu"),
    "dcgan": ("dcgan-train", "dcgan"),
    "adversarial-mnist": ("adversarial-mnist-train", "adversarial-mnist"),
    "adversarial-cifar10": ("adversarial-cifar10-train", "adversarial-cifar10"),
    "pix2pix": ("pix2pix-train", "pix2pix"),
    "cartoon": ("cartoon-train", "cartoon"),
}
KEYS = ("pipeline", "target", "prepare", "base", "grid", "compare", "score")
# Variables the sweep sets itself: a sweep file may not (RUN names the point, OUT_DIR is shared).
RESERVED = ("RUN", "OUT_DIR")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
VARIABLE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")

Sweep = collections.namedtuple("Sweep", "name path pipeline target run_folder prepare base grid compare score")
Point = collections.namedtuple("Point", "run settings")


class SweepError(UserError):
    """A sweep file that can't be run: the message names the file and the reason."""


def _fail(path, reason):
    raise SweepError("%s: %s" % (path, reason))


def _scalar(path, where, value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float, str)):
        return str(value)
    _fail(path, "%s must be a number or a string, not %r" % (where, value))


def _variables(path, section, table):
    if table is None:
        return collections.OrderedDict()
    if not isinstance(table, dict):
        _fail(path, "'%s' must map make variables to values" % section)
    for name in table:
        if not isinstance(name, str) or not VARIABLE_RE.match(name):
            _fail(path, "'%s': %r is not a make variable name (capitals, digits, _)" % (section, name))
        if name in RESERVED:
            _fail(path, "'%s': %s is set by the sweep itself" % (section, name))
    return collections.OrderedDict((k, table[k]) for k in table)


def _grid(path, table):
    grid = _variables(path, "grid", table)
    if not grid:
        _fail(path, "'grid' names no variable: a sweep needs at least one")
    for name, values in grid.items():
        if not isinstance(values, list) or not values:
            _fail(path, "grid variable %s must list one or more values" % name)
        grid[name] = [_scalar(path, "grid %s" % name, v) for v in values]
        if len(set(grid[name])) != len(grid[name]):
            _fail(path, "grid variable %s lists a value twice" % name)
    return grid


def _read(path):
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise SweepError("%s: can't read the sweep file (%s)" % (path, error.strerror or error))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise SweepError("%s: not valid YAML/JSON (%s)" % (path, str(error).splitlines()[0]))
    if not isinstance(data, dict):
        _fail(path, "a sweep file is a mapping with keys %s" % ", ".join(KEYS))
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        _fail(path, "unknown key(s) %s (known: %s)" % (", ".join(unknown), ", ".join(KEYS)))
    return path, data


def load(path):
    """Read and check a sweep file; its name is the file's stem."""
    path, data = _read(path)
    if not NAME_RE.match(path.stem):
        _fail(path, "the file's name must be letters, digits, '.', '_' or '-'")
    pipeline = data.get("pipeline")
    if pipeline not in PIPELINES:
        _fail(path, "pipeline %r is not one of %s" % (pipeline, ", ".join(sorted(PIPELINES))))
    target, run_folder = PIPELINES[pipeline]
    prepare = data.get("prepare") or []
    if not isinstance(prepare, list) or not all(isinstance(p, str) for p in prepare):
        _fail(path, "'prepare' must list make goals as strings")
    base = _variables(path, "base", data.get("base"))
    base = collections.OrderedDict((k, _scalar(path, "base %s" % k, v)) for k, v in base.items())
    grid = _grid(path, data.get("grid"))
    both = sorted(set(base) & set(grid))
    if both:
        _fail(path, "%s both in 'base' and in 'grid'" % ", ".join(both))
    compare = data.get("compare")
    if compare is not None and compare not in grid:
        _fail(path, "'compare' must name a grid variable, not %r" % compare)
    return Sweep(path.stem, path, pipeline, data.get("target") or target, run_folder,
                 prepare, base, grid, compare, _score(path, data.get("score")))


def _score(path, table):
    """score: {domain: <evaluation domain>, n: <samples>}, or None."""
    if table is None:
        return None
    if not isinstance(table, dict) or sorted(table) != ["domain", "n"]:
        _fail(path, "'score' must be {domain: <digits|colour32|faces64|pix2pix>, n: <samples>}")
    if not str(table["n"]).isdigit() or int(table["n"]) < 7:
        _fail(path, "score n must be a number of samples >= 7")
    return {"domain": str(table["domain"]), "n": int(table["n"])}


def _slug(value):
    return re.sub(r"[^A-Za-z0-9.]+", "_", value).strip("_") or "_"


def run_name(sweep, settings):
    """<sweep>-<var>-<value>-...: the same settings always give the same run folder."""
    parts = [sweep.name] + ["%s-%s" % (k.lower(), _slug(v)) for k, v in settings.items()]
    return "-".join(parts)


def points(sweep):
    """Every point of the grid, in file order (the last variable varies fastest)."""
    names = list(sweep.grid)
    found = []
    for values in itertools.product(*(sweep.grid[n] for n in names)):
        settings = collections.OrderedDict(zip(names, values))
        found.append(Point(run_name(sweep, settings), settings))
    return found


def group_key(sweep, settings):
    """A point's settings without SEED: the points that differ only in their seed form a group."""
    return tuple((k, v) for k, v in settings.items() if k != "SEED")


def expand(value, sweep_dir, out_dir):
    return value.replace("{sweep_dir}", str(sweep_dir)).replace("{out_dir}", str(out_dir))


def make_variables(sweep, settings, sweep_dir, out_dir):
    """KEY=value arguments of a point's make call (base, then the point's own settings)."""
    merged = collections.OrderedDict(sweep.base)
    merged.update(settings)
    return ["%s=%s" % (k, expand(v, sweep_dir, out_dir)) for k, v in merged.items()]
