"""Blank outcomes (tracer non-response): response weights, complete cases and Lee bounds.

On the simulated survey the trainees' outcomes are blanked by a known mechanism: at random
given covariates (where the response weights must repair what complete cases get wrong) or
depending on the outcome itself (where only the bounds stay honest).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.impact.trainees import SIM_COVARIATES, LeeBounds, lee_bounds, simulate_trainees, training_effect


def _blank(df: pd.DataFrame, p_answer: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Blank the income of trainees who do not answer; comparison persons all answer."""
    rng = np.random.default_rng(seed)
    answered = (df["treat"] == 0).to_numpy() | (rng.random(len(df)) < p_answer)
    out = df.copy()
    out.loc[~answered, ["income", "employed"]] = np.nan
    return out, answered


def _mar(df: pd.DataFrame) -> np.ndarray:
    """Answering depends on covariates that also change the effect (the unemployed gain more, answer less)."""
    lin = 1.2 - 2.5 * df["unemployed_1"] - 1.0 * df["urban"] + 0.15 * (df["educ_years"] - 10)
    return (1 / (1 + np.exp(-lin))).to_numpy()


def _fit(df, method="aipw", **kw):
    return training_effect(df, "income", "treat", SIM_COVARIATES, method=method, weights="weight",
                           sensitivity=False, **kw)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return simulate_trainees(n=20_000, seed=3)


@pytest.fixture(scope="module")
def mar(survey):
    return _blank(survey, _mar(survey), seed=7)


class TestResponseWeights:
    @pytest.mark.parametrize("method", ["ipw", "aipw", "ra", "match"])
    def test_weights_repair_what_complete_cases_get_wrong(self, method, survey, mar):
        df, answered = mar
        full = _fit(survey, method)  # what the estimator gives had everyone answered
        complete = _fit(df, method, missing_outcome="complete")
        weighted = _fit(df, method, missing_outcome="ipw")
        assert abs(complete.estimate - full.estimate) > 3 * complete.se, (complete.estimate, full.estimate)
        assert abs(weighted.estimate - full.estimate) < 2 * weighted.se, (weighted.estimate, full.estimate)
        assert any("Non-response ignored" in w for w in complete.warnings)
        assert any("inverse of their estimated probability of answering" in n for n in weighted.notes)
        respondents = int(((survey["treat"] == 1).to_numpy() & answered).sum())
        if method == "match":  # the caliper may leave a trainee unmatched
            assert respondents - 5 <= weighted.n_treated <= respondents
        else:
            assert weighted.n_treated == respondents
        nr = weighted.nonresponse
        assert nr["method"] == "ipw" and nr["control"]["response_rate"] == 1.0
        np.testing.assert_allclose(
            nr["treated"]["response_rate"],
            np.average(answered[survey["treat"] == 1], weights=survey.loc[survey["treat"] == 1, "weight"]))

    @pytest.mark.parametrize("method", ["ipw", "aipw"])
    def test_se_includes_the_response_model(self, method):
        # Bootstrap the whole procedure (response logit refitted in every draw).
        base = simulate_trainees(n=3000, seed=21)
        base = base[(base["unemployed_1"] == 0) | (base["age"] < 45)].reset_index(drop=True)
        df, _ = _blank(base, _mar(base), seed=2)
        r = _fit(df, method, missing_outcome="ipw")
        rng = np.random.default_rng(9)
        draws = [_fit(df.iloc[rng.integers(0, len(df), len(df))], method, missing_outcome="ipw").estimate
                 for _ in range(150)]
        # 150 draws estimate an SE to about +-6 %; allow 20 %.
        np.testing.assert_allclose(r.se, np.std(draws, ddof=1), rtol=0.2)

    def test_blanks_in_both_groups_get_their_own_models(self, survey):
        rng = np.random.default_rng(4)
        df = survey.copy()
        df.loc[rng.random(len(df)) < 0.2, "income"] = np.nan
        r = _fit(df, missing_outcome="ipw", response_covariates=["java"], cluster=None)
        assert "max_weight_share" in r.nonresponse["treated"] and "max_weight_share" in r.nonresponse["control"]
        assert r.nonresponse["treated"]["response_covariates"][-1] == "java"

    def test_response_probabilities_fitted_once_give_the_same_estimate(self, mar):
        from evaluation.impact.trainees import response_probabilities

        df, _ = mar
        df = df.assign(p_answer=response_probabilities(df, "income", "treat", SIM_COVARIATES, weights="weight"))
        assert (df.loc[df["treat"] == 0, "p_answer"] == 1).all() and df["p_answer"].between(0, 1).all()
        inline = _fit(df, missing_outcome="ipw")
        given = _fit(df, missing_outcome="ipw", response_probability="p_answer")
        np.testing.assert_allclose(given.estimate, inline.estimate, rtol=1e-10)
        assert any("estimated elsewhere" in n for n in given.notes)
        with pytest.raises(ValueError, match=r"must lie in \(0, 1\]"):
            _fit(df.assign(p_answer=0.0), missing_outcome="ipw", response_probability="p_answer")

    def test_default_refuses_blanks_and_says_what_to_do(self, mar):
        df, _ = mar
        with pytest.raises(ValueError, match=r"outcome column 'income' has \d+ missing.*missing_outcome='ipw'"):
            training_effect(df, "income", "treat", SIM_COVARIATES)
        with pytest.raises(ValueError, match="missing_outcome='drop'"):
            _fit(df, missing_outcome="drop")
        with pytest.raises(ValueError, match=r"response covariate\(s\) \['center'\] not found"):
            _fit(df, missing_outcome="ipw", response_covariates=["center"])
        everyone_blank = df.assign(income=np.where(df["treat"] == 1, np.nan, df["income"]))
        with pytest.raises(ValueError, match="blank for every trainee"):
            _fit(everyone_blank, missing_outcome="ipw")


