"""Every folder and file name of the project, defined once.

DATA_DIR holds datasets (one-way flow: downloads -> reshaped -> predicted), OUT_DIR the results of
runs (<pipeline>/<run>/). Both come from the environment that the Makefile exports, so a user or a
test can point a whole pipeline at a temporary folder.
"""
import os
from pathlib import Path

DEFAULT_DATA_DIR = "data"
DEFAULT_OUT_DIR = "generated"


def data_dir():
    return Path(os.environ.get("KERASGAN_DATA_DIR") or DEFAULT_DATA_DIR)


def out_dir():
    return Path(os.environ.get("KERASGAN_OUT_DIR") or DEFAULT_OUT_DIR)


# Sub-folders of DATA_DIR (docs/pikachu.md#data).
DOWNLOADS = "downloads"      # downloads/<keyword>/ and downloads/manifest.csv
RESHAPED = "reshaped"        # square JPEGs only (the original notebooks glob reshaped/*)
LABELED = "labeled"          # labeled/{trains,valids}/<class>/
PREDICTED = "predicted"      # images the filter kept: the GAN's training set
MODELS = "models"            # models the data stages train (the filter CNN)
REPORTS = "reports"          # what the data stages write about themselves
RESHAPE_MANIFEST = REPORTS + "/reshape_manifest.csv"   # reshaped/<n>.jpg -> its download
SWEEPS = "sweeps"           # OUT_DIR/sweeps/<name>/: what a sweep writes about its points


def run_dir(pipeline, run, root=None):
    """OUT_DIR/<pipeline>/<run>/: everything one training run writes."""
    return Path(root or out_dir()) / pipeline / run


def sweep_dir(name, root=None):
    """OUT_DIR/sweeps/<name>/: a sweep's results.csv, report, per-point logs and locks."""
    return Path(root or out_dir()) / SWEEPS / name
