"""The parameters every notebook shares, checked the moment a notebook starts.

Papermill never checks types or values (papermill#667), so the cell after each notebook's
``parameters`` cell calls :func:`check_parameters`: a wrong region, folder, language or
option stops the notebook at once with a message that says which and why.
"""

from __future__ import annotations

from pathlib import Path

from .config import LANGUAGES, PROJECT_ROOT, ParameterError
from .data.regions import RegionError, check_region

#: Allowed values of the options some notebooks take.
CHOICES = {"control_group": ("never_treated", "not_yet_treated"), "cluster": ("auto", "regency", "province")}
#: Options that must be whole numbers of at least this value.
MINIMUM = {"min_controls": 2, "min_treated": 1, "min_trainees": 1, "min_cell": 1, "top_n": 1, "capacity": 1}


def check_parameters(region, data_dir, language: str = "en", **extra) -> dict:
    """Validate the parameters; returns them normalised (``data_dir`` as a resolved Path)."""
    try:
        region = check_region(region)
    except RegionError as exc:
        raise ParameterError(str(exc)) from None
    if not isinstance(data_dir, (str, Path)):
        raise ParameterError(f"data_dir must be a path, got {data_dir!r}")
    path = Path(data_dir)
    if not path.is_absolute():
        # notebooks run with the notebooks folder as working directory; accept project-relative paths too
        path = path if path.exists() else PROJECT_ROOT / path
    if not path.is_dir():
        raise ParameterError(f"data_dir {str(data_dir)!r} is not a folder")
    if language not in LANGUAGES:
        raise ParameterError(f"language must be one of {LANGUAGES}, got {language!r}")
    for name, value in extra.items():
        extra[name] = check_setting(name, value)
    return {"region": region, "data_dir": path.resolve(), "language": language, **extra}


def check_setting(name: str, value):
    """One option checked against its allowed values or minimum; whole numbers as int."""
    if name in CHOICES and value not in CHOICES[name]:
        raise ParameterError(f"{name} must be one of {list(CHOICES[name])}, got {value!r}")
    if name in MINIMUM:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
            raise ParameterError(f"{name} must be a whole number, got {value!r}")
        if value < MINIMUM[name]:
            raise ParameterError(f"{name} must be at least {MINIMUM[name]}, got {value!r}")
        return int(value)
    return value
