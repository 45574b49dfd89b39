"""cartoon: the full-size DCGAN's parameter counts, the CSV format, binary labels and the
attribute vector from CSV labels, the synthetic set's files."""
import numpy as np
import pytest

from cartoon_fixtures import write_pairs
from kerasgan.pipelines.cartoon import arithmetic, attributes, data, models, synthetic


def test_full_size_dcgan_shapes_and_parameter_counts():
    from kerasgan.kit import determinism
    determinism.seed_everything(0)
    g, d, e = models.build_generator(), models.build_discriminator(), models.build_encoder()
    assert g.layers[1].output_shape == (None, 4, 4, 512)           # z 100 -> 4x4x512
    assert g.output_shape == (None, 64, 64, 3) and d.output_shape == (None, 1)
    assert e.output_shape == (None, models.LATENT_DIM)
    assert (g.count_params(), d.count_params(), e.count_params()) == (
        models.GENERATOR_PARAMS, models.DISCRIMINATOR_PARAMS, models.ENCODER_PARAMS)
    assert g.count_params() == 5128643 and d.count_params() == 4317441


def test_csv_round_trip_and_refusals():
    text = '"face_shape", 4, 7\n"glasses", 11, 12\n"hair_color", 3, 10\n'
    values = attributes.parse(text)
    assert values == {"face_shape": 4, "glasses": 11, "hair_color": 3}
    assert attributes.format_csv(values) == text
    for bad, reason in (('"glasses", 12, 12\n', "12 of 12"), ('"wings", 1, 2\n', "unknown attribute"),
                        ('"glasses", x, 12\n', "integers"), ('"glasses", 1\n', "2 fields"), ("", "no attributes")):
        with pytest.raises(attributes.AttributeError_, match=reason):
            attributes.parse(bad)


def test_binary_labels_and_attribute_vector_from_csv_labels():
    rows = [{"glasses": 11, "hair_color": 3}, {"glasses": 0, "hair_color": 3}, {"glasses": 5, "hair_color": 1},
            {"hair_color": 3}]
    table = np.stack([attributes.to_row(r) for r in rows])
    present, known = attributes.binary_labels(table, "glasses")
    assert present.tolist() == [False, True, True, False] and known.tolist() == [True, True, True, False]
    assert attributes.binary_labels(table, "hair_color=3")[0].tolist() == [True, True, False, True]
    with pytest.raises(ValueError, match="no 'none' variant"):
        attributes.parse_binary("hair_color")
    latents = np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 2.0], [100.0, 100.0]])
    # with glasses: rows 1, 2 (mean [3, 1]); without: row 0 only (row 3 does not list glasses)
    assert arithmetic.attribute_vector(latents, present, known).tolist() == [3.0, 1.0]


def test_synthetic_set_layout_and_determinism(tmp_path):
    a = synthetic.write_set(tmp_path / "a", 6, seed=3, log=lambda *x: None)
    b = synthetic.write_set(tmp_path / "b", 6, seed=3, log=lambda *x: None)
    pngs = sorted(a.glob("cs*.png"))
    assert len(pngs) == 6 and len(list(a.glob("cs*.csv"))) == 6
    from PIL import Image
    with Image.open(str(pngs[0])) as image:
        assert image.size == (500, 500) and image.mode == "RGBA"
    for p in pngs:
        assert p.read_bytes() == (b / p.name).read_bytes()
        values = attributes.parse(p.with_suffix(".csv").read_text())
        assert set(values) == set(synthetic.DRAWN)
    pairs, broken = data.list_pairs(a)
    assert len(pairs) == 6 and broken == []


def test_list_pairs_names_the_broken_ones(tmp_path):
    names = write_pairs(tmp_path, 3, side=50)
    (tmp_path / (names[0] + ".csv")).unlink()
    (tmp_path / "cs42.csv").write_text('"glasses", 1, 12\n')
    pairs, broken = data.list_pairs(tmp_path)
    assert [p[0] for p in pairs] == sorted(names[1:])
    assert sorted(broken) == sorted([("cs42", "csv without png"), (names[0], "png without csv")])


def test_projection_recovers_the_latent_of_a_linear_generator():
    """G(z) = W z (a linear Keras model, W of full rank): the pixel error has one minimum, z itself;
    projection started from 0 must find it, and must leave an exact start where it is."""
    from keras.layers import Dense, Reshape
    from keras.models import Sequential
    from kerasgan.kit import determinism
    from kerasgan.pipelines.cartoon import project
    determinism.seed_everything(0)
    rng = np.random.RandomState(0)
    g = Sequential([Dense(2 * 2 * 3, use_bias=False, input_shape=(4,)), Reshape((2, 2, 3))])
    w = rng.normal(size=(4, 12)).astype(np.float32)
    g.layers[0].set_weights([w])
    z = rng.normal(size=(5, 4)).astype(np.float32)
    x = (z @ w).reshape((5, 2, 2, 3))
    found, before, after = project.project(g, x, np.zeros_like(z), steps=600, lr=0.05, batch=3)
    assert np.abs(found - z).max() < 1e-2
    assert np.all(after < 1e-4) and np.all(before > 0.1)
    again, before, _ = project.project(g, x, z, steps=5, lr=1e-6)
    assert np.abs(again - z).max() < 1e-4 and before.max() < 1e-10


class Recorder(object):
    """A stand-in classifier: keeps what each fit saw, calls every image 'with'."""

    def __init__(self):
        self.seen = []

    def compile(self, **kwargs):
        pass

    def fit(self, x, y, **kwargs):
        self.seen.append((x.copy(), y.copy(), kwargs["class_weight"]))

    def predict(self, x, **kwargs):
        return np.ones((len(x), 1))


def test_the_judge_trains_on_noisy_copies_of_the_images(monkeypatch):
    """Each of EPOCHS epochs sees the training images (the judge stream's split: 4 of 40 held
    out) plus fresh N(0, NOISE) pixel noise, the classes balanced; another recipe is another file."""
    from kerasgan.kit import seeds
    from kerasgan.pipelines.cartoon import classifier
    recorder = Recorder()
    monkeypatch.setattr(models, "build_classifier", lambda: recorder)
    images = np.random.RandomState(1).randint(0, 256, size=(40, 16, 16, 3)).astype(np.uint8)
    labels = np.arange(40) % 4 == 0              # a quarter with the attribute
    _, info = classifier._fit(images, labels, "glasses", 0, "judge.h5")(seeds.stream(0, "judge"))
    order = seeds.stream(0, "judge").permutation(40)
    held, fit = order[:4], order[4:]
    # the stand-in calls every image "with": its accuracy is the held-out share with it
    assert info["held_out"] == 4 and info["held_out_accuracy"] == labels[held].mean()
    assert len(recorder.seen) == classifier.EPOCHS == info["epochs"] and info["noise"] == classifier.NOISE
    clean, share = data.to_model(images)[fit], labels[fit].mean()
    noises = []
    for x, y, weights in recorder.seen:
        assert y.tolist() == labels[fit].astype(np.float32).tolist()
        assert weights == {0: pytest.approx(0.5 / (1 - share)), 1: pytest.approx(0.5 / share)}
        noises.append(x - clean)
        assert abs(noises[-1].std() / classifier.NOISE - 1) < 0.02 and abs(noises[-1].mean()) < 0.005
    assert not np.allclose(noises[0], noises[1])
    path = classifier.classifier_path(images, labels, "glasses", "/d")
    monkeypatch.setattr(classifier, "RECIPE", "epochs=1 noise=0")
    assert classifier.classifier_path(images, labels, "glasses", "/d") != path
