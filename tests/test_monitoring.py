"""Monitoring that tells the truth: "what changed since the last run" reports what changed in
the data and nothing else, whatever notebooks ran, and a run parameter reaches every page that
shows a number depending on it.

One baseline run (notebooks 00, 01, 03, 05 for Jawa Tengah and one of its regencies, on the
sample cut to Java and Bali: enough provinces for Jawa Tengah's own estimate to be identified,
which the three-province small sample is not) is restored before each rerun, so every test
starts from the same report.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation import national
from evaluation.config import NOTEBOOK_DIR, SAMPLE_DIR
from evaluation.report import changes
from evaluation.report.runner import run_report

REGIONS = ["33", "33.26"]
NOTEBOOKS = [NOTEBOOK_DIR / f"{stem}.ipynb" for stem in
             ("00_regional_summary", "01_data_quality", "03_regional_impact", "05_independence_risk")]
ZERO = {"new_centers": 0, "gone_centers": 0, "stage_changes": 0, "band_changes": 0, "no_longer_open": 0,
        "moved_estimates": 0}

pytestmark = [pytest.mark.notebooks, pytest.mark.slow]


def counts(result) -> dict:
    summary = result.manifest["execution"]["changes"]
    assert summary is not None and "error" not in summary, summary
    return {region: info["counts"] for region, info in summary["regions"].items()}


def record(result, region: str) -> dict:
    folder = region.replace("/", "_")
    return json.loads((result.path / folder / "changes.json").read_text(encoding="utf-8"))


def java_and_bali(out: Path) -> Path:
    """The embedded sample cut to the provinces of Java and Bali (128 regencies)."""
    keep = ("31", "32", "33", "34", "35", "36", "51")
    out.mkdir(parents=True)
    centers = pd.read_csv(SAMPLE_DIR / "centers.csv", dtype=str, keep_default_na=False)
    centers = centers[centers["province_code"].isin(keep)]
    centers.to_csv(out / "centers.csv", index=False)
    for name, key in (("center_years", "center_id"), ("regency_years", "regency_code"), ("trainees", "regency_code")):
        table = pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
        rows = table[key].isin(centers[key]) if key == "center_id" else table[key].str[:2].isin(keep)
        table[rows].to_csv(out / f"{name}.csv", index=False)
    return out


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A data folder and a finished report run of it, with the national fit stored beside it,
    and a pristine copy of both to restore before each test."""
    root = tmp_path_factory.mktemp("monitoring")
    data, out = java_and_bali(root / "data"), root / "reports"
    first = run_report(NOTEBOOKS, REGIONS, {"data_dir": str(data)}, out, "m", jobs=2, progress=False)
    assert first.ok, [(t.region, t.error) for t in first.failed]
    assert first.manifest["execution"]["changes"] is None  # nothing to compare with yet
    shutil.copytree(data, root / "pristine" / "data")
    shutil.copytree(out, root / "pristine" / "reports", symlinks=True)
    return root


@pytest.fixture
def copy(baseline):
    """The baseline's data and reports (with its stored fit) as they were after the first run,
    at the same paths (a rerun's tasks are recognised as unchanged only on the same data path)."""
    for name in ("data", "reports"):
        shutil.rmtree(baseline / name, ignore_errors=True)
        shutil.copytree(baseline / "pristine" / name, baseline / name, symlinks=True)
    return baseline / "data", baseline / "reports"


def test_an_unchanged_rerun_reports_no_change(copy):
    data, out = copy
    again = run_report(NOTEBOOKS, REGIONS, {"data_dir": str(data)}, out, "m", jobs=2, progress=False)
    assert again.manifest["execution"]["reused"] == len(NOTEBOOKS) * len(REGIONS)  # nothing executed
    assert counts(again) == {r: ZERO for r in REGIONS}
    assert again.manifest["execution"]["changes"]["bands_compared"] is True
    # the snapshot's bands came from the stored fit, though no notebook needed it this time
    snap = changes.read_snapshot(again.path)
    assert (snap["risk_band"] != "").sum() == (snap["open"] == 1).sum() > 0


