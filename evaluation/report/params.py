"""Notebook parameters checked against what each notebook declares, before any kernel starts.

Papermill only warns about unknown names and never checks types; a batch run passes one set
of parameters to notebooks that declare different ones. Here each notebook gets the
parameters it declares, each of the declared type, or the run stops with a clear message.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from evaluation.config import ParameterError

_TYPES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,)}


@lru_cache(maxsize=64)
def _declared(path: str, mtime: float) -> dict[str, str]:
    import papermill as pm

    return {name: spec.get("inferred_type_name") or "None" for name, spec in pm.inspect_notebook(path).items()}


def declared(notebook: str | Path) -> dict[str, str]:
    """Parameter names of a notebook and their declared type names ("str", "int", ...)."""
    path = Path(notebook)
    return _declared(str(path), path.stat().st_mtime)


def parameters_for(notebook: str | Path, parameters: dict) -> dict:
    """The parameters this notebook declares, type-checked; others are left out."""
    spec = declared(notebook)
    out = {}
    for name, value in parameters.items():
        if name not in spec:
            continue
        kind = spec[name]
        allowed = _TYPES.get(kind)
        if allowed is not None and (not isinstance(value, allowed) or (kind != "bool" and isinstance(value, bool))):
            raise ParameterError(
                f"{Path(notebook).name}: parameter {name!r} must be {kind}, got {value!r} ({type(value).__name__})"
            )
        out[name] = value
    return out
