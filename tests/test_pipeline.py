"""Issue 4's acceptance: `make download reshape filter` end to end against a local search server.

The Make targets run as a user runs them (download and reshape in .venv-ingest, filter in .venv),
the search engine is the demo's loopback server over a small rendered emoji corpus, and the
"hand-labelled" folders come from the shipped labels file.
"""
import csv
import os
import subprocess
import sys
from collections import OrderedDict

from conftest import ROOT

SMILEYS = ["263a", "1f600", "1f601", "1f603", "1f604", "1f605", "1f606", "1f607", "1f60a", "1f642"]
OTHERS = ["2665", "2764", "1f493", "1f494", "1f496", "1f42d", "1f42e", "1f42f", "1f430", "1f431",
          "1f436", "1f437"]


def make(*args, env):
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT)] + list(args),
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-5000:]
    return proc.stdout


def test_make_download_reshape_filter_on_a_local_search_server(tmp_path):
    from kerasgan.demo import corpus as demo_corpus, label as demo_label

    data = tmp_path / "data"
    corpus = data / demo_corpus.CORPUS
    demo_corpus.build(corpus, only=set(SMILEYS + OTHERS), log=lambda *a: None)
    env = dict(os.environ, TMPDIR="/tmp")  # Chromium's socket path must stay short
    for name in ("KERASGAN_DATA_DIR", "KERASGAN_OUT_DIR", "PYTHONHASHSEED"):
        env.pop(name, None)
    common = ["DATA_DIR=%s" % data, "OUT_DIR=%s" % (tmp_path / "out"), "SEED=1"]

    # download + reshape, with the search server alive for the duration of that make call
    proc = subprocess.run(
        [sys.executable, "-m", "kerasgan", "demo-search", "--corpus", str(corpus), "--",
         "make", "--no-print-directory", "-C", str(ROOT), "download", "reshape", "SOURCE=google",
         "KEYWORDS=face,heart", "SEARCH_URL={search_url}", "CA_BUNDLE={ca}", "DEDUPE=off"] + common,
        env=dict(env, PYTHONPATH=str(ROOT / "src")), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-5000:]

    with (data / "downloads" / "manifest.csv").open(newline="", encoding="utf-8") as f:
        saved = [r for r in csv.DictReader(f) if r["status"] == "saved"]
    fetched = {r["url"].rsplit("/", 1)[1][:-len(".png")] for r in saved}
    assert set(SMILEYS) <= fetched and len(fetched & set(OTHERS)) >= 10
    reshaped = sorted((data / "reshaped").glob("*.jpg"))
    assert len(reshaped) == len(saved)  # every saved emoji differs: nothing skipped or deduplicated

    # the shipped labels play the hand-labelling (small counts for a test)
    counts = OrderedDict([("trains", OrderedDict([("smiley", 6), ("others", 7)])),
                          ("valids", OrderedDict([("smiley", 3), ("others", 3)]))])
    demo_label.build(data, seed=1, counts=counts, log=lambda *a: None)

    out = make("filter", "TARGET=smiley", "FILTER_EPOCHS=3", "FILTER_STEPS=4",
               "FILTER_MIN_IMAGES=3", "THRESHOLD=0.5", *common, env=env)
    assert "filter" in out
    with (data / "reports" / "filter_scores.csv").open(newline="") as f:
        scores = list(csv.DictReader(f))
    assert len(scores) == len(reshaped)
    kept = {r["file"] for r in scores if float(r["probability"]) >= 0.5}
    assert {r["file"] for r in scores if r["kept"] == "1"} == kept
    assert sorted(p.name for p in (data / "predicted").iterdir()
                  if not p.name.startswith(".")) == sorted(os.path.basename(k) for k in kept)
    assert (data / "models" / "filter.h5").is_file()
    # finished work is not redone: a second run trains and scores nothing
    again = make("filter", "TARGET=smiley", "FILTER_EPOCHS=3", "FILTER_STEPS=4",
                 "FILTER_MIN_IMAGES=3", "THRESHOLD=0.5", *common, env=env)
    assert "kerasgan filter" not in again and "-m kerasgan" not in again
