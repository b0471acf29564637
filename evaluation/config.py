"""Paths, defined once; everything else imports them."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE_DIR.parent
#: True when the package runs from a checkout of the project (make, an editable install);
#: False after ``pip install .``, where notebooks and data ship inside the package.
IN_CHECKOUT = (_CHECKOUT / "notebooks").is_dir() and (_CHECKOUT / "data" / "reference").is_dir()
_RESOURCES = _CHECKOUT if IN_CHECKOUT else _PACKAGE_DIR / "_resources"

#: The project folder in a checkout; the folder ``blkk`` runs from after an install.
PROJECT_ROOT = _CHECKOUT if IN_CHECKOUT else Path.cwd()
DATA_DIR = _RESOURCES / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
NOTEBOOK_DIR = _RESOURCES / "notebooks"
PARAMETER_DIR = PROJECT_ROOT / "parameters"
REPORT_DIR = PROJECT_ROOT / "reports"

#: Name of the Jupyter kernel the Makefile registers inside .venv.
KERNEL_NAME = "blkk"

LANGUAGES = ("en", "id")


class ParameterError(ValueError):
    """A notebook or run parameter is wrong; the message says which and why."""
