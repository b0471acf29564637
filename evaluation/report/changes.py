"""What changed since the last run: the roadmap is measured and monitored every period.

A run records a snapshot of every center (``_snapshot.csv``: id, region, stage in the latest
year, whether its outcome is still open, read from the data alone, and its risk band from the
run's national fit) and what the bands came from (``_snapshot.json``: computed or not and why,
the support capacity). A later run compares itself with an earlier one (by default the
previous run of the same folder) and writes, per region:

* new centers and centers no longer in the data;
* stage transitions (e.g. *tumbuh* -> *berkembang*);
* open centers whose outcome is now known (from the data, whatever notebooks ran);
* open centers whose risk band moved, only when both runs have bands for the same capacity;
  otherwise the comparison says that bands were not compared, and why;
* published estimates that moved by more than their standard error (a metric ``X`` with a
  sibling ``X_se``, or ``X_att`` with ``X_se``), only for notebooks whose inputs changed;

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
SNAPSHOT_META = "_snapshot.json"
SNAPSHOT_COLUMNS = ["center_id", "province_code", "regency_code", "cohort", "year", "stage", "open", "risk_band"]
_ORDER = {"tumbuh": 0, "berkembang": 1, "mandiri": 2}
#: Why a run's snapshot has no risk bands (codes; the page words them).
NO_BANDS = ("fit_failed", "no_fit")


def open_outcomes(dataset, target_stage: str = "mandiri", horizon_years: int = 4) -> pd.Index:
    """Centers whose outcome is still open, from the data alone (no model): the same rule as
    the register's (:func:`evaluation.risk.register.open_centers`)."""
    from evaluation.risk.features import label_frame
    from evaluation.risk.register import open_centers

    last_year = int(dataset.center_years["year"].max())
    labels = label_frame(dataset.centers, dataset.center_years, target_stage, horizon_years, last_year=last_year)
    return open_centers(labels, last_year)


def snapshot(dataset, risk=None) -> pd.DataFrame:
    """Every center with its stage in its latest year, whether its outcome is open and, from a
    fitted risk model (``risk``), its band."""
    cy = dataset.center_years.sort_values(["center_id", "year"], kind="stable").groupby("center_id").tail(1)
    snap = dataset.centers[["center_id", "province_code", "regency_code", "cohort"]].merge(
        cy[["center_id", "year", "stage"]], on="center_id", how="left")
    spec = {} if risk is None else {"target_stage": risk.spec.target_stage, "horizon_years": risk.spec.horizon_years}
    snap["open"] = snap["center_id"].isin(open_outcomes(dataset, **spec)).astype(int)
    snap["risk_band"] = ""
    if risk is not None:
        bands = risk.register.set_index("center_id")["risk_band"]
        snap["risk_band"] = snap["center_id"].map(bands).fillna("")
    return snap[SNAPSHOT_COLUMNS].sort_values("center_id", kind="stable").reset_index(drop=True)


