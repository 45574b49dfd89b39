"""Which cartoon set a command uses, decided in one place.

    --set synthetic       the synthetic set drawn here (DATA_DIR/cartoon/synthetic-s<SEED>-n<N>/)
    --set FOLDER          a folder of csX.png + csX.csv (e.g. the real set, extracted)
    (none)                the folder `make cartoon-download` recorded in DATA_DIR/cartoon/set.json
"""
from pathlib import Path

from . import fetch
from ...errors import UserError

SYNTHETIC = "synthetic"
SYNTHETIC_N = 2000


class NoSet(UserError, ValueError):
    """No set given and none downloaded (a ValueError too, for callers that fall back)."""


def synthetic_dir(seed, n, data_root=None):
    return fetch.cartoon_dir(data_root) / ("synthetic-s%d-n%d" % (seed, n))


def resolve(spec, seed, n=SYNTHETIC_N, data_root=None):
    """-> (folder, kind); raises NoSet with what to do when there is no set."""
    if spec == SYNTHETIC:
        return synthetic_dir(seed, n, data_root), SYNTHETIC
    if spec:
        return Path(spec).resolve(), "folder"
    recorded = fetch.recorded_set(data_root)
    if recorded is None:
        raise NoSet("no cartoon set: `make cartoon-download` (the real set, 450 MB) or "
                         "CARTOON_SET=synthetic (drawn here, offline)")
    return recorded, "downloaded"
