"""`python -m kerasgan.bench.worker module:function '<params json>'`: one bench variant.

Prints one line `BENCH-RESULT <json>` last: the function's result plus this process's peak
resident memory (and its children's, e.g. reshape's workers), in MB.
"""
import importlib
import json
import resource
import sys

MARK = "BENCH-RESULT "


def main(argv):
    target, params = argv[0], json.loads(argv[1])
    module_name, function = target.split(":")
    if params.get("quiet_tensorflow"):
        from ..compat_hook import quiet_tensorflow_on_import
        quiet_tensorflow_on_import()
    result = getattr(importlib.import_module(module_name), function)(params)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if children:
        result["peak_rss_children_mb"] = round(children / 1024.0, 1)
    sys.stdout.flush()
    print(MARK + json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
