"""The filter stage: the original CNN layer by layer, clear errors for every bad labelled layout,
and `make filter` end to end on small real JPEGs (learns, keeps p >= THRESHOLD, reproducible,
re-runs are no-ops and leave unrelated files alone)."""
import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from conftest import ROOT
from filter_fixtures import write_images, write_labeled, write_reshaped
from kerasgan.ingest import filter as kfilter
from kerasgan.ingest.filter_data import FilterDataError, check_labeled, reshaped_images


def test_the_original_cnn_layer_by_layer():
    from kerasgan.kit.determinism import seed_everything
    from kerasgan.ingest.filter_model import ORIGINAL_PARAMS, build_filter_model
    seed_everything(0)
    model = build_filter_model()
    assert [layer.count_params() for layer in model.layers] == \
        [155, 0, 1344, 0, 816, 0, 536, 0, 0, 1056, 0, 33] == list(ORIGINAL_PARAMS)
    assert model.count_params() == 3940
    assert [type(layer).__name__ for layer in model.layers] == [
        "SeparableConv2D", "MaxPooling2D", "SeparableConv2D", "MaxPooling2D", "SeparableConv2D",
        "MaxPooling2D", "SeparableConv2D", "AveragePooling2D", "Flatten", "Dense", "Dropout",
        "Dense"]
    assert model.input_shape == (None, 32, 32, 3) and model.output_shape == (None, 1)
    assert getattr(model, "optimizer", None) is None  # uncompiled: the caller compiles


# ---------------------------------------------------------------- errors (no TensorFlow)

def _layout(tmp_path, spec):
    """spec: {"trains/pikachu": n, ...}; writes n small JPEGs into each folder."""
    for i, (folder, n) in enumerate(sorted(spec.items())):
        (tmp_path / "labeled" / folder).mkdir(parents=True, exist_ok=True)
        write_images(tmp_path / "labeled" / folder, "pikachu" if "pikachu" in folder else "others",
                     n, seed=i, size=32)
    return tmp_path / "labeled"


GOOD = {"trains/pikachu": 3, "trains/others": 3, "valids/pikachu": 3, "valids/others": 3}


@pytest.mark.parametrize("spec, target, expected", [
    (None, "pikachu", r"No labelled data: .*labeled does not exist.*make label"),
    ({"trains/pikachu": 3, "trains/others": 3}, "pikachu", r"labeled/valids \(missing\)"),
    ({"trains/pikachu": 3, "valids/pikachu": 3}, "pikachu",
     r"labeled/trains must hold exactly two class folders.*found 1: pikachu"),
    (dict(GOOD, **{"trains/raichu": 3, "valids/raichu": 3}), "pikachu",
     r"exactly two class folders.*found 3: others, pikachu, raichu"),
    ({"trains/pikachu": 3, "trains/others": 3, "valids/pikachu": 3, "valids/misc": 3}, "pikachu",
     r"class folders differ"),
    (GOOD, "raichu", r"TARGET=raichu is not one of the class folders.*others, pikachu"),
    (dict(GOOD, **{"valids/others": 0}), "pikachu",
     r"labeled/valids/others is empty: put non-pikachu \(others\) images there"),
    (dict(GOOD, **{"trains/pikachu": 2}), "pikachu",
     r"labeled/trains/pikachu has only 2 images; put at least 3 there"),
])
def test_bad_labelled_layouts_say_what_to_put_where(tmp_path, spec, target, expected):
    labeled = _layout(tmp_path, spec) if spec is not None else tmp_path / "labeled"
    with pytest.raises(FilterDataError, match=expected):
        check_labeled(labeled, target, min_images=3)


def test_target_is_label_one_whatever_the_folder_order(tmp_path):
    labeled = _layout(tmp_path, {"trains/a_cat": 3, "trains/z_dog": 3,
                                 "valids/a_cat": 3, "valids/z_dog": 3})
    assert check_labeled(labeled, "a_cat", 3)[0] == ["z_dog", "a_cat"]
    assert check_labeled(labeled, "z_dog", 3)[0] == ["a_cat", "z_dog"]


