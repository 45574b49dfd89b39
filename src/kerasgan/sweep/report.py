"""`make sweep-report SWEEP=sweeps/<name>.yaml`: OUT_DIR/sweeps/<name>/report.html and groups.csv.

Reads only results.csv and the points' own run folders. Per group (the settings without SEED):
every metric's mean and 95% interval over seeds and each seed's value; a plot per metric; each
point's last grid; and, when the sweep file names `compare: <variable>`, Welch's t and
Mann-Whitney U between that variable's values for each metric. Runs in the legacy environment.
"""
import collections
from pathlib import Path

from .. import paths
from ..kit.files import write_atomic
from ..report.html import STYLE, esc, img, read_json, rel, table
from . import results, spec, stats

REPORT = "report.html"
GROUPS = "groups.csv"


def metric_names(sweep, rows):
    fixed = set(sweep.grid) | set(results.FIXED)
    return [c for c in results.columns(sweep.grid, rows) if c not in fixed]


def groups_of(sweep, rows):
    found = collections.OrderedDict()
    for item in rows:
        key = spec.group_key(sweep, {k: item[k] for k in sweep.grid})
        found.setdefault(key, []).append(item)
    return found


def label(key):
    return ", ".join("%s=%s" % kv for kv in key) or "all"


def _value(item, metric):
    return results.number(item.get(metric))


def group_rows(sweep, groups, metrics):
    """One row per group and metric: n, mean, the interval, every seed's value."""
    out = []
    for key, members in groups.items():
        for metric in metrics:
            values = [_value(m, metric) for m in members]
            ci = stats.interval(values)
            seeds = " ".join("%s:%s" % (m.get("SEED", "-"), _fmt(v)) for m, v in zip(members, values))
            out.append(collections.OrderedDict([("group", label(key)), ("metric", metric), ("n", ci.n),
                        ("mean", _fmt(ci.mean)), ("ci95_low", _fmt(ci.low)),
                        ("ci95_high", _fmt(ci.high)), ("seeds", seeds)]))
    return out


def _fmt(value):
    return "" if value is None else "%.6g" % value


def comparisons(sweep, rows, metrics):
    """compare: <VAR> with two values: each metric's values of one against the other's."""
    if not sweep.compare or len(sweep.grid[sweep.compare]) != 2:
        return []
    a, b = sweep.grid[sweep.compare]
    pick = lambda v, m: [_value(r, m) for r in rows if r[sweep.compare] == v]   # noqa: E731
    return [stats.compare(m, a, b, pick(a, m), pick(b, m)) for m in metrics]


def plot_metric(path, metric, groups):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 0.6 + 0.45 * len(groups)), dpi=80)
    for y, (key, members) in enumerate(groups.items()):
        values = [v for v in (_value(m, metric) for m in members) if v is not None]
        ax.plot(values, [y] * len(values), "o", color="#888888", markersize=4)
        ci = stats.interval(values)
        if ci.low is not None:
            ax.errorbar([ci.mean], [y], xerr=[[ci.mean - ci.low], [ci.high - ci.mean]], fmt="s",
                        color="#cc3333", capsize=3)
    ax.set_yticks(range(len(groups)))
    ax.set_yticklabels([label(k) for k in groups], fontsize="small")
    ax.set_title("%s: seeds (grey), mean and 95%% interval (red)" % metric, fontsize="small")
    ax.grid(alpha=.3)
    fig.tight_layout()
    fig.savefig(str(path), metadata={"Software": None})
    plt.close(fig)
    return path


def last_grid(run_dir):
    """The point's last grid, as its summary.json names it (None when it has none)."""
    summary = read_json(Path(run_dir) / "summary.json") or {}
    grids = (summary.get("files") or {}).get("grids") or []
    entry = grids[-1] if grids else None          # {"epoch": e, "file": name} (or a bare name)
    name = entry.get("file") if isinstance(entry, dict) else entry
    last = Path(run_dir) / name if isinstance(name, str) else None
    return last if last and last.is_file() else None


def points_section(rows, folder):
    parts = ["<h2>Points</h2>"]
    for item in rows:
        grid = last_grid(item["run_dir"]) if item.get("run_dir") else None
        picture = img(rel(grid, folder), "last grid", width=160) if grid else "(no grid)"
        parts.append('<figure>%s<figcaption>%s<br>%s, %s s</figcaption></figure>'
                     % (picture, esc(Path(item.get("run_dir") or "?").name), esc(item["status"]),
                        esc(item["seconds"])))
    return parts


def comparison_section(found):
    if not found:
        return []
    header = ("metric", "a", "b", "n a", "n b", "mean a", "mean b", "Welch p", "Mann-Whitney p")
    body = [(c.metric, c.a, c.b, c.n_a, c.n_b, _fmt(c.mean_a), _fmt(c.mean_b), _fmt(c.welch_p),
             _fmt(c.mannwhitney_p)) for c in found]
    return ["<h2>Two-sample comparison</h2>", table(body, header)]


def build(sweep, out_dir=None):
    folder = paths.sweep_dir(sweep.name, out_dir)
    table_path = folder / results.RESULTS
    if not table_path.is_file():
        raise spec.SweepError("%s: no results yet (%s is missing): run make sweep SWEEP=%s first"
                              % (sweep.path, table_path, sweep.path))
    rows = results.read(table_path)
    metrics = metric_names(sweep, rows)
    groups = groups_of(sweep, rows)
    summary = group_rows(sweep, groups, metrics)
    results.write_rows(folder / GROUPS, list(summary[0]) if summary else ["group"], summary)
    parts = ["<h1>Sweep %s</h1>" % esc(sweep.name),
             "<p>%d points of <code>%s</code> (%s); results: <code>%s</code>.</p>"
             % (len(rows), esc(sweep.pipeline), esc(sweep.path), esc(table_path)),
             "<h2>Per group: mean and 95% interval over seeds</h2>",
             table([list(r.values()) for r in summary], list(summary[0]) if summary else None)]
    parts += comparison_section(comparisons(sweep, rows, metrics))
    parts.append("<h2>Plots</h2>")
    for metric in metrics:
        picture = plot_metric(folder / ("plot-%s.png" % metric), metric, groups)
        parts.append(img(picture.name, metric))
    parts += points_section(rows, folder)
    page = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>sweep %s</title>'
            "<style>%s</style></head>\n<body>\n%s\n</body></html>\n"
            % (esc(sweep.name), STYLE, "\n".join(parts)))
    write_atomic(folder / REPORT, page)
    return folder / REPORT


def configure(parser):
    parser.add_argument("--sweep", required=True, help="the sweep file")


def main(args):
    target = build(spec.load(args.sweep))
    print("sweep-report: %s" % target)
    return 0
