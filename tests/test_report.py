"""`make report`: built from small fixture folders in the stages' real file formats, then
opened in real headless Chromium, where every image must load; a screenshot is saved."""
import json
import re

import pytest

from conftest import run_cli, write_csv
from headless import IMAGES_JS, Page
from kerasgan import report

RUN = "fixture-run"


def colour_image(size, colour):
    from PIL import Image, ImageDraw
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse((2, 2, size[0] - 3, size[1] - 3), fill=(250, 210, 40))
    return image


def make_data(data):
    """downloads/, reshaped/, labeled/, reports/ as the data stages write them."""
    rows = []
    for i in range(8):
        ok = i < 6
        rows.append(dict(keyword="face" if i < 5 else "heart", source="google",
                         url="https://127.0.0.1:1/images/1f6%02x.png" % i,
                         file="face/%d-1f6%02x.png" % (i + 1, i) if ok else "", bytes="100" if ok else "",
                         sha256="ab" * 32 if ok else "", status="saved" if ok else "failed",
                         reason="" if ok else ("http-404" if i == 6 else "not-an-image:html"),
                         time="2026-05-01T00:00:00Z"))
    write_csv(data / "downloads" / "manifest.csv",
              ("keyword", "source", "url", "file", "bytes", "sha256", "status", "reason", "time"), rows)
    reshaped = data / "reshaped"
    reshaped.mkdir(parents=True)
    manifest, report_rows = [], []
    for i in range(6):
        name = "%d.jpg" % (i + 1)
        colour_image((256, 256), (30 * i, 80, 200)).save(str(reshaped / name), format="JPEG")
        source = "downloads/face/%d-1f6%02x.png" % (i + 1, i)
        manifest.append(dict(n=i + 1, file="reshaped/" + name, source=source, source_sha256="cd" * 32,
                             sha256="ef" * 32, phash="bc9cc363968c58e3"))
        report_rows.append(dict(source=source, status="kept", reason="", output="reshaped/" + name))
    (reshaped.parent / "reports").mkdir(exist_ok=True)
    write_csv(reshaped.parent / "reports" / "reshape_manifest.csv", ("n", "file", "source", "source_sha256", "sha256", "phash"), manifest)
    report_rows += [dict(source="downloads/heart/1-x.png", status="duplicate", reason="same-bytes", output=""),
                    dict(source="downloads/heart/2-y.png", status="near-duplicate", reason="phash-distance<=0", output=""),
                    dict(source="downloads/heart/3-z.png", status="skipped", reason="truncated:image file is truncated",
                         output="")]
    write_csv(data / "reports" / "reshape.csv", ("source", "status", "reason", "output"), report_rows)
    for split, n in (("trains", 2), ("valids", 1)):
        for cls in ("smiley", "others"):
            folder = data / "labeled" / split / cls
            folder.mkdir(parents=True)
            for k in range(n):
                colour_image((256, 256), (0, 0, 0)).save(str(folder / ("%d.jpg" % k)), format="JPEG")
    reports = data / "reports"
    write_csv(reports / "filter_history.csv",
              ("epoch", "loss", "acc", "mean_absolute_error", "val_loss", "val_acc", "val_mean_absolute_error"),
              [dict(epoch=e, loss=0.7 / e, acc=0.5 + e / 20, mean_absolute_error=0.4 / e,
                    val_loss=0.8 / e, val_acc=0.6 + e / 25, val_mean_absolute_error=0.5 / e)
               for e in range(1, 8)])
    write_csv(reports / "filter_scores.csv", ("file", "probability", "kept"),
              [dict(file="%d.jpg" % (i + 1), probability=repr(p), kept=int(p >= 0.99))
               for i, p in enumerate((0.999, 0.995, 0.42, 0.991, 0.01, 0.98))])
    (reports / "filter_train.json").write_text(json.dumps(dict(
        target="smiley", epochs_run=7, best_epoch=4, best_val_loss=0.2, best_val_acc=0.96,
        parameters=3940)))
    (reports / "filter_score.json").write_text(json.dumps(dict(scored=6, kept=3, threshold=0.99)))
    (data / "predicted").mkdir()
    for name in ("1.jpg", "2.jpg", "4.jpg"):
        (data / "predicted" / name).write_bytes((reshaped / name).read_bytes())


