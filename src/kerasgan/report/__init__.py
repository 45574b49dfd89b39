"""`make report [RUN=...]`: one static HTML page for a training run and the data it was trained on.

    python -m kerasgan report [--pipeline pikachu] [--run NAME]

The page is assembled from sections: functions of a `Context` (the run folder's files, read once)
returning HTML pieces. A pipeline lists its sections in its own `report.py`
(kerasgan/pipelines/<name>/report.py, SECTIONS); without one it gets training.DEFAULT_SECTIONS.
Sections read only what stages and runs wrote (manifests, config.json, history.csv, summary.json,
images), never a trainer's code, and a stage that has not run is shown as "not run".

Writes OUT_DIR/<pipeline>/<RUN>/report.html plus report-files/ beside it (matplotlib curves,
thumbnails). Every image is referenced relatively, so the run folder can be moved or archived as
a whole and opened from disk; no server, no scripts, no tracking (docs/architecture.md#static-reports).
RUN defaults to the most recently modified run of the pipeline.
"""
import datetime
import importlib
import json
import os
import platform
import shutil
from collections import OrderedDict
from pathlib import Path

from .. import paths
from ..kit import runfolder
from ..kit.files import write_atomic
from .html import STYLE, esc, package_versions, read_json, table, not_run
from .training import DEFAULT_SECTIONS, _device, gan_history

REPORT = "report.html"
FILES = "report-files"
NO_RUN = "no-run"           # the run folder's name when there is no training run at all


class Context(object):
    """What the sections share: folders, the run's config / summary / history, and a cache."""

    def __init__(self, pipeline, run_path, run_exists, data, out):
        self.pipeline, self.run_path, self.run_exists = pipeline, run_path, run_exists
        self.data, self.out = data, out
        self.files = run_path / FILES
        self.config = read_json(run_path / "config.json") if run_exists else None
        self.summary = read_json(run_path / "summary.json") if run_exists else None
        self.history, self.losses, self.diversity, self.memo = gan_history(
            run_path if run_exists else None)
        self._cache = {}

    def cache(self, key, function, *args):
        if key not in self._cache:
            self._cache[key] = function(*args)
        return self._cache[key]


def find_run(pipeline, run=None, root=None):
    """OUT_DIR/<pipeline>/<run>; the newest run (by its folder's time) when run is None, None if
    there is none."""
    if run:
        return Path(root or paths.out_dir()) / pipeline / run
    return runfolder.newest_run(pipeline, root)


def sections_of(pipeline):
    """The pipeline's own SECTIONS (kerasgan.pipelines.<name>.report), else the defaults."""
    from ..pipelines import PIPELINES
    package = PIPELINES.get(pipeline, {}).get("package")
    if package:
        try:
            return importlib.import_module(package + ".report").SECTIONS
        except ImportError as error:
            if error.name != package + ".report":
                raise
    return DEFAULT_SECTIONS


def environment(ctx):
    env = OrderedDict()
    env.update(package_versions())
    env["platform"] = platform.platform()
    env["device"] = _device(ctx.config, ctx.summary)
    env["SEED"] = (ctx.config or {}).get("seed", os.environ.get("PYTHONHASHSEED", "?"))
    env["DATA_DIR"] = str(ctx.data)
    env["OUT_DIR"] = str(ctx.out)
    parts = ["<h2>Environment</h2>", table(env.items(), ("", "")),
             "<h3>Run configuration (config.json)</h3>",
             "<pre>%s</pre>" % esc(json.dumps(ctx.config, indent=2, sort_keys=True)) if ctx.config
             else not_run("training (no config.json)")]
    if ctx.summary:
        parts.append("<h3>Run summary (summary.json)</h3><pre>%s</pre>"
                     % esc(json.dumps(ctx.summary, indent=2, sort_keys=True)))
    return parts


def header(ctx, now):
    parts = ["<h1>Report: %s</h1>" % esc("%s / %s" % (ctx.pipeline, ctx.run_path.name)),
             "<p>Written %s by <code>make report</code>. Data: <code>%s</code>; run: <code>%s</code>.</p>"
             % (esc(now or datetime.datetime.now().strftime("%Y-%m-%d %H:%M")), esc(ctx.data), esc(ctx.run_path))]
    if not ctx.run_exists:
        parts.append('<p class="warn">No training run found under %s: the training stage has '
                     'not run.</p>' % esc(Path(ctx.out) / ctx.pipeline))
    return parts


def build(pipeline="pikachu", run=None, data=None, out=None, now=None):
    """Write the report; return its path. Raises nothing for missing stages."""
    data = Path(data or paths.data_dir())
    out = Path(out or paths.out_dir())
    run_path = find_run(pipeline, run, out) or Path(out) / pipeline / NO_RUN
    run_exists = run_path.is_dir()
    run_path.mkdir(parents=True, exist_ok=True)
    ctx = Context(pipeline, run_path, run_exists, data, out)
    if ctx.files.is_dir():
        shutil.rmtree(str(ctx.files))
    ctx.files.mkdir()
    parts = header(ctx, now)
    for section in tuple(sections_of(pipeline)) + (environment,):
        parts.extend(section(ctx))
    page = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>kerasgan report: %s</title><style>%s</style></head>\n<body>\n%s\n</body></html>\n"
            % (esc("%s / %s" % (pipeline, run_path.name)), STYLE, "\n".join(parts)))
    target = run_path / REPORT
    write_atomic(target, page)
    return target


def configure(parser):
    parser.add_argument("--pipeline", default="pikachu", help="pipeline folder under OUT_DIR (default pikachu)")
    parser.add_argument("--run", default=os.environ.get("RUN") or None,
                        help="run name (default: the most recently modified run)")


def main(args):
    path = build(args.pipeline, args.run)
    print("report: %s" % path)
    return 0
