"""The run's ``index.html``: the page a reviewer opens first.

Self-contained (inline CSS, no scripts, relative links), so it reads straight from
disk or a shared folder. One row per region: the status of every notebook with its
error, links to the rendered and executed notebooks, and a few headline numbers from
the metrics the notebooks published. Every name, value and message is escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: Headline numbers shown per region.
MAX_HEADLINE_METRICS = 6

LABELS = {
    "en": {
        "title": "Report run",
        "region": "Region",
        "headline": "Headline numbers",
        "report": "report",
        "notebook": "notebook",
        "summary": "{tasks} notebooks: {ok} ok, {failed} failed, {timeout} timed out",
        "started": "Started",
        "finished": "Finished",
        "commit": "Commit",
        "kernel": "Kernel",
        "parameters": "Parameters",
        "data_hashes": "Data files (SHA-256)",
        "package_versions": "Package versions",
        "problems": "Notebooks that did not complete",
        "cell": "cell",
        "none": "not recorded",
        "ok": "ok",
        "failed": "failed",
        "timeout": "timeout",
        "no_metrics": "—",
        "reused": "skipped (unchanged)",
        "reused_title": "inputs unchanged since the previous run; outputs carried over",
        "reused_summary": "{reused} of them skipped (unchanged since the previous run), outputs carried over.",
        "failed_regions": "Regions with a notebook that did not complete: {regions}.",
        "warning": "warning",
        "warnings": "Pages with warnings",
        "warnings_intro": "These pages completed but something a reader expects is missing.",
    },
    "id": {
        "title": "Eksekusi laporan",
        "region": "Wilayah",
        "headline": "Angka utama",
        "report": "laporan",
        "notebook": "notebook",
        "summary": "{tasks} notebook: {ok} berhasil, {failed} gagal, {timeout} melewati batas waktu",
        "started": "Mulai",
        "finished": "Selesai",
        "commit": "Commit",
        "kernel": "Kernel",
        "parameters": "Parameter",
        "data_hashes": "Berkas data (SHA-256)",
        "package_versions": "Versi paket",
        "problems": "Notebook yang tidak selesai",
        "cell": "sel",
        "none": "tidak tercatat",
        "ok": "berhasil",
        "failed": "gagal",
        "timeout": "batas waktu",
        "no_metrics": "—",
        "reused": "dilewati (tidak berubah)",
        "reused_title": "masukan tidak berubah sejak eksekusi sebelumnya; keluaran dibawa",
        "reused_summary": "{reused} di antaranya dilewati (tidak berubah sejak eksekusi sebelumnya), keluarannya dibawa.",
        "failed_regions": "Wilayah dengan notebook yang tidak selesai: {regions}.",
        "warning": "peringatan",
        "warnings": "Halaman dengan peringatan",
        "warnings_intro": "Halaman ini selesai, tetapi ada yang diharapkan pembaca tidak tampil.",
    },
}

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
  max-width: 1200px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; }
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


def render_index(manifest: Mapping[str, Any], metrics: Mapping[tuple, Mapping], language: str = "en") -> str:
    """The index page as a string (see :func:`write_index`)."""
    if language not in LABELS:
        raise ValueError(f"language must be one of {sorted(LABELS)}, got {language!r}")
    labels = LABELS[language]
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
        f"<h1>{_e(labels['title'])}: {_e(run_name)}</h1>",
        f"<p>{_e(labels['summary'].format(**{k: summary.get(k, 0) for k in ('tasks', 'ok', 'failed', 'timeout')}))}</p>",
        '<table class="meta">',
        f"<tr><td>{_e(labels['started'])}</td><td>{_e(execution.get('started') or labels['none'])}</td></tr>",
        f"<tr><td>{_e(labels['finished'])}</td><td>{_e(execution.get('finished') or labels['none'])}</td></tr>",
        f"<tr><td>{_e(labels['commit'])}</td><td><code>{_e(manifest.get('commit') or labels['none'])}</code></td></tr>",
        f"<tr><td>{_e(labels['kernel'])}</td><td><code>{_e(kernel_text or labels['none'])}</code></td></tr>",
        "</table>",
    ]
    reused = sum(1 for t in tasks if t.get("reused"))
    if reused:
        out.insert(out.index('<table class="meta">'), f"<p>{_e(labels['reused_summary'].format(reused=reused))}</p>")

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

    out.append("<h2>" + _e(labels["region"]) + "</h2><table><thead><tr>")
    out.append(f"<th>{_e(labels['region'])}</th>")
    out.append(f"<th>{_e(labels['headline'])}</th>")
    out.extend(f"<th>{_e(nb)}</th>" for nb in notebooks)
    out.append("</tr></thead><tbody>")
    for region in regions:
        region_metrics = {nb: metrics.get((region, nb), {}) for nb in notebooks}
        name = next((m["name"] for m in region_metrics.values() if isinstance(m, Mapping) and isinstance(m.get("name"), str)), "")
        out.append(f"<tr><th>{_e(region)}<br><small>{_e(name)}</small></th>")
        picked = headline_metrics(region_metrics)
        if picked:
            items = "".join(
                f'<dt title="{_e(nb)}">{_e(key)}</dt><dd>{_e(_format_number(value))}</dd>'
                for nb, key, value in picked
            )
            out.append(f'<td><dl class="metrics">{items}</dl></td>')
        else:
            out.append(f"<td>{_e(labels['no_metrics'])}</td>")
        for nb in notebooks:
            task = by_key.get((region, nb))
            out.append(f"<td>{_status_cell(task, labels) if task else ''}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")

    out.append(f"<h2>{_e(labels['parameters'])}</h2>{_kv_table(manifest.get('parameters'), labels)}")
    out.append(
        f"<details><summary>{_e(labels['data_hashes'])}</summary>"
        f"{_kv_table(manifest.get('data_hashes'), labels)}</details>"
    )
    out.append(
        f"<details><summary>{_e(labels['package_versions'])}</summary>"
        f"{_kv_table(manifest.get('package_versions'), labels)}</details>"
    )
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
    path.write_text(render_index(manifest, metrics, language), encoding="utf-8")
    return path
