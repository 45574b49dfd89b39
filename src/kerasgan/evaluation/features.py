"""Feature networks, one per image domain, trained here on the domain's real data.

No Inception weights exist offline, so FID/KID/PRDC are computed on the penultimate layer (a 64-d
ReLU layer) of a small classifier trained on real images of the domain:

    domain    images    trained on (first found)                              labels
    digits    28x28x1   MNIST (Keras's cache) | scikit-learn's UCI digits       the digit
    colour32  32x32x3   CIFAR-10 (Keras's cache) | the embedded emoji classes   the class
    faces64   64x64x3   the prepared Cartoon Set (recorded | synthetic: the    hair_color (10)
                        default size, else the largest drawn for SEED)
    pix2pix   64x64x3   DATA_DIR/pix2pix/train's target photos, augmented      which photo

Each network is cached in DATA_DIR/models/features-<domain>-<fingerprint>.h5 (+ .json: data source,
held-out accuracy), the fingerprint covering the data's bytes and this module's code. It trains and
runs in a TensorFlow graph and session of its own, seeded from the "features" stream: building or
using it changes no other model of the process and draws nothing from the training streams.
"""
import hashlib
import inspect
import json
from collections import namedtuple
from pathlib import Path

import numpy as np

from .. import paths
from ..kit import seeds
from ..kit.files import atomic_path, write_json

FEATURE_LAYER = -2          # the 64-d ReLU layer before the softmax
VALID_SHARE = 0.1
BATCH = 64
SEEN = 20000                # images seen while training (epochs = SEEN / n, 1..30)
LIMIT = 20000               # at most this many real images train a network (MNIST, CIFAR-10)
AUGMENT = 60                # pix2pix: augmented crops per training photo
CARTOON_LABEL = "hair_color"

Domain = namedtuple("Domain", "side channels network")
DOMAINS = {
    "digits": Domain(28, 1, "digit classifier (penultimate Dense 64)"),
    "colour32": Domain(32, 3, "colour32 classifier (penultimate Dense 64)"),
    "faces64": Domain(64, 3, "cartoon hair_color classifier (penultimate Dense 64)"),
    "pix2pix": Domain(64, 3, "pix2pix photo classifier (penultimate Dense 64)"),
}


class FeatureError(Exception):
    """The domain's real data is missing or unreadable (the message says what to run)."""


# ---------------------------------------------------------------- each domain's real data
def _digits(seed):
    from ..datasets import mnist
    if mnist.keras_cache_file().is_file():
        x, y = mnist.load_mnist(None)
        return x[:LIMIT], y[:LIMIT], "MNIST (first %d)" % min(LIMIT, len(x))
    x, y = mnist.load_digits28()
    return x, y, "UCI digits (scikit-learn, 28x28)"


