"""Latent optimisation ("projection"): z* = argmin_z mean (G(z) - x)^2, started from E(x).

What StyleGAN-era tools add to an encoder (Abdal et al. 2019, Karras et al. 2020 project
real images this way): the encoder gives a latent near the image's, a few hundred Adam steps on
the pixel error bring G(z) closer to x. G stays frozen and in inference mode; only z moves.
There is no random draw (no noise in the loss), so the same G, images and start give the same
latents. Used by cartoon-arithmetic INVERSION=projection (docs/cartoon-arithmetic.md).
"""
import numpy as np

STEPS = 200
LR = 0.05            # Adam's step on z (latents are N(0, 1): |z| ~ 10)
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-8
BATCH = 256


def pixel_gradient(generator):
    """-> f(z, x) = (per-image mean squared error, its gradient with respect to z)."""
    import keras.backend as K
    z = K.placeholder((None,) + tuple(generator.input_shape[1:]))
    target = K.placeholder((None,) + tuple(generator.output_shape[1:]))
    each = K.mean(K.square(generator(z) - target), axis=[1, 2, 3])
    grad = K.gradients(K.sum(each), [z])[0]
    f = K.function([z, target, K.learning_phase()], [each, grad])
    return lambda zs, xs: f([zs, xs, 0])


def project(generator, images, start, steps=STEPS, lr=LR, batch=BATCH, log=None):
    """images (n, 64, 64, 3) in [-1, 1], start (n, d) -> (latents (n, d), error before, after)."""
    f = pixel_gradient(generator)
    z = np.array(start, np.float64)
    first = np.zeros(len(z))
    last = np.zeros(len(z))
    for lo in range(0, len(z), batch):
        part, target = z[lo:lo + batch], images[lo:lo + batch]
        m, v = np.zeros_like(part), np.zeros_like(part)
        for step in range(1, steps + 1):
            error, grad = f(part.astype(np.float32), target)
            if step == 1:
                first[lo:lo + batch] = error
            m = BETA_1 * m + (1 - BETA_1) * grad
            v = BETA_2 * v + (1 - BETA_2) * grad * grad
            part -= lr * (m / (1 - BETA_1 ** step)) / (np.sqrt(v / (1 - BETA_2 ** step)) + EPSILON)
        last[lo:lo + batch] = f(part.astype(np.float32), target)[0]
        z[lo:lo + batch] = part
        if log:
            log("cartoon projection: %d/%d images, %d steps: pixel MSE %.4f -> %.4f"
                % (min(lo + batch, len(z)), len(z), steps, first[:lo + batch].mean(), last[:lo + batch].mean()))
    return z.astype(np.float32), first, last
