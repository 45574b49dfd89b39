"""kerasgan: the classic Keras GAN tutorials (seeds 000-004), runnable again on a pinned stack.

Importing the package is cheap and safe in both environments (the legacy Python 3.7 one and the
ingestion one, which has no TensorFlow). It only arranges that keras_adversarial, whenever it is
imported, gets our compatibility patches for Keras 2.1.2 (see kerasgan.compat).
"""
import os

__version__ = "0.1.0"

# keras_adversarial imports pyplot at import time; without a display the default backend fails.
os.environ.setdefault("MPLBACKEND", "Agg")

from . import compat_hook as _compat_hook  # noqa: E402

_compat_hook.install()
