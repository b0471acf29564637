"""Unit tests for the staggered DiD estimators: input checks, planted effects, options."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from evaluation.impact import (DidInputError, att_gt, compare_twfe_cs, mde, mde_from_result,
                               twfe, twfe_event_study)

matplotlib.use("Agg")

MPDTA = Path(__file__).parent / "reference" / "did" / "mpdta.csv"
KW = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


@pytest.fixture(scope="module")
def mpdta() -> pd.DataFrame:
    return pd.read_csv(MPDTA)


def staggered_panel(n=3000, years=8, slope=0.1, seed=0, covariate=False):
    """Balanced panel, cohorts in years 3..7 plus never treated; effect 0.1*(e+1), e >= 0.

    Parallel trends hold (conditionally on ``x`` when ``covariate``). Returns the frame and
    the true ATT(g,t) as a dict.
    """
    rng = np.random.default_rng(seed)
    yrs = np.arange(2015, 2015 + years)
    cohorts = np.concatenate([[0], yrs[2:-1]])
    x = rng.normal(size=n)
    if covariate:  # treated cohorts have higher x, and x shifts the trend
        p_treat = 1 / (1 + np.exp(-(0.3 + 0.8 * x)))
        treated = rng.random(n) < p_treat
        g = np.where(treated, rng.choice(cohorts[1:], n), 0)
    else:
        g = rng.choice(cohorts, n)
    alpha = rng.normal(size=n) + 0.5 * (g > 0)
    trend = 0.05 * np.arange(years)[None, :] * (1 + (0.5 * x[:, None] if covariate else 0))
    e = yrs[None, :] - g[:, None]
    effect = np.where((g[:, None] > 0) & (e >= 0), slope * (e + 1), 0.0)
    y = alpha[:, None] + trend + effect + rng.normal(scale=0.3, size=(n, years))
    df = pd.DataFrame({"unit": np.repeat(np.arange(n) + 100, years), "year": np.tile(yrs, n),
                       "y": y.ravel(), "cohort": np.repeat(g, years), "x": np.repeat(x, years)})
    return df, g, yrs


SIM = dict(outcome="y", time="year", unit="unit", cohort="cohort")


def true_simple(g, yrs, slope=0.1):
    """Cohort-size weighted mean of the true post-treatment ATT(g,t) (the simple estimand)."""
    num = den = 0.0
    for c in np.unique(g[g > 0]):
        size = (g == c).sum()
        for t in yrs[yrs >= c]:
            num += size * slope * (t - c + 1)
            den += size
    return num / den


# --- input checks ------------------------------------------------------------------------


def test_unbalanced_panel_names_units(mpdta):
    bad = mpdta.drop(mpdta.index[(mpdta.countyreal == 8001) & (mpdta.year == 2005)])
    with pytest.raises(DidInputError, match="unbalanced.*8001"):
        att_gt(bad, **KW)
    dup = pd.concat([mpdta, mpdta.iloc[[0]]])
    with pytest.raises(DidInputError, match="unbalanced"):
        att_gt(dup, **KW)


def test_non_numeric_cohort_names_column_and_values(mpdta):
    bad = mpdta.assign(**{"first.treat": mpdta["first.treat"].astype(str).replace("0", "never")})
    with pytest.raises(DidInputError, match=r"cohort column 'first\.treat'.*such as 'never'"):
        att_gt(bad, **KW)
    with pytest.raises(DidInputError, match="time column 'year'"):
        att_gt(mpdta.assign(year=mpdta.year.astype(str) + "-01"), **KW)


def test_missing_column(mpdta):
    with pytest.raises(DidInputError, match="'lpop2'"):
        att_gt(mpdta, **KW, covariates=["lpop2"])


def test_no_controls_left(mpdta):
    treated_only = mpdta[mpdta["first.treat"] > 0]
    with pytest.raises(DidInputError, match="never-treated"):
        att_gt(treated_only, **KW, control_group="never_treated")
    # not-yet-treated still works: the last cohort becomes the comparison group
    r = att_gt(treated_only, **KW, control_group="not_yet_treated")
    assert set(r.cohort) == {2004, 2006} and r.time.max() == 2006
    zero_w = mpdta.assign(w=np.where(mpdta["first.treat"] == 0, 0.0, 1.0))
    with pytest.raises(DidInputError, match="no comparison units"):
        att_gt(zero_w, **KW, weights="w")


def test_constant_or_missing_covariate(mpdta):
    with pytest.raises(DidInputError, match="'c'.*constant"):
        att_gt(mpdta.assign(c=1.0), **KW, covariates=["c"])
    holes = mpdta.assign(lpop=mpdta.lpop.where(mpdta.countyreal != 8001))
    with pytest.raises(DidInputError, match="'lpop'.*missing.*8001"):
        att_gt(holes, **KW, covariates=["lpop"])


def test_cohort_must_be_fixed_within_unit(mpdta):
    bad = mpdta.copy()
    bad.loc[bad.index[0], "first.treat"] = 2006
    with pytest.raises(DidInputError, match="constant within each unit"):
        att_gt(bad, **KW)


def test_bad_options(mpdta):
    with pytest.raises(ValueError, match="control_group"):
        att_gt(mpdta, **KW, control_group="everyone")
    with pytest.raises(ValueError, match="method"):
        att_gt(mpdta, **KW, method="ols")


# --- coding conventions ------------------------------------------------------------------


def test_never_treated_nan_equals_zero(mpdta):
    a = att_gt(mpdta, **KW)
    b = att_gt(mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, np.nan)}), **KW)
    pd.testing.assert_frame_equal(a.summary(), b.summary())


def test_cohort_after_panel_is_never_treated(mpdta):
    a = att_gt(mpdta, **KW)
    later = mpdta.assign(**{"first.treat": mpdta["first.treat"].replace(0, 2010)})
    pd.testing.assert_frame_equal(a.summary(), att_gt(later, **KW).summary())


def test_units_treated_in_first_year_are_dropped(mpdta):
    early = mpdta.assign(**{"first.treat": np.where(mpdta.countyreal == 8001, 2003,
                                                    mpdta["first.treat"])})
    with pytest.warns(UserWarning, match="Dropped 1 unit"):
        r = att_gt(early, **KW)
    assert r.n_units == 499


def test_equal_weights_change_nothing(mpdta):
    a = att_gt(mpdta, **KW, covariates=["lpop"])
    b = att_gt(mpdta.assign(w=3.0), **KW, covariates=["lpop"], weights="w")
    np.testing.assert_allclose(a.att, b.att, atol=1e-12)
    np.testing.assert_allclose(a.se, b.se, rtol=1e-10)
    np.testing.assert_allclose(a.aggregate("event").se, b.aggregate("event").se, rtol=1e-10)


# --- planted effects ---------------------------------------------------------------------


def test_planted_effect_recovered_and_twfe_biased():
    df, g, yrs = staggered_panel()
    truth = true_simple(g, yrs)
    r = att_gt(df, **SIM)
    simple = r.aggregate("simple")
    assert abs(simple.att - truth) < 3 * simple.se
    event = r.aggregate("event")
    tab = event.summary().set_index("event_time")
    post = tab.loc[tab.index >= 0]
    assert np.all(np.abs(post["att"] - 0.1 * (post.index + 1)) < 3.5 * post["se"])
    pre = tab.loc[tab.index < 0]
    assert np.all(np.abs(pre["att"]) < 3.5 * pre["se"])
    assert r.pretest().p_value > 0.001

    static = twfe(df, **SIM)
    # effects that grow with exposure: TWFE understates the average effect
    assert truth - static.att > 5 * static.att_se
    assert static.negative_weight_share() > 0
    sentence = compare_twfe_cs(static, simple)
    assert "negative weight" in sentence and "forbidden comparisons" in sentence


@pytest.mark.parametrize("method", ["dr", "ipw", "reg"])
def test_planted_effect_with_covariate(method):
    # selection on x and x-specific trends: only the conditional estimators are unbiased
    df, g, yrs = staggered_panel(n=4000, covariate=True, seed=3)
    truth = true_simple(g, yrs)
    adj = att_gt(df, **SIM, covariates=["x"], method=method).aggregate("simple")
    assert abs(adj.att - truth) < 3.5 * adj.se
    naive = att_gt(df, **SIM).aggregate("simple")
    assert abs(naive.att - truth) > 3 * naive.se


def test_not_yet_treated_and_anticipation_run():
    df, g, yrs = staggered_panel(n=1000, seed=5)
    r = att_gt(df, **SIM, control_group="not_yet_treated")
    assert abs(r.aggregate("simple").att - true_simple(g, yrs)) < 4 * r.aggregate("simple").se
    ra = att_gt(df, **SIM, anticipation=1)
    # with one year of anticipation the post cells compare with two years before treatment
    post = ra.summary().query("post")
    assert np.all(post["base_period"] == post["cohort"] - 2)


def test_event_window_options(mpdta):
    r = att_gt(mpdta, **KW)
    ev = r.aggregate("event", min_e=-1, max_e=2)
    assert list(ev.elements) == [-1, 0, 1, 2]
    bal = r.aggregate("event", balance_e=1)
    assert list(bal.elements) == [-2, -1, 0, 1]
    assert r.aggregate("simple", max_e=0).att == pytest.approx(ev.summary().set_index(
        "event_time").loc[0, "att"])


# --- inference and output ----------------------------------------------------------------


def test_bootstrap_reproducible_and_clustered(mpdta):
    r = att_gt(mpdta, **KW)
    b1, b2 = r.bootstrap(499, seed=3), r.bootstrap(499, seed=3)
    np.testing.assert_array_equal(b1.se, b2.se)
    assert b1.crit_value > 1.96
    assert np.all(np.abs(b1.se / r.se - 1) < 0.3)
    # clustering on the unit itself is the unclustered bootstrap
    rc = att_gt(mpdta.assign(cl=mpdta.countyreal), **KW, cluster="cl")
    np.testing.assert_allclose(rc.bootstrap(499, seed=3).se, b1.se, rtol=1e-12)
    # clustering on a coarser grouping runs and gives finite SEs
    rs = att_gt(mpdta.assign(st=mpdta.countyreal // 1000), **KW, cluster="st")
    assert np.isfinite(rs.bootstrap(299, seed=1).se).all()


def test_plots_return_figures(mpdta):
    from matplotlib.figure import Figure

    r = att_gt(mpdta, **KW)
    assert isinstance(r.plot(iterations=199, seed=1), Figure)
    for kind in ("simple", "event", "cohort", "calendar"):
        assert isinstance(r.aggregate(kind).plot(iterations=199, seed=1), Figure)
    assert isinstance(twfe(mpdta, **KW).plot(), Figure)
    assert isinstance(twfe_event_study(mpdta, **KW).plot(), Figure)
    import matplotlib.pyplot as plt

    plt.close("all")


def test_influence_matrix_shape(mpdta):
    r = att_gt(mpdta, **KW)
    assert r.influence.shape == (500, 12)
    np.testing.assert_allclose(np.sqrt(np.diag(r.vcov())), r.se)


@pytest.mark.filterwarnings("ignore:Dropped 20 unit")
def test_matches_csdid_for_other_options(mpdta):
    """csdid ports R did: ipw, reg, weights, time-varying covariates, universal base
    period, anticipation."""
    ATTgt = pytest.importorskip("csdid.att_gt").ATTgt
    df = mpdta.assign(w=mpdta.countyreal.map(
        dict(zip(mpdta.countyreal.unique(), np.random.default_rng(1).uniform(0.5, 2, 500))))
    )
    for method in ("ipw", "reg"):
        with redirect_stdout(io.StringIO()):
            ref = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                        xformla="lemp~lpop", data=df, control_group="notyettreated",
                        weights_name="w").fit(est_method=method, bstrap=False)
        ours = att_gt(df, **KW, covariates=["lpop"], method=method,
                      control_group="not_yet_treated", weights="w")
        np.testing.assert_allclose(ours.att, ref.results["att"], atol=1e-9)
        np.testing.assert_allclose(ours.se, ref.results["se"], rtol=1e-6)
    # a time-varying covariate enters with its value in the earlier year of each comparison
    tv = df.assign(lpop_t=df.lpop + 0.05 * (df.year - 2003) * np.sin(df.countyreal))
    with redirect_stdout(io.StringIO()):
        ref = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                    xformla="lemp~lpop_t", data=tv).fit(est_method="dr", bstrap=False)
    ours = att_gt(tv, **KW, covariates=["lpop_t"])
    np.testing.assert_allclose(ours.att, ref.results["att"], atol=1e-9)
    # universal base period and anticipation, with the event-study aggregation
    for options in ({"base_period": "universal"}, {"anticipation": 1}):
        fit_opts = {k: v for k, v in options.items() if k == "base_period"}
        init_opts = {k: v for k, v in options.items() if k == "anticipation"}
        with redirect_stdout(io.StringIO()):
            ref = ATTgt(yname="lemp", gname="first.treat", idname="countyreal", tname="year",
                        xformla="lemp~lpop", data=df, **init_opts).fit(
                est_method="dr", bstrap=False, **fit_opts)
            ref.aggte(typec="dynamic", bstrap=False)
        ours = att_gt(df, **KW, covariates=["lpop"], **options)
        np.testing.assert_allclose(ours.att, ref.results["att"], atol=1e-9)
        np.testing.assert_allclose(ours.aggregate("event").att, ref.atte["overall_att"],
                                   atol=1e-9)
        np.testing.assert_allclose(ours.aggregate("event").se, ref.atte["overall_se"],
                                   rtol=1e-6)


# --- TWFE and power ----------------------------------------------------------------------


def test_twfe_matches_dummy_regression(mpdta):
    # OLS with explicit unit and year dummies, on 150 counties to keep it quick
    sub = mpdta[mpdta.countyreal.isin(mpdta.countyreal.unique()[:150])]
    treated = ((sub["first.treat"] > 0) & (sub.year >= sub["first.treat"])).to_numpy()
    dummies = pd.get_dummies(sub[["countyreal", "year"]].astype(str), drop_first=True)
    X = np.column_stack([np.ones(len(sub)), treated, dummies.to_numpy(float)])
    coef = np.linalg.lstsq(X, sub["lemp"].to_numpy(), rcond=None)[0]
    assert twfe(sub, **KW).att == pytest.approx(coef[1], abs=1e-10)
    res = twfe(mpdta, **KW)
    assert res.cell_weights["weight"].sum() == pytest.approx(1.0)
    es = twfe_event_study(mpdta, **KW)
    assert -1 not in set(es.terms)
    assert "agree" in compare_twfe_cs(res, att_gt(mpdta, **KW).aggregate("simple"))


def test_mde():
    assert mde(1.0) == pytest.approx(2.8016, abs=1e-4)
    df, _, _ = staggered_panel(n=500)
    agg = att_gt(df, **SIM).aggregate("event")
    assert mde_from_result(agg) == pytest.approx(2.8016 * agg.se, rel=1e-4)
    assert "mde" in mde_from_result(agg, elements=True)


def test_national_estimates_hold_both_designs():
    from evaluation.config import SAMPLE_DIR
    from evaluation.data import load_dataset
    from evaluation.impact import regional

    ds = load_dataset(SAMPLE_DIR)
    est = regional.national_estimates(regional.regency_panel(ds.centers, ds.regency_years, ds.center_years))
    assert set(est) == {"within_province", "never_treated", "not_yet_treated"}
    for design, by_outcome in est.items():
        assert set(by_outcome) == set(regional.OUTCOMES)
        assert all(abs(r.simple.att) < 3 * r.simple.se + 0.1 for r in by_outcome.values())
    for r in est["never_treated"].values():
        pre = r.pretest()  # sup-t, never silently None
        assert pre.computed and 0 < pre.p_value <= 1
