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
NATIONAL = "ID"


class ParameterError(ValueError):
    """A notebook or run parameter is wrong; the message says which and why."""


def check_region(region) -> str:
    """A known Kemendagri province ("33") or regency ("33.26") code, or "ID" for national."""
    from .data.reference import load_provinces, load_regencies

    # papermill's -p turns 33 into an int and 33.10 into the float 33.1; Kemendagri codes always
    # have two-digit parts, so the number maps back to exactly one code.
    if isinstance(region, bool) or not isinstance(region, (str, int, float)):
        raise ParameterError(f"region must be text such as '33' or '33.26', got {region!r} ({type(region).__name__})")
    if isinstance(region, int):
        region = f"{region:02d}"
    elif isinstance(region, float):
        region = f"{region:.2f}"
    region = region.strip()
    if region.upper() == NATIONAL:
        return NATIONAL
    known = set(load_provinces()["province_code"]) | set(load_regencies()["regency_code"])
    if region not in known:
        raise ParameterError(f"unknown region code {region!r}: expected a Kemendagri province ('33') or regency ('33.26') code, or 'ID'")
    return region


def in_region(codes, region: str):
    """Boolean mask of regency codes lying in a province ("33"), a regency ("33.26") or "ID"."""
    codes = codes.astype(str)
    if region in (NATIONAL, None):
        return codes == codes
    return (codes == region) | codes.str.startswith(str(region) + ".")


def region_name(region: str) -> str:
    from .data.reference import load_provinces, load_regencies

    if region == NATIONAL:
        return "Indonesia"
    if "." in region:
        reg = load_regencies().set_index("regency_code")
        return str(reg.loc[region, "name"])
    prov = load_provinces().set_index("province_code")
    return str(prov.loc[region, "name"])


def regions_for(scope: str, each: str | None = None) -> list[str]:
    """The regions of a run: the scope itself, or each province / regency within it."""
    from .data.reference import load_regencies

    scope = check_region(scope)
    if each in (None, "", "none"):
        return [scope]
    reg = load_regencies()
    if scope != NATIONAL:
        reg = reg[(reg["province_code"] == scope) | (reg["regency_code"] == scope)]
    if each == "province":
        return sorted(reg["province_code"].unique())
    if each == "regency":
        return sorted(reg["regency_code"].unique())
    raise ParameterError(f"each must be 'province', 'regency' or 'none', got {each!r}")


def check_parameters(region, data_dir, language: str = "en", **extra) -> dict:
    """Validate the parameters every notebook shares; returns them normalised."""
    region = check_region(region)
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
    return {"region": region, "data_dir": path.resolve(), "language": language, **extra}
