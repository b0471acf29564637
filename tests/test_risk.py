"""Independence risk: labels, no leakage, estimator API, metrics against the planted truth,
additive reasons, reproducible register, regional slices, survival view."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from evaluation.data.load import load_dataset
from evaluation.risk import (
    BoostedRiskModel,
    LogisticRiskModel,
    RiskSpec,
    center_features,
    cox_model,
    fit_risk,
    kaplan_meier,
    label_frame,
    load_risk,
    survival_frame,
    write_register_csv,
    write_register_xlsx,
)
from evaluation.risk.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, with_age
from evaluation.risk.validation import calibration_table, expected_calibration_error, precision_at_k
from evaluation.text import t


@pytest.fixture(scope="module")
def dataset(sample_dir):
    return load_dataset(sample_dir)


@pytest.fixture(scope="module")
def result(dataset):
    """One national fit for the whole module (the expensive part)."""
    return fit_risk(dataset, seed=0)


@pytest.fixture(scope="module")
def features(dataset):
    return center_features(dataset.centers, dataset.center_years, dataset.regency_years, decision_age=2)


@pytest.fixture(scope="module")
def labels(dataset):
    return label_frame(dataset.centers, dataset.center_years)


# ------------------------------------------------------------------------------ labels


def test_label_matches_generator_definition(labels, sample_dir):
    """Label 1 = not mandiri by age 4 (year cohort + 3); only cohorts with that year on file."""
    truth = pd.read_csv(sample_dir / "truth" / "center_mandiri_probability.csv", dtype={"center_id": str})
    truth = truth.set_index("center_id")
    assert (labels["observed"] == truth["outcome_observed"].reindex(labels.index).astype(bool)).all()
    obs = labels[labels["observed"]]
    np.testing.assert_array_equal(obs["label"].astype(int), 1 - truth.loc[obs.index, "mandiri_within_4y"])
    assert labels.loc[~labels["observed"], "label"].isna().all()
    assert set(obs["cohort"]) == {2017, 2018, 2019, 2020, 2021}


def test_label_small_panel():
    centers = pd.DataFrame({"center_id": ["a", "b", "c"], "cohort": [2018, 2018, 2021]})
    cy = pd.DataFrame({
        "center_id": ["a"] * 5 + ["b"] * 5 + ["c"] * 2,
        "year": [2018, 2019, 2020, 2021, 2022] * 2 + [2021, 2022],
        # a: mandiri at age 4 (2021) -> reached; b: only at age 5 -> not reached within 4
        "stage": ["tumbuh", "berkembang", "berkembang", "mandiri", "mandiri",
                  "tumbuh", "tumbuh", "berkembang", "berkembang", "mandiri", "tumbuh", "mandiri"],
    })
    lab = label_frame(centers, cy, "mandiri", horizon_years=4)
    assert lab.loc["a", "label"] == 0 and lab.loc["b", "label"] == 1
    assert pd.isna(lab.loc["c", "label"]) and not lab.loc["c", "observed"]  # horizon ends 2024 > 2022
    assert lab.loc["b", "first_target_year"] == 2022
    # target berkembang: mandiri counts as having reached it
    lab_b = label_frame(centers, cy, "berkembang", horizon_years=2)
    assert list(lab_b.loc[["a", "b"], "label"]) == [0, 1]


def test_spec_rejects_a_decision_after_the_horizon():
    with pytest.raises(ValueError, match="decision_age"):
        RiskSpec("mandiri", horizon_years=2, decision_age=3)
    with pytest.raises(ValueError, match="target_stage"):
        RiskSpec("merdeka")


# -------------------------------------------------------------------------- no leakage


def _scramble_after_decision(dataset, decision_age: int, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Change every number, flag and stage of center-years after the decision age, and every
    regency figure after the earliest decision year it could affect."""
    cy = with_age(dataset.centers, dataset.center_years)
    late = cy["age"] > decision_age
    cy2 = dataset.center_years.copy()
    for col in ("packages_apbn", "packages_self_funded", "trainees_enrolled", "trainees_completed",
                "trainees_certified", "alumni_employed", "alumni_self_employed", "own_revenue_idr",
                "operating_cost_idr", "instructors", "partnerships"):
        cy2.loc[late, col] = rng.integers(0, 10_000_000, late.sum())
    for col in ("licensed", "accredited", "alumni_database", "incubator"):
        cy2.loc[late, col] = 1 - cy2.loc[late, col]
    cy2.loc[late, "stage"] = "mandiri"
    # and drop some late rows entirely
    cy2 = cy2.drop(index=cy2.index[late.to_numpy() & (rng.random(len(cy2)) < 0.3)])
    return cy2, cy


