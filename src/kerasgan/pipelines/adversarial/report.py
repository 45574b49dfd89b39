"""The report of an adversarial-mnist / adversarial-cifar10 run: the generic GAN-run sections."""
from ...evaluation import report as evaluation_report
from ...report import training

SECTIONS = (training.glance, training.losses, training.diversity, evaluation_report.quality,
            training.samples)
