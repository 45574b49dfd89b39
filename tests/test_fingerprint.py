"""Stage fingerprints (kerasgan.kit.fingerprint): a run's SHA-256s stage by stage, and where two
runs part. Fixtures: a small Pikachu run folder and its DATA_DIR in the stages' real formats."""
import csv
import hashlib
import json
import shutil
import subprocess

import numpy as np
import pytest

from conftest import ROOT, run_cli

STAGES = ["corpus", "downloads", "reshaped", "labeled", "filter-model", "filter-scores", "predicted",
          "gan-epoch-00000", "gan-epoch-00002", "gan-epoch-00004", "gan-final", "samples"]
HISTORY_FIELDS = ["epoch", "loss", "generator_loss", "discriminator_loss", "diversity"]


def image(path, colour, fmt="PNG", size=(8, 8)):
    from PIL import Image
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(str(path), format=fmt)


def write_csv(path, fields, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(str(path), "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def weights_h5(path, value):
    import h5py
    path.parent.mkdir(parents=True, exist_ok=True)
    with h5py.File(str(path), "w") as handle:
        handle.create_dataset("model_weights/dense/kernel", data=np.full((3, 2), value, np.float32),
                              track_times=False)


def make_data(data):
    image(data / "demo-corpus/images/263a.png", (250, 200, 0))
    image(data / "demo-corpus/images/2764.png", (200, 0, 0))
    write_csv(data / "demo-corpus/index.csv", ["codepoint", "file", "name", "keywords"],
              [{"codepoint": "263a", "file": "images/263a.png", "name": "white smiling face", "keywords": "smiling face"},
               {"codepoint": "2764", "file": "images/2764.png", "name": "heavy black heart", "keywords": "heart"}])
    (data / "downloads/face").mkdir(parents=True)
    shutil.copy(str(data / "demo-corpus/images/263a.png"), str(data / "downloads/face/1-263a.png"))
    write_csv(data / "downloads/manifest.csv", ["keyword", "source", "url", "file", "bytes", "sha256", "status", "reason", "time"],
              [{"keyword": "face", "source": "google", "url": "https://127.0.0.1:43643/images/263a.png",
                "file": "face/1-263a.png", "bytes": 90, "sha256": "ab" * 32, "status": "saved", "reason": "",
                "time": "2026-12-02T00:31:41Z"}])
    for n, colour in ((1, (250, 200, 0)), (2, (200, 0, 0))):
        image(data / ("reshaped/%d.jpg" % n), colour, "JPEG", (32, 32))
    write_csv(data / "reshaped/manifest.csv", ["n", "file", "source", "source_sha256", "sha256", "phash"],
              [{"n": 1, "file": "reshaped/1.jpg", "source": "downloads/face/1-263a.png", "source_sha256": "ab" * 32,
                "sha256": "cd" * 32, "phash": "bc9cc363968c58e3"}])
    write_csv(data / "reports/reshape.csv", ["source", "status"], [{"source": "downloads/face/1-263a.png", "status": "kept"}])
    (data / "labeled/trains/smiley").mkdir(parents=True)
    for name in ("1.jpg", "2.jpg"):
        shutil.copy(str(data / "reshaped" / name), str(data / "labeled/trains/smiley" / name))
    image(data / "labeled/valids/others/2.jpg", (200, 0, 0), "JPEG", (32, 32))
    weights_h5(data / "models/filter.h5", 0.5)
    write_csv(data / "reports/filter_history.csv", ["epoch", "loss", "val_loss"], [{"epoch": 0, "loss": 0.69, "val_loss": 0.6}])
    write_csv(data / "reports/filter_scores.csv", ["file", "probability", "kept"],
              [{"file": "reshaped/1.jpg", "probability": "0.9731", "kept": 1}, {"file": "reshaped/2.jpg", "probability": "0.0212", "kept": 0}])
    (data / "predicted").mkdir()
    shutil.copy(str(data / "reshaped/1.jpg"), str(data / "predicted/1.jpg"))
    (data / "labeled/.demo-label").write_text("bookkeeping, not a result")


def make_run(run):
    rows = [{"epoch": e, "loss": 1.5 - e / 10.0, "generator_loss": 0.8, "discriminator_loss": 0.7 - e / 100.0,
             "diversity": "0.31" if e % 2 == 0 else ""} for e in range(5)]
    write_csv(run / "history.csv", HISTORY_FIELDS, rows)
    for epoch in (0, 2, 4):
        image(run / ("epoch-%05d.png" % epoch), (epoch * 20, 0, 0), size=(20, 20))
    (run / "checkpoints").mkdir()
    np.savez(str(run / "checkpoints/snapshot-00004.npz"), generator=np.ones(3, np.float32))
    np.savez(str(run / "checkpoints/latest.npz"), generator=np.ones(3, np.float32), epoch=np.int64(4))
    weights_h5(run / "generator.h5", 1.0)
    weights_h5(run / "discriminator.h5", 2.0)
    image(run / "best.png", (9, 9, 9))
    image(run / "timelapse.gif", (9, 9, 9), "GIF")
    image(run / "samples/grid.png", (1, 2, 3))
    (run / "summary.json").write_text(json.dumps({"seconds_per_epoch": 0.21}))   # a timing: not hashed


@pytest.fixture
def runs(tmp_path):
    """Two identical demo folders (DEMO_DIR layout: data/ and pikachu/demo/) and their manifests."""
    first = tmp_path / "a"
    make_data(first / "data")
    (first / "pikachu/demo").mkdir(parents=True)
    make_run(first / "pikachu/demo")
    second = tmp_path / "b"
    shutil.copytree(str(first), str(second))
    return first, second


def write(folder, kernels=False):
    """make fingerprint's manifest (the kernel probe, which imports TensorFlow, only when asked)."""
    run_cli("fingerprint", "write", "--run", folder / "pikachu/demo", "--data", folder / "data",
            *([] if kernels else ["--no-kernels"]))
    return json.loads((folder / "pikachu/demo/fingerprint.json").read_text())


def compare(a, b):
    return run_cli("fingerprint", "compare", a / "pikachu/demo", b / "pikachu/demo", check=False)


def test_manifest_lists_the_stages_in_pipeline_order_with_each_files_sha256(runs):
    a, _ = runs
    found = write(a, kernels=True)
    assert [s["name"] for s in found["stages"]] == STAGES
    corpus = found["stages"][0]["files"]
    assert corpus == {"data/demo-corpus/%s" % name: hashlib.sha256((a / "data/demo-corpus" / name).read_bytes()).hexdigest()
                      for name in ("index.csv", "images/263a.png", "images/2764.png")}
    labeled = found["stages"][3]["files"]
    assert sorted(labeled) == ["data/labeled/trains/smiley/1.jpg", "data/labeled/trains/smiley/2.jpg",
                               "data/labeled/valids/others/2.jpg"]   # no hidden bookkeeping file
    first_epoch = found["stages"][7]["files"]
    assert sorted(first_epoch) == ["run/epoch-00000.png", "run/history.csv (epoch 0)"]
    header_and_row_0 = "".join((a / "pikachu/demo/history.csv").read_text().splitlines(True)[:2])
    assert first_epoch["run/history.csv (epoch 0)"] == hashlib.sha256(header_and_row_0.encode()).hexdigest()
    assert sorted(found["stages"][9]["files"]) == ["run/checkpoints/snapshot-00004.npz", "run/epoch-00004.png",
                                                   "run/history.csv (epochs 3-4)"]
    assert sorted(found["stages"][10]["files"]) == ["run/%s" % n for n in sorted(
        ("best.png", "checkpoints/latest.npz", "discriminator.h5", "generator.h5", "timelapse.gif"))]
    # deterministic key order: the file is exactly its sorted JSON
    text = (a / "pikachu/demo/fingerprint.json").read_text()
    assert text == json.dumps(found, indent=2, sort_keys=True) + "\n"
    cpu = found["machine"]["cpu"]
    assert cpu["flags"] == sorted(cpu["flags"]) and found["machine"]["libraries"]["numpy"] == np.__version__
    assert sorted(found["machine"]["kernels"]) == ["numpy_matmul", "tf_conv2d", "tf_conv2d_kernel_gradient",
                                                   "tf_matmul", "tf_separable_conv2d"]


def test_two_identical_runs_compare_equal_though_times_and_ports_differ(runs):
    a, b = runs
    manifest = b / "data/downloads/manifest.csv"
    manifest.write_text(manifest.read_text().replace("43643", "50123").replace("00:31:41", "09:02:13"))
    (b / "pikachu/demo/summary.json").write_text(json.dumps({"seconds_per_epoch": 0.5}))
    write(a), write(b)
    done = compare(a, b)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "stage samples: identical (1 files)" in done.stdout
    assert "first differing stage" not in done.stdout


def test_a_doctored_copy_is_named_at_the_stage_it_was_changed(runs):
    a, b = runs
    history = b / "pikachu/demo/history.csv"
    history.write_text(history.read_text().replace("1.2,", "1.2000001,"))   # epoch 3's loss
    write(a), write(b)
    done = compare(a, b)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "first differing stage: gan-epoch-00004" in lines
    assert "  1 of 3 files differ: run/history.csv (epochs 3-4)" in lines
    assert "stages that differ: gan-epoch-00004" in lines
    assert "stage gan-epoch-00002: identical (2 files)" in lines


def test_an_earlier_change_is_named_first_and_the_later_ones_listed(runs):
    a, b = runs
    from PIL import Image
    Image.new("RGB", (32, 32), (0, 0, 200)).save(str(b / "data/reshaped/2.jpg"), format="JPEG")
    shutil.copy(str(b / "data/reshaped/2.jpg"), str(b / "data/labeled/trains/smiley/2.jpg"))
    write(a), write(b)
    done = compare(a, b)
    assert done.returncode == 1
    assert "first differing stage: reshaped" in done.stdout.splitlines()
    assert "  1 of 4 files differ: data/reshaped/2.jpg" in done.stdout.splitlines()
    assert "stages that differ: reshaped, labeled" in done.stdout.splitlines()
    assert "stage downloads: identical (2 files)" in done.stdout


def test_compare_says_what_differs_between_the_machines(runs, tmp_path):
    a, _ = runs
    found = write(a)
    other = json.loads(json.dumps(found))
    other["machine"]["cpu"]["flags"] = [f for f in found["machine"]["cpu"]["flags"] if f != "sse2"] + ["zz_new"]
    # values no real machine reports, so A (this machine) always differs from B
    other["machine"]["cpu"]["caches"] = {"L2 Unified": {"size": "3K", "ways": "3", "line": "64"}}
    other["machine"]["libraries"]["openblas_core"] = "NoSuchCore"
    other["machine"]["kernels"] = {"tf_matmul": "de2cf95f"}
    (tmp_path / "other.json").write_text(json.dumps(other))
    done = run_cli("fingerprint", "compare", a / "pikachu/demo/fingerprint.json", tmp_path / "other.json", check=False)
    assert done.returncode == 0   # same bytes on other machines: the stages decide the exit status
    assert "machines differ in:" in done.stdout
    assert "  cpu.flags: only A has sse2; only B has zz_new" in done.stdout.splitlines()
    assert '  cpu.caches.L2 Unified.size: A %s, B "3K"' % json.dumps(
        found["machine"]["cpu"]["caches"].get("L2 Unified", {}).get("size")) in done.stdout.splitlines()
    assert '  libraries.openblas_core: A %s, B "NoSuchCore"' % json.dumps(found["machine"]["libraries"]["openblas_core"]) \
        in done.stdout.splitlines()
    assert '  kernels.tf_matmul: A null, B "de2cf95f"' in done.stdout.splitlines()
    assert "TensorFlow's kernels compute other bytes on these machines" in done.stdout


def test_bad_manifests_are_refused_with_the_file_and_reason(tmp_path, runs):
    a, _ = runs
    write(a)
    (tmp_path / "broken.json").write_text("{not json")
    done = run_cli("fingerprint", "compare", a / "pikachu/demo", tmp_path / "broken.json", check=False)
    assert done.returncode == 2 and "broken.json: not JSON" in done.stderr
    (tmp_path / "other.json").write_text(json.dumps({"format": 99, "stages": []}))
    done = run_cli("fingerprint", "compare", tmp_path / "other.json", a / "pikachu/demo", check=False)
    assert done.returncode == 2 and "other.json: not a fingerprint manifest of format 1" in done.stderr
    done = run_cli("fingerprint", "compare", a / "data", a / "pikachu/demo", check=False)
    assert done.returncode == 2 and "fingerprint.json: cannot read" in done.stderr


def test_cpu_facts_read_proc_cpuinfo_and_the_cache_folders(tmp_path):
    from kerasgan.kit.fingerprint import cpu_facts
    (tmp_path / "cpuinfo").write_text(
        "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 23\nmodel\t\t: 49\n"
        "model name\t: AMD EPYC 7B12\nstepping\t: 0\nflags\t\t: sse2 fma avx2 avx\n\n"
        "processor\t: 1\nvendor_id\t: Other\nmodel name\t: second\n")
    for index, (level, kind, size) in enumerate(((1, "Data", "32K"), (2, "Unified", "512K"))):
        folder = tmp_path / "cache" / ("index%d" % index)
        folder.mkdir(parents=True)
        for name, value in (("level", level), ("type", kind), ("size", size), ("ways_of_associativity", 8),
                            ("coherency_line_size", 64)):
            (folder / name).write_text("%s\n" % value)
    facts = cpu_facts(str(tmp_path / "cpuinfo"), str(tmp_path / "cache"))
    facts.pop("cores")
    assert facts == {"vendor": "AuthenticAMD", "family": "23", "model_number": "49", "model": "AMD EPYC 7B12",
                     "stepping": "0", "flags": ["avx", "avx2", "fma", "sse2"],
                     "caches": {"L1 Data": {"size": "32K", "ways": "8", "line": "64"},
                                "L2 Unified": {"size": "512K", "ways": "8", "line": "64"}}}


def test_make_fingerprint_targets_point_at_the_run_and_data(tmp_path):
    def dry(*args):
        return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "-n", "RUNNER=local",
                               "VENV=/nonexistent"] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=120).stdout
    demo = dry("fingerprint", "DEMO_DIR=%s" % tmp_path)
    assert "fingerprint write --run '%s/pikachu/demo'" % tmp_path in demo and "--data '%s/data'" % tmp_path in demo
    named = dry("fingerprint", "RUN=quick", "OUT_DIR=%s/out" % tmp_path, "DATA_DIR=%s/d" % tmp_path)
    assert "--run '%s/out/pikachu/quick'" % tmp_path in named and "--data '%s/d'" % tmp_path in named
    other = dry("fingerprint", "RUN=%s/out/dcgan/r1" % tmp_path)
    assert "--run '%s/out/dcgan/r1'" % tmp_path in other and "--data" not in other
    against = dry("fingerprint-compare", "A=%s/x.json" % tmp_path)
    assert "fingerprint compare '%s/x.json' 'docs/reproducibility-reference.json'" % tmp_path in against


def test_another_pipelines_run_is_hashed_file_by_file(tmp_path):
    """A run folder of another layout (keras-dcgan's): its files in one stage, records left out."""
    run = tmp_path / "dcgan" / "r1"
    image(run / "samples/plain/generated_image.png", (5, 5, 5))
    image(run / "0_0.png", (1, 1, 1))
    write_csv(run / "history.csv", ["epoch", "loss"], [{"epoch": 0, "loss": 0.5}])
    weights_h5(run / "generator.h5", 3.0)
    (run / "logs").mkdir()
    (run / "logs/events.out.tfevents.1").write_bytes(b"wall clock")
    (run / "config.json").write_text("{}")
    run_cli("fingerprint", "write", "--run", run, "--no-kernels")
    found = json.loads((run / "fingerprint.json").read_text())
    assert [s["name"] for s in found["stages"]] == ["gan-final", "samples", "other"]
    assert sorted(found["stages"][2]["files"]) == ["run/0_0.png", "run/history.csv"]
    assert list(found["stages"][1]["files"]) == ["run/samples/plain/generated_image.png"]
    assert list(found["stages"][0]["files"]) == ["run/generator.h5"]
