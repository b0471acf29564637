"""The national trainee estimates on the embedded sample, against its planted truth.

The sample plants what the estimators must cope with (``data/sample/DATA_CARD.md``): training
chosen by region, year and UMK as well as by the person; tracer non-response that depends on
the center and on an unobserved trait; a pre-training income dip; an unobserved trait that
also drives training. Each test states a property that the sample could violate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data import load_dataset
from evaluation.impact import tracer
from evaluation.impact.trainees import training_effect
from evaluation.impact.trainees._sensitivity import _classical_wls


@pytest.fixture(scope="module")
def ds():
    return load_dataset(SAMPLE_DIR)


@pytest.fixture(scope="module")
def fitted(ds):
    return tracer.national_effects(ds.trainees, ds.centers, ds.regency_years, ds.center_years)


@pytest.fixture(scope="module")
def frame(ds):
    return tracer.estimation_frame(ds.trainees, ds.centers, ds.regency_years, ds.center_years)


@pytest.fixture(scope="module")
def truth() -> pd.Series:
    table = pd.read_csv(SAMPLE_DIR / "truth" / "trainee_effects.csv")
    return table[table["scope"] == "overall"].iloc[0]


def test_headline_within_two_se_of_truth(fitted, truth):
    check = tracer.truth_check(fitted["effects"], pd.read_csv(SAMPLE_DIR / "truth" / "trainee_effects.csv"))
    assert check["AIPW within 2 SE of truth"].all(), check
    income = fitted["effects"]["income_after_idr"]["aipw"]
    assert income.nonresponse["method"] == "ipw" and income.cluster == "cluster"
    # the planted biases are recorded and smaller than one standard error
    assert 0 < truth["bias_unobserved_income_idr"] + truth["bias_nonresponse_income_idr"] < income.se


def test_ignoring_nonresponse_misses_and_weights_repair(fitted, truth):
    # Respondents come more often from better centers and gained more: complete cases overstate,
    # the response weights pull the estimate down towards the truth.
    for out, key, scale in (("income_after_idr", "income_idr", 1), ("employed_after", "employed_pp", 100)):
        checks = fitted["nonresponse"][out]
        complete, weighted = checks["complete"], checks["ipw"]
        true = truth[f"att_{key}_sample"]
        assert complete.estimate > weighted.estimate
        assert abs(scale * complete.estimate - true) > abs(scale * weighted.estimate - true)
    assert truth["att_income_idr_responders_sample"] > truth["att_income_idr_sample"]


def test_lee_bounds_cover_the_respondents_effect(fitted, truth):
    for out, key, scale in (("income_after_idr", "income_idr", 1), ("employed_after", "employed_pp", 100)):
        lee = fitted["nonresponse"][out]["lee"]
        low, high = lee.conf_int()
        assert scale * low <= truth[f"att_{key}_responders_sample"] <= scale * high
        assert lee.response_rate == pytest.approx(truth["n_responded"] / truth["n_trained"])


def test_region_year_and_umk_are_covariates_and_balanced(fitted):
    cols = fitted["covariates"]
    assert {"log_umk", "unemployment_rate", "kota"} <= set(cols)
    assert sum(c.startswith("year_") for c in cols) == 4 and sum(c.startswith("island_") for c in cols) == 5  # six island groups
    table = fitted["effects"]["income_after_idr"]["aipw"].balance().set_index("covariate")
    # trainees come from lower-wage regencies; the weighting removes that difference
    assert table.loc["log_umk", "smd_before"] < -0.1
    assert table.loc[[c for c in cols if c in table.index], "smd_after"].abs().max() < 0.05


def test_leaving_out_region_year_and_umk_moves_the_estimate(fitted, frame):
    # Trainees come from lower-wage regencies and the COVID years: a model of the person alone
    # compares them with people from richer labour markets and understates the effect.
    full = fitted["effects"]["income_after_idr"]["aipw"]
    person_only = training_effect(frame, "income_after_idr", "trained", tracer.PERSON_COVARIATES, method="aipw",
                                  weights="weight", propensity_terms=tracer.PROPENSITY_TERMS, cluster="cluster",
                                  missing_outcome="ipw", response_covariates=tracer.CENTER_RESPONSE_COVARIATES,
                                  sensitivity=False)
    assert full.estimate - person_only.estimate > full.se


def test_clusters_are_centers_and_regency_years(fitted, frame):
    r = fitted["effects"]["income_after_idr"]["aipw"]
    t = frame["trained"] == 1
    expected = frame.loc[t, "center_id"].nunique() + frame.loc[~t].groupby(["regency_code", "year"]).ngroups
    assert r.n_clusters == expected
    assert r.se != r.se_unclustered and 0.8 < r.se / r.se_unclustered < 1.5
    table = tracer.se_table(fitted["effects"])
    assert (table["clusters"] == expected).all() and len(table) == 12


def test_before_after_comparison_is_fooled_by_the_dip(fitted, truth):
    did = fitted["before_after"]["did"]
    assert did.estimate - truth["att_income_idr_sample"] > 3 * did.se
    before = fitted["before_after"]["mean_income_before"]
    assert before["trainees"] < 0.6 * before["comparison"]


def test_hidden_trait_is_weaker_than_the_robustness_value(fitted, frame):
    """The sample's unobserved trait explains far less than the confounding needed to erase the effect."""
    po = pd.read_csv(SAMPLE_DIR / "truth" / "trainee_potential_outcomes.csv", usecols=["person_id", "motivation"])
    x = frame.merge(po, on="person_id")
    x = x[x["income_after_idr"].notna()]
    cols = fitted["covariates"]
    one = np.ones(len(x))
    xl = np.column_stack([one, x["trained"], x[cols], x["motivation"]])
    b, se, dof = _classical_wls(x["income_after_idr"].to_numpy(float), xl, x["weight"].to_numpy())
    r2yz = (b[-1] / se[-1]) ** 2 / ((b[-1] / se[-1]) ** 2 + dof)
    xd = np.column_stack([one, x[cols], x["motivation"]])
    bd, sd, dofd = _classical_wls(x["trained"].to_numpy(float), xd, x["weight"].to_numpy())
    r2dz = (bd[-1] / sd[-1]) ** 2 / ((bd[-1] / sd[-1]) ** 2 + dofd)
    headline = fitted["effects"]["income_after_idr"]["aipw"]
    rv = headline.robustness_value
    assert 0.02 < rv < 0.5
    assert max(r2dz, r2yz) < rv / 3, (r2dz, r2yz, rv)
    table = tracer.sensitivity_table(headline)
    assert table["value"].notna().all() and len(headline.sensitivity.benchmarks) > 0


def test_subgroup_tables_say_what_they_describe(fitted):
    for key, group in (("by_vocation", "vocation"), ("by_host_type", "host_type")):
        table = fitted[key]
        assert f"{group} (trainees of)" in table.columns
        assert "not the effect of the group" in tracer.subgroup_note(table, "en")
        assert "bukan dampak kelompok itu sendiri" in tracer.subgroup_note(table, "id")
        hidden = tracer.at_least(table, 100)
        assert hidden.loc[hidden["respondents"] < 100, "estimate"].isna().all()


def test_province_dummies_instead_of_island_groups(fitted, frame):
    """The finer region adjustment (38 province dummies) tells the same story as island groups."""
    cols = tracer.covariates(frame, region="province")
    assert sum(c.startswith("province_") for c in cols) == frame["province_code"].nunique() - 1
    r = tracer.effects(frame, "income_after_idr", methods=("aipw",), region="province")["aipw"]
    head = fitted["effects"]["income_after_idr"]["aipw"]
    assert abs(r.estimate - head.estimate) < head.se
    with pytest.raises(ValueError, match="region="):
        tracer.covariates(frame, region="regency")
