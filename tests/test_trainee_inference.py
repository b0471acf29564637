"""Cluster-robust standard errors of the training-effect estimators.

Checked three ways: against statsmodels' cluster-robust regression (naive, OLS), by the
identity with one row per cluster, and against a bootstrap that resamples whole clusters
on a simulated survey where people of a cluster share an income shock.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from evaluation.impact.trainees import SIM_COVARIATES, simulate_trainees, training_effect


def _clustered_survey(n: int = 3000, clusters: int = 100, seed: int = 5, shock_sd: float = 900.0) -> pd.DataFrame:
    """The simulated survey with clusters as in the tracer design: trainees share a shock with the
    others of their center, comparison persons with the others of their village (independent of training)."""
    df = simulate_trainees(n=n, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    k = rng.integers(0, clusters // 2, n)
    df["village"] = np.where(df["treat"] == 1, "center ", "village ") + pd.Series(k).astype(str)
    shock = {name: rng.normal(0, shock_sd) for name in sorted(df["village"].unique())}
    df["income"] = df["income"] + df["village"].map(shock)
    return df


def _fit(df, method, **kw):
    return training_effect(df, "income", "treat", SIM_COVARIATES, method=method, weights="weight",
                           sensitivity=False, **kw)


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return _clustered_survey()


class TestAgainstStatsmodels:
    @pytest.mark.parametrize("method", ["naive", "ols"])
    def test_cr1_matches_statsmodels(self, method, survey):
        cols = ["treat"] if method == "naive" else ["treat", *SIM_COVARIATES]
        x = sm.add_constant(survey[cols].to_numpy())
        res = sm.WLS(survey["income"].to_numpy(), x, weights=survey["weight"].to_numpy()).fit(
            cov_type="cluster", cov_kwds={"groups": survey["village"].to_numpy()})
        r = _fit(survey, method, cluster="village")
        np.testing.assert_allclose([r.estimate, r.se], [res.params[1], res.bse[1]], rtol=1e-8)
        assert r.n_clusters == survey["village"].nunique()
        # the robust (unclustered) SE is kept beside it, and is HC1
        hc1 = sm.WLS(survey["income"].to_numpy(), x, weights=survey["weight"].to_numpy()).fit(cov_type="HC1")
        np.testing.assert_allclose(r.se_unclustered, hc1.bse[1], rtol=1e-8)


class TestIdentities:
    @pytest.mark.parametrize("method", ["ra", "ipw", "aipw", "match"])
    def test_one_row_per_cluster(self, method, survey):
        # With singleton clusters the clustered variance is the robust one times n/(n-1) (matching:
        # its linear representation, which is what the clustered SE uses).
        df = survey.assign(row=np.arange(len(survey)))
        r = _fit(df, method, cluster="row")
        n = len(df)
        if method == "match":
            assert 0.8 < r.se / r.se_unclustered < 1.25  # Otsu-Rai vs Abadie-Imbens, see below
        else:
            np.testing.assert_allclose(r.se, r.se_unclustered * np.sqrt(n / (n - 1)), rtol=1e-10)

    def test_matching_linear_representation_close_to_abadie_imbens(self):
        # Unclustered, the Otsu-Rai representation used for clusters and the Abadie-Imbens
        # variance estimate the same thing; they agree within 20 % here.
        df = simulate_trainees(n=4000, seed=8).assign(row=lambda d: np.arange(len(d)))
        r = _fit(df, "match", cluster="row")
        np.testing.assert_allclose(r.se, r.se_unclustered, rtol=0.2)


class TestClusterBootstrap:
    """Shared shocks make people of a cluster alike: the clustered SE must see it, the robust one cannot."""

    @pytest.mark.parametrize("method", ["ipw", "aipw", "match"])
    def test_clustered_se_matches_cluster_bootstrap(self, method, survey):
        r = _fit(survey, method, cluster="village")
        assert r.se > 1.3 * r.se_unclustered, (r.se, r.se_unclustered)
        groups = dict(tuple(survey.groupby("village")))
        ids = np.array(sorted(groups))
        rng = np.random.default_rng(11)
        draws = []
        for _ in range(120):
            pick = rng.choice(ids, size=ids.size, replace=True)
            boot = pd.concat([groups[g] for g in pick], ignore_index=True)
            draws.append(_fit(boot, method).estimate)
        # 120 draws estimate an SE to about +-7 %; allow 25 %.
        np.testing.assert_allclose(r.se, np.std(draws, ddof=1), rtol=0.25)

    def test_estimate_does_not_depend_on_clusters(self, survey):
        a = _fit(survey, "aipw")
        b = _fit(survey, "aipw", cluster="village")
        assert a.estimate == b.estimate and b.cluster == "village" and a.n_clusters is None
        assert any("clustered by 'village'" in note for note in b.notes)


class TestValidation:
    def test_missing_cluster_names_rows(self, survey):
        df = survey.copy()
        df["village"] = df["village"].astype(object)
        df.loc[[3, 17], "village"] = None
        with pytest.raises(ValueError, match=r"cluster column 'village' has 2 missing values.*\[3, 17\]"):
            _fit(df, "aipw", cluster="village")

    def test_single_cluster_and_unknown_column(self, survey):
        with pytest.raises(ValueError, match="single cluster"):
            _fit(survey.assign(village=1), "aipw", cluster="village")
        with pytest.raises(ValueError, match="not found.*'school'"):
            _fit(survey, "aipw", cluster="school")

    def test_few_clusters_warn(self, survey):
        r = _fit(survey.assign(village=np.arange(len(survey)) % 12), "aipw", cluster="village")
        assert any("Only 12 clusters" in w for w in r.warnings)
