"""demo-label: the shipped labels file -> labeled/{trains,valids}/{smiley,others}/ in the
original's numbers, traced through the download and reshape manifests as those stages write them."""

import pytest

from conftest import run_cli, write_csv
from kerasgan.demo import label as demo_label


def make_stages(data, smileys=45, others=75, extra_unlisted=("1f9ff",)):
    """downloads/manifest.csv + reshaped/<n>.jpg + reports/reshape_manifest.csv for some real codepoints."""
    from PIL import Image
    labels = demo_label.read_labels()
    codepoints = ([cp for cp, c in sorted(labels.items()) if c == "smiley"][:smileys]
                  + [cp for cp, c in sorted(labels.items()) if c == "others"][:others] + list(extra_unlisted))
    downloads, manifest = [], []
    for n, cp in enumerate(codepoints, 1):
        name = "%d-%s.png" % (n, cp)
        downloads.append(dict(keyword="face", source="google", url="https://127.0.0.1:9/images/%s.png" % cp,
                              file="face/" + name, bytes="10", sha256="00", status="saved", reason="", time="t"))
        manifest.append(dict(n=n, file="reshaped/%d.jpg" % n, source="downloads/face/" + name,
                             source_sha256="00", sha256="11", phash="22"))
    # a failed download and an image from elsewhere (no codepoint in its URL): never labelled
    downloads.append(dict(keyword="face", source="google", url="https://127.0.0.1:9/images/1f600.png?x",
                          file="", bytes="", sha256="", status="failed", reason="http-404", time="t"))
    n = len(codepoints) + 1
    downloads.append(dict(keyword="face", source="google", url="https://example.org/photo.jpg",
                          file="face/%d-photo.jpg" % n, bytes="10", sha256="00", status="saved", reason="", time="t"))
    manifest.append(dict(n=n, file="reshaped/%d.jpg" % n, source="downloads/face/%d-photo.jpg" % n,
                         source_sha256="00", sha256="11", phash="22"))
    write_csv(data / "downloads" / "manifest.csv",
              ("keyword", "source", "url", "file", "bytes", "sha256", "status", "reason", "time"), downloads)
    for folder in ("reports", "reshaped"):
        (data / folder).mkdir(parents=True, exist_ok=True)
    write_csv(data / "reports" / "reshape_manifest.csv", ("n", "file", "source", "source_sha256", "sha256", "phash"),
              manifest)
    for row in manifest:
        Image.new("RGB", (8, 8), (int(row["n"]), 0, 0)).save(str(data / row["file"]), format="JPEG")
    return {"%s.jpg" % row["n"]: cp for row, cp in zip(manifest, codepoints)}


def listing(labeled):
    return {(p.parent.parent.name, p.parent.name, p.name) for p in labeled.rglob("*.jpg")}


def test_labeled_folders_have_the_original_counts_and_the_right_classes(dirs):
    data, _ = dirs
    traced = make_stages(data)
    result = run_cli("demo-label", "--seed", "0")
    assert "trains/smiley 30, trains/others 50, valids/smiley 12, valids/others 20" in result.stdout
    assert "1 codepoint(s) not in the labels file counted as others" in result.stdout
    labeled = data / "labeled"
    files = listing(labeled)
    counts = {}
    for split, cls, name in files:
        counts[(split, cls)] = counts.get((split, cls), 0) + 1
        expected = demo_label.read_labels().get(traced[name], "others")
        assert cls == expected, (name, traced[name], cls)
        assert (labeled / split / cls / name).read_bytes() == (data / "reshaped" / name).read_bytes()
    assert counts == {("trains", "smiley"): 30, ("trains", "others"): 50,
                      ("valids", "smiley"): 12, ("valids", "others"): 20}
    names = [name for _, _, name in files]
    assert len(names) == len(set(names)), "an image in two folders"
    assert "%d.jpg" % (len(traced) + 1) not in names  # the photo from elsewhere

    # the filter stage accepts the result (its own checks, before TensorFlow)
    from kerasgan.ingest.filter_data import check_labeled
    classes, _ = check_labeled(labeled, "smiley")
    assert classes == ["others", "smiley"]

    # same seed: same draw, files left untouched (Make's fingerprints see no change); another seed:
    # another draw (rewritten, since this command wrote it)
    times = {p: p.stat().st_mtime_ns for p in labeled.rglob("*.jpg")}
    assert "unchanged" in run_cli("demo-label", "--seed", "0").stdout
    assert {p: p.stat().st_mtime_ns for p in labeled.rglob("*.jpg")} == times
    run_cli("demo-label", "--seed", "1")
    assert listing(labeled) != files


def test_never_overwrites_a_users_labels(dirs):
    data, _ = dirs
    make_stages(data)
    mine = data / "labeled" / "trains" / "pikachu" / "mine.jpg"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"hand-made")
    result = run_cli("demo-label", check=False)
    assert result.returncode == 2
    assert "did not write" in result.stderr
    assert mine.read_bytes() == b"hand-made"


def test_too_few_target_images_is_a_clear_error(dirs):
    data, _ = dirs
    make_stages(data, smileys=20)
    result = run_cli("demo-label", check=False)
    assert result.returncode == 2
    assert "only 20 reshaped image(s) of class 'smiley'" in result.stderr
    assert not (data / "labeled").exists()


def test_missing_manifest_names_the_stage_to_run(dirs):
    data, _ = dirs
    with pytest.raises(demo_label.LabelError, match="make download"):
        demo_label.build(data)
