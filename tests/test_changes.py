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
    before = snap([("A", "33", "33.01", 2022, 2024, "tumbuh", "high"), ("B", "33", "33.01", 2022, 2024, "tumbuh", "low"),
                   ("C", "33", "33.02", 2019, 2024, "berkembang", ""), ("D", "34", "34.01", 2022, 2024, "tumbuh", "high")])
    after = snap([("A", "33", "33.01", 2022, 2025, "berkembang", "medium"), ("B", "33", "33.01", 2022, 2025, "tumbuh", ""),
                  ("E", "33", "33.03", 2024, 2025, "tumbuh", "high"), ("D", "34", "34.01", 2022, 2025, "tumbuh", "low")])
    c = changes.center_changes(before, after, "33")
    assert c["new_centers"] == ["E"] and c["gone_centers"] == ["C"]
    assert c["stage_changes"] == [{"center_id": "A", "from": "tumbuh", "to": "berkembang", "direction": "up"}]
    assert c["band_changes"] == [{"center_id": "A", "from": "high", "to": "medium"}]
    assert c["no_longer_open"] == ["B"]
    assert changes.center_changes(before, after, "34")["band_changes"] == [{"center_id": "D", "from": "high", "to": "low"}]


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
