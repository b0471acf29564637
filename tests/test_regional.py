"""Regional estimates a reviewer can trust: within-province comparisons, only where identified,
inference that holds for one regency or a few, honest pre-tests and sensitivity bounds.

The placebo tests use a fresh sample (a seed other than the embedded one) whose regency TPT is
replaced by the planted untreated TPT, so every true effect is exactly zero; the rates over
many seeds are in ``benchmarks/results/mc_regional.json``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data import load_dataset, synthetic
from evaluation.impact import att_gt, placebo, regional, within

PLACEBO_SEED = 7  # fixed before looking at any result; any seed other than the sample's


@pytest.fixture(scope="module")
def sample_panel() -> pd.DataFrame:
    ds = load_dataset(SAMPLE_DIR)
    return regional.regency_panel(ds.centers, ds.regency_years, ds.center_years)


@pytest.fixture(scope="module")
def regency_effects() -> pd.DataFrame:
    return pd.read_csv(SAMPLE_DIR / "truth" / "regency_effects.csv", dtype={"regency_code": str})


@pytest.fixture(scope="module")
def placebo_panel() -> pd.DataFrame:
    tables = synthetic.generate(PLACEBO_SEED)
    panel = regional.regency_panel(tables["centers"], tables["regency_years"])
    untreated = tables["truth/regency_effects"].set_index(["regency_code", "year"])["untreated_unemployment_rate"]
    panel["unemployment_rate"] = untreated.loc[list(zip(panel["regency_code"], panel["year"]))].to_numpy()
    return panel


# --------------------------------------------------------------------------- the cells


def test_cells_equal_callaway_santanna_with_not_yet_treated_controls_in_one_province(sample_panel):
    """Within a province the comparison is R did's att_gt (not-yet-treated, universal base)."""
    d = within.design(sample_panel, "unemployment_rate")
    cells = within.within_cells(d, min_controls=2)
    for province in ("33", "35", "73"):
        sub = sample_panel[sample_panel["regency_code"].str.startswith(province + ".")]
        ref = att_gt(sub, "unemployment_rate", "year", "unit", "cohort", control_group="not_yet_treated",
                     base_period="universal").summary().rename(columns={"time": "year"})
        ours = cells.table[cells.table["province_code"] == province]
        both = ours.merge(ref, on=["cohort", "year"], suffixes=("", "_did"))
        both = both[both["n_controls"] > 0]
        assert len(both) >= 10
        np.testing.assert_allclose(both["att"], both["att_did"], atol=1e-12)


def test_only_years_with_enough_comparison_regencies_are_identified(sample_panel):
    d = within.design(sample_panel, "unemployment_rate")
    cells = within.within_cells(d, min_controls=4).table
    assert (cells.loc[cells["identified"], "n_controls"] >= 4).all()
    missing = cells[~cells["identified"]]
    assert (missing["n_controls"] < 4).all() and missing["reason"].str.len().gt(20).all()
    # Jawa Tengah: every regency had a center by 2021, so nothing after 2020 is identified
    jt = cells[(cells["province_code"] == "33") & cells["identified"]]
    assert jt["year"].max() <= 2020 and len(jt) > 5


def test_a_region_without_comparison_is_refused_with_the_reason(sample_panel):
    r = regional.estimate(sample_panel, "unemployment_rate", "33.75")  # Kota Pekalongan
    assert r.status == "refused" and r.simple is None
    assert "without a center" in r.reason
    assert "No estimate for" in regional.describe(r) and r.reason in regional.describe(r)
    no_center = sample_panel.loc[sample_panel["cohort"] == 0, "regency_code"].iloc[0]
    assert "no regency of the region has a center" in regional.estimate(sample_panel, "unemployment_rate", no_center).reason


# --------------------------------------------------------------------------- inference


def test_a_regency_gets_placebo_inference_its_trajectory_and_never_a_normal_interval(sample_panel):
    r = regional.estimate(sample_panel, "unemployment_rate", "33.26")
    assert r.estimated and r.inference == "placebo" and r.simple.method == "placebo"
    assert r.simple.n_treated == 1 and min(r.pool_sizes.values()) >= placebo.MIN_POOL
    lo, hi = r.simple.conf_int()
    # a placebo interval is not estimate +/- 1.96 se
    assert abs((hi - r.simple.estimate) - 1.959964 * r.simple.se) > 1e-6 or abs((r.simple.estimate - lo) - (hi - r.simple.estimate)) > 1e-6
    assert set(r.trajectory.columns) >= {"year", "regency", "comparison", "comparison_regencies"}
    fig = r.plot()
    assert "placebo p-value" in fig.axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="95% only"):
        r.simple.conf_int(0.9)


def test_the_national_estimate_is_analytic_and_a_province_with_few_comparisons_uses_placebos(sample_panel):
    nat = regional.estimate(sample_panel, "unemployment_rate", "ID", sensitivity=False)
    assert nat.inference == "analytic" and set(nat.se_by_cluster) == {"regency", "province"}
    jt = regional.estimate(sample_panel, "unemployment_rate", "33", sensitivity=False)
    assert jt.n_treated_identified >= 20 and jt.fewest_controls < regional.MIN_TREATED
    assert jt.inference == "placebo"
    forced = regional.estimate(sample_panel, "unemployment_rate", "33", sensitivity=False, min_treated=1)
    assert forced.inference == "analytic"
    assert forced.simple.estimate == pytest.approx(jt.simple.estimate)


