"""How strong would hidden confounding have to be to erase the effect? (Cinelli & Hazlett 2020)

Every estimate here assumes that, once the covariates are accounted for, who trained is as
good as random. A trait nobody recorded (motivation, family support) that drives both
training and income would bias it. Cinelli & Hazlett (2020) measure such a confounder Z by
two partial R-squared values in the regression of the outcome on training and the
covariates: ``R2_{D~Z|X}`` (the share of training's residual variance it explains) and
``R2_{Y~Z|D,X}`` (the share of the outcome's). For ordinary least squares the bias is then

    |bias| = se * sqrt(dof) * sqrt(R2_{Y~Z|D,X} * R2_{D~Z|X} / (1 - R2_{D~Z|X})),

exactly. The **robustness value** ``RV_q`` is the equal strength on both sides that moves
the estimate by ``100q`` percent (to zero for ``q = 1``); ``RV_{q,alpha}`` the strength that
makes it insignificant at level ``alpha``. A **benchmark** translates that into words: a
confounder ``k`` times as strong as an observed covariate (say, education) implies the
partial R-squared values of eq. (4.4)-(4.5) of the paper.

Computed here from the (survey- and response-weighted) regression of the outcome on
training and the covariates, the linear counterpart of the headline estimators; the
headline ATT moves by a similar amount under a similar confounder, so the robustness value
of the headline uses its own estimate with the regression's standard error and degrees of
freedom (an approximation, flagged as such).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.text import t

from ._text import covariate_label, in_language, outcome_term

#: Multiples of each benchmark covariate's strength shown by default.
BENCHMARK_MULTIPLES = (1.0, 2.0, 3.0)


def robustness_value(t_stat: float, dof: int, q: float = 1.0, alpha: float | None = None) -> float:
    """Cinelli & Hazlett (2020) robustness value ``RV_q`` (``alpha=None``) or ``RV_{q,alpha}``."""
    if dof < 2:
        raise ValueError(f"robustness value needs at least 2 residual degrees of freedom (got {dof})")
    fq = q * abs(t_stat) / np.sqrt(dof)
    if alpha is None:
        return float(0.5 * (np.sqrt(fq**4 + 4 * fq**2) - fq**2))
    f_crit = abs(stats.t.ppf(alpha / 2, dof - 1)) / np.sqrt(dof - 1)
    fqa = fq - f_crit
    if fqa <= 0:
        return 0.0
    if fq > 1 / f_crit:
        # the confounder would have to explain all of the outcome's residual variance
        return float((fq**2 - f_crit**2) / (1 + fq**2))
    return float(0.5 * (np.sqrt(fqa**4 + 4 * fqa**2) - fqa**2))


def bias(se: float, dof: int, r2dz_x: float, r2yz_dx: float) -> float:
    """Absolute bias of the OLS coefficient from a confounder with these partial R-squared values."""
    if not 0 <= r2dz_x < 1 or not 0 <= r2yz_dx <= 1:
        raise ValueError("partial R-squared values must lie in [0, 1) for the treatment and [0, 1] for the outcome")
    return float(se * np.sqrt(dof) * np.sqrt(r2yz_dx * r2dz_x / (1 - r2dz_x)))


def adjusted_se(se: float, dof: int, r2dz_x: float, r2yz_dx: float) -> float:
    """Standard error of the coefficient had the confounder been included."""
    return float(se * np.sqrt((1 - r2yz_dx) / (1 - r2dz_x)) * np.sqrt(dof / (dof - 1)))


def benchmark_bound(r2dxj_x: float, r2yxj_dx: float, kd: float, ky: float | None = None) -> tuple[float, float]:
    """Partial R-squared values of a confounder ``kd`` (``ky``) times as strong as covariate Xj.

    ``r2dxj_x``: partial R2 of Xj with training given the other covariates; ``r2yxj_dx``:
    with the outcome given training and the other covariates. Returns ``(R2_{D~Z|X},
    R2_{Y~Z|D,X})``; NaN when no such confounder can exist (it would explain all of
    training's residual variance), and the outcome side capped at 1.
    """
    ky = kd if ky is None else ky
    r2dz_x = kd * r2dxj_x / (1 - r2dxj_x)
    if r2dz_x >= 1 or kd * r2dxj_x >= 1:
        return float("nan"), float("nan")
    r2zxj_xd = kd * r2dxj_x**2 / ((1 - kd * r2dxj_x) * (1 - r2dxj_x))
    if r2zxj_xd >= 1:
        return float("nan"), float("nan")
    r2yz_dx = ((np.sqrt(ky) + np.sqrt(r2zxj_xd)) / np.sqrt(1 - r2zxj_xd)) ** 2 * (r2yxj_dx / (1 - r2yxj_dx))
    return float(r2dz_x), float(min(r2yz_dx, 1.0))


def _classical_wls(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Coefficients, classical standard errors and residual degrees of freedom of WLS.

    Cinelli & Hazlett's partial R-squared values are functions of the classical t statistics
    (``R2 = t^2 / (t^2 + dof)``); with weights they refer to the regression on ``sqrt(w)``-scaled
    data, i.e. the weighted population.
    """
    keep = w > 0
    y, x, w = y[keep], x[keep], w[keep]
    xw = x * w[:, None]
    a_inv = np.linalg.pinv(x.T @ xw)
    beta = a_inv @ (xw.T @ y)
    resid = y - x @ beta
    rank = np.linalg.matrix_rank(x.T @ xw)
    dof = int(keep.sum() - rank)
    sigma2 = np.sum(w * resid**2) / dof
    return beta, np.sqrt(np.maximum(np.diag(a_inv) * sigma2, 0.0)), dof


@dataclass
class Sensitivity:
    """Sensitivity of the regression estimate to an unobserved confounder.

    Attributes
    ----------
    estimate, se, dof : coefficient on training in the weighted regression of the outcome on
        training and the covariates, its classical standard error and residual degrees of freedom.
    r2_yd_x : partial R-squared of training with the outcome (an extreme confounder explaining
        all of the outcome's residual variance must explain this share of training's).
    rv_q, rv_qa : robustness values: to bring the estimate to ``(1-q) x`` itself, and to make it
        insignificant at ``alpha``.
    benchmarks : confounders k times as strong as each benchmark covariate: their partial R2
        values and the estimate, SE and t they would leave.
    """

    outcome: str
    treatment: str
    estimate: float
    se: float
    dof: int
    r2_yd_x: float
    rv_q: float
    rv_qa: float
    q: float
    alpha: float
    benchmarks: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)

    @property
    def t_stat(self) -> float:
        return self.estimate / self.se

    def adjusted(self, r2dz_x: float, r2yz_dx: float) -> tuple[float, float]:
        """The estimate and SE had a confounder with these partial R2 values been included.

        The bias is taken to shrink the estimate towards zero (the worrying direction).
        """
        b = bias(self.se, self.dof, r2dz_x, r2yz_dx)
        return float(np.sign(self.estimate) * (abs(self.estimate) - b)), adjusted_se(self.se, self.dof, r2dz_x, r2yz_dx)

    def robustness_value_for(self, estimate: float, q: float = 1.0, alpha: float | None = None) -> float:
        """Robustness value of another estimate of the same effect (e.g. the doubly robust one).

        Uses that estimate with this regression's SE and degrees of freedom: the confounder that
        would move the regression by ``q x estimate``. An approximation for non-OLS estimators.
        """
        return robustness_value(estimate / self.se, self.dof, q, alpha)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "outcome": self.outcome,
            "regression_estimate": self.estimate,
            "classical_se": self.se,
            "dof": self.dof,
            "partial_r2_training_outcome": self.r2_yd_x,
            f"robustness_value_q{self.q:g}": self.rv_q,
            f"robustness_value_q{self.q:g}_alpha{self.alpha:g}": self.rv_qa,
        }])

    def benchmark_table(self, language: str = "en") -> pd.DataFrame:
        """:attr:`benchmarks` as a page shows it: covariates in words, headers in ``language``."""
        table = self.benchmarks.copy()
        if "covariate" in table:
            table["covariate"] = [covariate_label(c, language) for c in table["covariate"]]
        if language == "en":
            return table
        return table.rename(columns={c: t(f"trainees.col.{c}", language) for c in table.columns})

    def plot(self, covariates: list[str] | None = None, figsize: tuple[float, float] = (6.0, 5.0),
             max_r2: float | None = None, language: str = "en"):
        """Contours of the adjusted estimate over the confounder's two partial R2 values.

        Contours are at 75/50/25 % of the estimate and below; the red line is where it reaches
        zero. Triangles: confounders k times as strong as a benchmark covariate (by default the
        first benchmark only, to keep the picture legible); the diamond: the robustness value.
        """
        import matplotlib.pyplot as plt

        marks = self.benchmarks.dropna(subset=["r2dz_x", "r2yz_dx"])
        chosen = covariates if covariates is not None else list(dict.fromkeys(marks["covariate"]))[:1]
        marks = marks[marks["covariate"].isin(chosen)]
        top = max_r2 or float(min(1.0, 1.2 * max(2.0 * self.rv_q, *marks["r2dz_x"], *marks["r2yz_dx"])))
        grid = np.linspace(0, top, 161)
        rd, ry = np.meshgrid(np.minimum(grid, 0.999), grid)
        b = self.se * np.sqrt(self.dof) * np.sqrt(ry * rd / (1 - rd))
        adj = np.sign(self.estimate) * (abs(self.estimate) - b)
        fmt = (lambda v: f"{v:,.0f}") if abs(self.estimate) >= 100 else (lambda v: f"{v:.3g}")
        levels = sorted(self.estimate * np.array([-0.5, -0.25, 0.25, 0.5, 0.75]))
        fig, ax = plt.subplots(figsize=figsize, constrained_layout=True)
        cs = ax.contour(rd, ry, adj, levels=levels, colors="grey", linewidths=0.8)
        ax.clabel(cs, fmt=fmt, fontsize=7)
        ax.contour(rd, ry, adj, levels=[0.0], colors="tab:red", linewidths=2)
        ax.scatter([self.rv_q], [self.rv_q], marker="D", color="tab:red", zorder=3)
        ax.annotate(t("trainees.sensitivity.rv", language, rv=self.rv_q), (self.rv_q, self.rv_q), xytext=(6, -12),
                    textcoords="offset points", color="tab:red", fontsize=8)
        for row in marks.itertuples():
            ax.scatter([row.r2dz_x], [row.r2yz_dx], marker="^", color="black", zorder=3)
            ax.annotate(t("trainees.sensitivity.benchmark", language, k=row.k,
                          covariate=covariate_label(row.covariate, language)), (row.r2dz_x, row.r2yz_dx), xytext=(4, 4),
                        textcoords="offset points", fontsize=7)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel(t("trainees.sensitivity.x", language))
        ax.set_ylabel(t("trainees.sensitivity.y", language))
        ax.set_title(t("trainees.sensitivity.title", language, outcome=in_language(outcome_term(self.outcome), language),
                       estimate=fmt(self.estimate)), fontsize=10)
        return fig


