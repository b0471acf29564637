"""One table style for every report page: no index column, headers in words, units shown,
numbers formatted, long text wrapped and never cut.

``install(language)`` makes it the way a notebook shows every DataFrame (an IPython display
formatter), so a notebook cell stays one call and every table of every page looks the same,
in JupyterLab as in the rendered report. ``to_html(df)`` is the same rendering as a string.

* A default 0..n-1 index is dropped; a meaningful index (named, or not a plain range) becomes
  ordinary columns.
* Headers: the catalogue's ``col.*`` texts for the columns the project publishes, in English or Bahasa
  Indonesia; any other ``snake_case`` name is spelled out with spaces.
* Numbers: shares (columns named like ``*_rate``, ``*_share``, ``probability``... with values
  within 0-1) as per cent; rupiah (``*_idr``) with "Rp" and thousands separators; other floats
  to three significant digits; integers with thousands separators.
* Text is wrapped (the page's CSS class ``blkk-table``), never cut with "...".
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from evaluation.text import section, t

_YEAR = re.compile(r"(year|cohort|opened|tahun|dibuka|estimated_from)", re.I)
_SHARE = re.compile(r"(_rate|_share|share_|^share|probability|_pct_of|precision)", re.I)
_RUPIAH = re.compile(r"(_idr$|^rp\b|rupiah)", re.I)


def words(column, language: str = "en") -> str:
    """A column's header in words (falls back to the name with spaces for underscores)."""
    key = str(column)
    table = section("col", language)
    if key in table:
        return table[key]
    return key.replace("_", " ")


def _is_share(name: str, values: pd.Series) -> bool:
    if not _SHARE.search(name) or not pd.api.types.is_numeric_dtype(values):
        return False
    v = values.dropna()
    return len(v) > 0 and v.between(0, 1).all()


def _format_value(value, kind: str, language: str = "en") -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, (bool, np.bool_)):
        return t("word.yes" if value else "word.no", language)
    if kind == "share":
        return f"{100 * float(value):.1f}%"
    if kind == "rupiah":
        return f"Rp {float(value):,.0f}"
    if kind == "year" and isinstance(value, (int, float, np.integer, np.floating)) and float(value) == int(value):
        return str(int(value))
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v != 0 and abs(v) >= 1000:
            return f"{v:,.0f}"
        if v == int(v) and abs(v) < 1e6:
            return f"{int(v):,}"
        return f"{v:.3g}" if abs(v) >= 0.001 or v == 0 else f"{v:.2e}"
    return str(value)


def prepare(df: pd.DataFrame) -> pd.DataFrame:
    """The frame as it will be shown: a meaningful index turned into columns, a plain one dropped."""
    out = df.copy()
    idx = out.index
    plain = (isinstance(idx, pd.RangeIndex) or (pd.api.types.is_integer_dtype(idx) and idx.name is None
                                                 and not isinstance(idx, pd.MultiIndex)))
    if plain:
        return out.reset_index(drop=True)
    names = [n if n is not None else " " * (i + 1) for i, n in enumerate(idx.names)]  # unnamed: a blank header
    out.index = out.index.set_names(names)
    return out.reset_index()


def to_html(df: pd.DataFrame, language: str = "en", max_rows: int = 200) -> str:
    """The table as HTML in the report style (see the module docstring)."""
    frame = prepare(df)
    shown = frame.head(max_rows)
    kinds = {}
    for col in shown.columns:
        name = str(col)
        if _is_share(name, frame[col]):
            kinds[col] = "share"
        elif _RUPIAH.search(name):
            kinds[col] = "rupiah"
        elif _YEAR.search(name) or _YEAR.search(words(col, language)):
            kinds[col] = "year"
        else:
            kinds[col] = "plain"
    head = "".join(f"<th>{html.escape(words(c, language))}</th>" for c in shown.columns)
    codes = {col: section(f"code.{col}", language) for col in shown.columns}
    body = []
    for row in shown.itertuples(index=False):
        cells = []
        for col, value in zip(shown.columns, row):
            text = _format_value(value, kinds[col], language)
            if isinstance(value, str) and value in codes[col]:
                text = codes[col][value]
            numeric = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
            cls = ' class="num"' if numeric else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(frame) > max_rows:
        note = t("table.more_rows", language, n=f"{len(frame) - max_rows:,}")
        more = f'<p class="blkk-table-note">{html.escape(note)}</p>'
    return (f'<div class="blkk-table-wrap"><table class="blkk-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{more}</div>')


#: Style of the tables, inlined once per output so a notebook viewed anywhere shows it.
STYLE = ("<style>div.blkk-table-wrap table.blkk-table{border-collapse:collapse;font-size:0.92em;margin:0.4em 0}"
         "div.blkk-table-wrap table.blkk-table th,div.blkk-table-wrap table.blkk-table td{border-bottom:1px solid #e0e0e0;"
         "padding:3px 8px;text-align:left;vertical-align:top;white-space:normal;overflow-wrap:break-word;max-width:30em}"
         "div.blkk-table-wrap table.blkk-table th{background:#f5f5f5;font-weight:600}"
         "div.blkk-table-wrap table.blkk-table td.num{text-align:right;white-space:nowrap}"
         "div.blkk-table-wrap{max-width:100%;overflow-x:auto}"
         "p.blkk-table-note{color:#666;font-size:0.85em}</style>")
#: (Selectors start at the wrapper so they outrank JupyterLab's own table rules, which right-align
#: every cell of an output.)


def install(language: str = "en") -> None:
    """Show every DataFrame of this IPython session in the report style."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - outside IPython nothing to install
        return
    ip = get_ipython()
    if ip is None:
        return
    formatter = ip.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, lambda df: STYLE + to_html(df, language))
