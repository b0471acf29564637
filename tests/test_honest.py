"""Rambachan-Roth sensitivity bounds (``evaluation.impact.honest``).

Reference tests pin the HonestDiD README example (Medicaid expansion, see
reference/honestdid/SOURCE.md): the event study is re-estimated here with numpy, then the
relative-magnitudes (C-LF) and smoothness (FLCI) tables are compared with the published
3-digit tables and with R's unrounded output. The unit tests check properties that hold
whatever the data: Mbar = 0 reproduces the parallel-trends interval, M = 0 is the
linear-trend (GLS) extrapolation, sets widen with the restriction's size, the breakdown
value is bracketed by the grid, bad inputs are refused with readable messages, and the
solver fallback agrees with vertex enumeration.

Runtime: about 3 s on two slow cores. The theta grid keeps HonestDiD's 1000 points where
numbers are pinned to R (each relative-magnitudes evaluation costs ~0.05 s there); the
property tests use coarser grids (101-201 points) and fewer simulation draws, and the
solver-fallback test a 25-point grid with one pre-period.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linprog
from scipy.special import ndtri
from scipy.stats import truncnorm

from evaluation.impact import honest
from evaluation.impact.honest import (
    SensitivityInputError,
    breakdown_value,
    original_ci,
    relative_magnitudes,
    smoothness,
)

REF_DIR = Path(__file__).parent / "reference" / "honestdid"
REFERENCE = json.loads((REF_DIR / "reference.json").read_text())
PUBLISHED = REFERENCE["published"]
R_CACHE = REFERENCE["r_knitr_cache"]
NUM_PRE, NUM_POST = 5, 2

# Published tables: 3 significant digits, and the C-LF sets live on a theta grid whose
# step is 40 se / 999 (3.7e-4 here); 1e-3 is the tolerance of the brief and of the
# anchor README (achieved: RM 4.2e-5, SD 2.6e-4 -- rounding of 0.101 etc. -- and
# 7.7e-4 for the average effect, whose published interval is itself 4e-4 / 7e-4 from
# R's own unrounded output).
PUBLISHED_ATOL = 1e-3
# R's unrounded C-LF endpoints are theta-grid points; ours land on the same grid. They
# may differ by one grid step because the least-favourable critical value is simulated
# (R: 1,000 draws of its own generator; here 10,000 numpy draws). Achieved: 0 steps for
# l = e1, one step on the lower end of the average effect.
GRID_STEPS_ATOL = 1.01
# HonestDiD simulates the folded-normal quantile of the FLCI (10^6 draws, relative error
# about 2e-3 of a standard error of ~0.009); we solve it exactly. Achieved: 2.5e-5.
R_FLCI_ATOL = 5e-5


# ----------------------------------------------------------------------------------------
# The README's event study, re-estimated
# ----------------------------------------------------------------------------------------


def twfe_event_study(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``feols(dins ~ i(year, D, ref = 2013) | stfips + year, cluster = "stfips")``.

    Balanced panel, so the state and year effects are removed by the two-way within
    transformation. The clustered covariance follows fixest's default small-sample
    correction ``ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE)``:
    ``V = G / (G - 1) * (n - 1) / (n - K) * V_CR0`` with ``G`` states and ``K`` the
    number of parameters that are *not* nested in the clusters -- the 7 event-time
    coefficients and the 8 year effects (fixest counts 7 + 43 + 8 - 1 parameters and
    removes the 43 - 1 state effects nested in the state clusters), so K = 15.
    """
    years = np.sort(df["year"].unique())
    states = np.sort(df["stfips"].unique())
    n_s, n_t = states.size, years.size
    assert len(df) == n_s * n_t and not df.duplicated(["stfips", "year"]).any()
    df = df.sort_values(["stfips", "year"])
    event_years = [y for y in years if y != 2013]
    x = np.column_stack([(df["year"].to_numpy() == y) * df["D"].to_numpy()
                         for y in event_years]).astype(float)
    y = df["dins"].to_numpy(dtype=float)

    def within(z):
        z = z.reshape(n_s, n_t, -1)
        z = z - z.mean(axis=1, keepdims=True) - z.mean(axis=0, keepdims=True) \
            + z.mean(axis=(0, 1), keepdims=True)
        return z.reshape(n_s * n_t, -1)

    xw, yw = within(x), within(y)[:, 0]
    bread = np.linalg.inv(xw.T @ xw)
    beta = bread @ xw.T @ yw
    scores = (xw * (yw - xw @ beta)[:, None]).reshape(n_s, n_t, -1).sum(axis=1)
    n, k = len(y), len(event_years) + n_t
    adj = n_s / (n_s - 1) * (n - 1) / (n - k)
    return beta, adj * bread @ scores.T @ scores @ bread


