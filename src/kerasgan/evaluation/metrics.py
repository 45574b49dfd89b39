"""The published sample-quality metrics, computed from two feature arrays (rows = images).

    FID       Heusel et al. 2017: the Frechet distance between Gaussians fitted to the two sets,
              |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)), with scipy's sqrtm and the
              original code's fallback (add eps to both diagonals when the product is singular).
    KID       Bińkowski et al. 2018: the unbiased MMD^2 with the cubic polynomial kernel
              k(x, y) = (x.y / d + 1)^3, averaged over random subsets (mean and std).
    PRDC      Naeem et al. 2020: precision, recall, density and coverage with k nearest
              neighbours (the authors' `prdc` package).
    paired    L1, PSNR and SSIM of outputs against their targets (pix2pix), via TensorFlow's
              tf.image.psnr / tf.image.ssim.

Numpy and scipy only (plus prdc and TensorFlow where named); no randomness except the KID subsets,
which come from a RandomState the caller passes.
"""
import contextlib
import io

import numpy as np

FID_EPS = 1e-6          # the fallback's diagonal offset (the original FID code's default)
KID_SUBSETS = 100       # the KID paper's code: 100 subsets of 1000
KID_SUBSET_SIZE = 1000
NEAREST_K = 5           # Naeem et al.'s recommended k
COLUMNS = ["fid", "kid_mean", "kid_std", "precision", "recall", "density", "coverage"]


def gaussian(features):
    """Mean and (unbiased, rows = samples) covariance of a feature array."""
    f = np.asarray(features, np.float64)
    if f.ndim != 2 or len(f) < 2:
        raise ValueError("need at least 2 feature rows, got shape %s" % (f.shape,))
    return f.mean(0), np.cov(f, rowvar=False)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps=FID_EPS):
    """The Frechet distance between N(mu1, sigma1) and N(mu2, sigma2)."""
    from scipy import linalg
    mu1, mu2 = np.atleast_1d(mu1).astype(np.float64), np.atleast_1d(mu2).astype(np.float64)
    sigma1, sigma2 = np.atleast_2d(sigma1).astype(np.float64), np.atleast_2d(sigma2).astype(np.float64)
    if mu1.shape != mu2.shape or sigma1.shape != sigma2.shape:
        raise ValueError("the two Gaussians have different dimensions")
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        # a singular product (fewer samples than dimensions): regularise, as the original does
        offset = np.eye(len(sigma1)) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("sqrtm gave a large imaginary component (%g)"
                             % np.max(np.abs(covmean.imag)))
        covmean = covmean.real
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def fid(a, b):
    """FID of two feature arrays."""
    return frechet_distance(*(gaussian(a) + gaussian(b)))


def polynomial_kernel(x, y):
    """KID's kernel (x.y / d + 1)^3 for every pair of rows."""
    return (np.dot(x, y.T) / x.shape[1] + 1.0) ** 3


def mmd2_unbiased(x, y):
    """The unbiased estimate of MMD^2 between two samples with the cubic kernel."""
    m, n = len(x), len(y)
    kxx, kyy, kxy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    within_x = (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
    within_y = (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
    return float(within_x + within_y - 2.0 * kxy.mean())


def kid(a, b, rng, subsets=KID_SUBSETS, subset_size=KID_SUBSET_SIZE):
    """(mean, std) of the unbiased MMD^2 over `subsets` random subsets of each set (drawn without
    replacement, of min(subset_size, n_a, n_b) rows)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    size = min(subset_size, len(a), len(b))
    if size < 2:
        raise ValueError("KID needs at least 2 rows in each set")
    values = [mmd2_unbiased(a[rng.choice(len(a), size, replace=False)],
                            b[rng.choice(len(b), size, replace=False)])
              for _ in range(subsets)]
    return float(np.mean(values)), float(np.std(values))


def prdc(real, fake, nearest_k=NEAREST_K):
    """Precision, recall, density and coverage of `fake` against `real` (Naeem et al. 2020)."""
    from prdc import compute_prdc
    real, fake = np.asarray(real, np.float32), np.asarray(fake, np.float32)
    if min(len(real), len(fake)) < nearest_k + 2:     # its k-th neighbour search needs k + 2
        raise ValueError("PRDC with k=%d needs at least %d rows in each set" % (nearest_k, nearest_k + 2))
    with contextlib.redirect_stdout(io.StringIO()):    # compute_prdc prints the set sizes
        values = compute_prdc(real_features=real, fake_features=fake, nearest_k=nearest_k)
    return {name: float(values[name]) for name in ("precision", "recall", "density", "coverage")}


def all_figures(real, fake, rng, nearest_k=NEAREST_K, subsets=KID_SUBSETS):
    """Every figure of COLUMNS for generated features `fake` against real features `real`."""
    figures = {"fid": fid(fake, real)}
    figures["kid_mean"], figures["kid_std"] = kid(fake, real, rng, subsets=subsets)
    figures.update(prdc(real, fake, nearest_k))
    return figures