def test_province_clustering_sees_a_shock_shared_by_a_province(sample_panel):
    """A shock common to a province's treated regencies after opening is invisible to
    regency clusters and widens the province-clustered (jackknife) interval; "auto" uses it."""
    rng = np.random.default_rng(3)
    shocked = sample_panel.copy()
    prov = shocked["regency_code"].str[:2]
    shock = dict(zip(prov.unique(), rng.normal(0, 0.4, prov.nunique())))
    after = (shocked["cohort"] > 0) & (shocked["year"] >= shocked["cohort"])
    shocked.loc[after, "unemployment_rate"] += prov[after].map(shock)
    r = regional.estimate(shocked, "unemployment_rate", "ID", sensitivity=False)
    assert r.se_by_cluster["province"] > 1.5 * r.se_by_cluster["regency"]
    assert r.cluster == "province" and r.simple.se == pytest.approx(r.se_by_cluster["province"])


def test_dose_slope_recovers_an_effect_proportional_to_centers(sample_panel):
    panel = sample_panel.copy()
    d0 = within.design(panel, "unemployment_rate")
    # outcome: each regency's own untreated-like path (its value in the first year) plus 0.3 x dose
    panel["unemployment_rate"] = panel.groupby("regency_code")["unemployment_rate"].transform("first") \
        + 0.3 * panel["centers_per_10k_lf"]
    r = regional.estimate(panel, "unemployment_rate", "ID", sensitivity=False)
    assert r.dose.estimate == pytest.approx(0.3, abs=1e-9)
    assert d0.n_units == within.design(panel, "unemployment_rate").n_units


# --------------------------------------------------------------------------- truth and placebo


def test_estimates_cover_the_planted_effect_on_the_sample(sample_panel, regency_effects):
    for region in ("ID", "33", "35"):
        for outcome in regional.OUTCOMES:
            r = regional.estimate(sample_panel, outcome, region, sensitivity=False)
            truth = regional.true_effect(r, regency_effects, panel=sample_panel)["att"]
            lo, hi = r.simple.conf_int()
            assert lo <= truth <= hi, (region, outcome, lo, truth, hi)


def test_placebo_rates_on_a_fresh_sample(placebo_panel):
    """True effect zero everywhere: few intervals may exclude zero (done criteria of the issue)."""
    d = within.design(placebo_panel, "unemployment_rate")
    res = placebo.residuals(d)
    cells = within.within_cells(d)
    common = dict(design=d, residuals=res, cells=cells, sensitivity=False, draws=1999)
    provinces = sorted(set(d.province[d.cohort > 0]))
    results = {p: regional.estimate(placebo_panel, "unemployment_rate", p, **common) for p in provinces}
    estimated = [r for r in results.values() if r.estimated]
    excludes = [r for r in estimated if not (r.simple.ci_low <= 0 <= r.simple.ci_high)]
    assert len(excludes) <= 0.10 * len(estimated), [(r.region, r.simple.conf_int()) for r in excludes]
    three_plus = [r for r in results.values() if r.n_treated >= 3]
    assert sum(r.estimated for r in three_plus) >= 0.8 * len(three_plus)
    # regencies: refused with a reason, or an interval that rarely excludes zero
    rng = np.random.default_rng(PLACEBO_SEED)
    codes = rng.choice(d.units[d.cohort > 0], size=40, replace=False)
    regs = [regional.estimate(placebo_panel, "unemployment_rate", str(c), **common) for c in codes]
    assert all(r.reason for r in regs if not r.estimated)
    shown = [r for r in regs if r.estimated]
    wrong = [r for r in shown if not (r.simple.ci_low <= 0 <= r.simple.ci_high)]
    assert len(shown) >= 15 and len(wrong) <= 0.10 * len(shown)
    # the pre-trend test is computed (or says why not) and rarely rejects
    tests = [r.pretest for r in estimated]
    assert all(t.computed or t.reason for t in tests)
    assert sum(t.computed and t.p_value < 0.05 for t in tests) <= 0.15 * len(tests)


# --------------------------------------------------------------------------- pre-test, sensitivity, text


def test_pretest_says_why_it_was_not_computed():
    pt = regional._sup_t(np.array([0, 1]), np.array([0.1, 0.2]), np.array([0.1, 0.1]), np.zeros((10, 2)), "x")
    assert not pt.computed and pt.p_value is None and "no year before opening" in pt.reason
    assert "not computed" in pt.text()


def test_sensitivity_bounds_on_every_estimated_event_study(sample_panel):
    r = regional.estimate(sample_panel, "unemployment_rate", "ID")
    sens = r.sensitivity
    assert sens.computed and set(sens.first) == {"relative_magnitudes", "smoothness"} and sens.average
    rm = sens.first["relative_magnitudes"]
    widths = rm.upper - rm.lower
    assert np.all(np.diff(widths) >= -1e-9)  # wider as larger violations are allowed
    assert rm.original[0] <= r.event.estimate[r.event.event_time == 0][0] <= rm.original[1]
    table = regional.sensitivity_table({"unemployment_rate": r})
    assert list(table.columns) == ["effect", "restriction", "95% set", "includes zero"]
    assert table["restriction"].str.startswith("relative magnitudes").sum() == 2 * len(regional.MBAR_GRID)
    full = sens.summary()
    assert {"effect", "restriction", "size", "lower", "upper", "breakdown"} <= set(full.columns)


def test_describe_states_what_is_identified_without_claims_about_size(sample_panel):
    r = regional.estimate(sample_panel, "unemployment_rate", "35")
    text = regional.describe(r, "Jawa Timur")
    assert "Jawa Timur" in text and "95% interval" in text and "after opening" in text
    assert "Pre-trend test" in text and "far above" not in text
    head = regional.headline_text(regional.estimate(sample_panel, "unemployment_rate", "ID"), r, "Jawa Timur")
    assert head.startswith("**Nationally**") and "In Jawa Timur" in head