def test_features_ignore_center_years_after_the_decision_age(dataset, features):
    rng = np.random.default_rng(1)
    for d in (1, 2, 3):
        base = features if d == 2 else center_features(dataset.centers, dataset.center_years,
                                                       dataset.regency_years, decision_age=d)
        cy2, _ = _scramble_after_decision(dataset, d, rng)
        again = center_features(dataset.centers, cy2, dataset.regency_years, decision_age=d)
        pd.testing.assert_frame_equal(base, again)
        # the scrambling is real: a decision one year later does see it
        later = center_features(dataset.centers, dataset.center_years, dataset.regency_years, decision_age=d + 1)
        later2 = center_features(dataset.centers, cy2, dataset.regency_years, decision_age=d + 1)
        assert not later.equals(later2)


def test_features_ignore_regency_data_after_the_decision_year(dataset, features):
    ry = dataset.regency_years.copy()
    cut = 2020
    after = ry["year"] > cut
    ry.loc[after, "unemployment_rate"] = 99.0
    ry.loc[after, "mean_wage_idr"] = 1
    ry.loc[after, "min_wage_idr"] = 10**9
    again = center_features(dataset.centers, dataset.center_years, ry, decision_age=2)
    decided = (dataset.centers.set_index("center_id")["cohort"] + 2 - 1 <= cut).reindex(features.index)
    assert decided.sum() > 1000
    pd.testing.assert_frame_equal(features[decided], again[decided])
    # and the others did see the change (the test can fail)
    assert not features.loc[~decided, "unemployment_rate"].equals(again.loc[~decided, "unemployment_rate"])


def test_features_have_the_documented_columns(features, dataset):
    assert list(features.columns) == list(NUMERIC_FEATURES) + list(CATEGORICAL_FEATURES)
    assert len(features) == len(dataset.centers) and features.index.is_unique
    assert features["completion_rate"].between(0, 1).all()
    assert (features["years_observed"] == 2).all()  # every sample center has two years by 2024


# ------------------------------------------------------------------------- estimator API


@pytest.mark.parametrize("make", [LogisticRiskModel, BoostedRiskModel])
def test_sklearn_api(make, features, labels):
    lab = labels.index[labels["label"].notna()][:1500]
    X, y = features.loc[lab], labels.loc[lab, "label"].astype(int)
    model = make()
    with pytest.raises(NotFittedError):
        model.predict_proba(X)
    assert model.fit(X, y) is model
    p = model.predict_proba(X)
    assert p.shape == (len(X), 2) and np.allclose(p.sum(axis=1), 1)
    assert list(model.classes_) == [0, 1]
    assert set(model.predict(X)) <= {0, 1}
    fresh = clone(model)
    assert fresh.get_params() == model.get_params()
    assert not hasattr(fresh, "classes_")
    assert all(not k.endswith("_") for k in model.get_params())


def test_label_with_missing_values_is_refused(features, labels):
    with pytest.raises(ValueError, match="missing"):
        LogisticRiskModel().fit(features, labels["label"])


# ----------------------------------------------------------------------------- metrics


def test_ece_definition():
    y = np.array([0, 1] * 50)
    assert expected_calibration_error(y, np.full(100, 0.5)) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.full(100, 0.8)) == pytest.approx(0.3)
    t = calibration_table(np.r_[np.zeros(50), np.ones(50)], np.linspace(0, 1, 100), n_bins=10)
    assert list(t["n"]) == [10] * 10
    assert precision_at_k(np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.1]), k=2) == 0.5