@pytest.fixture(scope="module")
def ehec() -> tuple[np.ndarray, np.ndarray]:
    df = pd.read_csv(REF_DIR / "ehec_data.csv")
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))].copy()
    df["D"] = (df["yexp2"] == 2014).astype(float)  # unweighted, as in the README
    return twfe_event_study(df)


@pytest.fixture(scope="module")
def rm_first(ehec):
    return relative_magnitudes(*ehec, NUM_PRE, NUM_POST,
                               mbar=PUBLISHED["relative_magnitudes"]["Mbar"])


@pytest.fixture(scope="module")
def sd_first(ehec):
    return smoothness(*ehec, NUM_PRE, NUM_POST, m=PUBLISHED["smoothness"]["M"])


@pytest.fixture(scope="module")
def rm_average(ehec):
    return relative_magnitudes(*ehec, NUM_PRE, NUM_POST, l_vec=(0.5, 0.5),
                               mbar=R_CACHE["relative_magnitudes_average"]["Mbar"])


def theta_step(beta, sigma, l_vec, points=1000):
    lv = np.asarray(l_vec, dtype=float)
    return 40 * np.sqrt(lv @ sigma[NUM_PRE:, NUM_PRE:] @ lv) / (points - 1)


# ----------------------------------------------------------------------------------------
# Reference: HonestDiD README
# ----------------------------------------------------------------------------------------


@pytest.mark.reference
def test_relative_magnitudes_published(rm_first):
    ref = PUBLISHED["relative_magnitudes"]
    assert_allclose(rm_first.grid, ref["Mbar"])
    assert_allclose(rm_first.lower, ref["lower"], rtol=0, atol=PUBLISHED_ATOL)
    assert_allclose(rm_first.upper, ref["upper"], rtol=0, atol=PUBLISHED_ATOL)
    # the README: "the breakdown value for a significant effect is Mbar = 2"
    assert rm_first.breakdown == 2.0


@pytest.mark.reference
def test_smoothness_published(sd_first):
    ref = PUBLISHED["smoothness"]
    assert_allclose(sd_first.grid, ref["M"])
    assert_allclose(sd_first.lower, ref["lower"], rtol=0, atol=PUBLISHED_ATOL)
    assert_allclose(sd_first.upper, ref["upper"], rtol=0, atol=PUBLISHED_ATOL)
    # the README: "the breakdown value for a significant effect is M = 0.03"
    assert sd_first.breakdown == pytest.approx(0.03)


@pytest.mark.reference
def test_average_effect_published(rm_average):
    ref = PUBLISHED["relative_magnitudes_average"]
    at0 = rm_average.summary().set_index("Mbar").loc[0.0]
    assert at0["lower"] == pytest.approx(ref["lower"][0], abs=PUBLISHED_ATOL)
    assert at0["upper"] == pytest.approx(ref["upper"][0], abs=PUBLISHED_ATOL)


@pytest.mark.reference
def test_event_study_matches_fixest(ehec):
    """R's parallel-trends interval for the average effect pins beta and sigma (post block).

    Its upper end, 0.07528307712819136, was saved with the README; a different
    small-sample factor (e.g. counting the state effects in K) moves it by ~1e-3.
    """
    _, upper = original_ci(*ehec, NUM_PRE, NUM_POST, l_vec=(0.5, 0.5))
    assert upper == pytest.approx(R_CACHE["relative_magnitudes_average"]["original_upper"],
                                  abs=1e-12)