def ovb_sensitivity(
    y: np.ndarray,
    d: np.ndarray,
    x1: np.ndarray,
    w: np.ndarray,
    names: tuple[str, ...],
    outcome: str,
    treatment: str,
    benchmark: tuple[str, ...] | list[str] | None = None,
    multiples: tuple[float, ...] = BENCHMARK_MULTIPLES,
    q: float = 1.0,
    alpha: float = 0.05,
) -> Sensitivity:
    """Cinelli-Hazlett sensitivity of the weighted regression of ``y`` on ``d`` and ``x1``.

    ``x1``: covariates with a leading constant; ``names``: the covariates' names (for the
    benchmarks, default all of them).
    """
    x = np.column_stack([x1[:, :1], d, x1[:, 1:]])
    beta, se, dof = _classical_wls(y, x, w)
    est, se_d = float(beta[1]), float(se[1])
    t_d = est / se_d
    r2_yd = t_d**2 / (t_d**2 + dof)
    # partial R2 of each covariate with the outcome (given training and the rest) ...
    t_y = beta[2:] / np.where(se[2:] > 0, se[2:], np.nan)
    r2_y = t_y**2 / (t_y**2 + dof)
    # ... and with training (given the rest): the linear probability model of training
    beta_d, se_dx, dof_d = _classical_wls(d, x1, w)
    t_dx = beta_d[1:] / np.where(se_dx[1:] > 0, se_dx[1:], np.nan)
    r2_d = t_dx**2 / (t_dx**2 + dof_d)
    chosen = list(benchmark) if benchmark is not None else list(names)
    unknown = [c for c in chosen if c not in names]
    if unknown:
        raise ValueError(f"benchmark covariate(s) {unknown} are not among the covariates {list(names)}")
    rows = []
    for name in chosen:
        j = names.index(name)
        for k in multiples:
            r2dz, r2yz = benchmark_bound(float(r2_d[j]), float(r2_y[j]), k)
            if np.isnan(r2dz):
                adj = adj_se = np.nan
            else:
                b = bias(se_d, dof, r2dz, r2yz)
                adj = np.sign(est) * (abs(est) - b)
                adj_se = adjusted_se(se_d, dof, r2dz, r2yz)
            rows.append({
                "covariate": name, "k": k, "r2_covariate_training": float(r2_d[j]),
                "r2_covariate_outcome": float(r2_y[j]), "r2dz_x": r2dz, "r2yz_dx": r2yz,
                "adjusted_estimate": adj, "adjusted_se": adj_se,
                "adjusted_t": adj / adj_se if adj_se and np.isfinite(adj_se) else np.nan,
            })
    notes = [
        "Cinelli & Hazlett (2020) for the weighted regression of the outcome on training and the covariates. "
        "Benchmarks: a confounder k times as strong as the named covariate, both with training and with the "
        "outcome. Such bounds hold for confounders orthogonal to the covariates; read them as orders of magnitude."
    ]
    return Sensitivity(
        outcome=outcome,
        treatment=treatment,
        estimate=est,
        se=se_d,
        dof=dof,
        r2_yd_x=float(r2_yd),
        rv_q=robustness_value(t_d, dof, q),
        rv_qa=robustness_value(t_d, dof, q, alpha),
        q=q,
        alpha=alpha,
        benchmarks=pd.DataFrame(rows),
        notes=notes,
    )
