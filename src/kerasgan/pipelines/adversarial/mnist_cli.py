"""`python -m kerasgan adversarial-mnist`: keras-adversarial's dense MNIST GAN (examples/example_gan.py)."""
from . import cli

PIPELINE = "adversarial-mnist"


def configure(parser):
    cli.configure(parser, PIPELINE)


def main(args):
    return cli.main(args, PIPELINE)