@pytest.mark.reference
@pytest.mark.parametrize("table", ["relative_magnitudes", "relative_magnitudes_average"])
def test_relative_magnitudes_r_unrounded(ehec, rm_first, rm_average, table):
    ref = R_CACHE[table]
    ours = rm_first if table == "relative_magnitudes" else rm_average
    step = theta_step(*ehec, ref["l_vec"])
    assert_allclose(ours.grid, ref["Mbar"])
    assert np.max(np.abs(ours.lower - ref["lower"])) <= GRID_STEPS_ATOL * step
    assert np.max(np.abs(ours.upper - ref["upper"])) <= GRID_STEPS_ATOL * step


@pytest.mark.reference
def test_smoothness_r_unrounded(sd_first):
    ref = R_CACHE["smoothness"]
    assert_allclose(sd_first.lower, ref["lower"], rtol=0, atol=R_FLCI_ATOL)
    assert_allclose(sd_first.upper, ref["upper"], rtol=0, atol=R_FLCI_ATOL)


# ----------------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("l_vec", [(1.0, 0.0), (0.5, 0.5)])
def test_mbar_zero_is_parallel_trends(ehec, l_vec):
    """Delta^RM(0) forces delta_post = 0: the C-LF set is the parallel-trends interval.

    The moments come in pairs +/-(l'beta_post - theta) and the least-favourable critical
    value is the 1 - kappa/2 quantile of |Z| (in units of the statistic's sd); the second
    stage then uses a normal truncated to [0, that value], whose
    1 - (alpha - kappa)/(1 - kappa) quantile is exactly z_{1 - alpha/2}. So the two sets
    agree up to one theta-grid step and the simulation noise of the critical value
    (~3e-5 with 10,000 draws).
    """
    res = relative_magnitudes(*ehec, NUM_PRE, NUM_POST, mbar=0, l_vec=l_vec)
    lo, hi = original_ci(*ehec, NUM_PRE, NUM_POST, l_vec=l_vec)
    tol = theta_step(*ehec, l_vec) + 1e-4
    assert res.lower[0] == pytest.approx(lo, abs=tol)
    assert res.upper[0] == pytest.approx(hi, abs=tol)


def test_one_post_period_mbar_zero(ehec):
    """With one post period HonestDiD's test has no nuisance parameter and no cap at the
    least-favourable value: the set is beta_1 +/- z_{1 - alpha2/2} se with
    alpha2 = (alpha - kappa) / (1 - kappa), a little wider than the original interval."""
    beta, sigma = ehec
    b, s = beta[:NUM_PRE + 1], sigma[:NUM_PRE + 1, :NUM_PRE + 1]
    res = relative_magnitudes(b, s, NUM_PRE, 1, mbar=0, grid_points=2001,
                              lf_simulations=2000)
    se = np.sqrt(s[-1, -1])
    alpha2 = (0.05 - 0.005) / (1 - 0.005)
    half = ndtri(1 - alpha2 / 2) * se
    step = 40 * se / 2000
    assert res.lower[0] == pytest.approx(b[-1] - half, abs=step)
    assert res.upper[0] == pytest.approx(b[-1] + half, abs=step)
    lo, hi = res.original
    assert res.lower[0] < lo and res.upper[0] > hi


def test_m_zero_is_linear_trend_gls(ehec, sd_first):
    """Delta^SD(0): delta is an exact line through the reference period, and the shortest
    FLCI is the GLS estimate of tau_1 in beta = (0, tau) + c t + e, +/- z se."""
    beta, sigma = ehec
    t = np.r_[np.arange(-NUM_PRE, 0), np.arange(1, NUM_POST + 1)].astype(float)
    design = np.column_stack([np.r_[np.zeros((NUM_PRE, NUM_POST)), np.eye(NUM_POST)], t])
    w = np.linalg.inv(sigma)
    cov = np.linalg.inv(design.T @ w @ design)
    coef = cov @ design.T @ w @ beta
    z = ndtri(0.975)
    assert sd_first.lower[0] == pytest.approx(coef[0] - z * np.sqrt(cov[0, 0]), abs=1e-10)
    assert sd_first.upper[0] == pytest.approx(coef[0] + z * np.sqrt(cov[0, 0]), abs=1e-10)


