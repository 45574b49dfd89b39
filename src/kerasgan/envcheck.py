"""`make env-check`: what stack is this, and does it match the lock?

Prints the versions that matter (Python, TensorFlow, Keras, keras-adversarial, numpy, h5py,
protobuf, Pillow), the GPU TensorFlow sees, the CUDA/cuDNN versions TF was built for and the
CUDA/cuDNN libraries present on the machine; exits 1 naming every package whose installed version
differs from the lock (or is missing).
"""
import ctypes.util
import glob
import os
import platform
import re
import sys
from pathlib import Path

REPORTED = ["tensorflow", "tensorflow-gpu", "keras", "keras-adversarial", "numpy", "h5py",
            "protobuf", "pillow"]
DEFAULT_LOCK = Path(__file__).resolve().parents[2] / "docker" / "requirements" / "legacy-cpu.txt"
# TF 1.14's build_info has no CUDA/cuDNN numbers; these are from TensorFlow's tested build
# configurations table (tensorflow_gpu-1.14.0: CUDA 10.0, cuDNN 7.4). Later builds carry their own.
BUILT_FOR = {"1.14": ("10.0", "7.4")}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name):
    """PEP 503 name: 'Keras_Adversarial' and 'keras-adversarial' are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path):
    """{canonical name: version} of every `name==version` line of a pip lock file."""
    pins = {}
    for line in Path(path).read_text().splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def installed_versions():
    """{canonical name: version} of every distribution on sys.path."""
    try:
        from importlib import metadata
    except ImportError:  # Python 3.7: the backport is in the lock
        import importlib_metadata as metadata
    versions = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonical(name), dist.version)
    return versions


def drift(lock, installed):
    """[(name, locked, installed or None)] for every locked package that differs."""
    return [(name, version, installed.get(name))
            for name, version in sorted(lock.items()) if installed.get(name) != version]


def cuda_libraries():
    """CUDA/cuDNN shared libraries the dynamic loader can find (what a GPU TF would load)."""
    found = []
    for lib in ("cudart", "cublas", "cufft", "curand", "cusolver", "cusparse", "cudnn"):
        path = ctypes.util.find_library(lib)
        if not path:
            hits = [p for d in os.environ.get("LD_LIBRARY_PATH", "").split(":") if d
                    for p in glob.glob(os.path.join(d, "lib%s.so*" % lib))]
            path = hits[0] if hits else None
        if path:
            found.append(os.path.basename(path))
    return found


def tensorflow_report():
    """Lines about TF's build and devices; empty when TF is not installed (ingest env)."""
    try:
        import tensorflow as tf
    except ImportError:
        return ["tensorflow: not installed in this environment"]
    from tensorflow.python.client import device_lib
    from tensorflow.python.platform import build_info

    gpus = [d.physical_device_desc for d in device_lib.list_local_devices()
            if d.device_type == "GPU"]
    known = BUILT_FOR.get(".".join(tf.__version__.split(".")[:2]), (None, None))
    cuda = getattr(build_info, "cuda_version_number", None) or known[0]
    cudnn = getattr(build_info, "cudnn_version_number", None) or known[1]
    lines = ["GPU seen by TensorFlow: " + ("; ".join(gpus) if gpus else "none (running on CPU)"),
             "TensorFlow built with CUDA: %s" % ("yes" if tf.test.is_built_with_cuda() else "no")]
    if tf.test.is_built_with_cuda():
        lines.append("  built for CUDA %s, cuDNN %s" % (cuda or "?", cudnn or "?"))
    libs = cuda_libraries()
    lines.append("CUDA/cuDNN libraries present: " + (", ".join(libs) if libs else "none"))
    return lines


def report(lock_path):
    lock = read_lock(lock_path)
    installed = installed_versions()
    lines = ["Python %s (%s)" % (platform.python_version(), sys.executable)]
    for name in REPORTED:
        if name in installed or name in lock:
            lines.append("%-18s %s" % (name, installed.get(name, "not installed")))
    lines += tensorflow_report()
    return lines, drift(lock, installed)


def configure(parser):
    parser.add_argument("--lock", default=str(DEFAULT_LOCK),
                        help="lock file to compare against (default: %(default)s)")


def main(args):
    lines, differences = report(args.lock)
    print("\n".join(lines))
    if differences:
        print("\nDRIFT from %s:" % args.lock, file=sys.stderr)
        for name, locked, have in differences:
            print("  %s: locked %s, installed %s" % (name, locked, have or "nothing"),
                  file=sys.stderr)
        print("Run `make setup` to reinstall the lock.", file=sys.stderr)
        return 1
    print("\nAll %d locked packages match %s." % (len(read_lock(args.lock)), args.lock))
    return 0
