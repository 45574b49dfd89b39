"""A small Keras digit classifier, and the mode-collapse figures it gives for generated digits.

No Inception weights exist offline (docs/originals.md#datasets-and-weights-offline), so quality is judged by a network trained
here, once per dataset: DATA_DIR/models/digit-classifier-<sha256 of images+labels, 16 hex>.h5
(+ .json with its held-out accuracy). For N generated samples:

    classes_covered   how many of the 10 digits are the top class of at least one sample
    kl_uniform        KL(class histogram || uniform) in nats: 0 = every digit equally often,
                      log(10) = 2.30 = every sample the same digit (mode collapse)
    confident         share of samples whose top class has probability >= 0.9 (legible digits)

It is a judge (kit.judge): trained in its own seeded session from the "judge" stream, cleared
afterwards, so building the classifier never shifts the random numbers of a GAN built after it.
"""
import numpy as np

from ..kit import judge

CLASSES = 10
CONFIDENT = 0.9
COLUMNS = ["classes_covered", "kl_uniform", "confident"]
BATCH = 64


def data_key(x, y):
    return judge.key(np.asarray(x, np.uint8), np.asarray(y, np.int64))


def classifier_path(x, y, data_dir=None):
    return judge.cache_path("digit-classifier", data_key(x, y), data_dir)


def epochs_for(n):
    """About 20,000 images seen (MNIST: 1 epoch; the 1,797 digits: 12), at least 1."""
    return int(max(1, min(30, round(20000.0 / max(n, 1)))))


def build(side=28):
    from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
    from keras.models import Sequential
    model = Sequential(name="digit_classifier")
    model.add(Conv2D(16, (3, 3), activation="relu", input_shape=(side, side, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(32, (3, 3), activation="relu"))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    model.add(Dense(64, activation="relu"))
    model.add(Dense(CLASSES, activation="softmax"))
    return model


def to_input(x):
    """uint8 (n, 28, 28) -> float (n, 28, 28, 1) in [-1, 1], the GAN's pixel scale."""
    return (np.asarray(x, np.float32)[..., None] - 127.5) / 127.5


def ensure(x, y, seed=0, data_dir=None, log=print):
    """The cached classifier for (x, y), trained now if missing (kit.judge); -> its path."""
    path = classifier_path(x, y, data_dir)

    def fit(rng):
        from keras.utils import to_categorical
        valid, train = judge.split(rng, len(x))
        epochs = epochs_for(len(train))
        log("digit classifier: training on %d images (%d epochs), held out %d -> %s"
            % (len(train), epochs, len(valid), path))
        model = build()
        model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
        xs, ys = to_input(x), to_categorical(y, CLASSES)
        model.fit(xs[train], ys[train], batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
        accuracy = float(np.mean(model.predict(xs[valid]).argmax(1) == y[valid])) if len(valid) else None
        log("digit classifier: held-out accuracy %s" % ("%.3f" % accuracy if accuracy is not None else "n/a"))
        return model, {"images": int(len(x)), "train": int(len(train)), "held_out": int(len(valid)),
                       "epochs": epochs, "held_out_accuracy": accuracy, "data_sha256": data_key(x, y),
                       "seed": seed}
    return judge.ensure(path, seed, fit)



def figures(probabilities):
    """Class probabilities (n, 10) -> {classes_covered, kl_uniform, confident}."""
    p = np.asarray(probabilities, np.float64)
    top = p.argmax(1)
    counts = np.bincount(top, minlength=CLASSES).astype(np.float64)
    share = counts / counts.sum()
    nonzero = share > 0
    kl = float(np.sum(share[nonzero] * np.log(share[nonzero] * CLASSES)))
    return {"classes_covered": int(nonzero.sum()), "kl_uniform": kl,
            "confident": float(np.mean(p.max(1) >= CONFIDENT))}


def histogram(probabilities):
    return np.bincount(np.asarray(probabilities).argmax(1), minlength=CLASSES).tolist()