def test_sets_widen_with_the_restriction(ehec):
    rm = relative_magnitudes(*ehec, NUM_PRE, NUM_POST, mbar=np.linspace(0, 2, 9),
                             grid_points=201, lf_simulations=2000)
    sd = smoothness(*ehec, NUM_PRE, NUM_POST, m=np.linspace(0, 0.05, 11))
    for res in (rm, sd):
        assert np.all(np.diff(res.lower) <= 1e-12)
        assert np.all(np.diff(res.upper) >= -1e-12)
        assert np.all(res.upper > res.lower)


@pytest.mark.parametrize("which", ["rm", "sd"])
def test_breakdown_value_between_grid_values(rm_first, sd_first, which):
    res = rm_first if which == "rm" else sd_first
    grid = res.grid
    first = int(np.flatnonzero(res.covers_zero)[0])
    assert res.breakdown == grid[first]
    refined = breakdown_value(res, tol=1e-3 * (grid[first] - grid[first - 1]))
    assert grid[first - 1] < refined <= grid[first]
    # the refined value includes zero, a little below it does not
    assert honest._covers_zero_at(res, refined)
    assert not honest._covers_zero_at(res, refined - 2e-3 * (grid[first] - grid[first - 1]))


def test_breakdown_none_when_always_significant(ehec):
    res = smoothness(*ehec, NUM_PRE, NUM_POST, m=(0.0, 0.005))
    assert not res.covers_zero.any()
    assert res.breakdown is None and breakdown_value(res) is None


def test_one_pre_period_and_default_m_grid(ehec):
    beta, sigma = ehec
    idx = np.r_[NUM_PRE - 1, NUM_PRE, NUM_PRE + 1]   # 2012, 2014, 2015
    b, s = beta[idx], sigma[np.ix_(idx, idx)]
    rm = relative_magnitudes(b, s, 1, 2, mbar=(0, 1), grid_points=101, lf_simulations=1000)
    sd = smoothness(b, s, 1, 2)
    assert np.all(np.isfinite(rm.lower)) and np.all(rm.lower <= rm.upper)
    # HonestDiD's default with one pre-period: 10 values of M from 0 to sd(beta_-1)
    assert_allclose(sd.grid, np.linspace(0, np.sqrt(s[0, 0]), 10))
    # the only unbiased estimator for a linear trend: beta_1 + beta_-1
    centre = 0.5 * (sd.lower[0] + sd.upper[0])
    assert centre == pytest.approx(b[1] + b[0], abs=1e-12)


def test_default_m_grid_from_pre_trends(ehec):
    beta, sigma = ehec
    res = smoothness(beta, sigma, NUM_PRE, NUM_POST)
    d2 = np.array([[1, -2, 1, 0, 0], [0, 1, -2, 1, 0], [0, 0, 1, -2, 1], [0, 0, 0, 1, -2]])
    pre_b, pre_s = beta[:NUM_PRE], sigma[:NUM_PRE, :NUM_PRE]
    se = np.sqrt(np.diag(d2 @ pre_s @ d2.T))
    top = np.max(np.r_[d2 @ pre_b, -(d2 @ pre_b)] + ndtri(0.95) * np.r_[se, se])
    assert_allclose(res.grid, np.linspace(0, top, 10))


def test_solver_fallback_matches_vertex_enumeration(ehec, monkeypatch):
    beta, sigma = ehec
    idx = np.r_[NUM_PRE - 1, NUM_PRE, NUM_PRE + 1]
    b, s = beta[idx], sigma[np.ix_(idx, idx)]
    kw = dict(mbar=(0.0, 1.0), l_vec=(0.3, 0.7), grid_points=25,
              grid_bounds=(-0.05, 0.15), lf_simulations=300)
    enumerated = relative_magnitudes(b, s, 1, 2, **kw)
    monkeypatch.setattr(honest, "_MAX_ENUMERATED_POST", 0)   # every eta by HiGHS
    solved = relative_magnitudes(b, s, 1, 2, **kw)
    assert_allclose(solved.lower, enumerated.lower, rtol=0, atol=1e-12)
    assert_allclose(solved.upper, enumerated.upper, rtol=0, atol=1e-12)


