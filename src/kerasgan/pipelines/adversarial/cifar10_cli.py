"""`python -m kerasgan adversarial-cifar10`: keras-adversarial's convolutional CIFAR-10 GAN
(examples/example_gan_cifar10.py)."""
from . import cli

PIPELINE = "adversarial-cifar10"


def configure(parser):
    cli.configure(parser, PIPELINE)


def main(args):
    return cli.main(args, PIPELINE)