def make_run(run):
    """OUT_DIR/pikachu/<RUN>/ as the training and generate stages write it."""
    from PIL import Image
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(dict(seed=3, nch=16, kernel=3, epochs=30, save_every=10,
                                                     size=32, batch_size=32)))
    fields = ["epoch", "loss", "generator_loss", "generator_yfake_loss", "generator_yreal_loss",
              "discriminator_loss", "discriminator_yfake_loss", "discriminator_yreal_loss",
              "diversity", "nearest_train", "memorised"]
    rows = []
    for e in range(31):
        row = {f: "%.4f" % (1.0 + 0.5 / (e + 1)) for f in fields[1:8]}
        row["epoch"] = e
        grid = e % 10 == 0
        row["diversity"] = "%.3f" % (1.0 - e / 40.0) if grid else ""
        row["nearest_train"] = "%.3f" % (0.3 - e / 200.0) if grid else ""
        row["memorised"] = "0.0" if grid else ""
        rows.append(row)
    rows[20]["discriminator_loss"] = "0.1000"
    write_csv(run / "history.csv", fields, rows)
    frames = []
    for e in (0, 10, 20, 30):
        image = colour_image((96, 96), (e * 8, 40, 90))
        image.save(str(run / ("epoch-%05d.png" % e)), format="PNG")
        frames.append(image.convert("P"))
    frames[0].save(str(run / "timelapse.gif"), save_all=True, append_images=frames[1:], duration=200, loop=0)
    colour_image((96, 96), (160, 40, 90)).save(str(run / "best.png"))
    (run / "summary.json").write_text(json.dumps(dict(best_epoch=20, device="CPU", training_images=3)))
    samples = run / "samples"
    (samples / "nice").mkdir(parents=True)
    colour_image((96, 96), (10, 10, 10)).save(str(samples / "grid.png"))
    colour_image((96, 96), (10, 90, 10)).save(str(samples / "nice" / "grid.png"))
    for k in range(3):
        colour_image((32, 32), (k * 60, 0, 0)).save(str(samples / ("sample-%03d.png" % k)))
        colour_image((32, 32), (0, k * 60, 0)).save(str(samples / "nice" / ("sample-%03d.png" % k)))


def check_in_chromium(page_path, screenshot):
    with Page() as page:
        page.navigate(page_path.resolve().as_uri())
        images = page.evaluate(IMAGES_JS)
        text = page.evaluate("document.body.innerText")
        page.screenshot(screenshot)
    return images, text


