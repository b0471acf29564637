"""What may be published: small cells suppressed, no personal identifiers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

#: Counts below this are not published (shown as "<10").
MIN_CELL = 10

NIK = re.compile(r"(?<![\d.,])\d{16}(?![\d.,])")  # not the decimals of a float
PHONE = re.compile(r"(?<![\d.])(?:\+62|62|0)8\d{7,11}(?![\d.])")


def suppress_small_cells(table: pd.DataFrame, count_columns: list[str], min_cell: int = MIN_CELL,
                         dependent: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Counts below ``min_cell`` (and above zero) shown as "<min_cell".

    Complementary suppression: where a row has exactly one suppressed cell among columns that
    add up to a published total, the next-smallest cell of that row is suppressed too, so the
    hidden count cannot be recovered by subtraction. Columns in ``dependent`` (e.g. rates
    computed from a count) are blanked wherever their count is suppressed.
    """
    out = table.copy()
    values = table[count_columns].to_numpy(dtype=float)
    hide = (values > 0) & (values < min_cell)
    # repeat until stable: no row and no column may have exactly one hidden cell, or the
    # hidden count could be recovered from the row or column total
    changed = True
    while changed:
        changed = False
        for axis_values, axis_hide in ((values, hide), (values.T, hide.T)):
            if axis_values.shape[1] < 2:
                continue
            for i in range(axis_values.shape[0]):
                if axis_hide[i].sum() == 1:
                    candidates = np.where(~axis_hide[i], axis_values[i], np.inf)
                    axis_hide[i, int(np.argmin(candidates))] = True
                    changed = True
    label = f"<{min_cell}"
    for j, col in enumerate(count_columns):
        out[col] = out[col].astype(object)
        out.loc[hide[:, j], col] = label
        for dep in (dependent or {}).get(col, []):
            out[dep] = out[dep].astype(object)
            out.loc[hide[:, j], dep] = "–"
    return out


def find_identifiers(text: str, names: list[str] | None = None) -> list[str]:
    """Personal identifiers found in rendered text: NIK-like numbers, phone numbers, given names."""
    found = NIK.findall(text) + PHONE.findall(text)
    for name in names or []:
        if name and name in text:
            found.append(name)
    return found


_EMBEDDED = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+")
#: Hashes and commit ids (hex digests) in the reproducibility footer: digits, but not people.
_DIGESTS = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{32,}(?![0-9A-Za-z])")


def guard_identifiers(*texts: str, names=()) -> list[str]:
    """Identifiers in any of the texts, after dropping embedded images and hex digests."""
    found: list[str] = []
    for text in texts:
        found += find_identifiers(_DIGESTS.sub("", _EMBEDDED.sub("", text)), list(names))
    return found
