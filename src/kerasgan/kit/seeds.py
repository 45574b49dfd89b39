"""Every random number of a run comes from numpy streams derived from the one SEED.

`stream(seed, "train")` is np.random.RandomState([seed, 0]): independent of the other streams, so
adding draws to one (say, more grid samples) never shifts another (the training noise). Streams
are named here, once, for every pipeline; a pipeline that needs another adds a name.

A stream's state goes into the checkpoint (rng_state / rng_from_state), so a resumed run draws
exactly what an uninterrupted one would. TF1's own random ops restart in every new session,
which is why training noise is fed from these streams instead.
"""
import numpy as np

STREAMS = {
    "train": 0,       # shuffles, latents, dropout seeds while training
    "grid": 1,        # the fixed latents of the progress grids
    "generate": 2,    # latents of `generate`
    "eval": 3,        # quality figures (classifier samples, encoder checks)
    "data": 4,        # synthetic / embedded datasets and splits
    "judge": 5,       # the cached judge classifiers' splits and training (kit/judge.py)
    "features": 6,    # evaluation: feature networks' splits and augmentation
    "evaluate": 7,    # evaluation: KID subsets and the samples scored at grid epochs
}


def stream(seed, which):
    """A RandomState for SEED and a stream name (or number)."""
    number = STREAMS[which] if isinstance(which, str) else int(which)
    return np.random.RandomState([int(seed), number])


def rng_state(rng):
    """A JSON-able snapshot of a numpy RandomState (for checkpoints)."""
    name, keys, pos, has_gauss, cached = rng.get_state()
    return {"name": name, "keys": keys.tolist(), "pos": int(pos),
            "has_gauss": int(has_gauss), "cached_gaussian": float(cached)}


def rng_from_state(state):
    rng = np.random.RandomState()
    rng.set_state((state["name"], np.array(state["keys"], dtype=np.uint32), state["pos"],
                   state["has_gauss"], state["cached_gaussian"]))
    return rng
