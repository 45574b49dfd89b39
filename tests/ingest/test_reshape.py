"""reshape: a corpus of every awkward input (real files), idempotence, dedupe, worker limits."""
import csv
import hashlib
import io
import os
import zlib

from PIL import Image, ImageChops, ImageOps

from .conftest import make, run_cli
from .corpus import picture, write_corpus


def report(data_dir):
    with open(data_dir / "reports" / "reshape.csv", newline="", encoding="utf-8") as handle:
        return {row["source"].split("/", 2)[2]: row for row in csv.DictReader(handle)}


def manifest(data_dir):
    with open(data_dir / "reports" / "reshape_manifest.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def outputs(data_dir):
    folder = data_dir / "reshaped"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def status(row):
    return row["status"] if row["status"] != "skipped" else row["reason"]


def close(a, b, tolerance=12):
    """Two RGB images equal up to JPEG noise (mean absolute difference per channel)."""
    diff = ImageChops.difference(a.convert("RGB"), b.convert("RGB"))
    return sum(sum(h * i for i, h in enumerate(diff.histogram()[c * 256:(c + 1) * 256])) for c in range(3)) \
        / (3 * a.width * a.height) < tolerance


def test_every_awkward_input_is_kept_or_skipped_with_its_reason(data_dir, tmp_path):
    expected = write_corpus(data_dir / "downloads" / "kw", tmp_path / "outside")
    result = run_cli("reshape", "--data-dir", data_dir, "--dedupe", "off", "--jobs", "2")
    rows = report(data_dir)
    assert set(rows) == set(expected)
    wrong = {name: (status(rows[name]), want) for name, want in expected.items()
             if status(rows[name]) != want.replace("near-duplicate", "kept")}
    assert wrong == {}
    kept = [name for name in expected if status(rows[name]) == "kept"]
    assert "-> %d kept" % len(kept) in result.stdout
    # numbered from 1, contiguous, each a SIZE x SIZE RGB JPEG, the manifest names its source
    files = manifest(data_dir)
    assert [row["file"] for row in files] == ["reshaped/%d.jpg" % n for n in range(1, len(kept) + 1)]
    # only images: the original notebooks load every reshaped/* file as one
    assert sorted(outputs(data_dir)) == sorted(["%d.jpg" % n for n in range(1, len(kept) + 1)])
    for row in files:
        with Image.open(data_dir / row["file"]) as image:
            assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (256, 256))
        assert row["sha256"] == hashlib.sha256((data_dir / row["file"]).read_bytes()).hexdigest()
    source_of = {row["source"].split("/", 2)[2]: data_dir / row["file"] for row in files}
    # as the original: ImageOps.fit(..., NEAREST) of the RGB image
    with Image.open(data_dir / "downloads" / "kw" / "1-plain.jpg") as original:
        want = ImageOps.fit(original.convert("RGB"), (256, 256), Image.NEAREST)
    assert close(Image.open(source_of["1-plain.jpg"]), want, tolerance=3)
    # transparency composited on white (the original's convert('RGB') gave the hidden colours)
    alpha = Image.open(source_of["4-alpha.png"]).convert("L")
    assert alpha.getextrema()[0] > 245
    # EXIF orientation 6: the stored 160x40 picture is shown rotated, i.e. portrait
    upright = picture((160, 40), seed=8).transpose(Image.Transpose.ROTATE_270)
    assert close(Image.open(source_of["8-exif-rotated.jpg"]), ImageOps.fit(upright, (256, 256), Image.NEAREST))
    # 16-bit scaled, not clipped to white: the gradient spans dark to light
    low, high = Image.open(source_of["5-16bit.png"]).convert("L").getextrema()
    assert low < 40 and high > 200
    # animated GIF: the first frame
    with Image.open(data_dir / "downloads" / "kw" / "7-animated.gif") as gif:
        first = ImageOps.fit(gif.convert("RGB"), (256, 256), Image.NEAREST)
    assert close(Image.open(source_of["7-animated.gif"]), first)
    # the file outside DATA_DIR was never read into an output
    secret = hashlib.sha256((tmp_path / "outside" / "secret.png").read_bytes()).hexdigest()
    assert secret not in {row["source_sha256"] for row in files}