def test_full_report_every_image_loads_in_chromium(tmp_path, dirs):
    data, out = dirs
    make_data(data)
    make_run(out / "pikachu" / RUN)
    result = run_cli("report", "--run", RUN, env={"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out)})
    page_path = out / "pikachu" / RUN / "report.html"
    assert str(page_path) in result.stdout
    html = page_path.read_text(encoding="utf-8")
    # every reference is relative: the run folder can be moved or archived as a whole
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert sources and not any(s.startswith(("/", "file:", "http")) for s in sources)
    moved = tmp_path / "moved"
    (out / "pikachu" / RUN).rename(moved)

    shot = tmp_path / "report.png"
    images, text = check_in_chromium(moved / "report.html", shot)
    broken = [i["src"] for i in images if not i["width"]]
    assert not broken, "broken images: %s" % broken
    srcs = [i["src"] for i in images]
    for expected in ("timelapse.gif", "best.png", "epoch-00030.png", "samples/grid.png",
                     "samples/nice/grid.png", "report-files/filter-loss.png", "report-files/filter-acc.png",
                     "report-files/gan-loss.png", "report-files/gan-diversity.png",
                     "report-files/gan-memorisation.png"):
        assert expected in srcs, expected
    assert sum(s.startswith("report-files/kept-") for s in srcs) == 3
    assert sum(s.startswith("report-files/rejected-") for s in srcs) == 3
    assert sum(s.startswith("samples/nice/sample-") for s in srcs) == 3
    # the counts at each stage, from the fixtures
    for line in ("found (image URLs)\t8", "downloaded\t6", "failed: http-404\t1",
                 "failed: not-an-image:html\t1", "inputs\t9", "reshaped\t6", "duplicates removed\t2",
                 "duplicate: near-duplicate (phash-distance<=0)\t1", "duplicate: duplicate (same-bytes)\t1",
                 "skipped: truncated:image file is truncated\t1", "scored\t6", "kept at THRESHOLD 0.99\t3",
                 "training images\t3", "labeled/trains/smiley\t2"):
        assert line in text, line
    assert "download \u2713 \u2192 reshape \u2713 \u2192 label \u2713 \u2192 filter \u2713 \u2192 train \u2713 \u2192 generate \u2713" in text
    assert "Best epoch 20" in text
    assert "p=0.999" in text and "p=0.420" in text
    assert "tensorflow" in text and "CPU" in text
    assert "not run" not in text
    from PIL import Image
    with Image.open(str(shot)) as image:
        assert image.format == "PNG" and image.size[0] >= 1000 and image.size[1] > 2000


def test_report_with_nothing_run_says_not_run_and_still_loads(tmp_path, dirs):
    data, out = dirs
    result = run_cli("report", env={"KERASGAN_DATA_DIR": str(data), "KERASGAN_OUT_DIR": str(out)})
    page_path = out / "pikachu" / report.NO_RUN / "report.html"
    assert str(page_path) in result.stdout
    images, text = check_in_chromium(page_path, tmp_path / "empty.png")
    assert all(i["width"] for i in images)
    assert "train (not run)" in text and "download (not run)" in text
    for what in ("found (image URLs)\tnot run", "scored\tnot run", "training images\tnot run",
                 "filter training: not run", "timelapse.gif: not run", "generate (no samples/): not run"):
        assert what in text, what


def test_report_of_a_run_cut_short_shows_what_exists(dirs):
    """Training stopped before any grid and generate never ran: no crash, the rest is shown."""
    data, out = dirs
    make_data(data)
    run = out / "pikachu" / "short"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps(dict(seed=0)))
    write_csv(run / "history.csv", ["epoch", "generator_loss", "discriminator_loss", "diversity"],
              [dict(epoch=0, generator_loss=1, discriminator_loss=2, diversity="")])
    path = report.build("pikachu", "short", data, out)
    html = path.read_text(encoding="utf-8")
    assert "timelapse.gif: not run" in html
    assert "generate (no samples/): not run" in html
    assert "Best epoch <b>0</b>" in html
    assert (run / "report-files" / "gan-loss.png").is_file()


def test_newest_run_is_the_default_and_collapse_is_flagged(dirs):
    data, out = dirs
    for name, diversity in (("old", "0.9"), ("new", "0.01")):
        run = out / "pikachu" / name
        run.mkdir(parents=True)
        (run / "config.json").write_text(json.dumps(dict(seed=0, collapse_threshold=0.1)))
        write_csv(run / "history.csv", ["epoch", "generator_loss", "discriminator_loss", "diversity"],
                  [dict(epoch=0, generator_loss=1, discriminator_loss=2, diversity="0.8"),
                   dict(epoch=10, generator_loss=1, discriminator_loss=1, diversity=diversity)])
    import os
    os.utime(str(out / "pikachu" / "old"), (1, 1))
    (out / "pikachu" / report.NO_RUN).mkdir()  # newer, but no run: a report written before training
    path = report.build("pikachu", None, data, out)
    assert path.parent.name == "new"
    assert "possible mode collapse" in path.read_text(encoding="utf-8")
    assert "possible mode collapse" not in report.build("pikachu", "old", data, out).read_text(encoding="utf-8")
