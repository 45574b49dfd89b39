"""Known answers of the published metrics (kerasgan.evaluation.metrics / paired)."""
import math

import numpy as np
import pytest

from kerasgan.evaluation import metrics, paired


def test_frechet_distance_of_two_gaussians_equals_the_closed_form():
    # For 2x2 M with positive eigenvalues l1, l2: Tr sqrt(M) = sqrt(tr M + 2 sqrt(det M)).
    # A B = [[6, 1], [3, 2]]: trace 8, det 9 -> Tr sqrt(A B) = sqrt(14); Tr A + Tr B = 8.
    mu1, mu2 = np.array([1.0, 2.0]), np.array([4.0, -2.0])       # |mu1 - mu2|^2 = 25
    a = np.array([[2.0, 1.0], [1.0, 2.0]])
    b = np.array([[3.0, 0.0], [0.0, 1.0]])
    assert metrics.frechet_distance(mu1, a, mu2, b) == pytest.approx(25 + 8 - 2 * math.sqrt(14), abs=1e-9)


def test_frechet_distance_of_diagonal_gaussians():
    # diag(1, 4) and diag(9, 16): sqrt of the product is diag(3, 8) -> 1 + 4 + 9 + 16 - 2 * 11 = 8
    d = metrics.frechet_distance(np.zeros(2), np.diag([1.0, 4.0]), np.zeros(2), np.diag([9.0, 16.0]))
    assert d == pytest.approx(8.0, abs=1e-9)


def test_singular_product_falls_back_to_the_eps_offset(monkeypatch):
    # Where sqrtm fails (non-finite), both covariances get eps on the diagonal, as the original code.
    from scipy import linalg
    real_sqrtm, calls = linalg.sqrtm, []

    def failing_once(matrix, disp=True):
        calls.append(matrix)
        if len(calls) == 1:
            return np.full_like(matrix, np.nan), np.inf
        return real_sqrtm(matrix, disp=disp)

    monkeypatch.setattr(linalg, "sqrtm", failing_once)
    eps = 0.25
    d = metrics.frechet_distance(np.zeros(2), np.diag([1.0, 4.0]), np.zeros(2), np.diag([9.0, 16.0]), eps=eps)
    # sqrt((1.25)(9.25)) + sqrt((4.25)(16.25)) replaces 3 + 8
    expected = 30 - 2 * (math.sqrt(1.25 * 9.25) + math.sqrt(4.25 * 16.25))
    assert len(calls) == 2 and d == pytest.approx(expected, abs=1e-9)


def test_fid_of_a_set_against_itself_is_zero_and_a_shift_adds_its_square():
    rng = np.random.RandomState(0)
    a = rng.randn(200, 8)
    assert metrics.fid(a, a) == pytest.approx(0.0, abs=1e-6)
    shift = np.arange(8.0)                          # covariances equal: FID = |shift|^2 = 140
    assert metrics.fid(a, a + shift) == pytest.approx(140.0, abs=1e-6)


def test_mmd2_unbiased_by_hand():
    # d = 1, k(x, y) = (x y + 1)^3. x = {0, 1}, y = {0, 2}:
    # within x: 2 k(0,1) / 2 = 1; within y: 2 k(0,2) / 2 = 1; across: (1 + 1 + 1 + 27) / 4 = 7.5
    x, y = np.array([[0.0], [1.0]]), np.array([[0.0], [2.0]])
    assert metrics.mmd2_unbiased(x, y) == pytest.approx(1 + 1 - 2 * 7.5)
    # a set against itself: within 1 + 1, across (1 + 1 + 1 + 8) / 4 -> -3.5 (unbiased: not 0)
    assert metrics.mmd2_unbiased(x, x) == pytest.approx(-3.5)


def test_kid_with_whole_set_subsets_is_the_mmd_with_zero_spread():
    x, y = np.array([[0.0], [1.0]]), np.array([[0.0], [2.0]])
    mean, std = metrics.kid(x, y, np.random.RandomState(0), subsets=5)
    assert (mean, std) == (pytest.approx(-13.0), pytest.approx(0.0))


def test_prdc_on_points_worked_out_by_hand():
    # real {0, 1, 2, 3, 10}, k = 2: radii (2nd neighbour) 2, 1, 1, 2, 8
    # fake {0.5, 5.5, 20, 30}: radii 19.5, 14.5, 14.5, 24.5
    real = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    fake = np.array([[0.5], [5.5], [20.0], [30.0]])
    figures = metrics.prdc(real, fake, nearest_k=2)
    assert figures == {
        "precision": pytest.approx(0.5),     # 0.5 (in 0's and 1's balls), 5.5 (in 10's); not 20, 30
        "recall": pytest.approx(1.0),        # every real point within 19.5 of 0.5
        "density": pytest.approx(0.375),     # (2 + 1 + 0 + 0) balls / 4 fakes / k
        "coverage": pytest.approx(0.6),      # 0, 1, 10 have a fake inside their ball; 2, 3 not
    }


def test_prdc_names_too_small_sets():
    with pytest.raises(ValueError, match="k=5"):
        metrics.prdc(np.zeros((6, 2)), np.zeros((9, 2)))


def test_paired_figures_of_a_constant_offset():
    target = np.full((2, 16, 16, 3), 100, np.uint8)
    output = np.full((2, 16, 16, 3), 110, np.uint8)
    figures = paired.figures(output, target)
    c1 = (0.01 * 255) ** 2      # flat images: SSIM is the luminance term (2ab + C1) / (a^2 + b^2 + C1)
    assert figures["l1"] == pytest.approx(10 / 255)
    assert figures["psnr"] == pytest.approx(20 * math.log10(255 / 10), abs=1e-3)
    # abs 5e-4: TensorFlow forms the variances as E[x^2] - E[x]^2 in float32
    assert figures["ssim"] == pytest.approx((2 * 100 * 110 + c1) / (100 ** 2 + 110 ** 2 + c1), abs=5e-4)
    assert paired.figures(target, target)["ssim"] == pytest.approx(1.0, abs=1e-6)


def test_paired_figures_refuse_mismatched_shapes():
    with pytest.raises(ValueError, match="differ in shape"):
        paired.figures(np.zeros((1, 16, 16, 3), np.uint8), np.zeros((1, 16, 17, 3), np.uint8))
