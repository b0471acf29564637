import pandas as pd
import pytest

from evaluation import outcomes
from evaluation.data import load_dataset
from evaluation.report.privacy import find_identifiers, suppress_small_cells


@pytest.fixture(scope="module")
def frame(small_sample):
    ds = load_dataset(small_sample)
    return outcomes.center_year_outcomes(ds.center_years, ds.centers)


def test_rates_are_pooled_ratios(frame):
    by_year = outcomes.outcomes_by(frame, "year")
    row = by_year.iloc[-1]
    sub = frame[frame["year"] == row["year"]]
    assert row["completion_rate"] == pytest.approx(sub["trainees_completed"].sum() / sub["trainees_enrolled"].sum(), abs=5e-4)
    assert by_year[["completion_rate", "certification_rate", "placement_rate"]].le(1).all().all()
    assert (frame["age"] >= 1).all()


def test_stage_by_age_rows_sum_to_100(frame):
    tab = outcomes.stage_by_age(frame)
    assert list(tab.columns[1:4]) == ["tumbuh", "berkembang", "mandiri"]
    assert tab[["tumbuh", "berkembang", "mandiri"]].sum(axis=1).round().eq(100).all()


def test_small_cells_suppressed_with_complement():
    t = pd.DataFrame({"group": list("abcd"), "men": [3, 40, 25, 50], "women": [30, 12, 20, 60], "other": [15, 14, 13, 70]})
    out = suppress_small_cells(t, ["men", "women", "other"], min_cell=10)
    hidden = out[["men", "women", "other"]].eq("<10").to_numpy()
    assert out.loc[0, "men"] == "<10"
    assert out.loc[3, "other"] == 70  # cells far from the small one stay published
    # no row or column has a single hidden cell, so totals cannot reveal the 3
    assert not (hidden.sum(axis=1) == 1).any() and not (hidden.sum(axis=0) == 1).any()


def test_identifier_scan():
    text = "Peserta 3326011203980001 telp 081234567890, nama Siti Aminah; 4,282 centers in 2023"
    found = find_identifiers(text, names=["Siti Aminah"])
    assert "3326011203980001" in found and "081234567890" in found and "Siti Aminah" in found
    assert find_identifiers("4,282 centers; Rp 1.000.000.000; 2019-2023") == []
