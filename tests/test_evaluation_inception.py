"""The Inception GraphDef path, on a tiny GraphDef with the official tensor names."""
import argparse
import hashlib
import json

import numpy as np
import pytest
from PIL import Image

from kerasgan.evaluation import cli, inception, metrics


def tiny_graph_def(path):
    """DecodeJpeg-like input -> ExpandDims -> pool_3 = the mean colour (1, 1, 1, 3): an image's
    features are its channel means, so the figures can be worked out from the pixels."""
    import tensorflow as tf
    graph = tf.Graph()
    with graph.as_default():
        image = tf.placeholder(tf.float32, (None, None, 3), name="DecodeJpeg")
        batch = tf.expand_dims(image, 0, name="ExpandDims")
        tf.reduce_mean(batch, axis=[1, 2], keepdims=True, name="pool_3")
    path.write_bytes(graph.as_graph_def().SerializeToString())
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flat_images(folder, values):
    folder.mkdir()
    for i, (r, g, b) in enumerate(values):
        Image.new("RGB", (32, 32), (r, g, b)).save(str(folder / ("%02d.png" % i)))


def args(tmp_path, **kw):
    base = dict(a=str(tmp_path / "a"), b=str(tmp_path / "b"), domain="colour32", n=0, seed=0,
                kid_subsets=3, features_out="", inception=str(tmp_path / inception.FILE), inception_sha256="")
    base.update(kw)
    return argparse.Namespace(**base)


def test_pool3_features_of_the_graph(tmp_path):
    tiny_graph_def(tmp_path / inception.FILE)
    net = inception.InceptionNet(tmp_path / inception.FILE)
    images = np.zeros((2, 4, 4, 3), np.uint8)
    images[0, :2] = 200                   # half the pixels 200: mean 100
    images[1, ..., 2] = 40
    assert net(images).tolist() == [[100.0, 100.0, 100.0], [0.0, 0.0, 40.0]]
    assert net(np.full((1, 4, 4), 9, np.uint8)).tolist() == [[9.0, 9.0, 9.0]]   # grey -> RGB


def test_evaluate_with_inception_reports_its_fid_and_sha256(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_OUT_DIR", str(tmp_path / "out"))
    digest = tiny_graph_def(tmp_path / inception.FILE)
    a = [(10 * i, 20, 30) for i in range(8)]
    b = [(10 * i + 5, 20, 30) for i in range(8)]
    flat_images(tmp_path / "a", a)
    flat_images(tmp_path / "b", b)
    result, path = cli.evaluate(args(tmp_path, inception_sha256=digest), log=lambda m: None)
    # flat images: the features are the colours; B is A shifted by 5 in red: FID = 25
    assert result["fid"] == pytest.approx(25.0, abs=1e-6)
    assert result["fid"] == pytest.approx(metrics.fid(np.array(a, float), np.array(b, float)))
    saved = json.loads(path.read_text())["feature_network"]
    assert saved["name"] == inception.NAME and saved["sha256"] == digest


def test_a_file_with_another_sha256_is_refused(tmp_path, capsys):
    tiny_graph_def(tmp_path / inception.FILE)
    flat_images(tmp_path / "a", [(i, i, i) for i in range(8)])
    flat_images(tmp_path / "b", [(i, i, i) for i in range(8)])
    assert cli.main(args(tmp_path, inception_sha256="0" * 64)) == 2
    err = capsys.readouterr().err
    assert inception.FILE in err and "expected " + "0" * 64 in err


def test_a_missing_or_foreign_file_is_named(tmp_path):
    with pytest.raises(inception.InceptionError, match="no such file"):
        inception.InceptionNet(tmp_path / inception.FILE)
    (tmp_path / "other.pb").write_bytes(b"\x08\x01garbage")
    with pytest.raises(inception.InceptionError, match="other.pb"):
        inception.InceptionNet(tmp_path / "other.pb")