def test_conditional_test_matches_primal_formulas(ehec):
    """Where the ARP programme is non-degenerate HonestDiD computes the truncation range
    from the binding moments (the "primal approach"); our vertex-range computation must
    agree at every such theta."""
    beta, sigma = ehec
    theta = np.linspace(-0.05, 0.15, 41)
    l_vec = np.array([0.5, 0.5])
    a1, null = l_vec / (l_vec @ l_vec), np.array([[1.0], [-1.0]]) / np.sqrt(2)
    checked = 0
    for mbar, s_idx, sign in ((1.0, -2, 1.0), (2.0, 0, -1.0), (0.5, -4, 1.0)):
        a = honest._rm_moments(NUM_PRE, NUM_POST, mbar, s_idx, sign)
        y0, slope, x = a @ beta, a[:, NUM_PRE:] @ a1, a[:, NUM_PRE:] @ null
        sig_y = a @ sigma @ a.T
        ours = honest._hybrid_accepts(y0, slope, x, sig_y, theta, 0.05, 0.005, 5000, 0, True)
        lf_cv = _lf_cv(x, sig_y, 5000)
        for th, acc in zip(theta, ours):
            decision = _primal_decision(y0 - slope * th, x, sig_y, lf_cv)
            if decision is not None:
                assert decision == acc
                checked += 1
    assert checked > 60


def _lf_cv(x, sig_y, sims):
    sd = np.sqrt(np.diag(sig_y))
    poly = honest._DualPolytope(x / sd[:, None])
    corr = sig_y / np.outer(sd, sd)
    evals, evecs = np.linalg.eigh(corr)
    draws = (evecs * np.sqrt(np.clip(evals, 0, None))) @ \
        np.random.default_rng(0).standard_normal((corr.shape[0], sims))
    return honest._lf_critical_value(poly, draws, 0.995)


def _primal_decision(y, x, sig_y, lf_cv, alpha=0.05, kappa=0.005):
    """HonestDiD's non-degenerate branch, by LP; None where that branch does not apply."""
    sd = np.sqrt(np.diag(sig_y))
    m, k = x.shape
    res = linprog(np.r_[1.0, np.zeros(k)], A_ub=-np.column_stack([sd, x]), b_ub=-y,
                  bounds=[(None, None)] * (k + 1), method="highs-ds")
    eta, lam = res.x[0], -res.ineqlin.marginals
    if eta > lf_cv:
        return False
    bind = lam > 1e-6
    if bind.sum() != k + 1:
        return None
    basis = np.column_stack([sd[bind], x[bind]])
    inv = np.linalg.inv(basis)
    gamma_b = np.column_stack([sd[~bind], x[~bind]]) @ inv @ np.eye(m)[bind] - np.eye(m)[~bind]
    v = inv[0] @ np.eye(m)[bind]
    var_b = v @ sig_y @ v
    rho = gamma_b @ sig_y @ v / var_b
    bound = -gamma_b @ y / rho + v @ y
    v_lo = bound[rho > 0].max() if (rho > 0).any() else -np.inf
    v_up = bound[rho < 0].min() if (rho < 0).any() else np.inf
    z_lo, z_up = v_lo / np.sqrt(var_b), min(v_up, lf_cv) / np.sqrt(var_b)
    stat = eta / np.sqrt(var_b)
    size2 = (alpha - kappa) / (1 - kappa)
    crit = max(0.0, truncnorm.ppf(1 - size2, z_lo, z_up))
    return not stat > crit


# ----------------------------------------------------------------------------------------
# Inputs and outputs
# ----------------------------------------------------------------------------------------


