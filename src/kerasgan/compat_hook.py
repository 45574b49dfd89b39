"""Apply kerasgan.compat to keras_adversarial the moment it is imported (or now, if it already is).

A post-import hook keeps `import kerasgan` free of TensorFlow, so the ingestion environment (no TF)
can import the package too, while `import kerasgan, keras_adversarial` still gets a working API.
"""
import importlib.abc
import importlib.util
import sys

TARGET = "keras_adversarial"


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        from . import compat
        compat.apply()


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != TARGET:
            return None
        sys.meta_path.remove(self)  # let the normal finders locate the real package
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchingLoader(spec.loader)
        return spec


def install():
    if TARGET in sys.modules:
        from . import compat
        compat.apply()
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