def test_time_split_uses_earlier_cohorts_for_training(result):
    m = result.metrics
    assert m["test_cohorts"] == [2020, 2021]
    assert max(m["train_cohorts"]) < min(m["test_cohorts"])
    assert m["n_train"] + m["n_test"] == m["n_labelled"] == 2912


def test_metrics_against_the_oracle_on_the_time_split(result):
    """Targets of the issue: AUC within 0.03 of the planted truth's, ECE below 0.03."""
    m = result.metrics
    assert m["oracle_auc"] == pytest.approx(0.838, abs=0.01)  # planted truth on cohorts 2020-21, untouched
    assert m["auc"] >= m["oracle_auc"] - 0.03, (m["auc"], m["oracle_auc"])
    assert m["ece"] < 0.03, m["ece"]
    assert m["brier"] < m["prevalence_brier"]  # beats the prevalence for everyone
    assert m["brier"] < m["oracle_brier"] + 0.01
    assert m["precision_at_k"] >= m["prevalence_precision_at_k"]
    for key in ("auc", "brier", "ece", "oracle_auc", "pr_auc", "oracle_brier", "baseline_auc", "cv_auc"):
        assert isinstance(m[key], float) and np.isfinite(m[key])


def test_grouped_cv_by_province(result):
    g = result.grouped_cv
    assert g is not None and g.predictions["fold"].min() == 0
    prov = g.predictions.index.str[5:7]
    # no province in two folds
    assert (pd.Series(g.predictions["fold"].to_numpy(), index=prov).groupby(level=0).nunique() == 1).all()
    assert result.metrics["cv_auc"] >= result.metrics["cv_oracle_auc"] - 0.03


def test_summary_and_plot(result):
    s = result.summary()
    assert {"time_split", "grouped_cv"} == set(s["validation"])
    assert {"logistic", "boosted", "baseline_prevalence", "baseline_one_feature", "oracle"} <= set(s["model"])
    fig = result.plot()
    assert len(fig.axes) == 2
    ors = result.odds_ratios
    assert ors.loc["certification_rate", "odds_ratio"] < 1  # better certification, less risk


# ------------------------------------------------------------------- reasons and register


@pytest.mark.parametrize("name", ["register", "logistic", "factor"])
def test_contributions_add_up_to_the_log_odds(result, features, name):
    model = result.indicator_model if name == "register" else result.models[name]
    X = features.iloc[:500]
    contrib = model.contributions(X)
    logit = model.decision_function(X)
    np.testing.assert_allclose(contrib.sum(axis=1).to_numpy(), logit, rtol=0, atol=1e-9)
    np.testing.assert_allclose(1 / (1 + np.exp(-logit)), model.predict_proba(X)[:, 1], atol=1e-12)
    assert set(contrib.columns) == {"baseline"} | set(model.design_.groups_)
    if name == "register":
        reg = result.register.set_index("center_id")
        common = reg.index.intersection(X.index)
        np.testing.assert_allclose(reg.loc[common, "log_odds"], pd.Series(logit, X.index)[common], atol=1e-4)
        p = result.register_model.predict_proba(features.loc[common])[:, 1]
        np.testing.assert_allclose(reg.loc[common, "risk_probability"], p, atol=1e-4)


