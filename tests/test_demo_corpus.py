"""The demo's emoji corpus and its loopback image search: real font, real sockets, real TLS."""
import csv
import hashlib
import re
import ssl
import sys
import urllib.error
import urllib.request

import pytest

from conftest import run_cli
from kerasgan.demo import corpus as demo_corpus, search as demo_search

# The contract of the download stage's `google` source (kerasgan.search's docstring): an https URL
# right after `["`, with a lower-case image extension, up to the next double quote.
GOOGLE_PATTERN = re.compile(r'\["(https://[^"]+\.(?:jpg|jpeg|png|webp|gif)[^"]*?)"')
SOME = {"1f600", "1f603", "263a", "1f642", "1f431", "1f638", "2764", "1f315"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    demo_corpus.build(folder, only=SOME, log=lambda *a: None)
    return folder


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_corpus_renders_the_emoji_in_colour_with_names_and_keywords(corpus):
    from PIL import Image
    rows = demo_corpus.read_index(corpus)
    assert {r["codepoint"] for r in rows} == SOME
    row = next(r for r in rows if r["codepoint"] == "1f600")
    assert row["name"] == "grinning face"
    assert row["keywords"] == "grinning face"
    smiling_eyes = next(r for r in rows if r["codepoint"] == "263a")
    assert smiling_eyes["keywords"] == "white smiling face"
    with Image.open(str(corpus / row["file"])) as image:
        assert image.format == "PNG" and image.mode == "RGBA"
        assert image.size == (demo_corpus.CANVAS, demo_corpus.CANVAS)
        opaque = [p for p in image.getdata() if p[3] == 255]
    # real artwork, not a blank or a monochrome outline: the grinning face is mostly yellow
    assert len(opaque) > 0.4 * demo_corpus.CANVAS ** 2
    r, g, b = (sum(p[i] for p in opaque) / len(opaque) for i in range(3))
    assert r > 180 and g > 140 and b < 110, (r, g, b)


def test_corpus_is_byte_identical_when_rendered_again_and_idempotent(corpus, tmp_path):
    again = tmp_path / "again"
    demo_corpus.build(again, only=SOME, log=lambda *a: None)
    assert (again / demo_corpus.INDEX).read_bytes() == (corpus / demo_corpus.INDEX).read_bytes()
    for row in demo_corpus.read_index(corpus):
        assert sha(again / row["file"]) == sha(corpus / row["file"])
    messages = []
    demo_corpus.build(again, only=SOME, log=messages.append)
    assert "already" in messages[0]


def test_keywords_drop_words_that_name_nothing():
    assert demo_corpus.keywords("SMILING FACE WITH OPEN MOUTH AND SMILING EYES") == \
        ["smiling", "face", "open", "mouth", "smiling", "eyes"]
    assert demo_corpus.keywords("FACE-THROWING A KISS") == ["face", "throwing", "kiss"]


def test_missing_font_says_how_to_install_it(tmp_path):
    result = run_cli("demo-corpus", "--out", tmp_path / "c", "--font", tmp_path / "nope.ttf", check=False)
    assert result.returncode == 2
    assert "fonts-noto-color-emoji" in result.stderr


def test_search_answers_keyword_queries_in_the_google_source_format(corpus):
    with demo_search.SearchServer(corpus) as server:
        assert server.search_url.startswith("http://127.0.0.1:") and "{query}" in server.search_url
        page = urllib.request.urlopen(server.search_url.replace("{query}", "smiling+face"),
                                      timeout=10).read().decode("utf-8")
        urls = GOOGLE_PATTERN.findall(page)
        # every query word must match, in codepoint order: not 1f600 (grinning face), nor 1f431
        assert [u.rsplit("/", 1)[1] for u in urls] == ["263a.png", "1f603.png", "1f638.png", "1f642.png"]
        assert all(u.startswith(server.image_base + "/images/") for u in urls)
        assert 'src="/thumbs/263a.png"' in page
        assert GOOGLE_PATTERN.findall(urllib.request.urlopen(
            server.search_url.replace("{query}", "nothing-like-this"), timeout=10).read().decode()) == []

        # the images come over HTTPS, trusted through the server's own CA only
        trusted = ssl.create_default_context(cafile=str(server.ca))
        body = urllib.request.urlopen(urls[0], context=trusted, timeout=10).read()
        assert body == (corpus / "images" / "263a.png").read_bytes()
        with pytest.raises(urllib.error.URLError) as error:
            urllib.request.urlopen(urls[0], context=ssl.create_default_context(), timeout=10)
        assert "CERTIFICATE_VERIFY_FAILED" in str(error.value)
        thumb = urllib.request.urlopen(server.base + "/thumbs/1f431.png", timeout=10).read()
        assert thumb == (corpus / "images" / "1f431.png").read_bytes()
        for bad in ("/images/ffff.png", "/images/..%2Findex.csv", "/index.csv", "/thumbs/1F600.png"):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(server.base + bad, timeout=10)
            assert error.value.code == 404, bad


def test_demo_search_serves_while_a_command_runs_and_returns_its_status(corpus):
    child = ("import os, ssl, sys, urllib.request, re;"
             "url = os.environ['KERASGAN_DEMO_SEARCH_URL'].replace('{query}', 'face');"
             "assert sys.argv[1] == os.environ['KERASGAN_DEMO_SEARCH_URL'];"
             "assert sys.argv[2] == os.environ['SSL_CERT_FILE'] == os.environ['REQUESTS_CA_BUNDLE'];"
             "page = urllib.request.urlopen(url).read().decode();"
             "img = re.findall(r'\\[\"(https://[^\"]+)\"', page)[0];"
             "urllib.request.urlopen(img, context=ssl.create_default_context(cafile=sys.argv[2])).read();"
             "print('found', len(re.findall(r'\\[\"https://', page)));"
             "sys.exit(7)")
    result = run_cli("demo-search", "--corpus", corpus, "--", sys.executable, "-c", child,
                     "{search_url}", "{ca}", check=False, timeout=120)
    assert result.returncode == 7, result.stderr
    # face: 1f600, 1f603, 263a, 1f642, 1f431 (cat face), 1f638 (grinning cat face)
    assert "found 6" in result.stdout


def test_shipped_labels_have_enough_of_each_class_for_the_original_split():
    from kerasgan.demo import label as demo_label
    labels = demo_label.read_labels()
    classes = list(labels.values())
    assert set(classes) == {"smiley", "others"}
    assert classes.count("smiley") >= 30 + 12
    assert classes.count("others") >= 50 + 20
    with demo_label.LABELS_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    named = {r["codepoint"]: r["name"] for r in rows}
    assert labels["1f600"] == "smiley" and named["1f600"] == "grinning face"
    assert labels["1f431"] == "others"       # cat face: a face, not a yellow smiley
    assert labels["1f608"] == "others"       # smiling face with horns is purple


def test_a_second_server_on_the_same_corpus_serves_the_same_urls(corpus):
    """The download manifest is keyed by URL: same ports again, so a re-run of the demo resumes."""
    with demo_search.SearchServer(corpus) as first:
        urls = (first.search_url, first.image_base)
    with demo_search.SearchServer(corpus) as second:
        assert (second.search_url, second.image_base) == urls
        # while those ports are taken, a third server still starts, elsewhere
        with demo_search.SearchServer(corpus) as third:
            assert third.image_base != second.image_base
