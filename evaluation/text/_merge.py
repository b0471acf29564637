"""One catalogue from the modules of a language's package."""

from __future__ import annotations

import importlib
import pkgutil


def merged(package: str, path) -> dict:
    """The ``TEXT`` of every module of ``package`` (but ``notebooks``), merged; a key defined
    in two modules is an error."""
    out, where = {}, {}
    for info in sorted(pkgutil.iter_modules(path), key=lambda m: m.name):
        if info.name == "notebooks":
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for key, value in module.TEXT.items():
            if key in out:
                raise ValueError(f"text {key!r} is defined in both {where[key]} and {info.name}")
            out[key], where[key] = value, info.name
    return out
