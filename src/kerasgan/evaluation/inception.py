"""The official FID's features: pool_3 of the 2015-12-05 Inception GraphDef, as the original FID
code (TTUR) reads it, when the user has the file. Never downloaded.

The file is classify_image_graph_def.pb from inception-2015-12-05.tgz. It is imported under the
name FID_Inception_Net; images (RGB, 0..255, any side: the graph resizes to 299 itself) are fed to
FID_Inception_Net/ExpandDims:0 one at a time (the graph's static batch is 1) and the 2048 values
of FID_Inception_Net/pool_3:0 are the features. The file's sha256 is recorded with the figures
and checked against INCEPTION_SHA256 when that is given.
"""
import hashlib
from pathlib import Path

import numpy as np

FILE = "classify_image_graph_def.pb"
SCOPE = "FID_Inception_Net"
INPUT = SCOPE + "/ExpandDims:0"
POOL3 = SCOPE + "/pool_3:0"
NAME = "Inception FID (2015-12-05 GraphDef, pool_3)"
ENABLE = ("in-house feature network; INCEPTION=<path to %s from inception-2015-12-05.tgz> "
          "gives the official Inception FID" % FILE)


class InceptionError(Exception):
    """The GraphDef is missing, altered or not the expected graph (the message names the file)."""


def sha256(path):
    digest = hashlib.sha256()
    with open(str(path), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class InceptionNet(object):
    """images (uint8, (n, h, w) or (n, h, w, 1|3)) -> pool_3 features (n, 2048), own graph."""

    def __init__(self, path, expected_sha256=""):
        import tensorflow as tf
        path = Path(path)
        if not path.is_file():
            raise InceptionError("%s: no such file (INCEPTION= names %s)" % (path, FILE))
        self.sha256 = sha256(path)
        if expected_sha256 and self.sha256 != expected_sha256.lower():
            raise InceptionError("%s: sha256 %s, expected %s" % (path, self.sha256, expected_sha256))
        graph_def = tf.GraphDef()
        try:
            graph_def.ParseFromString(path.read_bytes())
        except Exception as error:   # protobuf's DecodeError and friends
            raise InceptionError("%s: not a TensorFlow GraphDef (%s)" % (path, error))
        self.graph = tf.Graph()
        with self.graph.as_default():
            tf.import_graph_def(graph_def, name=SCOPE)
        try:
            self.input = self.graph.get_tensor_by_name(INPUT)
            self.pool3 = self.graph.get_tensor_by_name(POOL3)
        except KeyError as error:
            raise InceptionError("%s: not the FID Inception graph (%s)" % (path, error))
        self.session = tf.Session(graph=self.graph)
        self.path, self.name = path, NAME

    def __call__(self, images):
        x = np.asarray(images, np.float32)
        if x.ndim == 3:
            x = x[..., None]
        if x.shape[-1] == 1:
            x = np.repeat(x, 3, axis=-1)
        rows = [self.session.run(self.pool3, {self.input: image[None]}).reshape(-1) for image in x]
        return np.stack(rows).astype(np.float64)

    def describe(self):
        return {"name": self.name, "held_out_accuracy": None, "source": "ImageNet (Inception v3, 2015-12-05)",
                "file": str(self.path), "sha256": self.sha256}
