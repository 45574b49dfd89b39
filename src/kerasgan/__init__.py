"""kerasgan: the classic Keras GAN tutorials (seeds 000-004), runnable again on a pinned stack.

Importing the package is cheap and safe in both environments (the legacy Python 3.7 one and the
ingestion one, which has no TensorFlow). It only arranges that keras_adversarial, whenever it is
imported, gets our compatibility patches for Keras 2.1.2 (see kerasgan.compat).
"""
import os
import platform

__version__ = "0.1.0"

# keras_adversarial imports pyplot at import time; without a display the default backend fails.
os.environ.setdefault("MPLBACKEND", "Agg")

# numpy's OpenBLAS picks its kernels by CPU model when it loads, and other kernels sum in other
# orders: one fixed x86-64 set (AVX, which TensorFlow's wheel needs anyway) gives the same bytes
# on every machine (docs/reproducibility.md). Only effective before numpy loads: the startup hook
# and `python -m kerasgan` import this package first.
if platform.machine().lower() in ("x86_64", "amd64"):
    os.environ.setdefault("OPENBLAS_CORETYPE", "Sandybridge")

from . import compat_hook as _compat_hook  # noqa: E402

_compat_hook.install()
