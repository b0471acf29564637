"""Fit once, report many: national models are fitted once per data version and stored.

A regional notebook asks for a national model with :func:`national`; the first call fits it
and, when a ``fit_dir`` is given, stores it there, keyed by the data's hash and the package
version. Every later call, in any process, loads it instead of refitting. Without a
``fit_dir`` (a notebook run by hand) the model is fitted in-process.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Callable

from . import __version__

_FITTERS: dict[str, Callable] = {}


def fitter(name: str):
    """Register a function ``(data_dir) -> model`` as the national fit called ``name``."""

    def register(fn):
        _FITTERS[name] = fn
        return fn

    return register


def data_key(data_dir: str | Path) -> str:
    """Hash of every data file in the folder (names and bytes) plus the package version."""
    h = hashlib.sha256(__version__.encode())
    root = Path(data_dir)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".csv", ".parquet", ".xlsx")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def national(name: str, data_dir: str | Path, fit_dir: str | Path | None = None):
    """The national model ``name`` for this data, loaded from ``fit_dir`` or fitted now."""
    if name not in _FITTERS:
        _register_builtin()
    if name not in _FITTERS:
        raise KeyError(f"no national fit called {name!r}; known: {sorted(_FITTERS)}")
    if not fit_dir:
        return _FITTERS[name](data_dir)
    fit_dir = Path(fit_dir)
    path = fit_dir / f"{name}-{data_key(data_dir)}.pkl"
    if path.exists():
        with path.open("rb") as fh:
            return pickle.load(fh)
    model = _FITTERS[name](data_dir)
    fit_dir.mkdir(parents=True, exist_ok=True)
    # write then rename, so parallel notebooks never read a half-written model
    fd, tmp = tempfile.mkstemp(dir=fit_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return model


def fit_all(data_dir: str | Path, fit_dir: str | Path, names: list[str] | None = None) -> dict[str, Path]:
    """Fit (or find) every registered national model; the report runner calls this once per run."""
    _register_builtin()
    out = {}
    for name in names or sorted(_FITTERS):
        national(name, data_dir, fit_dir)
        out[name] = Path(fit_dir) / f"{name}-{data_key(data_dir)}.pkl"
    return out


def _register_builtin() -> None:
    for name, fn in (("risk", _fit_risk), ("regional_impact", _fit_regional_impact), ("trainee_effects", _fit_trainee_effects)):
        _FITTERS.setdefault(name, fn)


def _fit_risk(data_dir):
    """The independence-risk model on every center of the country, with the defaults of the roadmap."""
    from .data import load_dataset
    from .risk import fit_risk

    return fit_risk(load_dataset(data_dir))


def _fit_regional_impact(data_dir):
    """National staggered-DiD estimates of both outcomes, for both comparison groups."""
    from .data import load_dataset
    from .impact import regional

    ds = load_dataset(data_dir)
    return regional.national_estimates(regional.regency_panel(ds.centers, ds.regency_years, ds.center_years))


def _fit_trainee_effects(data_dir):
    """National effects of training on trainees (None where the data have no trainee table)."""
    from .data import load_dataset
    from .impact import tracer

    ds = load_dataset(data_dir)
    return None if ds.trainees is None else tracer.national_effects(ds.trainees, ds.centers, ds.regency_years, ds.center_years)
