"""Complete resume (docs/architecture.md#complete-resume): every named model's and optimizer's weights,
plus a JSON state (epoch, RNG state, best epoch, config digest...) in one atomically written file.

checkpoints/latest.npz is a zip of .npy arrays named "<group>/<index>", e.g. "generator/000",
"opt_generator/003", "best_generator/012", plus meta.npy holding the state as JSON. The entries
carry a fixed timestamp, so two runs that computed the same numbers write the same bytes.
Optimizer weights matter: Adam's iteration count drives its decay, m and v its steps.
"""
import io
import json
import zipfile
from pathlib import Path

import numpy as np

from . import seeds
from .files import write_atomic
from .runfolder import CHECKPOINTS, LATEST

_EPOCH_1980 = (1980, 1, 1, 0, 0, 0)
OPTIMIZER_PREFIX = "opt_"


def _npy(array):
    data = io.BytesIO()
    np.lib.format.write_array(data, np.array(array, order="C"), allow_pickle=False)  # keeps 0-d
    return data.getvalue()


def pack(arrays, meta=None):
    """{name: array} (+ a JSON-able meta dict) -> bytes of a zip np.load can read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            archive.writestr(zipfile.ZipInfo(name + ".npy", date_time=_EPOCH_1980), _npy(arrays[name]))
        if meta is not None:
            blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
            archive.writestr(zipfile.ZipInfo("meta.npy", date_time=_EPOCH_1980), _npy(blob))
    return buffer.getvalue()


def unpack(path):
    """-> ({name: array}, meta dict or None)."""
    with np.load(str(path), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files if k != "meta"}
        meta = json.loads(archive["meta"].tobytes().decode()) if "meta" in archive.files else None
    return arrays, meta


def flatten(groups):
    """{group: [array, ...]} -> {"group/000": array, ...}."""
    arrays = {}
    for group, values in groups.items():
        arrays.update({"%s/%03d" % (group, i): np.asarray(v) for i, v in enumerate(values)})
    return arrays


def group(arrays):
    """The inverse of flatten: {group: [array, ...]} in index order."""
    groups = {}
    for name in sorted(arrays, key=lambda n: (n.rpartition("/")[0], int(n.rpartition("/")[2]))):
        groups.setdefault(name.rpartition("/")[0], []).append(arrays[name])
    return groups


def capture(models=None, optimizers=None, extra=None):
    """Weights of Keras models and optimizers by name: {"generator": [...], "opt_generator": [...]}.

    `extra` adds groups that are already arrays (e.g. the best epoch's weights)."""
    import keras.backend as K
    groups = {name: model.get_weights() for name, model in (models or {}).items()}
    groups.update({OPTIMIZER_PREFIX + name: K.batch_get_value(opt.weights)
                   for name, opt in (optimizers or {}).items()})
    groups.update(extra or {})
    return groups


def restore(groups, models=None, optimizers=None):
    """Put captured weights back. The optimizers' slots must exist already (build the train
    function first); a count mismatch is an error, not a silent partial restore."""
    import keras.backend as K
    for name, model in (models or {}).items():
        model.set_weights(groups[name])
    for name, opt in (optimizers or {}).items():
        values = groups[OPTIMIZER_PREFIX + name]
        if len(values) != len(opt.weights):
            raise ValueError("checkpoint holds %d weights for optimizer %s, the model has %d"
                             % (len(values), name, len(opt.weights)))
        K.batch_set_value(list(zip(opt.weights, values)))


def resume_point(saved, seed, models=None, optimizers=None):
    """Where an epoch-based run starts: (rng, first epoch). From SAVED, the (state, groups) that load()
    returned, restoring MODELS and OPTIMIZERS; without one, SEED's fresh "train" stream at epoch 0."""
    if not saved:
        return seeds.stream(seed, "train"), 0
    state, groups = saved
    restore(groups, models, optimizers)
    return seeds.rng_from_state(state["rng"]), state["epoch"] + 1


def save(folder, state, groups, name=LATEST):
    """checkpoints/<name>: the groups' arrays and `state` (a JSON-able dict), atomically."""
    target = Path(folder) / CHECKPOINTS
    target.mkdir(parents=True, exist_ok=True)
    write_atomic(target / name, pack(flatten(groups), state))


def load(folder, name=LATEST):
    """-> (state, groups), or None when the run has no such checkpoint."""
    path = Path(folder) / CHECKPOINTS / name
    if not path.exists():
        return None
    arrays, state = unpack(path)
    return state, group(arrays)


# ---------------------------------------------------------------- snapshots at grid epochs
def snapshot_name(epoch):
    return "snapshot-%05d.npz" % epoch


def save_snapshot(folder, epoch, groups, keep):
    """checkpoints/snapshot-<epoch>.npz (weights only); the `keep` newest stay."""
    save(folder, {"epoch": epoch}, groups, snapshot_name(epoch))
    snapshots = sorted((Path(folder) / CHECKPOINTS).glob("snapshot-*.npz"))
    for old in snapshots[:max(0, len(snapshots) - keep)]:
        old.unlink()


def snapshot_epochs(folder):
    return sorted(int(p.stem.split("-")[1])
                  for p in (Path(folder) / CHECKPOINTS).glob("snapshot-*.npz"))


def load_snapshot(folder, epoch):
    return load(folder, snapshot_name(epoch))[1]
