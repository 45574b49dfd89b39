"""Figures of paired outputs against their targets (pix2pix: each edge map has its photo).

    l1     mean absolute difference of pixel values scaled to [0, 1] (pix2pix's L1 term, up to scale)
    psnr   peak signal-to-noise ratio in dB (tf.image.psnr, max 255), mean over images
    ssim   structural similarity (tf.image.ssim: 11x11 Gaussian window, sigma 1.5, k1 0.01,
           k2 0.03, as Wang et al. 2004), mean over images

TensorFlow runs in a graph and session of its own, so a Keras model in the process is untouched.
"""
import numpy as np

COLUMNS = ["l1", "psnr", "ssim"]
SSIM_MIN_SIDE = 11      # tf.image.ssim's filter size


def _check(outputs, targets):
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    if outputs.shape != targets.shape:
        raise ValueError("outputs %s and targets %s differ in shape" % (outputs.shape, targets.shape))
    if outputs.ndim != 4 or outputs.dtype != np.uint8:
        raise ValueError("expected uint8 arrays (n, h, w, c), got %s %s" % (outputs.dtype, outputs.shape))
    if min(outputs.shape[1:3]) < SSIM_MIN_SIDE:
        raise ValueError("SSIM needs images of at least %d px" % SSIM_MIN_SIDE)
    return outputs, targets


_GRAPHS = {}             # shape -> (session, a, b, psnr, ssim): built once (a grid epoch scores often)


def _graph(shape):
    import tensorflow as tf
    if shape not in _GRAPHS:
        graph = tf.Graph()
        with graph.as_default():
            a = tf.placeholder(tf.uint8, shape)
            b = tf.placeholder(tf.uint8, shape)
            ops = (tf.image.psnr(a, b, max_val=255), tf.image.ssim(a, b, max_val=255))
        from ..kit import determinism
        config = tf.ConfigProto(intra_op_parallelism_threads=determinism.configured_threads(),
                                inter_op_parallelism_threads=determinism.inter_op_threads())
        _GRAPHS[shape] = (tf.Session(graph=graph, config=config), a, b) + ops
    return _GRAPHS[shape]


def figures(outputs, targets):
    """uint8 (n, h, w, c) outputs and targets -> {l1, psnr, ssim}."""
    outputs, targets = _check(outputs, targets)
    l1 = float(np.mean(np.abs(outputs.astype(np.float64) - targets.astype(np.float64))) / 255.0)
    session, a, b, psnr, ssim = _graph(outputs.shape)
    p, s = session.run([psnr, ssim], {a: outputs, b: targets})
    return {"l1": l1, "psnr": float(np.mean(p)), "ssim": float(np.mean(s))}