def _colour32(seed):
    from ..datasets import cifar10
    if (cifar10.keras_cache_dir() / cifar10.FOLDER).is_dir():
        x, y = cifar10.load_cifar10(None)
        return x[:LIMIT], y[:LIMIT], "CIFAR-10 (first %d)" % min(LIMIT, len(x))
    try:
        x, y = cifar10.load_emoji10(seed)
    except FileNotFoundError as error:
        raise FeatureError("colour32: no CIFAR-10 in Keras's cache and no emoji font (%s)" % error)
    return x, y, "emoji classes (embedded, 10 x %d)" % (len(x) // 10)


def _faces64(seed):
    """The recorded set, else the synthetic set of SEED: the default size, then the largest drawn."""
    from ..pipelines.cartoon import attributes, data, fetch, sets
    sizes = [p.name.rsplit("-n", 1)[-1] for p in fetch.cartoon_dir().glob("synthetic-s%d-n*" % seed)]
    tries = [("", sets.SYNTHETIC_N)] + [(sets.SYNTHETIC, n) for n in
                                        [sets.SYNTHETIC_N] + sorted((int(s) for s in sizes if s.isdigit()), reverse=True)]
    for spec, n in tries:
        try:
            images, table, _, cache, _ = data.load_set(spec, seed, n)
            break
        except (ValueError, data.DataError) as error:
            problem = error
    else:
        raise FeatureError("faces64: %s" % problem)
    labels = table[:, attributes.NAMES.index(CARTOON_LABEL)].astype(np.int64)
    known = labels != attributes.MISSING
    return images[known], labels[known], "cartoon set %s (%s)" % (cache, CARTOON_LABEL)


def _pix2pix(seed):
    from ..pipelines.pix2pix import data
    folder = data.default_train_dir()
    if not folder.is_dir():
        raise FeatureError("pix2pix: %s does not exist: make pix2pix-preprocess first" % folder)
    photos = [p for p in data.load_pairs(folder)[1] if p is not None]
    if len(photos) < 2:
        raise FeatureError("pix2pix: %s holds fewer than 2 image|edges pairs" % folder)
    rng = seeds.stream(seed, "features")
    xs, ys = [], []
    for label, photo in enumerate(photos):
        for _ in range(AUGMENT):
            xs.append(augment(photo, DOMAINS["pix2pix"].side, rng))
            ys.append(label)
    return np.stack(xs), np.array(ys, np.int64), "%d pix2pix photos of %s, %d crops each" % (
        len(photos), folder, AUGMENT)


def augment(photo, side, rng):
    """A random crop (80..100% of the side), maybe mirrored, resized to side x side."""
    from PIL import Image
    h = photo.shape[0]
    crop = int(rng.randint(int(0.8 * h), h + 1))
    top, left = rng.randint(0, h - crop + 1, size=2)
    image = Image.fromarray(photo[top:top + crop, left:left + crop]).resize((side, side), Image.BICUBIC)
    array = np.asarray(image, np.uint8)
    return array[:, ::-1] if rng.rand() < 0.5 else array


REAL_DATA = {"digits": _digits, "colour32": _colour32, "faces64": _faces64, "pix2pix": _pix2pix}


# ---------------------------------------------------------------- the networks
def build(domain, classes):
    """An uncompiled classifier for `domain`; its FEATURE_LAYER output is the feature vector."""
    if domain == "digits":
        from ..datasets import digit_classifier
        return digit_classifier.build(DOMAINS[domain].side)
    from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from keras.models import Sequential
    d = DOMAINS[domain]
    model = Sequential(name="%s_features" % domain)
    model.add(Conv2D(16, 3, activation="relu", padding="same", input_shape=(d.side, d.side, d.channels)))
    model.add(MaxPooling2D(2))
    for _ in range(2 if d.side <= 32 else 3):
        model.add(Conv2D(32, 3, activation="relu", padding="same"))
        model.add(MaxPooling2D(2))
    model.add(Flatten())
    model.add(Dense(64, activation="relu"))
    model.add(Dense(classes, activation="softmax"))
    return model


def to_input(images, domain):
    """uint8 images of the domain's shape -> float32 in [-1, 1] with a channel axis."""
    x = np.asarray(images, np.float32)
    if x.ndim == 3:
        x = x[..., None]
    return (x - 127.5) / 127.5


def fingerprint(domain, x, y):
    """sha256 of the data's bytes, the domain and the code that builds and trains the network."""
    digest = hashlib.sha256(domain.encode())
    digest.update(np.ascontiguousarray(x, np.uint8).tobytes())
    digest.update(np.ascontiguousarray(y, np.int64).tobytes())
    digest.update(inspect.getsource(build).encode())
    digest.update(inspect.getsource(train).encode())
    if domain == "digits":
        from ..datasets import digit_classifier
        digest.update(inspect.getsource(digit_classifier.build).encode())
    return digest.hexdigest()


def network_path(domain, key, data_dir=None):
    return Path(data_dir or paths.data_dir()) / paths.MODELS / ("features-%s-%s.h5" % (domain, key[:16]))


class Isolated(object):
    """A TensorFlow graph and session of their own (Keras 2.1.2 uses the default session), so a
    feature network never touches the models the caller builds in Keras's global session; and
    numpy's global RNG, which Keras 2.1.2 draws its initialisers' seeds from, set from the
    "features" stream inside and restored on exit, so the caller's draws are not shifted."""

    def __init__(self, seed):
        import tensorflow as tf
        from ..kit import determinism
        from ..compat import order_updates_after_reads
        order_updates_after_reads()
        self.graph = tf.Graph()
        self.graph.seed = seed
        config = tf.ConfigProto(intra_op_parallelism_threads=determinism.configured_threads(),
                                inter_op_parallelism_threads=determinism.inter_op_threads())
        self.session = tf.Session(graph=self.graph, config=config)
        self.seed = seed

    def __enter__(self):
        self._numpy = np.random.get_state()
        np.random.set_state(seeds.stream(self.seed, "features").get_state())
        self._graph = self.graph.as_default()
        self._session = self.session.as_default()
        self._graph.__enter__()
        self._session.__enter__()
        return self

    def __exit__(self, *exc):
        self._session.__exit__(*exc)
        self._graph.__exit__(*exc)
        np.random.set_state(self._numpy)


def train(domain, x, y, seed, path, source, log=print):
    """Train the domain's classifier on (x, y) with a held-out share, save it and its .json."""
    from keras.utils import to_categorical
    from ..kit import determinism
    determinism.untimed_hdf5()      # equal weights, equal bytes
    classes = int(y.max()) + 1
    order = seeds.stream(seed, "features").permutation(len(x))
    n_valid = max(1, int(round(len(x) * VALID_SHARE)))
    valid, fit = order[:n_valid], order[n_valid:]
    epochs = int(max(1, min(30, round(float(SEEN) / len(fit)))))
    log("features: training the %s network on %d images of %s (%d epochs), %d held out -> %s"
        % (domain, len(fit), source, epochs, n_valid, path))
    xs, ys = to_input(x, domain), to_categorical(y, classes)
    with Isolated(seed):
        model = build(domain, classes)
        model.compile(loss="categorical_crossentropy", optimizer="adam")
        model.fit(xs[fit], ys[fit], batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
        accuracy = float(np.mean(model.predict(xs[valid], batch_size=256).argmax(1) == y[valid]))
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, ".h5") as tmp:
            model.save(str(tmp))
    info = {"domain": domain, "network": DOMAINS[domain].network, "source": source,
            "images": int(len(x)), "held_out": int(n_valid), "held_out_accuracy": accuracy,
            "classes": classes, "epochs": epochs, "seed": int(seed), "file": str(path)}
    write_json(path.with_suffix(".json"), info)
    log("features: %s network held-out accuracy %.3f" % (domain, accuracy))
    return info


# The SEED of the network a run's scored steps use, whatever the run's own SEED: the network is the
# measuring instrument, so runs of one domain and data (a sweep's seeds) are scored by the same one.
NETWORK_SEED = 0


def ensure(domain, seed=0, data_dir=None, log=print):
    """The cached feature network of `domain` (trained now if missing) -> FeatureNet."""
    if domain not in DOMAINS:
        raise FeatureError("unknown DOMAIN %r: one of %s" % (domain, ", ".join(DOMAINS)))
    x, y, source = REAL_DATA[domain](seed)
    path = network_path(domain, fingerprint(domain, x, y), data_dir)
    if not (path.is_file() and path.with_suffix(".json").is_file()):
        train(domain, x, y, seed, path, source, log)
    return FeatureNet(domain, path, seed)


class FeatureNet(object):
    """images (uint8, the domain's shape) -> features (n, 64), in its own graph and session."""

    def __init__(self, domain, path, seed=0):
        from keras.models import Model, load_model
        self.domain, self.path = domain, Path(path)
        self.info = json.loads(self.path.with_suffix(".json").read_text())
        self.name = self.info["network"]
        self.accuracy = self.info["held_out_accuracy"]
        self.isolated = Isolated(seed)
        with self.isolated:
            model = load_model(str(self.path))
            self.model = Model(model.inputs, model.layers[FEATURE_LAYER].output)

    def __call__(self, images):
        with self.isolated:
            return self.model.predict(to_input(images, self.domain), batch_size=256).astype(np.float64)

    def describe(self):
        return {"name": self.name, "held_out_accuracy": self.accuracy, "source": self.info["source"],
                "file": str(self.path)}
