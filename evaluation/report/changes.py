"""What changed since the last run: the roadmap is measured and monitored every period.

A run records a snapshot of every center (``_snapshot.csv``: id, region, stage in the latest
year, risk band if its outcome is still open). A later run compares itself with an earlier
one (by default the previous run of the same folder) and writes, per region:

* new centers and centers no longer in the data;
* stage transitions (e.g. *tumbuh* -> *berkembang*);
* open centers whose risk band moved;
* published estimates that moved by more than their standard error (a metric ``X`` with a
  sibling ``X_se``, or ``X_att`` with ``X_se``);

with the data hashes of both runs, as ``<region>/changes.json`` and ``<region>/changes.html``;
the index lists the counts first. Nothing here refits anything: it reads what both runs wrote.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from evaluation.data.regions import in_region

SNAPSHOT = "_snapshot.csv"
SNAPSHOT_COLUMNS = ["center_id", "province_code", "regency_code", "cohort", "year", "stage", "risk_band"]
_ORDER = {"tumbuh": 0, "berkembang": 1, "mandiri": 2}


def snapshot(dataset, risk=None) -> pd.DataFrame:
    """Every center with its stage in its latest year and, if its outcome is open, its risk band."""
    cy = dataset.center_years.sort_values(["center_id", "year"], kind="stable").groupby("center_id").tail(1)
    snap = dataset.centers[["center_id", "province_code", "regency_code", "cohort"]].merge(
        cy[["center_id", "year", "stage"]], on="center_id", how="left")
    snap["risk_band"] = ""
    if risk is not None:
        bands = risk.register.set_index("center_id")["risk_band"]
        snap["risk_band"] = snap["center_id"].map(bands).fillna("")
    return snap[SNAPSHOT_COLUMNS].sort_values("center_id", kind="stable").reset_index(drop=True)


def write_snapshot(dataset, run_dir: Path, risk=None) -> Path:
    path = Path(run_dir) / SNAPSHOT
    snapshot(dataset, risk).to_csv(path, index=False, lineterminator="\n")
    return path


def read_snapshot(run_dir: Path) -> pd.DataFrame | None:
    path = Path(run_dir) / SNAPSHOT
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype={"center_id": str, "province_code": str, "regency_code": str, "stage": str,
                                    "risk_band": str}, keep_default_na=False)


def center_changes(before: pd.DataFrame, after: pd.DataFrame, region: str) -> dict:
    """New and gone centers, stage transitions and band moves of one region."""
    b = before[in_region(before["regency_code"], region)].set_index("center_id")
    a = after[in_region(after["regency_code"], region)].set_index("center_id")
    both = a.index.intersection(b.index)
    stage = [{"center_id": c, "from": b.at[c, "stage"], "to": a.at[c, "stage"],
              "direction": "up" if _ORDER.get(a.at[c, "stage"], -1) > _ORDER.get(b.at[c, "stage"], -1) else "down"}
             for c in both if b.at[c, "stage"] != a.at[c, "stage"]]
    band = [{"center_id": c, "from": b.at[c, "risk_band"], "to": a.at[c, "risk_band"]}
            for c in both if b.at[c, "risk_band"] and a.at[c, "risk_band"] and b.at[c, "risk_band"] != a.at[c, "risk_band"]]
    decided = [c for c in both if b.at[c, "risk_band"] and not a.at[c, "risk_band"]]
    return {"new_centers": sorted(a.index.difference(b.index)), "gone_centers": sorted(b.index.difference(a.index)),
            "stage_changes": stage, "band_changes": band, "no_longer_open": sorted(decided)}


def moved_estimates(before: dict, after: dict) -> list[dict]:
    """Metrics (by notebook) that moved by more than the larger of their two standard errors."""
    moved = []
    for nb, now in (after or {}).items():
        then = (before or {}).get(nb) or {}
        for key, se_now in (now or {}).items():
            if not key.endswith("_se") or not isinstance(se_now, (int, float)):
                continue
            base = key[:-3]
            for est_key in (base, f"{base}_att", f"{base}_estimate"):
                if est_key in now and est_key in then:
                    break
            else:
                continue
            x1, x0, se_then = now[est_key], then[est_key], then.get(key)
            if not all(isinstance(v, (int, float)) for v in (x1, x0, se_then)):
                continue
            se = max(float(se_now), float(se_then))
            if abs(float(x1) - float(x0)) > se:
                moved.append({"notebook": nb, "metric": est_key, "before": x0, "after": x1, "se": se})
    return moved


def compare_runs(previous: Path, current: Path, regions: list[str], region_dirs: dict[str, str],
                 current_hashes: dict | None = None, language: str = "en") -> dict | None:
    """Compare ``current`` (a run folder being written) with ``previous``; write per-region files.

    Returns a summary for the manifest and the index, or None when ``previous`` has no snapshot.
    """
    before, after = read_snapshot(previous), read_snapshot(current)
    if before is None or after is None:
        return None
    try:
        prev_manifest = json.loads((Path(previous) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        prev_manifest = {}
    summary = {"previous_run": str(prev_manifest.get("run_name") or Path(previous).name),
               "previous_finished": (prev_manifest.get("execution") or {}).get("finished"),
               "previous_data_hashes": prev_manifest.get("data_hashes"), "current_data_hashes": current_hashes,
               "regions": {}}
    for region in regions:
        folder = region_dirs[region]
        change = center_changes(before, after, region)
        metrics_then = _read_json(Path(previous) / folder / "metrics.json")
        metrics_now = _read_json(Path(current) / folder / "metrics.json")
        change["moved_estimates"] = moved_estimates(metrics_then, metrics_now)
        counts = {k: len(v) for k, v in change.items()}
        record = {"region": region, "previous_run": summary["previous_run"], "counts": counts, **change,
                  "data_hashes": {"previous": summary["previous_data_hashes"], "current": current_hashes}}
        out = Path(current) / folder
        out.mkdir(parents=True, exist_ok=True)
        (out / "changes.json").write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n",
                                          encoding="utf-8")
        (out / "changes.html").write_text(changes_html(record, language), encoding="utf-8")
        summary["regions"][region] = {"counts": counts, "page": f"{folder}/changes.html"}
    return summary


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def changes_html(record: dict, language: str = "en") -> str:
    """A small page of one region's changes (every value escaped), in ``language``."""
    from evaluation.report.tables import words
    from evaluation.text import section

    e = html.escape
    w = section("changes", language)
    values = section("code.change", language)
    parts = [f"<!DOCTYPE html><html lang=\"{e(language)}\"><head><meta charset=\"utf-8\">",
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(w['page_title'].format(region=record['region']))}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1000px;margin:1em auto;padding:0 0.8em}"
             "table{border-collapse:collapse;max-width:100%;display:block;overflow-x:auto}"
             "td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}</style></head><body>",
             f"<h1>{e(w['heading'].format(region=record['region'], run=record['previous_run']))}</h1>"]
    for key in ("new_centers", "gone_centers", "stage_changes", "band_changes", "no_longer_open", "moved_estimates"):
        items = record.get(key) or []
        parts.append(f"<h2>{e(w['title.' + key])} ({len(items)})</h2>")
        if not items:
            continue
        if isinstance(items[0], dict):
            cols = list(items[0])
            parts.append("<table><tr>" + "".join(f"<th>{e(words(c, language))}</th>" for c in cols) + "</tr>")
            parts.extend("<tr>" + "".join(f"<td>{e(values.get(str(it.get(c)), str(it.get(c))))}</td>" for c in cols)
                         + "</tr>" for it in items[:500])
            parts.append("</table>")
        else:
            parts.append("<p>" + e(", ".join(map(str, items[:500]))) + "</p>")
    hashes = record.get("data_hashes") or {}
    if hashes:
        parts.append(f"<h2>{e(w['data_hashes'])}</h2><table><tr><th>{e(w['file'])}</th><th>{e(w['previous_run'])}</th>"
                     f"<th>{e(w['this_run'])}</th></tr>")
        files = sorted(set((hashes.get("previous") or {})) | set((hashes.get("current") or {})))
        for f in files:
            a, b = (hashes.get("previous") or {}).get(f, "–"), (hashes.get("current") or {}).get(f, "–")
            parts.append(f"<tr><td>{e(f)}</td><td><code>{e(str(a)[:16])}</code></td><td><code>{e(str(b)[:16])}</code></td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
