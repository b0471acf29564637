"""What an executed notebook shows: figures where they are expected, and a comparable
signature of every cell's outputs.

A notebook marks each cell that draws a figure with the cell tag ``figure``. After a run,
:func:`missing_figures` lists the tagged cells that produced no image, so a report whose
figures went missing is flagged in the manifest and on the index instead of being
published silently. A cell that cannot draw its figure for a stated reason (no estimate
for this region, say) displays :func:`evaluation.plots.no_figure`, which says why on the
page and tells this check that nothing is missing.

:func:`signature` reduces a notebook's outputs to what a reader sees, per cell: output
types, the MIME types of each bundle, the number of images, and the text with memory
addresses, timestamps and temporary paths normalised. Two runs that should give the same
page (a warm and a cold kernel, say) must have equal signatures (:func:`differences`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Cell tag of a cell that must show a figure.
FIGURE_TAG = "figure"
#: Output metadata key by which a cell says why it shows no figure.
NO_FIGURE_KEY = "blkk_no_figure"
IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg")

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:?\d\d|Z)?")
_TMP_PATH = re.compile(r"(?:/[^\s'\"<>]*)?/\.?[\w.-]*tmp[\w.-]*(?:/[^\s'\"<>]*)?")
_SECONDS = re.compile(r"\b\d+(?:\.\d+)? ?s\b")


def _tags(cell: Mapping) -> list[str]:
    return list((cell.get("metadata") or {}).get("tags") or [])


def image_count(cell: Mapping) -> int:
    """Number of images among a cell's outputs."""
    return sum(
        1
        for out in cell.get("outputs") or []
        if out.get("output_type") in ("display_data", "execute_result")
        and any(kind in (out.get("data") or {}) for kind in IMAGE_TYPES)
    )


def no_figure_reason(cell: Mapping) -> str | None:
    """The reason a cell gave for showing no figure, if it gave one."""
    for out in cell.get("outputs") or []:
        reason = (out.get("metadata") or {}).get(NO_FIGURE_KEY)
        if reason:
            return str(reason)
    return None


def figure_cells(nb: Mapping) -> list[int]:
    """Indices of the cells tagged ``figure``."""
    return [i for i, cell in enumerate(nb.get("cells") or []) if FIGURE_TAG in _tags(cell)]


def missing_figures(nb: Mapping) -> list[int]:
    """Cells tagged ``figure`` that ran but show no image and gave no reason.

    Cells that never ran (the notebook stopped before them) are not listed: the task's
    status already says the notebook failed.
    """
    missing = []
    for i in figure_cells(nb):
        cell = nb["cells"][i]
        ran = cell.get("execution_count") is not None or bool(cell.get("outputs"))
        if ran and image_count(cell) == 0 and no_figure_reason(cell) is None:
            missing.append(i)
    return missing


def figure_warnings(nb: Mapping) -> list[str]:
    """Readable warnings for the manifest and the index (empty when all figures are there)."""
    missing = missing_figures(nb)
    if not missing:
        return []
    cells = ", ".join(str(i) for i in missing)
    noun = "cell" if len(missing) == 1 else "cells"
    return [f"no figure in plotting {noun} {cells}: the page is missing {'its' if len(missing) == 1 else 'these'} figure(s)"]


def _normalise(text: str) -> str:
    text = _ADDRESS.sub("0x…", text)
    text = _TIMESTAMP.sub("<time>", text)
    text = _TMP_PATH.sub("<tmp>", text)
    return _SECONDS.sub("<seconds>", text)


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def signature(nb: Mapping) -> list[dict]:
    """Per code cell: what it shows, normalised so that equal pages compare equal."""
    out = []
    for index, cell in enumerate(nb.get("cells") or []):
        if cell.get("cell_type") != "code":
            continue
        outputs = []
        for o in cell.get("outputs") or []:
            kind = o.get("output_type")
            entry: dict[str, Any] = {"type": kind}
            if kind == "stream":
                entry["name"] = o.get("name")
                entry["text"] = _normalise(_text(o.get("text", "")))
            elif kind in ("display_data", "execute_result"):
                data = o.get("data") or {}
                entry["mime"] = sorted(data)
                for mime in ("text/plain", "text/markdown", "text/html"):
                    if mime in data:
                        entry[mime] = _normalise(_text(data[mime]))
            elif kind == "error":
                entry["ename"] = o.get("ename")
                entry["evalue"] = _normalise(str(o.get("evalue", "")))
            outputs.append(entry)
        out.append({"cell": index, "images": image_count(cell), "outputs": outputs})
    return out


def differences(a: Mapping, b: Mapping, limit: int = 20) -> list[str]:
    """Where two executed notebooks show different things (empty when the same)."""
    sa, sb = signature(a), signature(b)
    diffs: list[str] = []
    if len(sa) != len(sb):
        return [f"different number of code cells: {len(sa)} against {len(sb)}"]
    for ca, cb in zip(sa, sb):
        if ca == cb:
            continue
        where = f"cell {ca['cell']}"
        if ca["images"] != cb["images"]:
            diffs.append(f"{where}: {ca['images']} image(s) against {cb['images']}")
        ta = [o["type"] for o in ca["outputs"]]
        tb = [o["type"] for o in cb["outputs"]]
        if ta != tb:
            diffs.append(f"{where}: outputs {ta} against {tb}")
        else:
            for k, (oa, ob) in enumerate(zip(ca["outputs"], cb["outputs"])):
                if oa != ob:
                    keys = sorted(key for key in set(oa) | set(ob) if oa.get(key) != ob.get(key))
                    diffs.append(f"{where}, output {k}: differs in {keys}")
        if len(diffs) >= limit:
            break
    return diffs