def test_register_holds_open_centers_only_banded_by_capacity(result, dataset):
    reg = result.register
    labels = result.labels
    last = int(dataset.center_years["year"].max())
    open_ids = labels.index[(labels["horizon_end_year"] > last) & labels["first_target_year"].isna()]
    assert set(reg["center_id"]) == set(open_ids)
    decided = labels.index[labels["observed"] | labels["first_target_year"].notna()]
    assert not reg["center_id"].isin(decided).any()  # no decided center is ever scored
    assert (reg["stage_now"] != "mandiri").all() and (reg["horizon_end_year"] > last).all()
    assert reg["risk_probability"].is_monotonic_decreasing
    assert list(reg["risk_rank"]) == list(range(1, len(reg) + 1))
    k = result.k
    assert (reg["risk_band"] == "high").sum() == min(k, len(reg))
    assert (reg.loc[reg["risk_rank"] <= k, "risk_band"] == "high").all()
    assert (reg.loc[(reg["risk_rank"] > k) & (reg["risk_rank"] <= 2 * k), "risk_band"] == "medium").all()
    lo, hi = result.band_cuts
    assert reg.loc[reg["risk_band"] == "high", "risk_probability"].min() == pytest.approx(hi)
    assert str(k) in result.bands_text() and f"{hi:.1%}" in result.bands_text()
    # the cuts applied to the untouched test cohorts: the high band misses most often
    check = result.band_check.set_index("band")
    assert check.loc["high", "observed_share_not_reaching"] > check.loc["low", "observed_share_not_reaching"]
    assert check["test_centers"].sum() == result.metrics["n_test"]
    # a smaller capacity re-bands without refitting
    small = result.with_capacity(50)
    assert (small.register["risk_band"] == "high").sum() == 50 and small.models is result.models
    # ... and every number that depends on k follows it: precision at k on the test cohorts too
    from evaluation.risk.validation import precision_at_k

    pred = result.time_split.predictions
    column = result.register_column
    assert small.metrics["precision_at_k"] == precision_at_k(pred["label"], pred[column], 50)
    assert small.metrics["k"] == 50 and small.time_split.metrics.loc[column, "precision_at_k"] == \
        small.metrics["precision_at_k"]
    assert result.metrics["precision_at_k"] == precision_at_k(pred["label"], pred[column], result.k)
    assert small.metrics["baseline_precision_at_k"] == precision_at_k(pred["label"], pred["baseline_one_feature"], 50)
    # no personal identifiers: only institution-level columns
    assert not any(c in reg.columns for c in ("person_id", "nik", "name"))


def test_indicators_are_levers_and_context_is_apart(result):
    from evaluation.risk.features import CONTEXT_FEATURES, LEVERS
    from evaluation.risk.register import INDICATOR_COLUMNS, indicators

    reg = result.register
    assert reg[INDICATOR_COLUMNS].notna().all().all()
    model = result.models["logistic"]
    X = result.features.loc[reg["center_id"]]
    why = indicators(model.contributions(X), X)
    for j in (1, 2, 3):
        assert set(why[f"indicator_{j}_lever"]) <= set(LEVERS)  # every indicator is a lever
    assert (why["indicator_1_log_odds"] >= why["indicator_2_log_odds"]).all()
    words = " ".join(reg[INDICATOR_COLUMNS].head(300).to_numpy().ravel())
    assert "associated with higher risk" in words and "(raises risk)" not in words
    for context_word in ("opened in", "kota", "Java", "vocation", "hosted by", "unemployment"):
        assert context_word not in words
    assert reg["context"].str.contains("opened in").all() and reg["context"].str.contains("hosted by").all()
    assert not set(CONTEXT_FEATURES) & {f for feats in LEVERS.values() for f in feats}


def test_decided_centers_are_observed_outcomes(result, dataset):
    decided = result.decided
    assert set(decided["center_id"]).isdisjoint(result.register["center_id"])
    assert len(decided) + len(result.register) == len(dataset.centers)
    lab = result.labels.loc[decided["center_id"]]
    assert ((decided["outcome"].str.startswith("reached")).to_numpy() == lab["reached"].to_numpy()).all()
    summary = result.decided_summary("33")
    jt = decided[decided["province_code"] == "33"]
    assert summary["centers"].sum() == len(jt)
    assert summary["not_reached"].sum() == jt["outcome"].str.startswith("did not").sum()
    text = result.headline_text("33")
    assert "horizon is still open" in text and "not predicted" in text


def test_settings_are_chosen_inside_the_training_cohorts(result):
    sel = result.selection
    assert sel is not None and sel.cohorts == result.metrics["train_cohorts"]
    assert max(sel.cohorts) < min(result.metrics["test_cohorts"])
    assert sel.n_centers == result.metrics["n_train"]
    assert result.models["logistic"].C == sel.params["C"]
    roles = result.cohort_roles().set_index("cohort")["role"]
    assert roles[2021].startswith("test") and roles[2019].startswith("settings chosen") and roles[2023].startswith("outcome not yet")


