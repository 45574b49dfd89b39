"""The demo's search server under the real download and reshape stages: headless Chromium
loads its results page, google_images_download's parser finds the HTTPS image URLs, our downloader
fetches them trusting the server's throw-away CA, reshape squares them, and demo-label's tracing
maps every reshaped image back to the emoji it came from."""
import csv
import hashlib
import sys

from .conftest import run_cli

SOME = {"1f600", "1f603", "1f604", "263a", "1f642", "1f638", "1f431", "2764"}
FAST = ["--timeout", "5", "--retries", "1", "--backoff", "0.1", "--scrolls", "2", "--scroll-pause", "0.05",
        "--no-progress"]


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_demo_search_feeds_the_real_download_and_reshape_stages(data_dir):
    from kerasgan.demo import corpus as demo_corpus, label as demo_label
    corpus = data_dir / demo_corpus.CORPUS
    demo_corpus.build(corpus, only=SOME, log=lambda *a: None)
    expected = {r["codepoint"] for r in demo_corpus.read_index(corpus) if {"smiling", "face"} <= set(r["keywords"].split())}
    assert expected == {"263a", "1f603", "1f604", "1f642", "1f638"}  # 1f638: grinning cat face with smiling eyes

    result = run_cli("demo-search", "--corpus", corpus, "--", sys.executable, "-m", "kerasgan", "download",
                     "--keywords", "smiling face,cat", "--search-url", "{search_url}", "--ca-bundle", "{ca}",
                     "--data-dir", data_dir, *FAST, timeout=1800)
    assert "download: smiling face: found 5, saved 5" in result.stdout, result.stdout + result.stderr
    assert "download: cat: found 2, saved 2" in result.stdout  # 1f431 cat face, 1f638 grinning cat face

    with (data_dir / "downloads" / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        assert row["status"] == "saved" and row["url"].startswith("https://127.0.0.1:")
        cp = row["url"].rsplit("/", 1)[1][:-len(".png")]
        assert sha(data_dir / "downloads" / row["file"]) == sha(corpus / "images" / (cp + ".png"))
    assert {r["url"].rsplit("/", 1)[1][:-4] for r in rows if r["keyword"] == "smiling face"} == expected

    run_cli("reshape", env={"KERASGAN_DATA_DIR": str(data_dir)})
    traced = demo_label.trace(data_dir)
    # 1f638 came for both keywords: reshape kept one copy (same bytes); every kept image is traced
    assert sorted(traced.values()) == sorted(expected | {"1f431"})
    for name, cp in traced.items():
        assert (data_dir / "reshaped" / name).is_file()
