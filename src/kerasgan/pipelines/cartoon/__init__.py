"""Seed 002's own experiment: a 64x64 Cartoon Set DCGAN, an encoder, and latent attribute
arithmetic ("add glasses"). docs/originals.md#cartoon-set-experiment; docs/cartoon.md.

    make cartoon-download [ARCHIVE=url|file|folder]   fetch.py (ingestion environment)
    make cartoon-train [CARTOON_SET=synthetic]        data.py (prepare, ingestion) -> train.py
    make cartoon-generate | cartoon-arithmetic ATTR=glasses [SCALE=1.0] [N=16] | cartoon-interpolate
    make cartoon-demo                                 offline, on the synthetic set, with its report

Outputs in OUT_DIR/cartoon/<RUN>/. Importing this package does not import TensorFlow.
"""
PIPELINE = "cartoon"
