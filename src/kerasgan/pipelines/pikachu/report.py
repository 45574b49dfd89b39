"""The Pikachu pipeline's report: its data stages first (counts, filter), then the GAN run."""
from ...evaluation import report as evaluation_report
from ...report import ingest, training

SECTIONS = (ingest.stages, training.glance, ingest.counts, ingest.filter_section, training.losses,
            training.diversity, evaluation_report.quality, training.samples)
