"""One SEED for every random source, and a TensorFlow session that computes the same bytes twice.

On CPU, TF 1.14 is reproducible when (a) Python's `random`, numpy and the graph-level TF seed are
set before any op is built, and (b) the intra-op pool (the threads one op splits its work over) is
fixed: Keras 2.1.2 creates its default session without these settings, so we install our own.
The inter-op pool (how many independent ops run at once) does not change any value: each op
computes the same bytes whichever thread runs it, and compat.order_updates_after_reads makes
every weight update wait until the step has read all weights. So it gets every usable core. PYTHONHASHSEED must be set before the
interpreter starts (the Makefile exports it; `python -m kerasgan` re-executes itself with it).

TF1's stateful random ops (K.random_normal, dropout) restart their sequence in every new session:
code that must survive a resume feeds its noise from a checkpointed numpy RNG instead
(see `rng_from_state`).
"""
import os
import random

import numpy as np

# One intra-op thread per default: the same bytes on every machine, whatever its core count.
DEFAULT_THREADS = 1


def seed_everything(seed, threads=None, deterministic_gpu=False):
    """Seed random, numpy and TF, and install a Keras session with fixed thread pools.

    Call before any Keras layer is built. Returns a numpy Generator-like RandomState seeded with
    `seed` for code that wants its own stream. `threads` fixes TF's intra-op pool
    (default DEFAULT_THREADS, or $KERASGAN_THREADS).
    """
    import tensorflow as tf
    import keras.backend as K
    from ..compat import order_updates_after_reads

    order_updates_after_reads()  # without it, one seed still gives slightly different weights
    untimed_hdf5()  # without it, two identical models saved a second apart differ in bytes
    tf.logging.set_verbosity(tf.logging.ERROR)  # TF 1.14's deprecation notices drown progress
    if os.environ.get("PYTHONHASHSEED") is None:
        # Can't take effect now; say so rather than silently be non-reproducible for set/dict order.
        import warnings
        warnings.warn("PYTHONHASHSEED is not set: run through `make` or `python -m kerasgan`.")
    if deterministic_gpu:
        enable_gpu_determinism()
    threads = int(threads or os.environ.get("KERASGAN_THREADS") or DEFAULT_THREADS)
    random.seed(seed)
    np.random.seed(seed)
    K.clear_session()
    graph = tf.get_default_graph()
    graph.seed = seed  # same as tf.set_random_seed(seed) on the graph Keras will use
    config = tf.ConfigProto(intra_op_parallelism_threads=threads,
                            inter_op_parallelism_threads=inter_op_threads(),
                            allow_soft_placement=True)
    config.gpu_options.allow_growth = True
    K.set_session(tf.Session(graph=graph, config=config))
    return np.random.RandomState(seed)


def untimed_hdf5():
    """Make h5py (and so Keras's model.save / ModelCheckpoint) write no object timestamps.

    HDF5 records creation and modification times in every group's and dataset's header by default,
    so the same weights saved twice give different .h5 bytes. With this, equal weights give equal
    files. Installed once per process; files stay readable by any HDF5 reader.
    """
    import h5py
    from h5py import h5g, h5p

    if getattr(h5py.Group.create_group, "_kerasgan", False):
        return
    create_dataset = h5py.Group.create_dataset

    def untimed_dataset(self, name, *args, **kwargs):
        kwargs.setdefault("track_times", False)
        return create_dataset(self, name, *args, **kwargs)

    def untimed_group(self, name, track_order=None):
        gcpl = h5p.create(h5p.GROUP_CREATE)
        gcpl.set_obj_track_times(False)
        if track_order:
            gcpl.set_link_creation_order(h5p.CRT_ORDER_TRACKED | h5p.CRT_ORDER_INDEXED)
        name, lcpl = self._e(name, lcpl=True)
        return h5py.Group(h5g.create(self.id, name, lcpl=lcpl, gcpl=gcpl))

    untimed_group._kerasgan = True
    h5py.Group.create_dataset = untimed_dataset
    h5py.Group.create_group = untimed_group


def enable_gpu_determinism():
    """GPU: TF_CUDNN_DETERMINISTIC plus tensorflow-determinism's deterministic bias_add.

    Must run before layers are built. Even so, UpSampling2D's and SeparableConv2D's gradients have
    no deterministic GPU kernels in TF 1.14: GPU runs of these GANs are close, not bit-exact.
    """
    os.environ["TF_CUDNN_DETERMINISTIC"] = "1"
    from tfdeterminism import patch
    patch()


def describe_device(threads):
    # Ask the seeded session (allow_growth) rather than device_lib, which would grab all GPU memory.
    import keras.backend as K
    gpus = [d.name.split("device:")[-1] for d in K.get_session().list_devices()
            if d.device_type == "GPU"]
    if gpus:
        return "GPU (%s; not bit-exact, see docs/environment.md#cpu-and-gpu)" % ", ".join(gpus)
    return "CPU (%d intra-op thread%s)" % (threads, "" if threads == 1 else "s")


def inter_op_threads():
    """Ops run side by side: $KERASGAN_INTER_THREADS, else every usable core (same bytes for any
    count, on PyPI's build and on MKL-DNN's; measured on 2 cores: the demo's GAN 1.3-1.9x faster
    than with 1; tests/test_speed.py checks that 1 and 2 give the same losses and weights)."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return int(os.environ.get("KERASGAN_INTER_THREADS") or usable or 1)


def mkl_enabled():
    """Whether this TensorFlow is an MKL-DNN build (intel-tensorflow: make setup FLAVOUR=mkl)."""
    from tensorflow.python import pywrap_tensorflow
    return bool(pywrap_tensorflow.IsMklEnabled())


def configured_threads():
    """TF's intra-op threads for a run: $KERASGAN_THREADS, else DEFAULT_THREADS (one place)."""
    return int(os.environ.get("KERASGAN_THREADS") or DEFAULT_THREADS)
