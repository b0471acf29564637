"""Skip unchanged work: a rerun carries over the outputs of tasks whose inputs did not change.

Each task's inputs are summarised by one fingerprint (SHA-256) over everything that can
change its executed notebook or its page: the notebook file, the parameters (with the
region), the data files' hashes, the package versions, the source of the ``evaluation``
package, the kernel, and the rendering options (code shown, language). The fingerprint is
stored with the task in ``manifest.json``. A later run into the same folder reuses a task
when the previous run records it as ``ok`` with the same fingerprint and its files are
still there: the executed notebook, the page and the metrics are carried over into the
new run folder (which still replaces the old one atomically), and the task is marked
``reused`` ("skipped (unchanged)"). Failed and timed-out tasks always run again.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from evaluation.hashing import text_digest

#: Bump when the fingerprint's recipe changes, so old fingerprints never match.
FINGERPRINT_VERSION = 1


def fingerprint(
    *,
    notebook_digest: str,
    parameters: dict,
    data_hashes: dict | None,
    versions: dict,
    source: str,
    kernel_name: str,
    render: dict,
) -> str:
    """The inputs fingerprint of one task (hex SHA-256)."""
    payload = {
        "v": FINGERPRINT_VERSION,
        "notebook": notebook_digest,
        "parameters": parameters,
        "data": data_hashes,
        "versions": versions,
        "source": source,
        "kernel": kernel_name,
        "render": render,
    }
    return text_digest(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str))


def previous_tasks(run_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Reusable tasks of the run in ``run_dir``: ``{(region, notebook): record}``.

    Only tasks recorded as ``ok`` with a fingerprint and an existing page and notebook;
    metrics are read from the region's ``metrics.json``. An absent or unreadable
    manifest gives ``{}`` (everything runs).
    """
    try:
        manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    metrics_cache: dict[str, dict] = {}
    for task in manifest.get("tasks", []) if isinstance(manifest, dict) else []:
        if not isinstance(task, dict) or task.get("status") != "ok" or not task.get("inputs"):
            continue
        html, ipynb, metrics_rel = task.get("html"), task.get("ipynb"), task.get("metrics")
        if not html or not ipynb or not metrics_rel:
            continue
        if not (run_dir / html).is_file() or not (run_dir / ipynb).is_file():
            continue
        if metrics_rel not in metrics_cache:
            try:
                metrics_cache[metrics_rel] = json.loads((run_dir / metrics_rel).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                metrics_cache[metrics_rel] = None
        region_metrics = metrics_cache[metrics_rel]
        if not isinstance(region_metrics, dict) or task["notebook"] not in region_metrics:
            continue
        found[(task["region"], task["notebook"])] = {
            **task,
            "metrics_values": region_metrics[task["notebook"]],
        }
    return found


def carry(source: Path, target: Path) -> Path:
    """Place ``source``'s content at ``target``: a hard link where possible, else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target
