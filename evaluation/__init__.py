"""BLKK Evaluation Workbench: load, model and report on Indonesia's community job-training centers."""

__version__ = "0.1.0"
