"""Render an executed notebook to a self-contained HTML page for reviewers.

nbconvert's exporter runs in-process and is created once per process (the first
export costs about half a second, later ones a few hundredths). Code is hidden by
default; papermill's ``report_mode`` does not hide it in nbconvert output, so inputs
are excluded here. nbconvert has no table of contents, so one is built from the
rendered headings, and a reproducibility footer (parameters, data hashes, versions,
commit, kernel, run time) is appended.
"""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evaluation.report.metrics import is_metrics_output
from evaluation.text import section

#: Cells with this tag never reach the HTML.
REMOVE_CELL_TAG = "remove-cell"
#: Cells with these tags are dropped entirely when code is hidden.
PARAMETER_TAGS = ("parameters", "injected-parameters")

#: Order of footer entries; keys not listed here follow in the order given.
FOOTER_ORDER = (
    "run_name",
    "region",
    "notebook",
    "status",
    "error",
    "warnings",
    "parameters",
    "data_hashes",
    "package_versions",
    "commit",
    "kernel",
    "started",
    "finished",
    "seconds",
)

_EXTRA_CSS = """
<style>
.blkk-toc, .blkk-footer { font-family: system-ui, sans-serif; font-size: 0.9em;
  margin: 1em auto; max-width: 1100px; padding: 0.8em 1.2em; border: 1px solid #ddd;
  border-radius: 6px; background: #fafafa; }
.blkk-toc ul { list-style: none; padding-left: 0; }
.blkk-toc li { margin: 0.15em 0; }
.blkk-toc-2 { padding-left: 1.2em; } .blkk-toc-3 { padding-left: 2.4em; }
.blkk-toc-4 { padding-left: 3.6em; } .blkk-toc-5, .blkk-toc-6 { padding-left: 4.8em; }
.blkk-footer h2 { font-size: 1.1em; }
.blkk-footer h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
.blkk-footer table { border-collapse: collapse; }
.blkk-footer td, .blkk-footer th { border: 1px solid #ddd; padding: 2px 8px;
  text-align: left; vertical-align: top; }
.blkk-footer code { word-break: break-all; }
.blkk-warnings { font-family: system-ui, sans-serif; margin: 1em auto; max-width: 1100px;
  padding: 0.6em 1.2em; border: 1px solid #ef6c00; border-left-width: 6px;
  border-radius: 6px; background: #fff3e0; color: #4e2600; }
/* pages read on a phone as well as a wide screen: nothing pushes the page sideways; a wide
   table scrolls inside its own box, figures shrink to the width, long codes wrap */
.jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow-x: auto; max-width: 100%; }
.jp-RenderedHTMLCommon table { display: block; max-width: 100%; overflow-x: auto; }
.jp-OutputArea-output img, .jp-RenderedImage img { max-width: 100%; height: auto; }
.jp-RenderedText pre, .blkk-footer code { white-space: pre-wrap; overflow-wrap: anywhere; }
.blkk-footer table { display: block; max-width: 100%; overflow-x: auto; }
@media (max-width: 700px) {
  .jp-Cell, .jp-OutputArea-child { padding-left: 0; padding-right: 0; }
  .jp-OutputPrompt, .jp-InputPrompt { display: none; }
  .blkk-toc, .blkk-footer, .blkk-warnings { padding: 0.6em; }
}
</style>
"""

_exporters: dict[bool, Any] = {}


def _labels(language: str) -> dict[str, str]:
    return section("footer", language)


def _exporter(show_code: bool):
    """One HTMLExporter per process and per code setting, reused across notebooks."""
    exporter = _exporters.get(show_code)
    if exporter is None:
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(template_name="lab")
        exporter.embed_images = True
        exporter.exclude_input = not show_code
        exporter.exclude_input_prompt = not show_code
        exporter.exclude_output_prompt = not show_code
        _exporters[show_code] = exporter
    return exporter


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []) or [])