def test_same_inputs_same_bytes_and_no_work_when_nothing_changed(data_dir, tmp_path):
    write_corpus(data_dir / "downloads" / "kw", tmp_path / "outside")
    run_cli("reshape", "--data-dir", data_dir, "--jobs", "2")
    first = outputs(data_dir)
    first_report = (data_dir / "reports" / "reshape.csv").read_bytes()
    mtimes = {p.name: p.stat().st_mtime_ns for p in (data_dir / "reshaped").iterdir()}

    again = run_cli("reshape", "--data-dir", data_dir, "--jobs", "2")
    assert "nothing changed" in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in (data_dir / "reshaped").iterdir()} == mtimes

    forced = run_cli("reshape", "--data-dir", data_dir, "--jobs", "1", "--force")  # other job count
    assert "nothing changed" not in forced.stdout
    assert outputs(data_dir) == first
    assert (data_dir / "reports" / "reshape.csv").read_bytes() == first_report
    assert {p.name: p.stat().st_mtime_ns for p in (data_dir / "reshaped").iterdir()} == mtimes  # unchanged bytes: not rewritten

    # a file removed: the numbering closes up and the stale last output is removed
    n = len(manifest(data_dir))
    os.unlink(data_dir / "downloads" / "kw" / "2-cmyk.jpg")
    changed = run_cli("reshape", "--data-dir", data_dir, "--jobs", "2")
    assert "nothing changed" not in changed.stdout
    assert len(manifest(data_dir)) == n - 1
    assert not (data_dir / "reshaped" / ("%d.jpg" % n)).exists()
    assert outputs(data_dir)["1.jpg"] == first["1.jpg"]
    assert outputs(data_dir)["2.jpg"] == first["3.jpg"]


def test_exact_and_near_duplicates_are_listed(data_dir, tmp_path):
    write_corpus(data_dir / "downloads" / "kw", tmp_path / "outside")
    run_cli("reshape", "--data-dir", data_dir)  # DEDUPE=0 by default
    rows = report(data_dir)
    assert (rows["30-copy-of-1.jpg"]["status"], rows["30-copy-of-1.jpg"]["reason"]) == ("duplicate", "same-bytes")
    assert rows["30-copy-of-1.jpg"]["duplicate_of"] == "downloads/kw/1-plain.jpg"
    assert rows["41-inside-link.png"]["duplicate_of"] == "downloads/kw/11 name with spaces.png"
    near = rows["31-reencoded-1.png"]
    assert (near["status"], near["duplicate_of"], near["distance"]) == ("near-duplicate", "downloads/kw/1-plain.jpg", "0")
    kept_default = len(manifest(data_dir))

    run_cli("reshape", "--data-dir", data_dir, "--dedupe", "off")
    rows = report(data_dir)
    assert rows["31-reencoded-1.png"]["status"] == "kept" and rows["31-reencoded-1.png"]["distance"] == "0"
    assert rows["30-copy-of-1.jpg"]["status"] == "duplicate"  # exact duplicates always go
    assert len(manifest(data_dir)) > kept_default

    run_cli("reshape", "--data-dir", data_dir, "--dedupe", "64")  # everything is near everything
    assert len(manifest(data_dir)) == 1


def test_worker_limits_memory_and_time(data_dir):
    folder = data_dir / "downloads" / "big"
    folder.mkdir(parents=True)
    # 9000 x 9000 grey: under Pillow's bomb limit (89 M pixels), 81 MB decoded, 243 MB as RGB
    width = height = 9000
    row = b"\0" + bytes(width)
    compressor = zlib.compressobj(1)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    from .corpus import png_header_only
    (folder / "1-huge.png").write_bytes(png_header_only(width, height, idat))
    result = run_cli("reshape", "--data-dir", data_dir, "--mem-mb", "320", "--jobs", "1", check=False)
    assert result.returncode == 0, result.stderr
    assert report(data_dir)["1-huge.png"]["reason"] == "memory-limit"

    noise = Image.merge("RGB", [Image.effect_noise((3000, 3000), 60 + 10 * k) for k in range(3)])
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=1)
    (folder / "2-slow.png").write_bytes(buffer.getvalue())
    run_cli("reshape", "--data-dir", data_dir, "--mem-mb", "320", "--time-limit", "0.02", "--jobs", "1")
    assert report(data_dir)["2-slow.png"]["reason"] == "time-limit"
    run_cli("reshape", "--data-dir", data_dir, "--jobs", "1")  # default limits: both decode
    assert {row["status"] for row in report(data_dir).values()} == {"kept"}


def test_no_downloads_is_a_clear_error_and_make_reshape_works(data_dir, tmp_path):
    result = run_cli("reshape", "--data-dir", data_dir, check=False)
    assert result.returncode == 1 and "run make download first" in result.stderr
    (data_dir / "downloads" / "kw").mkdir(parents=True)
    (data_dir / "downloads" / "kw" / "a.png").write_bytes(b"")
    picture(seed=3).save(data_dir / "downloads" / "kw" / "b.png")
    made = make("reshape", "DATA_DIR=%s" % data_dir, "RESHAPE_SIZE=64", "JOBS=1")
    assert made.returncode == 0, made.stdout + made.stderr
    with Image.open(data_dir / "reshaped" / "1.jpg") as image:
        assert image.size == (64, 64)
    assert report(data_dir)["a.png"]["reason"] == "empty-file"
