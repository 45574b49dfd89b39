"""keras-dcgan (seed 003; seed 002 §4.2): the DCGAN of jacobgil/keras-dcgan on MNIST, faithfully.

    make dcgan-train [RUN=default] [EPOCHS=100] [BATCH=128] [DCGAN_DATA=mnist|digits|mnist.npz] [DCGAN_PATH=dir]
    make dcgan-generate [RUN=...] [BATCH=128] [NICE=1]
    make dcgan-demo       offline, embedded UCI digits, ~5 min on 2 cores, with its report
    make dcgan-report

or the original's command line: `python -m kerasgan dcgan --mode train --batch_size 128 [--path DIR]`,
`... --mode generate --batch_size 128 [--nice]`.

Outputs, all in OUT_DIR/dcgan/<RUN>/: <epoch>_<index>.png every 20 batches, generator.h5 and
discriminator.h5 every 10 batches, checkpoints/latest.npz (exact resume), config.json,
history.csv (per epoch: losses, diversity, the digit classifier's classes covered / KL from
uniform / confident share), batches.csv, summary.json, generated_image.png and
samples/<plain|nice>/, report.html. Architecture: models (docs/originals.md#keras-dcgan). Importing this
package does not import TensorFlow.
"""
PIPELINE = "dcgan"