def prepare(nb, show_code: bool = False):
    """Copy of ``nb`` with the cells a reader should not see removed.

    Always drops cells tagged ``remove-cell`` and the metrics outputs (they are shown
    on the index page). With code hidden, also drops the ``parameters`` and
    ``injected-parameters`` cells: their values are listed in the footer instead.
    """
    import nbformat

    nb = copy.deepcopy(nb)
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.from_dict(nb)
    kept = []
    for cell in nb.cells:
        tags = _tags(cell)
        if REMOVE_CELL_TAG in tags:
            continue
        if not show_code and tags.intersection(PARAMETER_TAGS):
            continue
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not is_metrics_output(o)]
            if not show_code and not cell.outputs:
                continue  # an empty box per hidden cell reads as noise
        kept.append(cell)
    nb.cells = kept
    return nb


_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.S | re.I)
_ID = re.compile(r"""\bid\s*=\s*(["'])(.*?)\1""", re.S)
_TAG = re.compile(r"<[^>]+>")
_ANCHOR_LINK = re.compile(r"<a\b[^>]*class=\"anchor-link\"[^>]*>.*?</a>", re.S)


def _heading_text(inner_html: str) -> str:
    text = _TAG.sub("", _ANCHOR_LINK.sub("", inner_html))
    return " ".join(html.unescape(text).split())


def _add_toc(body: str, max_level: int, labels: dict[str, str]) -> str:
    """Insert a table of contents built from the rendered headings.

    Heading ids come from nbconvert (derived from the heading text); headings without
    an id get one, and repeated ids are made unique so every entry links to its own
    heading.
    """
    seen: dict[str, int] = {}
    entries: list[tuple[int, str, str]] = []

    def visit(match: re.Match) -> str:
        level, attrs, inner = int(match.group(1)), match.group(2), match.group(3)
        text = _heading_text(inner)
        if not text:
            return match.group(0)
        found = _ID.search(attrs)
        anchor = html.unescape(found.group(2)) if found else re.sub(r"\s+", "-", text)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        if count:
            anchor = f"{anchor}-{count + 1}"
        new_attrs = _ID.sub("", attrs) if found else attrs
        new_attrs = f' id="{html.escape(anchor, quote=True)}"{new_attrs}'
        if level <= max_level:
            entries.append((level, anchor, text))
        return f"<h{level}{new_attrs}>{inner}</h{level}>"

    body = _HEADING.sub(visit, body)
    if not entries:
        return body
    top = min(level for level, _, _ in entries)
    # A flat list indented by level stays valid HTML whatever the heading order.
    parts = [
        f'<nav class="blkk-toc" id="blkk-toc"><strong>{html.escape(labels["contents"])}</strong><ul>'
    ]
    for level, anchor, text in entries:
        href = html.escape("#" + anchor, quote=True)
        parts.append(
            f'<li class="blkk-toc-{level - top + 1}"><a href="{href}">{html.escape(text)}</a></li>'
        )
    parts.append("</ul></nav>")
    return _insert_after_open(body, "".join(parts))


def _insert_after_open(page: str, fragment: str) -> str:
    for pattern in (r"<main\b[^>]*>", r"<body\b[^>]*>"):
        match = re.search(pattern, page, re.I)
        if match:
            return page[: match.end()] + "\n" + fragment + "\n" + page[match.end() :]
    return fragment + page


def _insert_before_close(page: str, fragment: str) -> str:
    for tag in ("</main>", "</body>"):
        index = page.lower().rfind(tag)
        if index >= 0:
            return page[:index] + fragment + "\n" + page[index:]
    return page + fragment


