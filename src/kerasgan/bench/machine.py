"""Facts about the machine a bench ran on: CPU, cores, load, memory, TensorFlow build, GPUs."""
import os
import platform


def cpu():
    model, flags = None, set()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model is None:
                    model = value.strip()
                elif key == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    memory = None
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = round(int(line.split()[1]) / 1024.0 ** 2, 1)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "model": model or platform.processor() or platform.machine(),
        "cores": os.cpu_count(), "usable_cores": usable,
        "flags": {f: f in flags for f in ("sse4_2", "avx", "avx2", "fma", "avx512f")},
        "memory_gb": memory,
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(), "system": platform.platform(),
    }


def tensorflow(params=None):
    """Run in a worker with TF_CPP_MIN_LOG_LEVEL=0: the runner also reads TF's cpu_feature_guard
    line ("not compiled to use: AVX2 FMA") from its stderr."""
    import tensorflow as tf
    facts = {"tensorflow": tf.__version__, "keras": __import__("keras").__version__,
             "built_with_cuda": bool(tf.test.is_built_with_cuda())}
    try:
        facts["mkl"] = bool(tf.pywrap_tensorflow.IsMklEnabled())
    except AttributeError:
        facts["mkl"] = None
    config = tf.ConfigProto()
    config.gpu_options.allow_growth = True
    with tf.Session(config=config) as session:
        facts["gpus"] = [d.name.split("device:")[-1] for d in session.list_devices()
                         if d.device_type == "GPU"]
        session.run(tf.constant(1.0) + 1.0)   # makes the cpu_feature_guard speak
    return {"value": None, "facts": facts}