def write_snapshot(dataset, run_dir: Path, risk=None, no_bands: str | None = None) -> Path:
    """Write the snapshot and what its bands came from: ``risk`` (a fitted model) or, without
    one, ``no_bands`` (one of :data:`NO_BANDS`: why this run has none)."""
    if risk is None and no_bands not in NO_BANDS:
        raise ValueError(f"a snapshot without bands needs a reason, one of {NO_BANDS}")
    path = Path(run_dir) / SNAPSHOT
    snapshot(dataset, risk).to_csv(path, index=False, lineterminator="\n")
    meta = {"bands": risk is not None, "no_bands": None if risk is not None else no_bands,
            "capacity": None if risk is None else int(risk.k)}
    (Path(run_dir) / SNAPSHOT_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path


def read_snapshot(run_dir: Path) -> pd.DataFrame | None:
    path = Path(run_dir) / SNAPSHOT
    if not path.is_file():
        return None
    snap = pd.read_csv(path, dtype={"center_id": str, "province_code": str, "regency_code": str, "stage": str,
                                    "risk_band": str}, keep_default_na=False)
    if "open" not in snap.columns:  # written before openness was recorded: a band meant open
        snap["open"] = (snap["risk_band"] != "").astype(int)
    return snap


def read_snapshot_meta(run_dir: Path, snap: pd.DataFrame | None = None) -> dict:
    """What a snapshot's bands came from; for a snapshot written before this was recorded,
    bands are taken as present when any center has one."""
    meta = _read_json(Path(run_dir) / SNAPSHOT_META)
    if not meta:
        snap = read_snapshot(run_dir) if snap is None else snap
        has = snap is not None and bool((snap["risk_band"] != "").any())
        meta = {"bands": has, "no_bands": None if has else "no_fit", "capacity": None}
    return meta


def bands_comparable(before: dict, after: dict) -> tuple[bool, dict | None]:
    """Whether two snapshots' bands may be compared and, if not, why (a code and its values)."""
    for side, meta in (("previous", before), ("current", after)):
        if not meta.get("bands"):
            return False, {"code": meta.get("no_bands") or "no_fit", "run": side}
    if before.get("capacity") is not None and after.get("capacity") is not None \
            and before["capacity"] != after["capacity"]:
        return False, {"code": "capacity_changed", "previous": before["capacity"], "current": after["capacity"]}
    return True, None


def center_changes(before: pd.DataFrame, after: pd.DataFrame, region: str, bands: bool = True) -> dict:
    """New and gone centers, stage transitions, centers whose outcome is now known and, when
    ``bands`` (both runs have comparable bands), band moves of one region."""
    b = before[in_region(before["regency_code"], region)].set_index("center_id")
    a = after[in_region(after["regency_code"], region)].set_index("center_id")
    both = a.index.intersection(b.index)
    stage = [{"center_id": c, "from": b.at[c, "stage"], "to": a.at[c, "stage"],
              "direction": "up" if _ORDER.get(a.at[c, "stage"], -1) > _ORDER.get(b.at[c, "stage"], -1) else "down"}
             for c in both if b.at[c, "stage"] != a.at[c, "stage"]]
    band = [{"center_id": c, "from": b.at[c, "risk_band"], "to": a.at[c, "risk_band"]}
            for c in both if b.at[c, "risk_band"] and a.at[c, "risk_band"] and b.at[c, "risk_band"] != a.at[c, "risk_band"]
            ] if bands else []
    decided = [c for c in both if int(b.at[c, "open"]) and not int(a.at[c, "open"])]
    return {"new_centers": sorted(a.index.difference(b.index)), "gone_centers": sorted(b.index.difference(a.index)),
            "stage_changes": stage, "band_changes": band, "no_longer_open": sorted(decided)}


def moved_estimates(before: dict, after: dict, changed: set[str] | None = None) -> list[dict]:
    """Metrics (by notebook) that moved by more than the larger of their two standard errors;
    with ``changed``, only in those notebooks (the ones whose inputs differ between the runs)."""
    moved = []
    for nb, now in (after or {}).items():
        if changed is not None and nb not in changed:
            continue
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
                 current_hashes: dict | None = None, language: str = "en",
                 current_inputs: dict[tuple[str, str], str] | None = None) -> dict | None:
    """Compare ``current`` (a run folder being written) with ``previous``; write per-region files.

    ``current_inputs`` (region, notebook) -> the fingerprint of the task's inputs: estimates are
    compared only where it differs from the previous run's (None compares every notebook).
    Returns a summary for the manifest and the index, or None when ``previous`` has no snapshot.
    """
    before, after = read_snapshot(previous), read_snapshot(current)
    if before is None or after is None:
        return None
    prev_manifest = _read_json(Path(previous) / "manifest.json")
    comparable, why_not = bands_comparable(read_snapshot_meta(previous, before), read_snapshot_meta(current, after))
    summary = {"previous_run": str(prev_manifest.get("run_name") or Path(previous).name),
               "previous_finished": (prev_manifest.get("execution") or {}).get("finished"),
               "previous_data_hashes": prev_manifest.get("data_hashes"), "current_data_hashes": current_hashes,
               "bands_compared": comparable, "bands_not_compared": why_not, "regions": {}}
    inputs_then = _task_inputs(prev_manifest)
    for region in regions:
        folder = region_dirs[region]
        change = center_changes(before, after, region, bands=comparable)
        metrics_then = _read_json(Path(previous) / folder / "metrics.json")
        metrics_now = _read_json(Path(current) / folder / "metrics.json")
        changed = None if current_inputs is None else {
            nb for (r, nb), inputs in current_inputs.items() if r == region and inputs_then.get((r, nb)) != inputs}
        change["moved_estimates"] = moved_estimates(metrics_then, metrics_now, changed)
        counts = {k: len(v) for k, v in change.items()}
        record = {"region": region, "previous_run": summary["previous_run"], "counts": counts, **change,
                  "bands_compared": comparable, "bands_not_compared": why_not,
                  "data_hashes": {"previous": summary["previous_data_hashes"], "current": current_hashes}}
        out = Path(current) / folder
        out.mkdir(parents=True, exist_ok=True)
        (out / "changes.json").write_text(json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n",
                                          encoding="utf-8")
        (out / "changes.html").write_text(changes_html(record, language), encoding="utf-8")
        summary["regions"][region] = {"counts": counts, "page": f"{folder}/changes.html"}
    return summary


def bands_note(why: dict | None, language: str = "en") -> str:
    """Why bands were not compared, as a sentence ("" when they were)."""
    from evaluation.text import t

    if not why:
        return ""
    code = why["code"]
    key = f"changes.why.{code}" + ("" if code == "capacity_changed" else f".{why.get('run', 'current')}")
    values = {k: v for k, v in why.items() if k not in ("code", "run")}
    return t("changes.bands_not_compared", language, why=t(key, language, **values))


def _task_inputs(manifest: dict) -> dict[tuple[str, str], str]:
    return {(t.get("region"), t.get("notebook")): t.get("inputs") for t in manifest.get("tasks") or []}


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
        if key == "band_changes" and record.get("bands_compared") is False:
            parts.append(f"<h2>{e(w['title.' + key])} ({e(w['not_compared'])})</h2>")
            parts.append(f"<p>{e(bands_note(record.get('bands_not_compared'), language))}</p>")
            continue
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