def test_a_forced_rerun_and_a_subset_rerun_report_no_change(copy):
    data, out = copy
    forced = run_report(NOTEBOOKS, REGIONS, {"data_dir": str(data)}, out, "m", jobs=2, progress=False, force=True)
    assert forced.manifest["execution"]["executed"] == len(NOTEBOOKS) * len(REGIONS)
    assert counts(forced) == {r: ZERO for r in REGIONS}
    subset = run_report(NOTEBOOKS[1:2], REGIONS, {"data_dir": str(data)}, out, "m", progress=False)  # --notebooks 01
    assert subset.manifest["execution"]["national_fit"] is None  # 01 needs no national stage
    assert counts(subset) == {r: ZERO for r in REGIONS}
    assert subset.manifest["execution"]["changes"]["bands_compared"] is True


def test_a_run_without_any_fit_says_bands_were_not_compared(copy):
    data, out = copy
    shutil.rmtree(out / "_fit")  # no stored fit for this data: the run cannot know the bands
    subset = run_report(NOTEBOOKS[1:2], REGIONS, {"data_dir": str(data)}, out, "m", progress=False)
    summary = subset.manifest["execution"]["changes"]
    assert counts(subset) == {r: ZERO for r in REGIONS}  # no center "now decided", no band "moved"
    assert summary["bands_compared"] is False
    assert summary["bands_not_compared"] == {"code": "no_fit", "run": "current"}
    page = (subset.path / "33" / "changes.html").read_text(encoding="utf-8")
    assert "Risk bands were not compared: this run has no fitted risk model" in page
    index = (subset.path / "index.html").read_text(encoding="utf-8")
    assert "Risk bands were not compared" in index
    # the next full run compares with a run without bands: it says so again, and still no flood
    full = run_report(NOTEBOOKS, REGIONS, {"data_dir": str(data)}, out, "m", jobs=2, progress=False)
    assert counts(full) == {r: ZERO for r in REGIONS}
    assert full.manifest["execution"]["changes"]["bands_not_compared"] == {"code": "no_fit", "run": "previous"}


def test_a_failed_national_fit_reports_no_band_change(copy, monkeypatch):
    data, out = copy
    shutil.rmtree(out / "_fit")

    def fail(*args, **kwargs):
        raise RuntimeError("planted fit failure")

    monkeypatch.setattr(national, "fit_national", fail)
    run = run_report(NOTEBOOKS[1:], REGIONS, {"data_dir": str(data)}, out, "m", progress=False, force=True)
    failed = {(t.region, Path(t.notebook).stem) for t in run.failed}
    assert failed == {(r, nb.stem) for r in REGIONS for nb in NOTEBOOKS[2:]}  # 03 and 05 need the fit; 01 ran
    summary = run.manifest["execution"]["changes"]
    assert counts(run) == {r: ZERO for r in REGIONS}
    assert summary["bands_not_compared"] == {"code": "fit_failed", "run": "current"}


def test_an_indonesian_rerun_reports_no_change(copy):
    data, out = copy
    nb = [NOTEBOOK_DIR / "05_independence_risk.ipynb"]
    first = run_report(nb, ["33.26"], {"data_dir": str(data), "language": "id"}, out, "m-id", language="id",
                       progress=False)
    assert first.ok
    again = run_report(nb, ["33.26"], {"data_dir": str(data), "language": "id"}, out, "m-id", language="id",
                       progress=False)
    assert counts(again) == {"33.26": ZERO}
    page = (again.path / "33.26" / "changes.html").read_text(encoding="utf-8")
    assert "BLKK baru (0)" in page and "Kelompok risiko tidak dibandingkan" not in page


