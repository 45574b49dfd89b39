"""The pipelines, by name: one room (a sub-package) each, chosen from this table.

A pipeline's package holds its own models, data, train and generate modules, an optional
report.py (SECTIONS for `make report`), and pipeline.mk (its `make <name>-<verb>` targets, included
by the top Makefile). Everything it shares with the others comes from kerasgan.kit.
"""
PIPELINES = {
    # name: what it reproduces and where it lives (OUT_DIR/<name>/<RUN>/ holds its runs)
    "pikachu": {
        "package": "kerasgan.pipelines.pikachu",
        "title": "Pikachu GAN: image search -> reshape -> CNN filter -> keras-adversarial GAN",
        "seeds": "000, 001",
    },
    "pix2pix": {
        "package": "kerasgan.pipelines.pix2pix",
        "title": "pix2pix chimera: auto-Canny edges -> image, U-Net + PatchGAN (lsgan, vanilla, wgangp, mode seeking)",
        "seeds": "004",
    },
}
