"""The sweep's table: OUT_DIR/sweeps/<name>/results.csv, one row per point (docs/sweeps.md).

Columns: one per grid variable, `run_dir`, `status`, `seconds`, then the metrics: `final_<m>` and
`best_<m>` for each score the run's summary.json keeps at its last and best-by-FID grid epoch
(FID, KID, precision, recall, ... when the run was trained with EVAL_N), and `last_<column>`
for each number of the run's last history.csv row (its losses).
"""
import csv
import io
import math

from ..kit.files import read_json, write_atomic  # noqa: F401  (read_json: for point and report)

RESULTS = "results.csv"
FIXED = ("run_dir", "status", "seconds")


def last_row(path):
    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return {}
    return rows[-1] if rows else {}


def number(value):
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return result if math.isfinite(result) else None


def metrics(summary, history_last, scores=None):
    """final_/best_ scores from summary.json's quality block (the run's EVAL_N scores at its last
    and its best-by-FID grid epoch), last_ numbers from history.csv."""
    found = {}
    scores = scores or (summary or {}).get("quality") or {}
    for when, prefix in (("last", "final_"), ("best_fid", "best_")):
        for name, value in sorted((scores.get(when) or {}).items()):
            if number(value) is not None:
                found[prefix + name] = number(value)
    for name, value in (history_last or {}).items():
        if name != "epoch" and number(value) is not None:
            found["last_" + name] = number(value)
    return found


def row(settings, result):
    """One results.csv row from a point's settings and what its worker returned."""
    summary = result.get("summary") or {}
    out = dict(settings)
    status = "finished" if result.get("finished") else summary.get("status", "failed")
    out.update(run_dir=result["run_dir"], status=status,
               seconds=round(result.get("seconds") or 0.0, 1))
    out.update(metrics(summary, result.get("history_last"), result.get("scores")))
    return out


def columns(grid, rows):
    """Grid variables, the fixed columns, then every metric in first-seen order."""
    names = list(grid) + list(FIXED)
    for item in rows:
        names.extend(k for k in item if k not in names)
    return names


def write_rows(path, names, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(path, buffer.getvalue().encode())


def write(path, grid, rows):
    write_rows(path, columns(grid, rows), rows)


def read(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))