def test_known_edits_are_reported_exactly(copy):
    """One center moves stage, one is new, one is removed, one regency's TPT is edited: the
    comparison lists exactly those, and only estimates fed by the edited TPT moved (the risk
    model, refitted on the edited data, may move a few open centers across a band cut)."""
    data, out = copy
    centers = pd.read_csv(data / "centers.csv", dtype=str, keep_default_na=False)
    cy = pd.read_csv(data / "center_years.csv", dtype=str, keep_default_na=False)
    trainees = pd.read_csv(data / "trainees.csv", dtype=str, keep_default_na=False)
    ry = pd.read_csv(data / "regency_years.csv", dtype=str, keep_default_na=False)
    before = changes.read_snapshot(out / "m")
    jt = before[before["province_code"] == "33"]
    # a stage move: a decided center (no band) at tumbuh in its latest year is berkembang now
    mover = jt[(jt["stage"] == "tumbuh") & (jt["open"] == 0)].iloc[0]["center_id"]
    last = cy[cy["center_id"] == mover]["year"].max()
    cy.loc[(cy["center_id"] == mover) & (cy["year"] == last), "stage"] = "berkembang"
    # a center removed: one of Kota Semarang without trainees in the tracer study
    gone = next(c for c in centers[centers["regency_code"] == "33.74"]["center_id"]
                if c not in set(trainees["center_id"]) and c != mover)
    centers = centers[centers["center_id"] != gone]
    cy = cy[cy["center_id"] != gone]
    # a new center, like an existing one of Kabupaten Pekalongan
    template = centers[centers["regency_code"] == "33.26"].iloc[0]
    new = template.copy()
    new["center_id"] = "BLKK-33.26-9999"
    centers = pd.concat([centers, new.to_frame().T], ignore_index=True)
    years = cy[cy["center_id"] == template["center_id"]].copy()
    years["center_id"] = "BLKK-33.26-9999"
    cy = pd.concat([cy, years], ignore_index=True)
    # a regency's TPT edited: Kabupaten Pekalongan (first center 2018), +6 points from 2018 on; only
    # the years a comparison exists within Jawa Tengah are estimated, so the edit must reach them
    rows = (ry["regency_code"] == "33.26") & (ry["year"].astype(int) >= 2018)
    ry.loc[rows, "unemployment_rate"] = (ry.loc[rows, "unemployment_rate"].astype(float) + 6).round(2).astype(str)
    centers.to_csv(data / "centers.csv", index=False)
    cy.to_csv(data / "center_years.csv", index=False)
    ry.to_csv(data / "regency_years.csv", index=False)

    after = run_report(NOTEBOOKS, REGIONS, {"data_dir": str(data)}, out, "m", jobs=2, progress=False)
    assert after.ok
    jateng = record(after, "33")
    assert jateng["new_centers"] == ["BLKK-33.26-9999"]
    assert jateng["gone_centers"] == [gone]
    assert jateng["stage_changes"] == [{"center_id": mover, "from": "tumbuh", "to": "berkembang", "direction": "up"}]
    assert jateng["no_longer_open"] == []
    pekalongan = record(after, "33.26")
    assert pekalongan["new_centers"] == ["BLKK-33.26-9999"] and pekalongan["gone_centers"] == []
    # the risk model is refitted on the edited data: a band may move, but only for open centers
    snap = changes.read_snapshot(after.path).set_index("center_id")
    for moved_band in jateng["band_changes"]:
        c = moved_band["center_id"]
        assert snap.at[c, "open"] == 1 and before.set_index("center_id").at[c, "open"] == 1
    # estimates: only the unemployment effects of the regions holding the edited regency moved
    moved = {(m["notebook"], m["metric"]) for m in jateng["moved_estimates"] + pekalongan["moved_estimates"]}
    assert moved, "a 6-point TPT edit should move the regional estimate"
    assert all(nb == "03_regional_impact" and "unemployment_rate" in metric and "national" not in metric
               for nb, metric in moved), moved
    assert after.manifest["execution"]["changes"]["bands_compared"] is True


