"""`make bench`: the JSON's shape and the table, from a BENCH_QUICK=1 run.

Never a time threshold: the figures depend on the machine and its load."""
import json
import subprocess

import pytest

from conftest import ROOT, run_cli
from kerasgan.bench.cases import CASES, Case


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    result = run_cli("bench", "--quick", "1", "--out", out, timeout=1800)
    files = sorted(out.glob("*-quick.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text()), result.stdout


def test_every_case_has_ours_reference_and_ratio(quick):
    report, _ = quick
    assert report["schema"] == 1 and report["quick"] is True
    assert report["order"] == list(CASES) and set(report["cases"]) == set(CASES)
    for name, entry in report["cases"].items():
        for key in ("title", "unit", "better", "labels", "status", "ours", "reference", "ratio"):
            assert key in entry, (name, key)
        if CASES[name].pending:
            assert entry["status"].startswith("skipped:"), entry
            continue
        if entry["status"].startswith("skipped: needs .venv-"):   # ingest, sweep, or the opt-in mkl
            continue
        assert entry["status"] == "ok", (name, entry["status"])
        for variant in ("ours", "reference"):
            result = entry[variant]
            assert result["value"] > 0, (name, variant)
            assert result["peak_rss_mb"] > 0, (name, variant)
            assert result["samples"], (name, variant)
        speeds = [entry[v]["value"] if entry["better"] == "higher" else 1 / entry[v]["value"]
                  for v in ("ours", "reference")]
        assert entry["ratio"] == pytest.approx(speeds[0] / speeds[1])


def test_gan_cases_run_the_same_model_both_ways(quick):
    report, _ = quick
    for name in ("gan-full", "gan-demo", "pix2pix"):
        entry = report["cases"][name]
        assert entry["ours"]["parameters"] == entry["reference"]["parameters"], name
        assert len(entry["ours"]["samples"]) == entry["params"]["epochs"]
    dcgan = report["cases"]["keras-dcgan"]
    assert dcgan["ours"]["parameters"] == dcgan["reference"]["parameters"] == {
        "generator": 6763777, "discriminator": 3485441}
    # batches 1..n-1 of the second epoch, one sample each, in both variants
    for variant in ("ours", "reference"):
        assert len(dcgan[variant]["samples"]) == dcgan["params"]["batches"] - 1, variant


def test_machine_facts_and_table(quick):
    report, stdout = quick
    machine = report["machine"]
    assert machine["cpu"]["cores"] >= 1 and "avx2" in machine["cpu"]["flags"]
    assert machine["tensorflow"] == "1.14.0" and isinstance(machine["mkl"], bool)
    assert isinstance(machine["gpus"], list) and isinstance(machine["tf_not_compiled_for"], list)
    for name in CASES:
        assert "\n" + name + " " in stdout, name
    assert "ratio = our speed" in stdout


def test_failing_variant_is_reported_not_fatal(tmp_path, monkeypatch):
    from kerasgan.bench import run
    broken = Case("broken", "images/s", "higher", ours="kerasgan.bench.no_such_module:f",
                  reference="kerasgan.bench.no_such_module:f", quick={})
    monkeypatch.setitem(CASES, "broken", broken)
    args = type("Args", (), dict(quick=1, epochs=None, seed=0, ingest_python="/nonexistent"))()
    entry = run.run_case("broken", broken, args, 1, 120)
    assert entry["status"].startswith("ours error:") and "No module named" in entry["status"]
    assert entry["ratio"] is None
    assert run.run_case("reshape", CASES["reshape"], args, 1, 120)["status"] == \
        "skipped: needs .venv-ingest (make setup)"


def test_make_bench_passes_its_variables():
    dry = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "-n", "bench", "RUNNER=local",
                          "BENCH_EPOCHS=3", "BENCH_CASES=filter", "BENCH_QUICK=1", "BENCH_THREADS=2"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert dry.returncode == 0, dry.stderr
    for part in ("kerasgan bench", "--quick '1'", "--epochs '3'", "--cases 'filter'", "--threads '2'"):
        assert part in dry.stdout, (part, dry.stdout)


def test_opt_in_cases_are_listed_but_not_run_unless_named():
    from kerasgan.bench import run
    args = type("Args", (), dict(quick=0, epochs=None, seed=0, ingest_python="/nonexistent", named=[]))()
    entry = run.run_case("gan-full-tfdefault", CASES["gan-full-tfdefault"], args, 1, 1)
    assert entry["status"] == "skipped: opt-in, BENCH_CASES=gan-full-tfdefault runs it"
    assert entry["ours"] is None and entry["reference"] is None and entry["ratio"] is None


def test_rounds_merge_to_the_median():
    from kerasgan.bench.run import merge_rounds
    merged = merge_rounds([{"value": v, "samples": [v], "peak_rss_mb": m}
                           for v, m in ((3.0, 10), (1.0, 30), (2.0, 20))])
    assert merged["value"] == 2.0 and merged["round_values"] == [3.0, 1.0, 2.0]
    assert merged["samples"] == [3.0, 1.0, 2.0] and merged["peak_rss_mb"] == 30


def test_mkl_cases_need_their_environment():
    """The opt-in MKL-DNN cases run ours in .venv-mkl; without it they say how to make it."""
    from kerasgan.bench import run
    args = type("Args", (), dict(quick=1, epochs=None, seed=0, ingest_python="/nonexistent",
                                 mkl_python="/nonexistent", named=[]))()
    for name in ("gan-full-mkl", "gan-full-mkl-tfdefault"):
        assert CASES[name].envs == {"ours": "mkl", "reference": "legacy"}
        entry = run.run_case(name, CASES[name], args, 1, 1)
        assert entry["status"] == "skipped: needs .venv-mkl (make setup FLAVOUR=mkl)"


def test_mkl_overlay_lock_is_tensorflow_1_14_with_hashes():
    """make setup FLAVOUR=mkl: the CPU lock's TensorFlow version, Intel's build, pinned by hash."""
    overlay = (ROOT / "docker" / "requirements" / "legacy-mkl.txt").read_text()
    cpu = (ROOT / "docker" / "requirements" / "legacy-cpu.txt").read_text()
    pins = [l.split(" ")[0] for l in overlay.splitlines() if l and l[0] not in "# "]
    assert pins == ["pip==19.3.1", "intel-tensorflow==1.14.0"]
    assert overlay.count("--hash=sha256:") == 2
    assert "\ntensorflow==1.14.0 " in cpu