def test_the_register_model_is_the_winner_of_a_selection_that_includes_the_baseline(result):
    """The one-indicator rule and the capacity score compete with the logistic model on the same
    folds inside the training cohorts; the register ranks by the lowest out-of-fold log loss
    (a tie goes to the simpler), and the page says which and why."""
    from evaluation.risk.selection import CANDIDATES, TIE

    sel = result.selection
    best = sel.summary().set_index("candidate")
    assert set(best.index) == set(CANDIDATES)
    winners = best[best["log_loss"] <= best["log_loss"].min() + TIE]
    assert sel.model == min(winners.index, key=CANDIDATES.index)
    assert result.model == sel.model == result.metrics["model"]
    # the register's probabilities are the chosen model's, and its metrics are that model's row
    m = result.time_split.metrics
    assert result.metrics["auc"] == m.loc[result.register_column, "auc"]
    for language in ("en", "id"):
        text = result.settings_text(language)
        assert t(f"risk.selection.model.{sel.model}", language) in text
        assert t(f"risk.selection.why.{sel.model}", language) in text
        assert f"{best.loc['one_feature', 'log_loss']:.4f}" in text  # every candidate's score is shown


def test_the_register_ranks_at_least_as_well_as_the_baseline_on_untouched_cohorts(result):
    """Target: on the untouched test cohorts the register's AUC is at least the one-indicator
    baseline's, within 0.03 of the planted truth's (the mean over fresh seeds is in the benchmark)."""
    m = result.metrics
    assert m["auc"] >= m["baseline_auc"], (m["auc"], m["baseline_auc"])
    assert m["oracle_auc"] - m["auc"] <= 0.03
    assert m["auc"] >= m["logistic_auc"] - 0.005  # not a step back from the logistic model either


def test_the_baseline_wins_when_one_indicator_carries_everything(features, labels):
    """Outcomes that depend on the regency's unemployment rate alone (a feature the capacity
    score does not read, one of thirty the logistic model reads): the selection must choose
    the one-indicator rule, by a clear margin (0.006 or more on five draws of the outcomes)."""
    from evaluation.risk.selection import select_model
    from evaluation.risk.validation import time_split

    train, _, _ = time_split(labels, 2)
    X = features.loc[train]
    z = ((X["unemployment_rate"] - X["unemployment_rate"].mean()) / X["unemployment_rate"].std()).to_numpy()
    rng = np.random.default_rng(3)
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-(1.6 - 1.2 * z)))).astype(int)
    sel = select_model(X, y)
    best = sel.summary().set_index("candidate")["log_loss"]
    assert sel.model == "one_feature" and sel.info["one_feature"] == "unemployment_rate"
    assert best.drop("one_feature").min() - best["one_feature"] > 0.003, best


def test_the_capacity_score_reads_shares_on_the_log_odds_scale(features, labels):
    """Shares of trainees at 0 or 1 stay finite; each indicator's loading has the factor's sign."""
    from evaluation.risk.models import RATE_FEATURES, FactorRiskModel

    lab = labels.index[labels["label"].notna()]
    X = features.loc[lab].copy()
    y = labels.loc[lab, "label"].astype(int).to_numpy()
    X.iloc[:5, X.columns.get_loc("completion_rate")] = 1.0
    X.iloc[5:10, X.columns.get_loc("placement_rate")] = 0.0
    model = FactorRiskModel().fit(X, y)
    assert set(RATE_FEATURES) == {"completion_rate", "certification_rate", "placement_rate"}
    Z = model.design_.transform(X)
    assert np.isfinite(Z).all()
    loads = model.loadings()
    assert loads.loc["certification_rate", "loading"] > 0.3 and loads["loading"].sum() > 0
    assert loads.loc["certification_rate", "coef_per_sd"] < 0  # better certification, less risk
    p = model.predict_proba(X)[:, 1]
    assert abs(p.mean() - y.mean()) < 0.01  # calibrated in the large on what it was fitted on


