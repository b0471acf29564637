"""The run's ``index.html``: the page a reviewer opens first.

Self-contained (inline CSS and one small static script, relative links, the map inlined),
so it reads straight from disk or a shared folder, on a wide screen or a phone. One row per
region: its name, its headline numbers as sortable columns, and one compact badge per
notebook (coloured by status, linking to the page). A filter box finds a region by name or
code. A map shows where the regions are. Problems and warnings are listed first. Every
name, value and message is escaped; the script holds no data.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from evaluation.text import section

#: Headline numbers shown per region.
MAX_HEADLINE_METRICS = 6

_CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.2em auto;
  max-width: 1200px; padding: 0 0.8em; color: #222; line-height: 1.4; }
h1 { font-size: 1.45em; margin-bottom: 0.2em; }
nav.languages { text-align: right; font-size: 0.9em; } h2 { font-size: 1.15em; margin-top: 1.4em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 5px 7px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
table.meta td, table.meta code { overflow-wrap: anywhere; }
th { background: #f3f3f3; }
.status { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 0.85em;
  font-weight: 600; color: #fff; }
.status-ok { background: #2e7d32; } .status-failed { background: #c62828; }
.status-timeout { background: #ef6c00; } .status-warning { background: #f9a825; color: #222; }
.reused { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 0.8em;
  color: #37474f; background: #eceff1; border: 1px solid #cfd8dc; }
.error { color: #b71c1c; font-size: 0.85em; white-space: pre-wrap; margin-top: 3px; }
.links a { margin-right: 0.6em; }
.metrics { margin: 0; font-size: 0.9em; } .metrics dt { font-weight: 600; float: left;
  clear: left; margin-right: 0.4em; } .metrics dd { margin: 0; }
code { word-break: break-all; } .meta td:first-child { width: 12em; }
#filter { width: 100%; max-width: 28em; padding: 6px 8px; font-size: 1em; margin: 0.3em 0; }
.hint { color: #666; font-size: 0.85em; margin: 0.2em 0; }
table.regions { table-layout: auto; font-size: 0.92em; }
table.regions th[data-type] { cursor: pointer; user-select: none; }
table.regions th[data-type]::after { content: " \\2195"; color: #999; font-size: 0.8em; }
table.regions td.num { text-align: right; white-space: normal; }
table.regions .code { color: #666; font-size: 0.85em; margin-left: 0.3em; }
.badges { display: flex; flex-wrap: wrap; gap: 3px; }
.badge { display: inline-block; min-width: 2.1em; text-align: center; padding: 1px 4px; border-radius: 3px;
  font-size: 0.82em; font-weight: 600; color: #fff; text-decoration: none; }
.badge.ok { background: #2e7d32; } .badge.failed { background: #c62828; } .badge.timeout { background: #ef6c00; }
.badge.warning { background: #f9a825; color: #222; } .badge.missing { background: #bdbdbd; }
figure.map { margin: 0.5em 0; } figure.map img { max-width: 100%; height: auto; border: 1px solid #eee; }
figure.map figcaption { color: #444; font-size: 0.88em; }
details { margin: 1em 0; } summary { cursor: pointer; font-weight: 600; }
@media (max-width: 700px) {
  table.regions, table.regions tbody, table.regions tr, table.regions td { display: block; width: 100%; }
  table.regions thead { display: none; }
  table.regions tr { border: 1px solid #ddd; margin-bottom: 0.6em; }
  table.regions td { border: none; border-bottom: 1px solid #f0f0f0; text-align: left; }
  table.regions td.num { text-align: left; }
  table.regions td[data-label]::before { content: attr(data-label); display: block; font-weight: 600;
    color: #555; font-size: 0.85em; }
  .meta td:first-child { width: auto; }
}
"""