def _value_html(value: Any, labels: dict[str, str]) -> str:
    if value is None:
        return f"<em>{html.escape(labels['none'])}</em>"
    if isinstance(value, Mapping):
        if not value:
            return f"<em>{html.escape(labels['empty'])}</em>"
        rows = "".join(
            f"<tr><td><code>{html.escape(str(k))}</code></td><td>{_value_html(v, labels)}</td></tr>"
            for k, v in value.items()
        )
        return f"<table>{rows}</table>"
    if isinstance(value, (list, tuple)):
        if not value:
            return f"<em>{html.escape(labels['empty'])}</em>"
        return ", ".join(_value_html(v, labels) for v in value)
    if isinstance(value, float):
        return html.escape(f"{value:.2f}" if abs(value) >= 1 else f"{value:.3g}")
    return f"<code>{html.escape(str(value))}</code>"


def footer_html(footer: Mapping[str, Any], language: str = "en") -> str:
    """The reproducibility section as an HTML fragment; every value is escaped."""
    labels = _labels(language)
    keys = [k for k in FOOTER_ORDER if k in footer] + [k for k in footer if k not in FOOTER_ORDER]
    scalars, blocks = [], []
    for key in keys:
        label = html.escape(labels.get(key, str(key)))
        value = footer[key]
        if isinstance(value, Mapping):
            blocks.append(f"<h3>{label}</h3>{_value_html(value, labels)}")
        else:
            scalars.append(f"<tr><th>{label}</th><td>{_value_html(value, labels)}</td></tr>")
    table = f"<table>{''.join(scalars)}</table>" if scalars else ""
    return (
        f'<footer class="blkk-footer" id="blkk-reproducibility">'
        f"<h2>{html.escape(labels['reproducibility'])}</h2>{table}{''.join(blocks)}</footer>"
    )


def warnings_html(warnings, language: str = "en") -> str:
    """A banner at the top of the page listing what is wrong with it (escaped)."""
    labels = _labels(language)
    items = "".join(f"<li>{html.escape(str(w))}</li>" for w in warnings)
    return f'<aside class="blkk-warnings" id="blkk-warnings" role="note"><strong>{html.escape(labels["warnings"])}</strong><ul>{items}</ul></aside>'


def _default_title(nb, labels: dict[str, str]) -> str:
    for cell in nb.cells:
        if cell.get("cell_type") != "markdown":
            continue
        for line in cell.get("source", "").splitlines():
            match = re.match(r"\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match and match.group(1):
                return match.group(1)
    return labels["report"]


def to_html(
    nb,
    show_code: bool = False,
    title: str | None = None,
    footer: Mapping[str, Any] | None = None,
    language: str = "en",
    *,
    toc: bool = True,
    toc_max_level: int = 3,
    resources_path: str | Path | None = None,
) -> str:
    """Render an executed notebook to one self-contained HTML page.

    Parameters
    ----------
    nb : NotebookNode or dict
        The executed notebook; it is not modified.
    show_code : bool
        Show code cells (inputs). Hidden by default, together with the parameter cells.
    title : str, optional
        Page title; defaults to the first markdown heading.
    footer : dict, optional
        Reproducibility record appended at the end (see ``FOOTER_ORDER`` for known keys).
    language : {"en", "id"}
        Language of the table of contents and footer labels.
    toc, toc_max_level : bool, int
        Build a table of contents from headings up to this level.
    resources_path : path, optional
        Folder against which relative image links in markdown are embedded.
    """
    labels = _labels(language)
    clean = prepare(nb, show_code=show_code)
    page_title = title if title is not None else _default_title(clean, labels)
    resources = {"metadata": {"name": page_title}}
    if resources_path is not None:
        resources["metadata"]["path"] = str(resources_path)
    body, _ = _exporter(show_code).from_notebook_node(clean, resources=resources)
    if toc:
        body = _add_toc(body, toc_max_level, labels)
    body = body.replace("</head>", _EXTRA_CSS + "</head>", 1) if "</head>" in body else _EXTRA_CSS + body
    if footer is not None:
        body = _insert_before_close(body, footer_html(footer, language))
        if footer.get("warnings"):
            body = _insert_after_open(body, warnings_html(footer["warnings"], language))
    lang = "id" if language == "id" else "en"
    body = re.sub(r"<html\b[^>]*>", f'<html lang="{lang}">', body, count=1)
    return body
