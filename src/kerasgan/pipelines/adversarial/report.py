"""The report of an adversarial-mnist / adversarial-cifar10 run: the generic GAN-run sections."""
from ...report import training

SECTIONS = (training.glance, training.losses, training.diversity, training.samples)