#: Sorting and filtering of the regions table; holds no data (everything is read from the page).
_SCRIPT = """
(function () {
  var table = document.getElementById("regions-table");
  if (!table) return;
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  if (filter) filter.addEventListener("input", function () {
    var q = filter.value.toLowerCase();
    Array.prototype.forEach.call(body.rows, function (row) {
      row.style.display = row.getAttribute("data-search").indexOf(q) >= 0 ? "" : "none";
    });
  });
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var type = th.getAttribute("data-type");
    if (!type) return;
    th.addEventListener("click", function () {
      var up = th.getAttribute("data-dir") !== "asc";
      th.setAttribute("data-dir", up ? "asc" : "desc");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-value"), y = b.cells[col].getAttribute("data-value");
        if (type === "num") {
          x = x === "" ? NaN : parseFloat(x); y = y === "" ? NaN : parseFloat(y);
          if (isNaN(x)) return 1; if (isNaN(y)) return -1;
          return up ? x - y : y - x;
        }
        return up ? x.localeCompare(y) : y.localeCompare(x);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _href(relative: str) -> str:
    # Percent-encode each segment (region names may hold spaces or markup), then escape.
    return _e("/".join(quote(part) for part in relative.split("/")))


def _format_number(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    return str(value)


def headline_metrics(metrics_by_notebook: Mapping[str, Mapping[str, Any]], limit: int = MAX_HEADLINE_METRICS):
    """Numbers a notebook marked as its ``headline`` (a dict of label -> value) first, then
    the first numeric scalars, in notebook order then publication order, up to ``limit``."""
    picked = []
    for notebook, metrics in metrics_by_notebook.items():
        for key, value in ((metrics or {}).get("headline") or {}).items():
            if value is not None:
                picked.append((notebook, key, value))
    if picked:
        return picked
    for notebook, metrics in metrics_by_notebook.items():
        for key, value in (metrics or {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                picked.append((notebook, key, value))
                if len(picked) >= limit:
                    return picked
    return picked


def _load_manifest(run_dir: Path, source) -> tuple[dict, dict]:
    """(manifest, {(region, notebook): metrics}) from a RunResult, a manifest or disk."""
    metrics: dict[tuple[str, str], dict] = {}
    if source is None:
        source = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    if hasattr(source, "manifest") and hasattr(source, "tasks"):  # RunResult
        for task in source.tasks:
            metrics[(task.region, Path(task.notebook).stem)] = dict(task.metrics)
        return dict(source.manifest), metrics
    manifest = dict(source)
    cache: dict[str, dict] = {}
    for task in manifest.get("tasks", []):
        rel = task.get("metrics")
        if not rel:
            continue
        if rel not in cache:
            path = run_dir / rel
            try:
                cache[rel] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                cache[rel] = {}
        metrics[(task["region"], task["notebook"])] = cache[rel].get(task["notebook"], {})
    return manifest, metrics


def _status_cell(task: Mapping[str, Any], labels: dict) -> str:
    status = task.get("status", "failed")
    parts = [f'<span class="status status-{_e(status)}">{_e(labels.get(status, status))}</span>']
    if task.get("warnings"):
        parts.append(f' <span class="status status-warning" title="{_e("; ".join(task["warnings"]))}">{_e(labels["warning"])}</span>')
    if task.get("reused"):
        parts.append(f' <span class="reused" title="{_e(labels["reused_title"])}">{_e(labels["reused"])}</span>')
    links = []
    if task.get("html"):
        links.append(f'<a href="{_href(task["html"])}">{_e(labels["report"])}</a>')
    if task.get("ipynb"):
        links.append(f'<a href="{_href(task["ipynb"])}">{_e(labels["notebook"])}</a>')
    if links:
        parts.append(f' <span class="links">{"".join(links)}</span>')
    if task.get("error"):
        where = f" ({labels['cell']} {task['cell']})" if task.get("cell") is not None else ""
        parts.append(f'<div class="error">{_e(task["error"])}{_e(where)}</div>')
    for warning in task.get("warnings") or []:
        parts.append(f'<div class="error">{_e(warning)}</div>')
    return "".join(parts)


def _kv_table(mapping: Mapping[str, Any] | None, labels: dict) -> str:
    if not mapping:
        return f"<p><em>{_e(labels['none'])}</em></p>"
    rows = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td><code>{_e(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)}</code></td></tr>"
        for k, v in mapping.items()
    )
    return f"<table>{rows}</table>"


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def _sort_value(value: Any) -> str:
    """The number a headline shows first (``"Rp 401,675"`` -> 401675, ``"29 of 187"`` -> 29), for sorting."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(value, Mapping) and isinstance(value.get("value"), (int, float)):
        return repr(float(value["value"]))
    found = _NUMBER.search(str(value.get("text", value)) if isinstance(value, Mapping) else str(value))
    return found.group(0).replace(",", "") if found else ""


def _headline_text(value: Any) -> str:
    if isinstance(value, Mapping) and "text" in value:
        return str(value["text"])
    return _format_number(value)


