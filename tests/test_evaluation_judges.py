"""Known answers of the judges' figures: the digit classifier's class figures (keras-dcgan's history)
and the cartoon arithmetic's flip counts, on hand-made verdicts whose answers are worked out below."""
import math

import numpy as np
import pytest

from kerasgan.datasets import digit_classifier
from kerasgan.pipelines.cartoon import arithmetic


def probabilities(rows):
    """[(class, its probability)] -> (n, 10), the rest spread evenly over the other nine classes."""
    p = np.zeros((len(rows), 10))
    for i, (label, top) in enumerate(rows):
        p[i] = (1.0 - top) / 9
        p[i, label] = top
    return p


def test_class_figures_of_four_hand_made_verdicts():
    # classes 3, 3, 7, 1: shares 1/2, 1/4, 1/4 -> KL = 1/2 ln 5 + 2 (1/4 ln 2.5) = 1/2 ln 12.5;
    # confident (top >= 0.9): the 0.95 and the 0.9 of four
    figures = digit_classifier.figures(probabilities([(3, 0.95), (3, 0.5), (7, 0.9), (1, 0.6)]))
    assert figures["classes_covered"] == 3
    assert figures["kl_uniform"] == pytest.approx(0.5 * math.log(12.5))
    assert figures["confident"] == 0.5


def test_class_figures_of_every_class_once_and_of_a_collapse():
    every = digit_classifier.figures(probabilities([(c, 0.99) for c in range(10)]))
    assert every == {"classes_covered": 10, "kl_uniform": pytest.approx(0.0, abs=1e-12), "confident": 1.0}
    collapse = digit_classifier.figures(probabilities([(4, 0.8)] * 6))
    assert collapse == {"classes_covered": 1, "kl_uniform": pytest.approx(math.log(10)), "confident": 0.0}


class Identity(object):
    """G: a latent (n, 1) is drawn as a one-pixel image of that value."""

    def predict(self, z, batch_size=None):
        return np.asarray(z, np.float64).reshape(-1, 1, 1, 1)


class Positive(object):
    """The attribute classifier: 'has it' where the pixel is > 0."""

    def predict(self, images, batch_size=None):
        return (np.asarray(images).reshape(len(images), -1)[:, :1] > 0).astype(np.float32)


def test_flips_of_a_hand_made_generator_and_classifier():
    z = {"without": np.array([[-3.0], [-1.0], [-0.2], [0.5]]),   # G(z) says: no, no, no, yes
         "with": np.array([[2.5], [0.7], [0.3], [-0.4]])}         # yes, yes, yes, no
    x = np.zeros((8, 1, 1, 1))
    chosen = {"without": np.arange(4), "with": np.arange(4, 8)}
    judge = arithmetic.Judge(Positive(), Identity(), z, np.array([1.0]), x, chosen)
    # + v: -2, 0, 0.8 (flipped), 1.5 of the three eligible; - v: 1.5, -0.3 (flipped), -0.7 (flipped)
    assert judge.flips(1.0) == {"added": {"flipped": 1, "of": 3}, "removed": {"flipped": 2, "of": 3}}
    # +2v: -1, 1 (flipped), 1.8 (flipped); -2v: 0.5, -1.3 (flipped), -1.7 (flipped)
    assert judge.flips(2.0) == {"added": {"flipped": 2, "of": 3}, "removed": {"flipped": 2, "of": 3}}
    figures = judge.figures(1.0)
    assert figures["reconstructions_keep_label"] == 0.75        # 6 of 8 agree with their group
    assert figures["reconstruction_l1"] == pytest.approx(8.6 / 8)   # mean |z| (x = 0)
    assert figures["by_scale"]["2"] == judge.flips(2.0)
