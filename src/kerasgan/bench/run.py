"""`python -m kerasgan bench` (`make bench`): run the bench cases, write OUT_DIR/bench/<time>.json.

Each variant of each case runs in its own subprocess (kerasgan.bench.worker), one after the
other, so a case's peak memory is its own and no two variants share the CPU with each other; the
two variants alternate over the case's rounds, so a change in the machine's load hits both.
The machine is described first (CPU, cores, load, TF build: MKL, the CPU instructions TF was
not compiled for, GPUs).
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from ..errors import UserError
from .cases import CASES
from .worker import MARK

SCHEMA = 1
ROOT = Path(__file__).resolve().parents[3]


def configure(parser):
    parser.add_argument("--cases", default="", help="comma-separated case names (default: all): "
                        + ", ".join(CASES))
    parser.add_argument("--epochs", type=int, default=None,
                        help="measured epochs of the full-size cases: rounds of one epoch, ours and "
                             "reference alternating (default: the case's own, 2)")
    parser.add_argument("--quick", type=int, choices=(0, 1), default=0,
                        help="1: tiny sizes, one or two steps per case (what the tests run)")
    parser.add_argument("--threads", type=int, default=None,
                        help="TF intra-op threads of both variants (default: as make train, "
                             "$KERASGAN_THREADS or 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    parser.add_argument("--ingest-python", default=str(ROOT / ".venv-ingest" / "bin" / "python"),
                        help="interpreter of the ingestion environment (reshape's case)")
    parser.add_argument("--mkl-python", default=str(ROOT / ".venv-mkl" / "bin" / "python"),
                        help="interpreter of the opt-in MKL-DNN environment (make setup FLAVOUR=mkl; "
                             "the *-mkl cases)")
    parser.add_argument("--sweep-python", default=str(ROOT / ".venv-sweep" / "bin" / "python"),
                        help="interpreter of the sweep environment (the sweep case)")
    parser.add_argument("--out", default=None, help="folder of the JSON (default OUT_DIR/bench)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds one variant may take (default 3600, quick 600)")


def _env(tf_log_level="2"):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL=tf_log_level)
    env.setdefault("PYTHONHASHSEED", "0")
    env["PYTHONPATH"] = str(ROOT / "src") + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_variant(python, target, params, timeout, tf_log_level="2"):
    """-> (result dict or None, error text or None, stderr)."""
    started = time.time()
    try:
        done = subprocess.run([python, "-m", "kerasgan.bench.worker", target, json.dumps(params)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(tf_log_level),
                              universal_newlines=True, timeout=timeout, cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return None, "error: timed out after %d s" % timeout, ""
    lines = [l for l in done.stdout.splitlines() if l.startswith(MARK)]
    if done.returncode != 0 or not lines:
        tail = [l for l in done.stderr.strip().splitlines() if l.strip()][-1:] or ["exit %d" % done.returncode]
        return None, "error: " + tail[0][:300], done.stderr
    result = json.loads(lines[-1][len(MARK):])
    result["wall_seconds"] = round(time.time() - started, 1)
    return result, None, done.stderr


def describe_machine(timeout):
    from . import machine
    facts = {"cpu": machine.cpu()}
    result, error, stderr = run_variant(sys.executable, "kerasgan.bench.machine:tensorflow", {},
                                        timeout, tf_log_level="0")
    if result:
        facts.update(result["facts"])
        facts["peak_rss_mb_import_tf"] = result["peak_rss_mb"]
    else:
        facts["tensorflow_error"] = error
    missing = [l.split("not compiled to use:", 1)[1].split() for l in stderr.splitlines()
               if "not compiled to use:" in l]
    facts["tf_not_compiled_for"] = missing[0] if missing else []
    return facts


NEEDS = {"ingest": ".venv-ingest (make setup)", "mkl": ".venv-mkl (make setup FLAVOUR=mkl)",
         "sweep": ".venv-sweep (make setup)"}
PYTHONS = {"ingest": "ingest_python", "mkl": "mkl_python", "sweep": "sweep_python"}


def interpreter(env, args):
    """The Python of a case's environment: legacy (this one), ingest, mkl or sweep; None if missing."""
    if env == "legacy":
        return sys.executable
    python = getattr(args, PYTHONS[env], "")
    return python if os.path.isfile(python) and os.access(python, os.X_OK) else None


