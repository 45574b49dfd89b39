"""`make sweep SWEEP=sweeps/<name>.yaml`: every point of a sweep on a Dask cluster (docs/sweeps.md).

By default a local cluster, started here and sized to the machine: one worker per GPU where there
are GPUs, else cores // threads-per-run workers. SWEEP_ADDRESS joins a running cluster instead
(`make sweep-scheduler`, `make sweep-worker` on each machine). Dask places the points, retries a
point whose worker died on another worker, and the point resumes from its checkpoint. Runs in the
sweep environment (.venv-sweep, a maintained Python); each point's trainer runs in the legacy one.
"""
import collections
import logging
import os
import shutil
import subprocess
import sys
import time

from .. import paths
from ..kit.progress import duration
from . import point as points_mod
from . import results, spec

PROGRESS_SECONDS = 10
POLL_SECONDS = 0.5


def configure(parser):
    parser.add_argument("--sweep", required=True, help="the sweep file (YAML or JSON)")
    parser.add_argument("--dry", action="store_true", help="print the points and their run folders")
    parser.add_argument("--address", default="", help="a running Dask scheduler (default: a local cluster)")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per run (default 1)")
    parser.add_argument("--workers", type=int, default=0, help="local workers (default: from the machine)")
    parser.add_argument("--forward", default="", help="KEY=value settings of this machine for every point")


def gpu_count():
    if not shutil.which("nvidia-smi"):
        return 0
    listing = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True)
    return sum(line.startswith("GPU ") for line in listing.stdout.splitlines())


def cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def local_workers(threads, requested=0):
    """(workers, gpus): one per GPU, else cores // threads (at least one)."""
    gpus = gpu_count()
    if requested:
        return requested, min(gpus, requested)
    return (gpus, gpus) if gpus else (max(1, cores() // max(1, threads)), 0)


# How this driver runs a sweep: where runs go, the cluster, threads per run, settings forwarded.
Options = collections.namedtuple("Options", "out_dir address threads workers forward")


def job(sweep, point, options):
    """What a worker needs to run one point (plain data: it may travel to another machine)."""
    sweep_dir = paths.sweep_dir(sweep.name, options.out_dir)
    variables = spec.make_variables(sweep, point.settings, sweep_dir, options.out_dir)
    return {"run": point.run, "target": sweep.target, "run_folder": sweep.run_folder,
            "sweep_file": str(sweep_dir / sweep.path.name), "score": bool(sweep.score),
            "forward": list(options.forward),
            "out_dir": str(options.out_dir), "sweep_dir": str(sweep_dir),
            "threads": options.threads, "variables": list(options.forward) + variables}


def dry_run(sweep, options):
    out_dir = options.out_dir
    for item in spec.points(sweep):
        work = job(sweep, item, options)
        run_dir = out_dir / sweep.run_folder / item.run
        state = "finished" if points_mod.finished(run_dir) else \
            "resumes" if (run_dir / "config.json").exists() else "new"
        print("%-9s %s" % (state, run_dir))
        print("          make %s RUN=%s %s" % (sweep.target, item.run, " ".join(work["variables"])))
    print("sweep %s: %d points, results in %s" % (sweep.name, len(spec.points(sweep)),
                                                  paths.sweep_dir(sweep.name, out_dir) / results.RESULTS))


def prepare(sweep, options):
    """The sweep's data stages, once, here, before any point (make skips what is already done)."""
    out_dir = options.out_dir
    sweep_dir = paths.sweep_dir(sweep.name, out_dir)
    base = list(options.forward) + spec.make_variables(sweep, {}, sweep_dir, out_dir)
    for goal in sweep.prepare:
        words = spec.expand(goal, sweep_dir, out_dir).split()
        command = ["make", "-C", str(points_mod.REPO), "--no-print-directory"] + words + \
            ["OUT_DIR=%s" % out_dir] + base
        print("sweep %s: prepare: make %s" % (sweep.name, " ".join(words)), flush=True)
        if subprocess.run(command, env=points_mod.clean_env(1, None)).returncode != 0:
            raise spec.SweepError("%s: prepare step %r failed" % (sweep.path, goal))


def task(work, gpus):
    """What a worker runs: the point, on this worker's GPU when the local cluster has GPUs."""
    gpu = None
    if gpus:
        from dask.distributed import get_worker
        gpu = int(get_worker().name) % gpus
    return points_mod.run_point(work, gpu)


# A worker only waits on its point's subprocess: Dask's sampling profiler and GIL monitor cost an
# idle worker ~0.15 s of CPU a second (measured), taken from the trainers on a small machine.
QUIET_WORKERS = {"distributed.worker.profile.enabled": False,
                 "distributed.admin.system-monitor.gil.enabled": False}


def connect(address, workers):
    import dask
    from dask.distributed import Client, LocalCluster
    if address:
        return Client(address), None
    dask.config.set(QUIET_WORKERS)   # the nannies hand this process's config to their workers
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _progress(name, done, running, left, times, workers):
    known = [t for t in times if t]
    todo = left + running
    eta = duration(sum(known) / len(known) * todo / max(1, workers)) if known and todo else "-"
    print("sweep %s: %d done, %d running, %d left (ETA %s)" % (name, done, running, left, eta),
          flush=True)


def _collect(future, item, run_dir, found, failures):
    try:
        result = future.result()
    except Exception as error:   # the point's own failure, or KilledWorker after its retries
        failures.append("%s: %s" % (item.run, error))
        result = {"run_dir": str(run_dir), "summary": {}, "seconds": 0}
    found[item.run] = results.row(item.settings, result)
    return result.get("seconds", 0) if not result.get("skipped") else 0


def execute(client, sweep, options, gpus):
    """Submit every point, report progress until all are done; returns rows and failures."""
    items = spec.points(sweep)
    futures = {client.submit(task, job(sweep, item, options), gpus, pure=False,
                             key="%s-%d" % (item.run, time.time_ns()), retries=1): item
               for item in items}
    found, failures, times, pending = {}, [], [], set(futures)
    last = 0.0
    while pending:
        done = {future for future in pending if future.done()}
        pending -= done
        for future in done:
            item = futures[future]
            run_dir = options.out_dir / sweep.run_folder / item.run
            times.append(_collect(future, item, run_dir, found, failures))
        if done or time.time() - last >= PROGRESS_SECONDS or not pending:
            workers = len(client.scheduler_info().get("workers", {}))
            # a worker holds at most one point at a time: the rest of what it was given waits
            running = min(workers, sum(len(v) for v in client.processing().values()))
            _progress(sweep.name, len(found), running, len(pending) - running, times, workers)
            last = time.time()
        time.sleep(POLL_SECONDS if pending else 0)
    return [found[item.run] for item in items], failures


def record(sweep, options):
    """The sweep file as run, beside its results (the workers read it from there)."""
    folder = paths.sweep_dir(sweep.name, options.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(str(sweep.path), str(folder / sweep.path.name))


def run(sweep, options):
    record(sweep, options)
    prepare(sweep, options)
    count, gpus = local_workers(options.threads, options.workers)
    address = options.address
    client, cluster = connect(address, count)
    where = address or "a local cluster of %d worker%s" % (count, "" if count == 1 else "s")
    print("sweep %s: %d points on %s" % (sweep.name, len(spec.points(sweep)), where), flush=True)
    try:
        rows, failures = execute(client, sweep, options, 0 if address else gpus)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    table = paths.sweep_dir(sweep.name, options.out_dir) / results.RESULTS
    results.write(table, sweep.grid, rows)
    print("sweep %s: results %s" % (sweep.name, table))
    for failure in failures:
        print("sweep %s: failed: %s" % (sweep.name, failure), file=sys.stderr)
    return 1 if failures else 0


def main(args):
    sweep = spec.load(args.sweep)
    options = Options(paths.out_dir().resolve(), args.address, max(1, args.threads),
                      args.workers, args.forward.split())
    if args.dry:
        return dry_run(sweep, options) or 0
    return run(sweep, options)
