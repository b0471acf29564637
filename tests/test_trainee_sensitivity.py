"""Cinelli & Hazlett (2020) sensitivity to an unobserved confounder.

Reference values from the paper (Darfur example: t = 4.18445 on 783 degrees of freedom) and
the exact omitted-variable-bias identity on simulated data where the confounder is known.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from evaluation.impact.trainees import (
    SIM_COVARIATES,
    Sensitivity,
    benchmark_bound,
    robustness_value,
    simulate_trainees,
    training_effect,
)
from evaluation.impact.trainees._sensitivity import _classical_wls, adjusted_se, bias


class TestPublishedNumbers:
    def test_darfur_robustness_values(self):
        # Cinelli & Hazlett (2020), Table 1 / section 5: R2_{Y~D|X} = 2.19 %, RV_1 = 13.9 %,
        # RV_{1,0.05} = 7.6 % for "directly harmed" (t = 4.18445, dof = 783). Published to 0.1 pp.
        t, dof = 4.18445, 783
        assert t**2 / (t**2 + dof) == pytest.approx(0.0219, abs=5e-5)
        assert robustness_value(t, dof) == pytest.approx(0.139, abs=5e-4)
        assert robustness_value(t, dof, alpha=0.05) == pytest.approx(0.076, abs=5e-4)

    def test_insignificant_estimate_has_zero_rv_alpha(self):
        assert robustness_value(1.5, 500, alpha=0.05) == 0.0
        assert robustness_value(1.5, 500) > 0


def _confounded(n=3000, seed=0):
    """Training, an outcome and a confounder Z that the analyst did not record."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    z = 0.4 * x[:, 0] + rng.normal(size=n)
    d = (0.5 * x[:, 1] + 0.8 * z + rng.normal(size=n) > 0.3).astype(float)
    y = 1.0 * d + x @ np.array([0.5, -0.3, 0.2]) + 0.7 * z + rng.normal(size=n)
    w = rng.uniform(0.5, 2.0, n)
    return pd.DataFrame({"x0": x[:, 0], "x1": x[:, 1], "x2": x[:, 2], "z": z, "d": d, "y": y, "w": w})


class TestOmittedVariableBias:
    def test_bias_formula_is_exact(self):
        df = _confounded()
        r = training_effect(df, "y", "d", ["x0", "x1", "x2"], method="ols", weights="w")
        s = r.sensitivity
        assert isinstance(s, Sensitivity)
        np.testing.assert_allclose(s.estimate, r.estimate, rtol=1e-12)
        # the long regression with Z, and Z's partial R2 values from it
        one = np.ones(len(df))
        xl = np.column_stack([one, df["d"], df[["x0", "x1", "x2", "z"]]])
        beta, se, dof = _classical_wls(df["y"].to_numpy(), xl, df["w"].to_numpy())
        r2yz = (beta[-1] / se[-1]) ** 2 / ((beta[-1] / se[-1]) ** 2 + dof)
        xd = np.column_stack([one, df[["x0", "x1", "x2", "z"]]])
        bd, sd, dofd = _classical_wls(df["d"].to_numpy(), xd, df["w"].to_numpy())
        r2dz = (bd[-1] / sd[-1]) ** 2 / ((bd[-1] / sd[-1]) ** 2 + dofd)
        np.testing.assert_allclose(abs(s.estimate - beta[1]), bias(s.se, s.dof, r2dz, r2yz), rtol=1e-8)
        np.testing.assert_allclose(se[1], adjusted_se(s.se, s.dof, r2dz, r2yz), rtol=1e-8)
        adj, adj_se = s.adjusted(r2dz, r2yz)
        np.testing.assert_allclose(adj, beta[1], rtol=1e-8)

    def test_robustness_value_erases_the_estimate(self):
        r = training_effect(_confounded(seed=1), "y", "d", ["x0", "x1", "x2"], method="ols", weights="w")
        s = r.sensitivity
        np.testing.assert_allclose(bias(s.se, s.dof, s.rv_q, s.rv_q), abs(s.estimate), rtol=1e-9)
        assert s.rv_qa < s.rv_q
        # the confounder that erases a smaller estimate is weaker
        assert s.robustness_value_for(s.estimate / 2) < s.rv_q
        np.testing.assert_allclose(r.robustness_value, s.rv_q)

    def test_benchmarks(self):
        r = training_effect(_confounded(seed=2), "y", "d", ["x0", "x1", "x2"], method="aipw", weights="w",
                            benchmark_covariates=["x1"])
        table = r.sensitivity.benchmarks
        assert list(table["covariate"]) == ["x1"] * 3 and list(table["k"]) == [1.0, 2.0, 3.0]
        assert table["r2dz_x"].is_monotonic_increasing and table["adjusted_estimate"].is_monotonic_decreasing
        first = table.iloc[0]
        adj, _ = r.sensitivity.adjusted(first["r2dz_x"], first["r2yz_dx"])
        np.testing.assert_allclose(adj, first["adjusted_estimate"])
        # a confounder as strong as x1 with training has R2_{D~Z|X} = R2_{D~x1|X} / (1 - R2_{D~x1|X})
        np.testing.assert_allclose(first["r2dz_x"], first["r2_covariate_training"] / (1 - first["r2_covariate_training"]))
        with pytest.raises(ValueError, match=r"benchmark covariate\(s\) \['z'\]"):
            training_effect(_confounded(), "y", "d", ["x0", "x1", "x2"], method="ols", benchmark_covariates=["z"])

    def test_benchmark_bound_limits(self):
        assert benchmark_bound(0.1, 0.2, 0.0) == (0.0, 0.0)
        assert np.isnan(benchmark_bound(0.5, 0.2, 3.0)[0])  # no confounder can be 3x as strong
        assert benchmark_bound(0.01, 0.9, 3.0)[1] == 1.0  # capped


def test_result_carries_sensitivity_and_plots():
    from matplotlib.figure import Figure
    import matplotlib.pyplot as plt

    df = simulate_trainees(n=2000, seed=4)
    r = training_effect(df, "income", "treat", SIM_COVARIATES, weights="weight")
    s = r.sensitivity
    assert 0 < s.rv_qa < s.rv_q < 1 and s.dof == len(df) - len(SIM_COVARIATES) - 2
    assert len(s.benchmarks) == 3 * len(SIM_COVARIATES)
    assert {"regression_estimate", "robustness_value_q1"} <= set(s.summary().columns)
    assert r.summary()["robustness_value"].iloc[0] == pytest.approx(r.robustness_value)
    fig = s.plot()
    assert isinstance(fig, Figure)
    plt.close(fig)
    assert training_effect(df, "income", "treat", SIM_COVARIATES, sensitivity=False).sensitivity is None