def _bad_inputs(beta, sigma):
    nonpsd = sigma.copy()
    nonpsd[0, 0] = -1e-3
    asym = sigma.copy()
    asym[0, 1] += 1e-3
    return {
        "short betahat": ((beta[:-1], sigma, 5, 2), {}, "betahat has 6 coefficients"),
        "matrix betahat": ((np.ones((7, 2)), sigma, 5, 2), {}, "betahat must be a vector"),
        "sigma shape": ((beta, sigma[:6, :6], 5, 2), {}, "7 x 7 covariance"),
        "asymmetric": ((beta, asym, 5, 2), {}, "not symmetric"),
        "not psd": ((beta, nonpsd, 5, 2), {}, "not positive semi-definite"),
        "no pre": ((beta, sigma, 0, 7), {}, "num_pre must be at least 1"),
        "no post": ((beta, sigma, 7, 0), {}, "num_post must be at least 1"),
        "float periods": ((beta, sigma, 5.0, 2), {}, "num_pre must be an integer"),
        "l_vec length": ((beta, sigma, 5, 2), {"l_vec": (1, 0, 0)}, "l_vec has 3 weights"),
        "l_vec zero": ((beta, sigma, 5, 2), {"l_vec": (0, 0)}, "not all zero"),
        "alpha": ((beta, sigma, 5, 2), {"alpha": 1.5}, "alpha must lie strictly"),
        "nan": ((np.r_[np.nan, beta[1:]], sigma, 5, 2), {}, "must be finite"),
    }


@pytest.mark.parametrize("fn", [relative_magnitudes, smoothness])
@pytest.mark.parametrize("case", list(_bad_inputs(np.zeros(7), np.eye(7))))
def test_bad_inputs_raise(ehec, fn, case):
    args, kwargs, message = _bad_inputs(*ehec)[case]
    with pytest.raises(SensitivityInputError, match=message) as err:
        fn(*args, **kwargs)
    assert isinstance(err.value, ValueError)


def test_bad_grids_raise(ehec):
    with pytest.raises(SensitivityInputError, match="mbar values must be finite and >= 0"):
        relative_magnitudes(*ehec, 5, 2, mbar=(-1, 1))
    with pytest.raises(SensitivityInputError, match="m must contain at least one value"):
        smoothness(*ehec, 5, 2, m=())
    with pytest.raises(SensitivityInputError, match="grid_bounds"):
        relative_magnitudes(*ehec, 5, 2, grid_bounds=(0.1, -0.1))


def test_num_pre_message_names_the_requirement(ehec):
    with pytest.raises(SensitivityInputError, match="HonestDiD: numPrePeriods >= 1") as err:
        smoothness(*ehec, 0, 7)
    assert "Delta^SD" in str(err.value)


def test_summary_columns(rm_first, sd_first):
    rm, sd = rm_first.summary(), sd_first.summary()
    assert list(rm.columns) == ["Mbar", "lower", "upper", "method", "delta"]
    assert list(sd.columns) == ["M", "lower", "upper", "method", "delta"]
    assert set(rm["method"]) == {"C-LF"} and set(sd["method"]) == {"FLCI"}
    assert_allclose(rm["lower"], rm_first.lower)
    assert rm_first.method == "relative_magnitudes" and rm_first.parameter == "Mbar"
    assert sd_first.method == "smoothness" and sd_first.parameter == "M"
    assert_allclose(rm_first.l_vec, [1, 0])


def test_plot_marks_the_breakdown(rm_first):
    import matplotlib.pyplot as plt

    fig = rm_first.plot()
    assert isinstance(fig, matplotlib.figure.Figure)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert "breakdown Mbar = 2" in labels
    (line,) = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("breakdown")]
    assert line.get_xdata()[0] == 2.0
    plt.close(fig)


def test_warns_when_the_set_reaches_the_theta_grid_edge(ehec):
    with pytest.warns(honest.SensitivityWarning, match="edge of the theta grid"):
        relative_magnitudes(*ehec, NUM_PRE, NUM_POST, mbar=2, grid_points=21,
                            grid_bounds=(0.03, 0.06), lf_simulations=1000)
