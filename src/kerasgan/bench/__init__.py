"""`make bench`: how fast our code is, next to a plain reference doing the same work (docs/performance.md).

Every bench case (kerasgan.bench.cases.CASES) times two variants of the same work on the same
synthetic data and settings: "ours" (the project's code path) and "reference" (the plain way the
seeds did it). Each variant runs in its own subprocess (a fresh TensorFlow graph, and its own peak
memory: resource.getrusage maxrss). The result goes to OUT_DIR/bench/<timestamp>.json and a table:

    make bench [BENCH_EPOCHS=2] [BENCH_CASES=gan-full,filter] [BENCH_QUICK=1] [BENCH_THREADS=1]

ratio = our speed / the reference's speed (1.0: as fast; 0.75: ours takes 1/0.75 = 1.33x as long).
This package imports no TensorFlow itself: the cases' code is imported only in their subprocesses
(and reshape's runs in .venv-ingest).
"""
