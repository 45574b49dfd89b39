"""Run a fix-up the moment a module is imported (or now, if it already is).

- keras_adversarial: kerasgan.compat's patches for Keras 2.1.2 and GitHub master's additions
  (`keras_adversarial.legacy`, ...): always, once kerasgan is imported. In .venv and the legacy
  Docker images kerasgan-startup.pth (docker/) imports kerasgan at interpreter start, so scripts
  written against keras-adversarial master run unmodified (KERASGAN_NO_STARTUP=1 turns that off).
- tensorflow: silence its deprecation notices (kit.progress.quiet_tensorflow); only for our own
  commands (`python -m kerasgan ...` calls quiet_tensorflow_on_import), never behind a user's back.

A post-import hook keeps `import kerasgan` free of TensorFlow, so the ingestion environment (no TF)
can import the package too, while `import kerasgan, keras_adversarial` still gets a working API.
"""
import importlib.abc
import importlib.util
import sys

_HOOKS = {}   # module name -> function(module) run after it is imported


def _patch_keras_adversarial(module):
    from . import compat
    compat.apply()


def _quiet_tensorflow(module):
    from .kit.progress import quiet_tensorflow
    quiet_tensorflow(module)


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader, hook):
        self._loader, self._hook = loader, hook

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._hook(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        hook = _HOOKS.get(fullname)
        if hook is None:
            return None
        sys.meta_path.remove(self)  # let the normal finders locate the real package
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchingLoader(spec.loader, hook)
        return spec


def on_import(name, hook):
    """Run hook(module) when `name` is imported, or now if it already is."""
    if name in sys.modules:
        hook(sys.modules[name])
        return
    _HOOKS[name] = hook
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def install():
    on_import("keras_adversarial", _patch_keras_adversarial)


def quiet_tensorflow_on_import():
    on_import("tensorflow", _quiet_tensorflow)
