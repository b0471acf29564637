"""Unit tests for ``evaluation.impact.trainees`` on simulated surveys with a planted effect."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evaluation.impact.trainees import (
    SIM_COVARIATES,
    TrainingEffect,
    crump_bounds,
    parse_term,
    simulate_trainees,
    training_effect,
)
from evaluation.impact.trainees._weighting import wls_hc1

ADJUSTED = ["ra", "ipw", "match", "aipw"]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return simulate_trainees(n=20_000, seed=3)


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    df = simulate_trainees(n=1_500, seed=11)
    # Integer weights, so that duplicating rows reproduces them as frequency weights.
    df["freq"] = np.random.default_rng(0).integers(1, 4, len(df)).astype(float)
    return df


def _fit(df, method, outcome="income", **kw):
    return training_effect(df, outcome, "treat", SIM_COVARIATES, method=method, **kw)


class TestPlantedEffect:
    """Selection on observables: adjusted estimators recover the truth, the raw gap does not."""

    @pytest.mark.parametrize("method", ADJUSTED)
    def test_att_income_weighted(self, method, survey):
        truth = survey.attrs["att_income"]
        r = _fit(survey, method, weights="weight")
        assert abs(r.att - truth) < 3 * r.se, (r.att, truth, r.se)

    @pytest.mark.parametrize("method", ["ra", "ipw", "aipw"])
    def test_ate_income_weighted(self, method, survey):
        truth = survey.attrs["ate_income"]
        r = _fit(survey, method, estimand="ate", weights="weight")
        assert abs(r.ate - truth) < 3 * r.se, (r.ate, truth, r.se)

    @pytest.mark.parametrize("method", ADJUSTED)
    def test_att_employment(self, method, survey):
        truth = survey.attrs["att_employed"]
        r = _fit(survey, method, outcome="employed", weights="weight")
        assert abs(r.att - truth) < 3 * r.se, (r.att, truth, r.se)
        assert 0 < r.se < 0.05

    def test_naive_is_biased(self, survey):
        truth = survey.attrs["att_income"]
        r = _fit(survey, "naive", weights="weight")
        assert r.att < truth - 10 * r.se
        assert any("differ before adjustment" in w for w in r.warnings)

    def test_weights_matter(self, survey):
        # Effects are heterogeneous and weights depend on covariates, so the weighted and
        # unweighted ATTs differ; each estimate should track its own truth.
        t = survey["treat"] == 1
        unweighted_truth = survey.loc[t, "effect_income"].mean()
        assert abs(unweighted_truth - survey.attrs["att_income"]) > 5
        r = _fit(survey, "aipw")
        assert abs(r.att - unweighted_truth) < 3 * r.se

    def test_balance_after_weighting(self, survey):
        r = _fit(survey, "ipw", weights="weight")
        table = r.balance()
        assert list(table.columns[:3]) == ["covariate", "smd_before", "smd_after"]
        assert table["smd_before"].abs().max() > 0.3
        assert table["smd_after"].abs().max() < 0.05
        assert not any("Residual imbalance" in w for w in r.warnings)


class TestSurveyWeights:
    @pytest.mark.parametrize(
        "method, estimand, kw",
        [
            ("naive", "att", {}),
            ("ols", "att", {}),
            ("ra", "att", {}),
            ("ra", "ate", {}),
            ("ipw", "att", {}),
            ("ipw", "ate", {}),
            ("aipw", "att", {}),
            ("aipw", "ate", {}),
            # M counts rows, so frequency weights reproduce duplicates for M = 1 (duplicates
            # are exact ties and ties are all kept); see the matching docstring.
            ("match", "att", {"n_neighbors": 1}),
            ("match", "att", {"n_neighbors": 1, "bias_adjust": False, "caliper": None}),
        ],
    )
    def test_weights_equal_duplicated_rows(self, method, estimand, kw, small):
        expanded = small.loc[small.index.repeat(small["freq"].astype(int))].reset_index(drop=True)
        weighted = _fit(small, method, estimand=estimand, weights="freq", **kw)
        duplicated = _fit(expanded, method, estimand=estimand, **kw)
        np.testing.assert_allclose(weighted.estimate, duplicated.estimate, rtol=1e-6, atol=1e-6)

    def test_wls_hc1_matches_statsmodels(self, small):
        x = sm.add_constant(small[["treat", *SIM_COVARIATES]].to_numpy())
        y, w = small["income"].to_numpy(), small["freq"].to_numpy()
        res = sm.WLS(y, x, weights=w).fit(cov_type="HC1")
        est, se = wls_hc1(y, np.asfortranarray(x), w, 1)
        np.testing.assert_allclose([est, se], [res.params[1], res.bse[1]], rtol=1e-8)


class TestStandardErrors:
    """Influence-function SEs agree with a nonparametric bootstrap of the whole procedure."""

    @pytest.mark.parametrize("method, estimand", [("ra", "att"), ("ipw", "att"), ("aipw", "att"),
                                                  ("ipw", "ate"), ("aipw", "ate")])
    def test_bootstrap(self, method, estimand):
        # Good overlap and survey weights; rows are resampled with their weights.
        df = simulate_trainees(n=3_000, seed=21)
        df = df[(df["unemployed_1"] == 0) | (df["age"] < 45)].reset_index(drop=True)
        r = _fit(df, method, estimand=estimand, weights="weight")
        rng = np.random.default_rng(4)
        draws = [
            _fit(df.iloc[rng.integers(0, len(df), len(df))], method, estimand=estimand,
                 weights="weight").estimate
            for _ in range(150)
        ]
        # 150 draws estimate an SE to about +-6 %; allow 20 %.
        np.testing.assert_allclose(r.se, np.std(draws, ddof=1), rtol=0.2)


class TestTrimming:
    def test_explicit_bounds_warn_and_drop(self, survey):
        full = _fit(survey, "ipw")
        r = _fit(survey, "ipw", trim=(0.05, 0.95))
        assert any("Trimming changed the estimand" in w for w in r.warnings)
        assert r.diagnostics["trim"]["dropped_control"] > 0
        assert r.n_control < full.n_control
        assert not any("Trimming" in w for w in full.warnings)

    @pytest.mark.parametrize("rule", ["crump", "support"])
    def test_named_rules(self, rule, survey):
        r = _fit(survey, "aipw", trim=rule)
        assert any("Trimming changed the estimand" in w for w in r.warnings)
        assert np.isfinite(r.att) and r.se > 0

    def test_crump_bounds(self):
        rng = np.random.default_rng(1)
        p = np.clip(rng.beta(0.5, 0.5, 50_000), 1e-6, 1 - 1e-6)
        low, high = crump_bounds(p, np.ones_like(p))
        assert 0.02 < low < 0.2 and np.isclose(low + high, 1)
        assert crump_bounds(np.full(100, 0.5), np.ones(100)) == (0.0, 1.0)

    def test_trim_that_drops_nothing_is_a_note(self, survey):
        r = _fit(survey, "ipw", trim=(0.0, 1.0))
        assert not any("Trimming" in w for w in r.warnings)
        assert any("no row fell outside" in n for n in r.notes)

    def test_bad_trim(self, survey):
        with pytest.raises(ValueError, match="trim"):
            _fit(survey, "ipw", trim=(0.9, 0.1))
        with pytest.raises(ValueError, match="trim"):
            _fit(survey, "ipw", trim="clip")


class TestValidation:
    def test_missing_columns(self, small):
        with pytest.raises(ValueError, match=r"not found.*'wage'"):
            training_effect(small, "wage", "treat", SIM_COVARIATES)
        with pytest.raises(ValueError, match=r"not found.*'height'"):
            training_effect(small, "income", "treat", [*SIM_COVARIATES, "height"])

    def test_non_binary_treatment(self, small):
        df = small.assign(treat=small["treat"] * 2)
        with pytest.raises(ValueError, match=r"must be binary.*\[0\.0, 2\.0\]"):
            _fit(df, "aipw")

    def test_constant_covariate(self, small):
        df = small.assign(java=1.0)
        with pytest.raises(ValueError, match=r"covariate 'java' is constant"):
            _fit(df, "aipw")

    def test_missing_values_name_rows(self, small):
        df = small.copy()
        df.loc[[5, 9], "age"] = np.nan
        with pytest.raises(ValueError, match=r"'age' has 2 missing.*\[5, 9\]"):
            _fit(df, "ipw")

    def test_other_errors(self, small):
        with pytest.raises(ValueError, match="method"):
            _fit(small, "psm")
        with pytest.raises(ValueError, match="ATT only"):
            _fit(small, "match", estimand="ate")
        with pytest.raises(ValueError, match="needs covariates"):
            training_effect(small, "income", "treat", [], method="ipw")
        with pytest.raises(ValueError, match="negative"):
            _fit(small.assign(freq=-small["freq"]), "ipw", weights="freq")
        rng = np.random.default_rng(2)
        tiny = pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200),
                             "treat": np.tile([0.0, 1.0], 100)})
        with pytest.raises(ValueError, match="caliper"):
            training_effect(tiny, "y", "treat", ["x"], method="match", caliper=1e-12)
        with pytest.raises(ValueError, match="only trainees"):
            _fit(small.assign(treat=1.0), "ipw")


class TestPropensityTerms:
    def test_parse(self):
        assert parse_term("age**2") == [("age", 2)]
        assert parse_term("educ * re74") == [("educ", 1), ("re74", 1)]
        assert parse_term("age^2:female") == [("age", 2), ("female", 1)]

    @pytest.mark.parametrize("bad", ["__import__('os')", "age**x", "age**0", "age+educ", "", "age**99"])
    def test_rejects(self, bad):
        with pytest.raises(ValueError):
            parse_term(bad)

    def test_terms_enter_the_logit(self, small):
        plain = _fit(small, "ipw")
        richer = _fit(small, "ipw", propensity_terms=["age**2", "educ_years*female"])
        assert plain.att != richer.att
        assert "age**2" in set(richer.balance()["covariate"])


class TestResult:
    def test_summary_and_ci(self, small):
        r = _fit(small, "aipw")
        assert isinstance(r, TrainingEffect)
        s = r.summary()
        assert list(s.columns) == ["method", "estimand", "estimate", "se", "ci_low", "ci_high",
                                   "n_treated", "n_control", "se_unclustered", "n_clusters", "robustness_value"]
        assert len(s) == 1
        low, high = r.conf_int()
        assert low < r.att < high
        np.testing.assert_allclose(high - low, 2 * 1.959964 * r.se, rtol=1e-6)

    def test_overlap_fields(self, small):
        ov = _fit(small, "ipw").overlap()
        for key in ("treated_min", "treated_max", "control_min", "control_max",
                    "controls_below_min_treated", "controls_outside_support", "treated_above_max_control"):
            assert key in ov.index

    def test_matching_reuse_warning(self):
        # Three comparison persons for 300 trainees: each is reused about 100 times.
        rng = np.random.default_rng(5)
        n_t = 300
        df = pd.DataFrame({"x": np.r_[rng.normal(0, 1, n_t), [-0.5, 0.0, 0.5]], "treat": np.r_[np.ones(n_t), np.zeros(3)]})
        df["y"] = df["x"] + df["treat"] + rng.normal(0, 0.1, len(df))
        df = pd.concat([df, pd.DataFrame({"x": rng.normal(-3, 0.5, 200), "treat": 0.0,
                                          "y": rng.normal(0, 1, 200)})], ignore_index=True)
        r = training_effect(df, "y", "treat", ["x"], method="match", n_neighbors=1, caliper=None)
        assert any("reused heavily" in w for w in r.warnings)

    def test_plot_returns_figure(self, small):
        from matplotlib.figure import Figure
        import matplotlib.pyplot as plt

        fig = _fit(small, "match").plot()
        assert isinstance(fig, Figure)
        assert len(fig.axes) == 2
        plt.close(fig)


def test_tracer_on_the_sample_tables():
    """The notebook's helpers on the sample without the optional tables: national fit, subgroup
    minimum, metrics, and the note that the labour market is missing from the covariates.

    The full fit (with regency_years and center_years) is checked against the truth in
    ``tests/test_trainee_sample.py``.
    """
    import numpy as np

    from evaluation.config import SAMPLE_DIR
    from evaluation.data import load_dataset
    from evaluation.impact import tracer

    ds = load_dataset(SAMPLE_DIR)
    fitted = tracer.national_effects(ds.trainees, ds.centers)
    table = tracer.results_table(fitted["effects"])
    assert set(table["method"]) == set(tracer.METHODS) and table["reliability (BPS RSE rule)"].notna().all()
    assert "log_umk" not in fitted["covariates"] and "kota" in fitted["covariates"]
    assert any("log UMK" in w for w in fitted["effects"]["income_after_idr"]["aipw"].warnings)
    hidden = tracer.at_least(fitted["by_vocation"], 100)
    assert hidden.loc[hidden["respondents"] < 100, "estimate"].isna().all()
    assert hidden.loc[hidden["respondents"] >= 100, "estimate"].notna().all()
    check = tracer.truth_check(fitted["effects"], pd.read_csv(SAMPLE_DIR / "truth" / "trainee_effects.csv"))
    assert list(check["outcome"]) == ["income (Rp)", "employment (pp)"] and "planted bias (expected)" in check
    m = tracer.metrics("national", fitted["effects"])
    assert np.isclose(m["national_income_after_idr_att"], fitted["effects"]["income_after_idr"]["aipw"].estimate)
