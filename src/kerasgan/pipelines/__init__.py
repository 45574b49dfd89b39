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
    "dcgan": {
        "package": "kerasgan.pipelines.dcgan",
        "title": "keras-dcgan: the DCGAN of jacobgil/keras-dcgan on MNIST (train, generate --nice)",
        "seeds": "002 (4.2), 003",
    },
    # one room, two configurations (kerasgan/pipelines/adversarial/train.py, CONFIGS)
    "adversarial-mnist": {
        "package": "kerasgan.pipelines.adversarial",
        "title": "keras-adversarial's dense MNIST GAN (book example, seed 002 4.3)",
        "seeds": "002 (4.3)",
    },
    "adversarial-cifar10": {
        "package": "kerasgan.pipelines.adversarial",
        "title": "keras-adversarial's convolutional CIFAR-10 GAN (book example, seed 002 4.3)",
        "seeds": "002 (4.3)",
    },
    "pix2pix": {
        "package": "kerasgan.pipelines.pix2pix",
        "title": "pix2pix chimera: auto-Canny edges -> image, U-Net + PatchGAN (lsgan, vanilla, wgangp, mode seeking)",
        "seeds": "004",
    },
    "cartoon": {
        "package": "kerasgan.pipelines.cartoon",
        "title": "Cartoon Set DCGAN 64x64 + encoder: latent attribute arithmetic (add glasses)",
        "seeds": "002",
    },
}
