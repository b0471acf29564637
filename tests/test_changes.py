"""What changed since the last run: new centers, stage moves, band moves, estimates that moved."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from evaluation.config import NOTEBOOK_DIR
from evaluation.report import changes
from evaluation.report.runner import run_report


def snap(rows):
    return pd.DataFrame(rows, columns=changes.SNAPSHOT_COLUMNS)


def test_center_changes_between_two_snapshots():
    before = snap([("A", "33", "33.01", 2022, 2024, "tumbuh", 1, "high"), ("B", "33", "33.01", 2022, 2024, "tumbuh", 1, "low"),
                   ("C", "33", "33.02", 2019, 2024, "berkembang", 0, ""),
                   ("D", "34", "34.01", 2022, 2024, "tumbuh", 1, "high")])
    after = snap([("A", "33", "33.01", 2022, 2025, "berkembang", 1, "medium"),
                  ("B", "33", "33.01", 2022, 2025, "tumbuh", 0, ""),
                  ("E", "33", "33.03", 2024, 2025, "tumbuh", 1, "high"), ("D", "34", "34.01", 2022, 2025, "tumbuh", 1, "low")])
    c = changes.center_changes(before, after, "33")
    assert c["new_centers"] == ["E"] and c["gone_centers"] == ["C"]
    assert c["stage_changes"] == [{"center_id": "A", "from": "tumbuh", "to": "berkembang", "direction": "up"}]
    assert c["band_changes"] == [{"center_id": "A", "from": "high", "to": "medium"}]
    assert c["no_longer_open"] == ["B"]
    assert changes.center_changes(before, after, "34")["band_changes"] == [{"center_id": "D", "from": "high", "to": "low"}]


def test_a_run_without_bands_reports_neither_decided_centers_nor_band_moves():
    """The flood a rerun without a fit used to report: every banded center looked decided."""
    banded = snap([("A", "33", "33.01", 2022, 2024, "tumbuh", 1, "high"), ("B", "33", "33.01", 2022, 2024, "tumbuh", 1, "low")])
    bare = banded.assign(risk_band="")
    c = changes.center_changes(banded, bare, "33", bands=False)
    assert c["no_longer_open"] == [] and c["band_changes"] == []
    # openness comes from the data, so a center that is really decided is still reported
    decided = bare.copy()
    decided.loc[decided["center_id"] == "B", "open"] = 0
    assert changes.center_changes(banded, decided, "33", bands=False)["no_longer_open"] == ["B"]


def test_bands_are_compared_only_between_runs_that_have_them_for_the_same_capacity():
    have = {"bands": True, "no_bands": None, "capacity": 200}
    assert changes.bands_comparable(have, have) == (True, None)
    assert changes.bands_comparable({"bands": False, "no_bands": "no_fit"}, have) == (
        False, {"code": "no_fit", "run": "previous"})
    assert changes.bands_comparable(have, {"bands": False, "no_bands": "fit_failed"}) == (
        False, {"code": "fit_failed", "run": "current"})
    assert changes.bands_comparable(have, {**have, "capacity": 150}) == (
        False, {"code": "capacity_changed", "previous": 200, "current": 150})
    note = changes.bands_note({"code": "capacity_changed", "previous": 200, "current": 150})
    assert note == ("Risk bands were not compared: the support capacity changed from 200 to 150 centers, "
                    "which moves bands by itself.")
    assert changes.bands_note({"code": "no_fit", "run": "current"}, "id").startswith("Kelompok risiko tidak dibandingkan")
    assert changes.bands_note(None) == ""


def test_snapshots_written_before_openness_was_recorded_are_read(tmp_path):
    old = pd.DataFrame([("A", "33", "33.01", 2022, 2024, "tumbuh", "high"), ("C", "33", "33.02", 2019, 2024, "tumbuh", "")],
                       columns=[c for c in changes.SNAPSHOT_COLUMNS if c != "open"])
    old.to_csv(tmp_path / changes.SNAPSHOT, index=False)
    snap_ = changes.read_snapshot(tmp_path)
    assert snap_["open"].tolist() == [1, 0]
    assert changes.read_snapshot_meta(tmp_path) == {"bands": True, "no_bands": None, "capacity": None}
    old.assign(risk_band="").to_csv(tmp_path / changes.SNAPSHOT, index=False)
    assert changes.read_snapshot_meta(tmp_path)["bands"] is False


def test_a_snapshot_without_bands_must_say_why(small_sample, tmp_path):
    from evaluation.data import load_dataset

    ds = load_dataset(small_sample)
    with pytest.raises(ValueError, match="needs a reason"):
        changes.write_snapshot(ds, tmp_path)
    changes.write_snapshot(ds, tmp_path, no_bands="no_fit")
    snap_ = changes.read_snapshot(tmp_path)
    assert (snap_["risk_band"] == "").all() and snap_["open"].sum() > 0
    assert changes.read_snapshot_meta(tmp_path) == {"bands": False, "no_bands": "no_fit", "capacity": None}


def test_estimates_that_moved_by_more_than_their_standard_error():
    before = {"03": {"region_unemployment_rate_att": 0.10, "region_unemployment_rate_se": 0.05,
                     "region_log_mean_wage_att": 0.001, "region_log_mean_wage_se": 0.002},
              "04": {"national_income_after_idr_att": 400_000, "national_income_after_idr_se": 25_000}}
    after = {"03": {"region_unemployment_rate_att": 0.30, "region_unemployment_rate_se": 0.06,
                    "region_log_mean_wage_att": 0.002, "region_log_mean_wage_se": 0.002},
             "04": {"national_income_after_idr_att": 410_000, "national_income_after_idr_se": 24_000}}
    moved = changes.moved_estimates(before, after)
    assert [m["metric"] for m in moved] == ["region_unemployment_rate_att"]
    assert moved[0]["se"] == pytest.approx(0.06)
    # only notebooks whose inputs changed are compared
    assert changes.moved_estimates(before, after, changed={"04"}) == []
    assert [m["metric"] for m in changes.moved_estimates(before, after, changed={"03"})] == ["region_unemployment_rate_att"]


@pytest.mark.notebooks
@pytest.mark.slow
def test_a_second_run_says_what_changed(small_sample, tmp_path):
    """A sample that differs in known ways: a new center, a stage move, a center whose band moves."""
    data = tmp_path / "data"
    shutil.copytree(small_sample, data)
    out = tmp_path / "reports"
    nb = [NOTEBOOK_DIR / "05_independence_risk.ipynb"]
    first = run_report(nb, ["33"], {"data_dir": str(data)}, out, "jt", progress=False)
    assert first.ok and (first.path / changes.SNAPSHOT).is_file()
    assert first.manifest["execution"]["changes"] is None  # nothing to compare with yet
    snap1 = changes.read_snapshot(first.path)

    centers = pd.read_csv(data / "centers.csv", dtype=str, keep_default_na=False)
    cy = pd.read_csv(data / "center_years.csv", dtype=str, keep_default_na=False)
    jt = snap1[snap1["province_code"] == "33"]
    # a stage move: a center at tumbuh in its latest year is berkembang now
    mover = jt[(jt["stage"] == "tumbuh") & (jt["risk_band"] == "")].iloc[0]["center_id"]
    last = cy[cy["center_id"] == mover]["year"].max()
    cy.loc[(cy["center_id"] == mover) & (cy["year"] == last), "stage"] = "berkembang"
    # a band move: an open center of the high band gets an excellent first two years
    star = jt[jt["risk_band"] == "high"].iloc[0]["center_id"]
    rows = cy["center_id"] == star
    cy.loc[rows, "trainees_certified"] = cy.loc[rows, "trainees_completed"]
    cy.loc[rows, "alumni_employed"] = cy.loc[rows, "trainees_completed"]
    cy.loc[rows, "alumni_self_employed"] = "0"
    cy.loc[rows, ["partnerships", "licensed", "alumni_database"]] = ["5", "1", "1"]
    cy.loc[rows, "packages_self_funded"] = "4"
    cy.loc[rows, "own_revenue_idr"] = cy.loc[rows, "operating_cost_idr"]
    # a new center, like an existing one of Kabupaten Pekalongan
    template = centers[centers["regency_code"] == "33.26"].iloc[0]
    new = template.copy()
    new["center_id"] = "BLKK-33.26-9999"
    centers = pd.concat([centers, new.to_frame().T], ignore_index=True)
    new_years = cy[cy["center_id"] == template["center_id"]].copy()
    new_years["center_id"] = "BLKK-33.26-9999"
    cy = pd.concat([cy, new_years], ignore_index=True)
    centers.to_csv(data / "centers.csv", index=False)
    cy.to_csv(data / "center_years.csv", index=False)

    second = run_report(nb, ["33"], {"data_dir": str(data)}, out, "jt", progress=False)
    assert second.ok
    summary = second.manifest["execution"]["changes"]
    assert summary["previous_run"] == "jt" and summary["previous_data_hashes"] != second.manifest["data_hashes"]
    record = json.loads((second.path / "33" / "changes.json").read_text())
    assert record["new_centers"] == ["BLKK-33.26-9999"] and record["gone_centers"] == []
    assert {"center_id": mover, "from": "tumbuh", "to": "berkembang", "direction": "up"} in record["stage_changes"]
    moved_band = {c["center_id"]: c for c in record["band_changes"]}
    assert star in moved_band and moved_band[star]["from"] == "high" and moved_band[star]["to"] != "high"
    index = (second.path / "index.html").read_text(encoding="utf-8")
    assert "What changed since run jt" in index and "33/changes.html" in index
    assert "BLKK-33.26-9999" in (second.path / "33" / "changes.html").read_text(encoding="utf-8")