class TestLeeBounds:
    def test_cover_the_respondents_effect_when_answering_depends_on_income(self, survey):
        # Trainees with high income answer more: response weights on covariates are fooled,
        # the bounds are not.
        t = (survey["treat"] == 1).to_numpy()
        y = survey["income"].to_numpy()
        p = 1 / (1 + np.exp(-(0.3 + 0.0015 * (y - y[t].mean()))))
        df, answered = _blank(survey, p, seed=13)
        truth = np.average(survey.loc[t & answered, "effect_income"], weights=survey.loc[t & answered, "weight"])
        lee = lee_bounds(df, "income", "treat", SIM_COVARIATES, weights="weight")
        assert isinstance(lee, LeeBounds)
        low, high = lee.conf_int()
        assert lee.lower <= truth <= lee.upper and low < lee.lower and high > lee.upper
        weighted = _fit(df, missing_outcome="ipw")
        assert weighted.estimate - truth > 5 * weighted.se  # the weights cannot see income
        s = lee.summary()
        assert list(s.columns[:8]) == ["method", "estimand", "lower", "upper", "se_lower", "se_upper",
                                       "ci_low", "ci_high"]
        assert 0 < lee.response_rate < 1 and lee.n_responded == int((t & answered).sum())

    def test_collapse_to_the_weighting_estimate_without_blanks(self, survey):
        lee = lee_bounds(survey, "income", "treat", SIM_COVARIATES, weights="weight")
        ipw = _fit(survey, "ipw")
        np.testing.assert_allclose([lee.lower, lee.upper], [ipw.estimate, ipw.estimate], rtol=1e-9)
        assert lee.response_rate == 1.0

    def test_se_matches_bootstrap(self):
        base = simulate_trainees(n=3000, seed=31)
        base = base[(base["unemployed_1"] == 0) | (base["age"] < 45)].reset_index(drop=True)
        df, _ = _blank(base, _mar(base), seed=5)
        lee = lee_bounds(df, "income", "treat", SIM_COVARIATES, weights="weight")
        rng = np.random.default_rng(3)
        draws = []
        for _ in range(150):
            b = lee_bounds(df.iloc[rng.integers(0, len(df), len(df))], "income", "treat", SIM_COVARIATES,
                           weights="weight")
            draws.append((b.lower, b.upper))
        sd = np.std(np.array(draws), axis=0, ddof=1)
        np.testing.assert_allclose([lee.se_lower, lee.se_upper], sd, rtol=0.25)

    def test_binary_outcome_bounds_stay_in_range(self, mar):
        df, _ = mar
        lee = lee_bounds(df, "employed", "treat", SIM_COVARIATES, weights="weight")
        assert -1 <= lee.lower < lee.upper <= 1
        assert 0 <= lee.untrained_low <= lee.untrained_high <= 1

    def test_comparison_group_must_be_complete(self, survey):
        df = survey.copy()
        df.loc[df.index[(df["treat"] == 0).to_numpy()][:3], "income"] = np.nan
        with pytest.raises(ValueError, match="every comparison person needs an outcome; 3 have none"):
            lee_bounds(df, "income", "treat", SIM_COVARIATES)


def test_loader_accepts_blank_outcomes_but_not_half_blank(broken):
    """Non-response appears as both outcomes blank; one blank and one filled is refused by row."""
    from evaluation.data import DataValidationError, load_dataset

    df = broken.frame("trainees")
    blank = df.index[df["employed_after"] == ""]
    assert len(blank) > 0 and (df.loc[blank, "income_after_idr"] == "").all()
    ds = load_dataset(broken.path)
    assert ds.trainees["income_after_idr"].isna().sum() == len(blank)
    filled = df.index[df["employed_after"] != ""][0]
    df.loc[filled, "income_after_idr"] = ""
    broken.write("trainees", df)
    with pytest.raises(DataValidationError) as err:
        load_dataset(broken.path)
    text = str(err.value)
    assert "trainees.csv" in text and "employed_after" in text and "non-response blanks both" in text
    assert str(filled + 2) in text  # the file line of the row (header is line 1)
