"""Two-way fixed effects (TWFE) difference-in-differences, static and event study.

TWFE is the familiar regression ``y_it = a_i + l_t + beta * D_it + e_it``. With
staggered adoption and effects that change with time since treatment it is not a
clean average of effects: already-treated units act as controls for later cohorts
("forbidden comparisons") and some treated cells get negative weight (de
Chaisemartin & D'Haultfoeuille 2020; Goodman-Bacon 2021). It is kept here as the
benchmark readers know, next to the Callaway-Sant'Anna estimates of ``did.py``;
``compare_twfe_cs`` says in words when the two disagree.

Balanced panels only: unit and year effects are removed by the closed-form two-way
within transformation, standard errors are clustered by unit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..formatting import Z975, plain
from ..text import t
from .did import DidInputError, blas_limited, build_panel

__all__ = ["TwfeResult", "twfe", "twfe_event_study", "compare_twfe_cs"]



@dataclass
class TwfeResult:
    """Coefficients of a TWFE regression with unit-clustered standard errors.

    ``kind`` is ``"static"`` (one coefficient, ``term == "treated"``) or ``"event"``
    (one coefficient per event time, the reference year omitted). For the static
    model ``cell_weights`` holds the implicit weight TWFE gives each treated
    (cohort, year) cell; they sum to one and may be negative.
    """

    kind: str
    terms: np.ndarray
    coef: np.ndarray
    se: np.ndarray
    vcov: np.ndarray
    n_obs: int
    n_units: int
    outcome: str
    reference: int | None = None
    cell_weights: pd.DataFrame | None = None

    @property
    def att(self) -> float:
        """The static TWFE coefficient (only for ``kind == "static"``)."""
        if self.kind != "static":
            raise AttributeError("att is defined for the static model; see summary().")
        return float(self.coef[0])

    @property
    def att_se(self) -> float:
        if self.kind != "static":
            raise AttributeError("att_se is defined for the static model; see summary().")
        return float(self.se[0])

    def summary(self) -> pd.DataFrame:
        label = "term" if self.kind == "static" else "event_time"
        return pd.DataFrame({label: self.terms, "coef": self.coef, "se": self.se,
                             "ci_low": self.coef - Z975 * self.se,
                             "ci_high": self.coef + Z975 * self.se})

    def negative_weight_share(self) -> float:
        """Share of treated (cohort, year) cells with negative TWFE weight (static model)."""
        if self.cell_weights is None or len(self.cell_weights) == 0:
            return float("nan")
        return float((self.cell_weights["weight"] < 0).mean())

    def plot(self, ax=None):
        """Static: the coefficient with its 95% CI; event study: coefficients by event time."""
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(7, 4))
        else:
            fig = ax.figure
        ax.axhline(0, color="grey", lw=0.8)
        if self.kind == "static":
            ax.errorbar([0], self.coef, yerr=Z975 * self.se, fmt="o", capsize=4)
            ax.set_xticks([0], ["TWFE"])
        else:
            x = self.terms.astype(float)
            pre = x < 0
            for mask, colour, label in ((pre, "C0", "pre-treatment"), (~pre, "C3", "post-treatment")):
                ax.errorbar(x[mask], self.coef[mask], yerr=Z975 * self.se[mask], fmt="o",
                            color=colour, capsize=3, ms=4, label=f"{label}, 95% CI")
            if self.reference is not None:
                ax.plot([self.reference], [0], "o", mfc="white", color="grey",
                        label=f"reference ({self.reference})")
            ax.axvline(-0.5, color="grey", ls=":", lw=0.8)
            ax.set_xlabel("Years since first treatment")
            ax.legend(fontsize=7, frameon=False)
        ax.set_ylabel(f"TWFE coefficient on {self.outcome}")
        fig.tight_layout()
        return fig


def _within(z: np.ndarray) -> np.ndarray:
    """Two-way within transformation of ``n x T (x k)`` arrays of a balanced panel."""
    return z - z.mean(axis=1, keepdims=True) - z.mean(axis=0, keepdims=True) + \
        z.mean(axis=(0, 1), keepdims=True)


def _panel(df, outcome, time, unit, cohort, weights):
    if weights is not None:
        raise NotImplementedError("Weighted TWFE is not implemented; use att_gt(weights=...) "
                                  "for weighted estimates.")
    p = build_panel(df, outcome, time, unit, cohort, (), None, None)
    g = p.cohort.copy()
    g[g > p.periods[-1]] = 0.0  # first treated after the panel: never treated within it
    return p, g


def _cluster_vcov(xt: np.ndarray, u: np.ndarray, bread_inv: np.ndarray, n_units: int,
                  n_params: int) -> np.ndarray:
    """Unit-clustered sandwich; ``xt`` is n x T x k, ``u`` n x T residuals.

    Small-sample factor G/(G-1) * (N-1)/(N-K), K counting the slopes and year effects
    (unit effects are nested in the clusters), as fixest does by default.
    """
    scores = np.einsum("itk,it->ik", xt, u)
    meat = scores.T @ scores
    n_obs = u.size
    c = n_units / (n_units - 1) * (n_obs - 1) / max(n_obs - n_params, 1)
    return c * bread_inv @ meat @ bread_inv


@blas_limited
def twfe(df: pd.DataFrame, outcome: str, time: str, unit: str, cohort: str,
         anticipation: float = 0, weights: str | None = None) -> TwfeResult:
    """Static TWFE: ``y_it = a_i + l_t + beta * 1[t >= cohort_i - anticipation] + e_it``.

    ``cohort`` is the first treated year (0 or missing = never treated). Returns the
    coefficient with unit-clustered SEs and the implicit weight on each treated cell.
    """
    p, g = _panel(df, outcome, time, unit, cohort, weights)
    d = ((g[:, None] > 0) & (p.periods[None, :] >= g[:, None] - anticipation)).astype(float)
    if d.std() == 0:
        raise DidInputError("Treatment does not vary: no unit is treated within the panel, or "
                            "all are treated throughout.")
    dt = _within(d)
    yt = _within(p.y)
    sxx = float((dt * dt).sum())
    if sxx <= 1e-12 * d.size:
        raise DidInputError("Treatment is collinear with unit and year effects (e.g. every "
                            "unit is treated in the same year with no never-treated units).")
    beta = float((dt * p.y).sum() / sxx)
    u = yt - beta * dt
    n, T = p.y.shape
    v = _cluster_vcov(dt[:, :, None], u, np.array([[1.0 / sxx]]), n, 1 + (T - 1))

    # implicit weights on treated cells: beta = sum over treated it of w_it * y-effect
    treated = d > 0
    w_it = dt / sxx
    cells = pd.DataFrame({"cohort": np.broadcast_to(g[:, None], d.shape)[treated],
                          "time": np.broadcast_to(p.periods[None, :], d.shape)[treated],
                          "weight": w_it[treated]})
    cw = cells.groupby(["cohort", "time"], as_index=False).agg(
        weight=("weight", "sum"), units=("weight", "size"))
    return TwfeResult("static", np.array(["treated"]), np.array([beta]),
                      np.sqrt(np.diag(v)), v, d.size, n, outcome, None, cw)


@blas_limited
def twfe_event_study(df: pd.DataFrame, outcome: str, time: str, unit: str, cohort: str,
                     window: tuple[int, int] | None = None, reference: int = -1,
                     weights: str | None = None) -> TwfeResult:
    """Event-study TWFE: one dummy per year relative to first treatment, ``reference`` omitted.

    ``window=(lo, hi)`` bins event times below ``lo`` into ``lo`` and above ``hi`` into
    ``hi``. Without never-treated units the earliest event time is dropped as well,
    since the full set of relative-time dummies is then collinear with the fixed effects.
    """
    p, g = _panel(df, outcome, time, unit, cohort, weights)
    treated = g > 0
    if not treated.any():
        raise DidInputError("No unit is treated within the panel.")
    e = p.periods[None, :] - g[:, None]
    if window is not None:
        lo, hi = window
        if not lo <= reference <= hi:
            raise ValueError("reference must lie inside window.")
        e = np.clip(e, lo, hi)
    evals = np.unique(e[treated])
    drop = {reference}
    if not (~treated).any():
        drop.add(evals.min())
    terms = np.array([v for v in evals if v not in drop])
    if terms.size and np.all(terms == np.round(terms)):
        terms = terms.astype(np.int64)
    if terms.size == 0:
        raise DidInputError("No event times left to estimate.")
    n, T = p.y.shape
    x = (e[:, :, None] == terms[None, None, :]) & treated[:, None, None]
    xt = _within(x.astype(float))
    yt = _within(p.y)
    flat = xt.reshape(n * T, -1)
    bread = flat.T @ flat
    if np.linalg.matrix_rank(bread) < bread.shape[0]:
        raise DidInputError("Event-time dummies are collinear with the fixed effects; "
                            "use a window to bin distant event times.")
    bread_inv = np.linalg.inv(bread)
    beta = bread_inv @ (flat.T @ yt.ravel())
    u = yt - (flat @ beta).reshape(n, T)
    v = _cluster_vcov(xt, u, bread_inv, n, terms.size + (T - 1))
    return TwfeResult("event", terms, beta, np.sqrt(np.diag(v)), v, n * T, n, outcome,
                      reference, None)


def compare_twfe_cs(twfe_result: TwfeResult, cs_simple, z: float = 2.0, language: str = "en") -> str:
    """One plain-language sentence comparing static TWFE with the Callaway-Sant'Anna ATT.

    ``cs_simple`` is ``att_gt(...).aggregate("simple")``. The two are said to diverge when
    they differ by more than ``z`` times the larger of their standard errors (they are
    computed on the same data, so this is a deliberately loose yardstick).
    """
    b, se_b = twfe_result.att, twfe_result.att_se
    a, se_a = float(cs_simple.att), float(cs_simple.se)
    diff = b - a
    if abs(diff) <= z * max(se_a, se_b):
        return t("impact.twfe.agree", language, twfe=f"{b:.3f}", cs=f"{a:.3f}")
    share = twfe_result.negative_weight_share()
    parts = [t("impact.twfe.below" if diff < 0 else "impact.twfe.above", language, twfe=f"{b:.3f}", cs=f"{a:.3f}",
               diff=f"{abs(diff):.3f}")]
    if np.isfinite(share) and share > 0:
        cw = twfe_result.cell_weights
        worst = cw.loc[cw["weight"].idxmin()]
        parts.append(t("impact.twfe.negative", language, n=int((cw["weight"] < 0).sum()), total=len(cw),
                       cohort=plain(worst["cohort"]), year=plain(worst["time"])))
    parts.append(t("impact.twfe.biased", language))
    return " ".join(parts)
