"""pix2pix "summon a chimera" (seed 004): edges -> image with a U-Net and a PatchGAN, on TF 1.14.

Reproduces genkitamiya's "キメラを召喚せよ！！" (PyTorch pix2pix, direction BtoA: an animal's
auto-Canny edges -> the animal; a chimera drawing's edges -> a chimera). Commands:

    make pix2pix-preprocess INPUT=dir PHASE=train|test [SIZE=256]   -> DATA_DIR/pix2pix/<PHASE>/
    make pix2pix-train [RUN=] [EPOCHS=] [LOSS=lsgan|vanilla|wgangp] [MODE_SEEKING=0|1] [SIZE=]
    make pix2pix-test RUN=... [EPOCH=latest|<n>] [INPUT=drawings or edge maps]
    make pix2pix-demo                                                 (the Noto emoji animals)

Outputs: OUT_DIR/pix2pix/<RUN>/ (config.json, history.csv, checkpoints/, summary.json,
generator.h5, test_<epoch>/index.html and index.md with input | output | target per image).
Importing this package does not import TensorFlow.
"""
PIPELINE = "pix2pix"