def test_register_is_reproducible_byte_for_byte(result, dataset, tmp_path):
    again = fit_risk(dataset, seed=0, grouped_cv=False, odds_ratios=False, **result.selection.fit_kwargs())
    assert again.model == result.model and again.selection is None
    a = write_register_csv(result.register, tmp_path / "a.csv").read_bytes()
    b = write_register_csv(again.register, tmp_path / "b.csv").read_bytes()
    assert a == b
    x1 = write_register_xlsx(result.register.head(300), tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # the workbook's own timestamps have one-second resolution
    x2 = write_register_xlsx(again.register.head(300), tmp_path / "b.xlsx").read_bytes()
    assert x1 == x2
    back = pd.read_excel(tmp_path / "a.xlsx", dtype={"province_code": str, "regency_code": str})
    assert list(back.columns) == list(result.register.columns)
    assert back["regency_code"].iloc[0] == result.register["regency_code"].iloc[0]


def test_save_load_and_region_slice(result, tmp_path):
    path = result.save(tmp_path / "risk.joblib")
    loaded = load_risk(path)
    jateng = loaded.register_for("33")
    assert len(jateng) > 0 and jateng["regency_code"].str.startswith("33.").all()
    pd.testing.assert_frame_equal(jateng, result.register[result.register["province_code"] == "33"]
                                  .reset_index(drop=True))
    pekalongan = loaded.register_for("33.26")
    assert set(pekalongan["regency_code"]) == {"33.26"}
    assert len(loaded.register_for("ID")) == len(result.register)
    out = loaded.export(tmp_path / "out", region="33")
    assert out["csv"].exists() and out["xlsx"].exists()


# ------------------------------------------------------------------------------ survival


def test_kaplan_meier_and_cox(dataset, features):
    surv = survival_frame(dataset.centers, dataset.center_years)
    km = kaplan_meier(surv)
    s = km.summary().set_index(["by", "group"])
    # nobody is mandiri before age 3 in the sample; by age 4 the KM share equals the share
    # among the labelled centers (17.4%), since no one is censored before age 4 there
    assert s.loc[("all", "all"), "share_by_age_2"] == 0
    assert s.loc[("all", "all"), "share_by_age_4"] == pytest.approx(0.174, abs=0.01)
    shares = [km.share_by_age("all", "all", a) for a in range(1, 7)]
    assert all(np.diff(shares) >= 0)
    assert np.isnan(km.share_by_age("cohort", 2022, 4))  # beyond the 2022 cohort's follow-up
    # planted capacity: union hosts +0.4, other religious hosts -0.15 (pesantren 0)
    assert km.share_by_age("host_type", "union", 4) > km.share_by_age("host_type", "pesantren", 4) \
        > km.share_by_age("host_type", "other_religious", 4)
    cox = cox_model(surv, features)
    t = cox.summary()
    # better training results at year 2 -> faster to mandiri
    assert t.loc["certification_rate", "hazard_ratio"] > 1 and t.loc["certification_rate", "p_value"] < 0.01
    assert t.loc["alumni_database_last", "hazard_ratio"] > 1
    assert cox.events > 500
    assert len(km.plot().axes) == 4 and cox.plot() is not None


def test_a_fresh_sample_gets_an_open_register_and_a_model_near_the_oracle(tmp_path):
    """A new seed (a sample the settings were never tuned on): no decided center is scored,
    AUC within 0.03 of the planted truth's and ECE below 0.03 on the untouched cohorts."""
    from evaluation.data import synthetic

    synthetic.write_sample(tmp_path, seed=11)
    fresh = fit_risk(load_dataset(tmp_path), grouped_cv=False, odds_ratios=False)
    lab = fresh.labels
    decided = lab.index[lab["observed"] | lab["first_target_year"].notna()]
    assert len(fresh.register) > 500 and not fresh.register["center_id"].isin(decided).any()
    m = fresh.metrics
    assert m["auc"] >= m["oracle_auc"] - 0.03, (m["auc"], m["oracle_auc"])
    assert m["ece"] < 0.03, m["ece"]