def run_case(name, case, args, threads, timeout):
    entry = {"title": case.title, "unit": case.unit, "better": case.better, "labels": case.labels,
             "note": case.note, "ours": None, "reference": None, "ratio": None}
    if case.pending:
        entry["status"] = "skipped: " + case.pending
        return entry
    if case.opt_in and not (args.quick or name in (getattr(args, "named", None) or ())):
        entry["status"] = "skipped: opt-in, BENCH_CASES=%s runs it" % name
        return entry
    pythons = {variant: interpreter(env, args) for variant, env in case.envs.items()}
    missing = [env for variant, env in case.envs.items() if pythons[variant] is None]
    if missing:
        entry["status"] = "skipped: needs %s" % NEEDS[missing[0]]
        return entry
    params = dict(case.quick if args.quick else case.params)
    rounds = 1 if args.quick else case.rounds
    if case.bench_epochs and args.epochs and not args.quick:
        rounds = args.epochs
    params.update(seed=args.seed, threads=threads, unit=case.unit, quiet_tensorflow=case.env != "ingest")
    entry["params"] = {k: v for k, v in params.items() if k not in ("unit", "quiet_tensorflow")}
    entry["params"]["rounds"] = rounds
    errors, results = [], {"ours": [], "reference": []}
    for round_ in range(rounds):
        for variant in ("ours", "reference"):
            print("bench: %s: round %d/%d: %s (%s) ..." % (name, round_ + 1, rounds, variant,
                                                          case.labels[variant]), flush=True)
            result, error, _ = run_variant(pythons[variant], getattr(case, variant), params, timeout)
            if error:
                errors.append("%s %s" % (variant, error))
                break
            results[variant].append(result)
        if errors:
            break
    entry["status"] = "; ".join(errors) if errors else "ok"
    if not errors:
        for variant in ("ours", "reference"):
            entry[variant] = merge_rounds(results[variant])
        entry["ratio"] = case.ratio(entry["ours"]["value"], entry["reference"]["value"])
    return entry


def merge_rounds(rounds):
    """One variant's rounds -> its result: the median of the rounds' values, every sample, the
    largest peak memory, and the rounds themselves."""
    import statistics
    merged = dict(rounds[0])
    merged["value"] = statistics.median(r["value"] for r in rounds)
    merged["round_values"] = [r["value"] for r in rounds]
    merged["samples"] = [s for r in rounds for s in r["samples"]]
    for key in ("peak_rss_mb", "peak_rss_children_mb", "wall_seconds"):
        values = [r[key] for r in rounds if r.get(key) is not None]
        if values:
            merged[key] = max(values) if key != "wall_seconds" else round(sum(values), 1)
    return merged


def peak_mb(result):
    """A variant's peak resident memory: its process's, or its largest child's (reshape's pool)."""
    return max(result["peak_rss_mb"], result.get("peak_rss_children_mb") or 0)


def _fmt(value):
    if value is None:
        return "-"
    return "%.3g" % value if abs(value) < 100 else "%.0f" % value


def table(report):
    rows = [("case", "unit", "ours", "reference", "ratio", "peak MB ours/ref", "")]
    for name, e in report["cases"].items():
        if e["status"] != "ok":
            rows.append((name, e["unit"], "-", "-", "-", "-", e["status"]))
            continue
        ours, ref = e["ours"], e["reference"]
        mem = "%s/%s" % tuple("%.0f" % peak_mb(r) for r in (ours, ref))
        rows.append((name, e["unit"], _fmt(ours["value"]), _fmt(ref["value"]),
                     "%.2f" % e["ratio"], mem, e["title"]))
    widths = [max(len(str(r[i])) for r in rows) for i in range(6)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(r[:6], widths)) + "  " + r[6] for r in rows]
    if report["quick"]:
        lines.append("BENCH_QUICK=1: tiny sizes (see each case's params), not the titles' sizes")
    lines.append("ratio = our speed / the reference's speed (1.00: as fast; below 1: ours is slower)")
    return "\n".join(lines)


def main(args):
    from .. import paths
    from ..kit.files import write_json
    names = [n.strip() for n in args.cases.split(",") if n.strip()] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        raise UserError("unknown case(s) %s (choose from %s)" % (", ".join(unknown), ", ".join(CASES)))
    args.named = [n.strip() for n in args.cases.split(",") if n.strip()]
    threads = args.threads or int(os.environ.get("KERASGAN_THREADS") or 1)
    timeout = args.timeout or (600 if args.quick else 3600)
    started = time.time()
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime(started))
    report = {"schema": SCHEMA, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
              "quick": bool(args.quick),
              "settings": {"threads": threads, "seed": args.seed, "epochs": args.epochs},
              "machine": describe_machine(timeout), "order": names, "cases": {}}
    for name in names:
        report["cases"][name] = run_case(name, CASES[name], args, threads, timeout)
    report["seconds"] = round(time.time() - started, 1)
    report["machine"]["load_average_after"] = list(os.getloadavg())
    out = Path(args.out) if args.out else paths.out_dir() / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / ("%s%s.json" % (stamp, "-quick" if args.quick else ""))
    write_json(path, report)
    m = report["machine"]
    print("machine: %s, %s cores (%s usable), load %s; TF %s, MKL %s, not compiled for %s, GPUs %s; "
          "%d intra-op thread(s)" % (
              m["cpu"]["model"], m["cpu"]["cores"], m["cpu"]["usable_cores"],
              " ".join("%.1f" % x for x in m["cpu"]["load_average"] or []), m.get("tensorflow"),
              m.get("mkl"), " ".join(m.get("tf_not_compiled_for") or []) or "-",
              ", ".join(m.get("gpus") or []) or "none", threads))
    print(table(report))
    print("bench: %s (%.0f s)" % (path, report["seconds"]))
    return 1 if any("error" in e["status"] for e in report["cases"].values()) else 0
