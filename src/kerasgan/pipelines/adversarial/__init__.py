"""keras-adversarial's book examples (seed 002 §4.3): the dense MNIST GAN and the convolutional
CIFAR-10 GAN of bstriner/keras-adversarial (examples/example_gan.py, example_gan_cifar10.py).

One room, two pipelines: `adversarial-mnist` and `adversarial-cifar10` differ only in their models,
data and hyper-parameters (the CONFIGS table in train.py); the training (kerasgan.kit.adversarial,
shared with the Pikachu GAN), generation and report are the same code.

    make adversarial-mnist-train   [RUN=] [EPOCHS=100] [ADV_DATA=mnist|digits|FILE] ...
    make adversarial-cifar10-train [RUN=] [EPOCHS=100] [ADV_DATA=cifar10|emoji|FOLDER] [NCH=256] [BN_AXIS=channels|rows]
    make adversarial-mnist-generate / adversarial-cifar10-generate [N=100] [EPOCH=last|best]
    make adversarial-mnist-demo / adversarial-cifar10-demo    (offline, embedded data, < 5 min)

Outputs: OUT_DIR/adversarial-mnist/<RUN>/ and OUT_DIR/adversarial-cifar10/<RUN>/: config.json,
history.csv, epoch-000.png ... (a grid of 10x10 fixed latents per epoch, as the examples),
best.png, timelapse.gif, logs/ (TensorBoard), checkpoints/, generator.h5, discriminator.h5,
summary.json, samples/ (generate) and report.html. Importing this package does not import TensorFlow.
"""
PIPELINES = ("adversarial-mnist", "adversarial-cifar10")