def test_reshaped_empty_and_cli_errors(tmp_path):
    with pytest.raises(FilterDataError, match=r"reshaped does not exist.*make reshape"):
        reshaped_images(tmp_path / "reshaped")
    (tmp_path / "reshaped").mkdir()
    (tmp_path / "reshaped" / "manifest.csv").write_text("file\n")
    with pytest.raises(FilterDataError, match=r"reshaped has no .jpg/.jpeg/.png images"):
        reshaped_images(tmp_path / "reshaped")
    # The CLI turns them into one line and exit code 2, before importing TensorFlow.
    env = dict(os.environ, KERASGAN_DATA_DIR=str(tmp_path), PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-m", "kerasgan", "filter"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=120)
    assert result.returncode == 2
    assert "kerasgan filter: error: No labelled data" in result.stderr
    assert "Traceback" not in result.stderr


def test_predicted_sync_keeps_unrelated_files(tmp_path):
    reshaped = tmp_path / "reshaped"
    paths = write_images(reshaped, "pikachu", 4, seed=0, size=32)
    predicted = tmp_path / "predicted"
    predicted.mkdir()
    (predicted / "mine.png").write_bytes(b"someone's own file")
    (predicted / "3.jpg").write_bytes(b"a different 3.jpg")
    (tmp_path / "reports").mkdir()
    copied, conflicts = kfilter.sync_predicted(tmp_path, paths[:3])
    assert (copied, conflicts) == (2, ["3.jpg"])
    assert (predicted / "3.jpg").read_bytes() == b"a different 3.jpg"
    # Next run keeps only 2.jpg: our stale 1.jpg goes, the unrelated files stay.
    assert kfilter.sync_predicted(tmp_path, [paths[1]]) == (0, [])
    assert sorted(p.name for p in predicted.iterdir()) == ["2.jpg", "3.jpg", "mine.png"]


# ---------------------------------------------------------------- end to end through make

def _make(data, *args):
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT)] + list(args)
                          + ["DATA_DIR=%s" % data],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)


def _read_csv(path):
    with open(str(path), newline="") as handle:
        return list(csv.DictReader(handle))


FAST = ["FILTER_EPOCHS=10", "FILTER_STEPS=8", "FILTER_MIN_IMAGES=10", "TARGET=a_target",
        "THRESHOLD=0.6", "SEED=3"]


def test_make_filter_learns_keeps_and_reproduces(tmp_path):
    data = tmp_path / "data"
    # TARGET sorts first alphabetically: the probability must still mean "is TARGET".
    write_labeled(data, classes=("a_target", "others"))
    kinds = write_reshaped(data, n_target=12, n_other=12)
    (data / "predicted").mkdir()
    (data / "predicted" / "unrelated.txt").write_text("keep me")

    first = _make(data, "filter", *FAST)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]

    assert (data / "models" / "filter.h5").is_file()
    assert list((data / "models" / "filter-tflogs").glob("events.out.tfevents.*"))
    history = _read_csv(data / "reports" / "filter_history.csv")
    assert list(history[0]) == ["epoch", "loss", "acc", "mean_absolute_error", "val_loss",
                                "val_acc", "val_mean_absolute_error"]
    assert 1 <= len(history) <= 10 and history[0]["epoch"] == "1"
    summary = json.loads((data / "reports" / "filter_train.json").read_text())
    assert summary["classes"] == ["others", "a_target"] and summary["parameters"] == 3940

    scores = _read_csv(data / "reports" / "filter_scores.csv")
    assert [r["file"] for r in scores] == ["%d.jpg" % i for i in range(1, 25)]
    prob = {r["file"]: float(r["probability"]) for r in scores}
    for row in scores:
        assert row["kept"] == str(int(float(row["probability"]) >= 0.6))
    # It learned: every target-like image scores above every other image, and most are kept.
    targets = [prob[n] for n, k in kinds.items() if k == "pikachu"]
    others = [prob[n] for n, k in kinds.items() if k == "others"]
    assert min(targets) > max(others), (targets, others)
    kept = {r["file"] for r in scores if r["kept"] == "1"}
    assert len(kept) >= 6 and all(kinds[n] == "pikachu" for n in kept)
    predicted = data / "predicted"
    assert {p.name for p in predicted.iterdir()} == kept | {"unrelated.txt"}
    for name in kept:
        assert (predicted / name).read_bytes() == (data / "reshaped" / name).read_bytes()
    with Image.open(str(data / "reports" / "filter_contact_sheet.png")) as sheet:
        assert sheet.format == "PNG" and sheet.size[0] > 500

    # Nothing changed: make does nothing.
    again = _make(data, "filter", *FAST)
    assert again.returncode == 0 and "kerasgan filter" not in again.stdout, again.stdout
    # A new threshold rescores without retraining.
    model_time = (data / "models" / "filter.h5").stat().st_mtime
    rescored = _make(data, "filter", *(FAST[:-2] + ["THRESHOLD=0.0", "SEED=3"]))
    assert rescored.returncode == 0 and "filter train" not in rescored.stdout
    assert "filter score --threshold 0.0" in rescored.stdout
    assert (data / "models" / "filter.h5").stat().st_mtime == model_time
    assert len(list(predicted.iterdir())) == 25

    # Same SEED, same data, fresh folder: the same history and scores, byte for byte.
    twin = tmp_path / "twin"
    shutil.copytree(str(data / "labeled"), str(twin / "labeled"))
    shutil.copytree(str(data / "reshaped"), str(twin / "reshaped"))
    second = _make(twin, "filter", *FAST)
    assert second.returncode == 0, second.stderr[-3000:]
    assert (twin / "reports" / "filter_history.csv").read_bytes() == \
        (data / "reports" / "filter_history.csv").read_bytes()
    assert [(r["file"], r["probability"]) for r in _read_csv(twin / "reports" / "filter_scores.csv")] \
        == [(r["file"], r["probability"]) for r in scores]
    assert (twin / "models" / "filter.h5").read_bytes() == (data / "models" / "filter.h5").read_bytes()