def test_run_parameters_reach_every_page_that_shows_them(baseline, tmp_path):
    """Non-default capacity and comparison thresholds: the index, 00 and the detail pages (03,
    05) show the same figures, and they are not the default run's."""
    data = baseline / "pristine" / "data"
    params = {"data_dir": str(data), "capacity": 40, "min_controls": 6, "min_treated": 10}
    run = run_report(NOTEBOOKS, ["33"], params, tmp_path / "reports", "p", jobs=2, progress=False)
    assert run.ok, [(t.region, t.error) for t in run.failed]
    assert run.manifest["execution"]["national_fit"]["settings"] == {"min_controls": 6, "min_treated": 10,
                                                                     "capacity": 40}
    m = json.loads((run.path / "33" / "metrics.json").read_text(encoding="utf-8"))
    d = json.loads((baseline / "pristine" / "reports" / "m" / "33" / "metrics.json").read_text(encoding="utf-8"))
    s, r, i = m["00_regional_summary"], m["05_independence_risk"], m["03_regional_impact"]
    assert r["capacity"] == 40
    assert s["high_risk_open"] == r["high_risk_open"] and s["open_centers"] == r["open_centers"]
    assert s["tpt_att_region_pp"] == i["region_unemployment_rate_att"]
    assert s["tpt_att_national_pp"] == i["national_unemployment_rate_att"]
    assert s["tpt_mde80_national_pp"] == i["national_unemployment_rate_mde80"]
    # ... and these are the parameters' numbers, not the defaults'
    assert r["high_risk_open"] != d["05_independence_risk"]["high_risk_open"]
    assert s["high_risk_open"] != d["00_regional_summary"]["high_risk_open"]
    assert s["tpt_att_region_pp"] != d["00_regional_summary"]["tpt_att_region_pp"]
    assert i["national_unemployment_rate_att"] != d["03_regional_impact"]["national_unemployment_rate_att"]
    # the index shows 00's headline, with the capacity in its label
    index = (run.path / "index.html").read_text(encoding="utf-8")
    high = s["headline"]
    label = next(k for k in high if "40" in k)
    assert high[label]["value"] == r["high_risk_open"]
    assert label in index and high[label]["text"] in index
    page05 = (run.path / "33" / "05_independence_risk.html").read_text(encoding="utf-8")
    assert re.search(r"\b40\b", page05)


# ------------------------------------------------------------------ no kernels


def test_notebook_defaults_are_the_national_stage_defaults():
    """A page that declares a setting has the same default as the national stage it reads."""
    import papermill as pm

    defaults = national.Settings().as_dict()
    seen = set()
    for path in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")):
        for name, spec in pm.inspect_notebook(str(path)).items():
            if name in defaults:
                seen.add(name)
                assert int(spec["default"]) == defaults[name], (path.name, name)
    assert seen == set(defaults)


def test_a_stored_fit_with_other_settings_is_refused(tmp_path):
    fit = national.National(key="k", impact=None, trainees=None, risk=None, survival=None, nsw=pd.DataFrame(),
                            settings=national.Settings(capacity=50))
    national.store(fit, tmp_path)
    assert national.load_national(tmp_path, tmp_path, capacity=50).settings.capacity == 50
    assert national.load_national(tmp_path, tmp_path).settings.capacity == 50  # a page that declares none
    with pytest.raises(national.SettingsMismatch, match=r"capacity=50 \(this page asks for 200\)"):
        national.load_national(tmp_path, tmp_path, capacity=200)
    with pytest.raises(TypeError, match="unknown national settings"):
        national.load_national(tmp_path, tmp_path, capcity=50)
    assert national.fit_key({"a": "1"}, national.Settings(capacity=50)) != national.fit_key({"a": "1"})
