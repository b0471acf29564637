"""Data contract, loaders, validation and the synthetic sample generator."""

from .errors import DataValidationError, Problem, ValidationReport
from .load import Dataset, load_dataset, validate

__all__ = ["DataValidationError", "Dataset", "Problem", "ValidationReport", "load_dataset", "validate"]