def _badge(nb: str, task: Mapping[str, Any] | None, labels: dict) -> str:
    short = nb.split("_", 1)[0]
    if task is None:
        return f'<span class="badge missing" title="{_e(nb)}">{_e(short)}</span>'
    status = task.get("status", "failed")
    kind = "warning" if status == "ok" and task.get("warnings") else status
    title = f"{nb}: {labels.get(status, status)}"
    if task.get("reused"):
        title += f" ({labels['reused']})"
    if task.get("error"):
        title += f": {task['error']}"
    for warning in task.get("warnings") or []:
        title += f"; {warning}"
    target = task.get("html") or task.get("ipynb")
    mark = "!" if kind in ("warning", "failed", "timeout") else ""
    if target:
        return f'<a class="badge {_e(kind)}" href="{_href(target)}" title="{_e(title)}">{_e(short)}{mark}</a>'
    return f'<span class="badge {_e(kind)}" title="{_e(title)}">{_e(short)}{mark}</span>'


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _map(manifest: Mapping[str, Any], metrics: Mapping[tuple, Mapping], labels: dict, run_dir: Path | None,
         language: str = "en") -> str:
    """A map figure for the index (inlined PNG), or "" when there is nothing to place."""
    regions = [r for r in (manifest.get("regions") or []) if isinstance(r, str)]
    try:
        if len(regions) == 1 and run_dir is not None:
            task = next((t for t in manifest.get("tasks", []) if t.get("region") == regions[0] and t.get("html")), None)
            image = None if task is None else run_dir / Path(task["html"]).parent / "00_regional_summary.map.png"
            if image is None or not image.is_file():
                return ""
            data = base64.b64encode(image.read_bytes()).decode("ascii")
            name = next((m.get("name") for (r, _), m in metrics.items() if isinstance(m, Mapping) and m.get("name")), regions[0])
            caption = labels["map_caption_page"].format(name=name)
        else:
            from evaluation import maps

            pts = maps.run_points(regions)
            if len(pts) < 2:
                return ""
            share = {}
            for (region, _nb), m in metrics.items():
                if isinstance(m, Mapping) and m.get("open_centers"):
                    share[region] = float(m.get("high_risk_open", 0)) / float(m["open_centers"])
            pts["value"] = pts["region"].map(share)
            data = _png(maps.plot_regions(pts, "value", labels["map_label"], language=language))
            caption = labels["map_caption_run"]
    except Exception:  # a map is a help, never a reason to lose the index
        return ""
    return (f'<figure class="map"><img alt="{_e(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


#: Suffix of the run folder of a scope's report in Bahasa Indonesia (``33`` and ``33-id``).
LANGUAGE_SUFFIX = {"en": "", "id": "-id"}


def _page_name(notebook: str, labels: Mapping) -> str:
    """``03 regional impact`` in the index's language (a notebook unknown to the catalogue by its stem)."""
    number, _, rest = notebook.partition("_")
    if not rest:
        return notebook
    return f"{number} {labels.get('page.' + notebook, rest.replace('_', ' '))}"


def language_run(run_name: str, language: str) -> str:
    """The run folder of the same scope in ``language`` (``33`` <-> ``33-id``)."""
    base = run_name
    for suffix in LANGUAGE_SUFFIX.values():
        if suffix and base.endswith(suffix):
            base = base[: -len(suffix)]
    return base + LANGUAGE_SUFFIX[language]


def _language_switch(run_name: str, language: str, run_dir: Path | None, labels: dict) -> str:
    """English | Bahasa Indonesia: the other language's report of the same scope, when it exists."""
    items = []
    for lang in LANGUAGE_SUFFIX:
        name = labels[f"language_{lang}"]
        if lang == language:
            items.append(f'<strong lang="{lang}">{_e(name)}</strong>')
            continue
        sibling = language_run(run_name, lang)
        if run_dir is not None and (Path(run_dir).parent / sibling / "index.html").is_file():
            items.append(f'<a lang="{lang}" href="../{quote(sibling)}/index.html">{_e(name)}</a>')
        else:
            items.append(f'<span lang="{lang}" class="hint" title="{_e(labels["language_missing"])}">{_e(name)}</span>')
    return '<nav class="languages">' + " · ".join(items) + "</nav>"


def render_index(manifest: Mapping[str, Any], metrics: Mapping[tuple, Mapping], language: str = "en",
                 run_dir: str | Path | None = None) -> str:
    """The index page as a string (see :func:`write_index`)."""
    labels = section("index", language)
    run_name = manifest.get("run_name", "")
    notebooks = [nb["name"] if isinstance(nb, Mapping) else Path(nb).stem for nb in manifest.get("notebooks", [])]
    tasks = list(manifest.get("tasks", []))
    by_key = {(t["region"], t["notebook"]): t for t in tasks}
    regions = list(manifest.get("regions") or dict.fromkeys(t["region"] for t in tasks))
    summary = manifest.get("summary") or {
        "tasks": len(tasks),
        **{s: sum(1 for t in tasks if t.get("status") == s) for s in ("ok", "failed", "timeout")},
    }
    execution = manifest.get("execution", {})
    kernel = manifest.get("kernel") or {}
    kernel_text = kernel.get("name", "") if isinstance(kernel, Mapping) else str(kernel)

    out = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(labels['title'])}: {_e(run_name)}</title><style>{_CSS}</style></head><body>",
        _language_switch(run_name, language, Path(run_dir) if run_dir is not None else None, labels),
        f"<h1>{_e(labels['title'])}: {_e(run_name)}</h1>",
        f"<p>{_e(labels['summary'].format(**{k: summary.get(k, 0) for k in ('tasks', 'ok', 'failed', 'timeout')}))}</p>",
    ]
    reused = sum(1 for t in tasks if t.get("reused"))
    if reused:
        out.append(f"<p>{_e(labels['reused_summary'].format(reused=reused))}</p>")

    changes = (execution or {}).get("changes") or {}
    if changes.get("regions"):
        keys = ["new_centers", "gone_centers", "stage_changes", "band_changes", "no_longer_open", "moved_estimates"]
        out.append(f"<h2>{_e(labels['changes'].format(run=changes.get('previous_run', '')))}</h2>")
        out.append(f"<p>{_e(labels['changes_intro'].format(when=changes.get('previous_finished') or labels['none']))}</p>")
        out.append('<div style="overflow-x:auto"><table class="changes"><thead><tr>'
                   f"<th>{_e(labels['region'])}</th>" + "".join(f"<th>{_e(c)}</th>" for c in labels["change_cols"])
                   + "</tr></thead><tbody>")
        compared = changes.get("bands_compared", True)
        for region, info in changes["regions"].items():
            counts = info.get("counts", {})
            out.append(f'<tr><td><a href="{_href(info["page"])}">{_e(region)}</a></td>'
                       + "".join(f"<td>{_e(counts.get(k, 0) if compared or k != 'band_changes' else '–')}</td>"
                                 for k in keys) + "</tr>")
        out.append("</tbody></table></div>")
        if not compared:
            from evaluation.report.changes import bands_note

            out.append(f"<p>{_e(bands_note(changes.get('bands_not_compared'), language))}</p>")
    elif changes.get("error"):
        out.append(f'<p class="error">{_e(changes["error"])}</p>')

    problems = [t for t in tasks if t.get("status") != "ok"]
    if problems:
        failed_regions = list(dict.fromkeys(t["region"] for t in problems))
        out.append(f"<h2>{_e(labels['problems'])}</h2>")
        out.append(f"<p>{_e(labels['failed_regions'].format(regions=', '.join(map(str, failed_regions))))}</p><ul>")
        for t in problems:
            out.append(f"<li>{_e(t['region'])} / {_e(t['notebook'])}: {_status_cell(t, labels)}</li>")
        out.append("</ul>")
    flagged = [t for t in tasks if t.get("status") == "ok" and t.get("warnings")]
    if flagged:
        out.append(f"<h2>{_e(labels['warnings'])}</h2><p>{_e(labels['warnings_intro'])}</p><ul>")
        for t in flagged:
            out.append(f"<li>{_e(t['region'])} / {_e(t['notebook'])}: {_status_cell(t, labels)}</li>")
        out.append("</ul>")

    figure = _map(manifest, metrics, labels, Path(run_dir) if run_dir is not None else None, language)
    if figure:
        out.append(f"<h2>{_e(labels['map'])}</h2>{figure}")

    # headline columns: the union of every region's headline labels, in first-seen order
    rows, columns = [], []
    for region in regions:
        region_metrics = {nb: metrics.get((region, nb), {}) for nb in notebooks}
        name = next((m["name"] for m in region_metrics.values() if isinstance(m, Mapping) and isinstance(m.get("name"), str)), "")
        picked = {(nb, key): value for nb, key, value in headline_metrics(region_metrics)}
        for col in picked:
            if col not in columns:
                columns.append(col)
        rows.append((region, name, picked))

    out.append(f"<h2>{_e(labels['regions'])}</h2>")
    out.append(f'<input id="filter" type="search" placeholder="{_e(labels["filter"])}" aria-label="{_e(labels["filter"])}">')
    legend = " · ".join(_page_name(nb, labels) for nb in notebooks)
    out.append(f'<p class="hint">{_e(labels["sort_hint"])} {_e(labels["pages"])}: {_e(legend)}</p>')
    out.append('<table class="regions" id="regions-table"><thead><tr>')
    out.append(f'<th data-type="text">{_e(labels["region"])}</th>')
    out.extend(f'<th data-type="num" title="{_e(nb)}">{_e(key)}</th>' for nb, key in columns)
    out.append(f'<th>{_e(labels["pages"])}</th></tr></thead><tbody>')
    for region, name, picked in rows:
        first = by_key.get((region, notebooks[0])) if notebooks else None
        link = first.get("html") if first else None
        label_html = f'<a href="{_href(link)}">{_e(name or region)}</a>' if link else _e(name or region)
        out.append(f'<tr data-search="{_e((name + " " + region).lower())}">')
        out.append(f'<td data-label="{_e(labels["region"])}" data-value="{_e(name or region)}">{label_html}'
                   f'<span class="code">{_e(region)}</span></td>')
        for nb, key in columns:
            value = picked.get((nb, key))
            text = labels["no_metrics"] if value is None else _headline_text(value)
            out.append(f'<td class="num" data-label="{_e(key)}" data-value="{_e(_sort_value(value) if value is not None else "")}">'
                       f"{_e(text)}</td>")
        badges = "".join(_badge(nb, by_key.get((region, nb)), labels) for nb in notebooks)
        out.append(f'<td data-label="{_e(labels["pages"])}"><div class="badges">{badges}</div></td></tr>')
    out.append("</tbody></table>")

    out.append(f"<details><summary>{_e(labels['details'])}</summary>")
    out.append('<table class="meta">')
    out.append(f"<tr><td>{_e(labels['started'])}</td><td>{_e(execution.get('started') or labels['none'])}</td></tr>")
    out.append(f"<tr><td>{_e(labels['finished'])}</td><td>{_e(execution.get('finished') or labels['none'])}</td></tr>")
    out.append(f"<tr><td>{_e(labels['commit'])}</td><td><code>{_e(manifest.get('commit') or labels['none'])}</code></td></tr>")
    out.append(f"<tr><td>{_e(labels['kernel'])}</td><td><code>{_e(kernel_text or labels['none'])}</code></td></tr>")
    out.append("</table>")
    from evaluation.report.manifest import shown_parameters

    out.append(f"<h2>{_e(labels['parameters'])}</h2>{_kv_table(shown_parameters(manifest.get('parameters') or {}), labels)}")
    out.append(f"<h2>{_e(labels['data_hashes'])}</h2>{_kv_table(manifest.get('data_hashes'), labels)}")
    out.append(f"<h2>{_e(labels['package_versions'])}</h2>{_kv_table(manifest.get('package_versions'), labels)}")
    out.append("</details>")
    out.append(f"<script>{_SCRIPT}</script>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_index(run_dir: str | Path, source=None, *, language: str | None = None) -> Path:
    """Write ``run_dir/index.html`` and return its path.

    ``source`` is a ``RunResult``, a manifest dict, or ``None`` to read
    ``run_dir/manifest.json`` (metrics then come from each region's
    ``metrics.json``). ``language`` defaults to the run's own setting.
    """
    run_dir = Path(run_dir)
    manifest, metrics = _load_manifest(run_dir, source)
    if language is None:
        language = (manifest.get("options") or {}).get("language", "en")
    path = run_dir / "index.html"
    path.write_text(render_index(manifest, metrics, language, run_dir=run_dir), encoding="utf-8")
    return path


def link_languages(run_dir: str | Path) -> None:
    """Rewrite the index of the same scope's run in the other language (if there is one), so
    its language switch links back to ``run_dir``."""
    run_dir = Path(run_dir)
    for lang in LANGUAGE_SUFFIX:
        sibling = run_dir.parent / language_run(run_dir.name, lang)
        if sibling != run_dir and (sibling / "manifest.json").is_file():
            try:
                write_index(sibling)
            except Exception:  # the other run's index is a convenience; never fail this run for it
                pass
