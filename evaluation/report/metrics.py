"""Headline numbers published by a notebook and read back by the report runner.

A notebook calls :func:`publish` with a flat (or nested) dict of numbers. The dict
travels inside the executed notebook as a display output with its own mime type, so
nothing is written to disk from the kernel: the same notebook works under papermill,
under Dask, or run by hand in JupyterLab. After execution, :func:`collect` reads every
published dict back, in cell order, and merges them.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import PurePath
from typing import Any

#: Mime type of the display output that carries a metrics dict.
METRICS_MIME = "application/vnd.blkk.metrics+json"


def to_json_safe(value: Any, where: str = "metrics") -> Any:
    """Return ``value`` as plain JSON types.

    NumPy and pandas scalars become Python numbers, NaN/inf and missing values become
    ``None``, arrays and tuples become lists, dates become ISO strings and paths become
    strings. Anything else raises ``TypeError`` naming where it was found (``where``
    is the name used for the top level), so a bad
    value fails in the notebook that produced it rather than in the runner.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return to_json_safe(float(value), where)
    if isinstance(value, Mapping):
        return {str(k): to_json_safe(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [to_json_safe(v, f"{where}[{i}]") for i, v in enumerate(items)]
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return value.as_posix()
    # pandas.NA / NaT: their truth value or comparison is undefined, test by name.
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    # pandas.Timestamp / Timedelta (not datetime subclasses in every version).
    if hasattr(value, "isoformat") and callable(value.isoformat):
        return value.isoformat()
    # NumPy scalars and 0-d arrays expose .item(); arrays and Series expose .tolist().
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        return to_json_safe(value.item(), where)
    if hasattr(value, "tolist"):
        return to_json_safe(value.tolist(), where)
    raise TypeError(
        f"{where}: value of type {type(value).__name__} cannot be stored as JSON; "
        "use numbers, strings, booleans, None, lists or dicts"
    )


def _summary_text(metrics: dict) -> str:
    parts = [f"{k} = {v}" for k, v in metrics.items() if not isinstance(v, (dict, list))]
    return "metrics: " + ("; ".join(parts) if parts else f"{len(metrics)} entries")


def publish(metrics: Mapping[str, Any]) -> dict:
    """Publish headline numbers from inside a notebook.

    The dict is emitted as a raw display output of type ``METRICS_MIME`` (with a
    one-line text fallback for JupyterLab). Publishing several times is allowed; later
    keys win when the runner merges them. Returns the JSON-safe dict that was sent.
    """
    if not isinstance(metrics, Mapping):
        raise TypeError(f"publish() expects a dict of metrics, got {type(metrics).__name__}")
    safe = to_json_safe(dict(metrics))
    # Round-trip once so anything json cannot write fails here, in the notebook.
    json.dumps(safe, allow_nan=False)
    from IPython.display import display

    display({METRICS_MIME: safe, "text/plain": _summary_text(safe)}, raw=True)
    return safe


def _outputs(nb) -> Iterator:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        yield from cell.get("outputs", [])


def is_metrics_output(output) -> bool:
    """True for a display output created by :func:`publish`."""
    return METRICS_MIME in (output.get("data") or {})


def collect(nb) -> dict:
    """Merge every dict published in an executed notebook, in cell order.

    ``nb`` is a notebook node or a plain dict as read from an ``.ipynb`` file.
    Returns plain Python dicts (no NotebookNode) so the result can be pickled and
    written as JSON.
    """
    merged: dict = {}
    for output in _outputs(nb):
        if not is_metrics_output(output):
            continue
        payload = output["data"][METRICS_MIME]
        if isinstance(payload, str):  # older writers store JSON as text
            payload = json.loads(payload)
        merged.update(json.loads(json.dumps(payload)))
    return merged
