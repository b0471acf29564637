"""The result of :func:`training_effect`: estimate, inference and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.text import t

from ._sensitivity import Sensitivity
from ._text import covariate_label, in_language, outcome_term


def _fmt(value: float) -> str:
    """Dollars/rupiah to the unit, shares and small effects to three significant digits."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


@dataclass
class TrainingEffect:
    """Effect of training on an outcome, with the diagnostics needed to judge it.

    Attributes
    ----------
    method, estimand : how the effect was estimated and what it refers to
        (``"att"``: average effect on trainees; ``"ate"``: on everyone).
    estimate, se : point estimate and standard error (outcome units); clustered when a
        cluster column was given (``se_unclustered`` is then the heteroskedasticity-robust one).
    n_treated, n_control : rows that entered the estimate (after non-response, trimming, caliper).
    cluster, n_clusters : the cluster column and the number of clusters behind ``se``.
    sensitivity : Cinelli-Hazlett sensitivity to an unobserved confounder (:class:`Sensitivity`).
    nonresponse : how blank outcomes were handled, response rates and response-weight spread.
    warnings : plain-language problems a reader must know about (English; :meth:`warnings_text`
        gives them in another language).
    notes : how the standard error was obtained and other caveats.
    diagnostics : numbers behind the warnings (effective sample sizes, trimming, ...).
    """

    method: str
    estimand: str
    estimate: float
    se: float
    n_treated: int
    n_control: int
    outcome: str
    treatment: str
    covariates: tuple[str, ...]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diagnostics: dict = field(default_factory=dict)
    balance_frame: pd.DataFrame | None = field(default=None, repr=False)
    overlap_info: dict | None = field(default=None, repr=False)
    propensity_logit: np.ndarray | None = field(default=None, repr=False)
    treated_flag: np.ndarray | None = field(default=None, repr=False)
    survey_weight: np.ndarray | None = field(default=None, repr=False)
    se_unclustered: float | None = None
    cluster: str | None = None
    n_clusters: int | None = None
    sensitivity: Sensitivity | None = field(default=None, repr=False)
    nonresponse: dict | None = field(default=None, repr=False)

    @property
    def robustness_value(self) -> float:
        """Share of residual variance of both training and the outcome that a hidden confounder
        must explain to bring this estimate to zero (Cinelli & Hazlett 2020; for non-OLS methods
        an approximation through the regression's SE and degrees of freedom)."""
        if self.sensitivity is None:
            return float("nan")
        if self.method == "ols":
            return self.sensitivity.rv_q
        return self.sensitivity.robustness_value_for(self.estimate)

    @property
    def att(self) -> float:
        if self.estimand != "att":
            raise AttributeError(f"this result estimates the {self.estimand.upper()}; use .estimate or .ate")
        return self.estimate

    @property
    def ate(self) -> float:
        if self.estimand != "ate":
            raise AttributeError(f"this result estimates the {self.estimand.upper()}; use .estimate or .att")
        return self.estimate

    def conf_int(self, level: float = 0.95) -> tuple[float, float]:
        """Normal-approximation confidence interval at ``level`` (0.95: 95%)."""
        z = stats.norm.ppf(0.5 + level / 2)
        return (self.estimate - z * self.se, self.estimate + z * self.se)

    @property
    def pvalue(self) -> float:
        return float(2 * stats.norm.sf(abs(self.estimate / self.se))) if self.se > 0 else float("nan")

    def summary(self, alpha: float = 0.05) -> pd.DataFrame:
        """One-row table: method, estimand, estimate, se, ci_low, ci_high, n_treated, n_control,
        then se_unclustered, n_clusters and robustness_value (NaN where not computed)."""
        low, high = self.conf_int(1 - alpha)
        return pd.DataFrame(
            [
                {
                    "method": self.method,
                    "estimand": self.estimand,
                    "estimate": self.estimate,
                    "se": self.se,
                    "ci_low": low,
                    "ci_high": high,
                    "n_treated": self.n_treated,
                    "n_control": self.n_control,
                    "se_unclustered": self.se if self.se_unclustered is None else self.se_unclustered,
                    "n_clusters": np.nan if self.n_clusters is None else self.n_clusters,
                    "robustness_value": self.robustness_value,
                }
            ]
        )

    def warnings_text(self, language: str = "en") -> list[str]:
        """:attr:`warnings` in ``language``."""
        return [in_language(w, language) for w in self.warnings]

    def balance(self) -> pd.DataFrame:
        """Standardised mean differences per covariate, before and after adjustment.

        ``smd_after`` is NaN for methods that do not reweight or match
        (naive, ols, ra): they adjust the outcome, not the comparison group.
        """
        if self.balance_frame is None:
            return pd.DataFrame(columns=["covariate", "smd_before", "smd_after"])
        return self.balance_frame.copy()

    def balance_table(self, language: str = "en") -> pd.DataFrame:
        """:meth:`balance` as a page shows it: covariates in words, headers in ``language``."""
        table = self.balance()
        table["covariate"] = [covariate_label(c, language) for c in table["covariate"]]
        if language == "en":
            return table
        return table.rename(columns={c: t(f"trainees.col.{c}", language) for c in table.columns})

    def overlap(self) -> pd.Series:
        """Propensity-score ranges by group and counts outside the common support.

        Computed on the full sample, before any trimming.
        """
        return pd.Series(self.overlap_info or {}, dtype=object, name="overlap")

    def plot(self, figsize: tuple[float, float] = (11.0, 4.5), language: str = "en"):
        """Love plot (|SMD| before/after) and the overlap of logit propensity scores."""
        import matplotlib.pyplot as plt  # lazily: importing the package must stay light

        fig, (ax_bal, ax_ov) = plt.subplots(1, 2, figsize=figsize, constrained_layout=True)
        table = self.balance()
        if not table.empty:
            table = table.iloc[::-1]
            pos = np.arange(len(table))
            ax_bal.scatter(np.abs(table["smd_before"]), pos, marker="o", facecolors="none",
                           edgecolors="tab:red", label=t("trainees.plot.before", language))
            if table["smd_after"].notna().any():
                ax_bal.scatter(np.abs(table["smd_after"]), pos, marker="o", color="tab:blue",
                               label=t("trainees.plot.after", language, method=self.method))
            ax_bal.axvline(0.1, color="grey", linestyle="--", linewidth=1)
            ax_bal.set_yticks(pos, [covariate_label(c, language) for c in table["covariate"]])
            ax_bal.set_xlabel(t("trainees.plot.smd", language))
            ax_bal.legend(loc="lower right", frameon=False)
        ax_bal.set_title(t("trainees.plot.balance_title", language))

        if self.propensity_logit is not None:
            lg, d, w = self.propensity_logit, self.treated_flag, self.survey_weight
            finite = np.isfinite(lg)
            bins = np.histogram_bin_edges(lg[finite], bins=50)
            for flag, colour, key in ((0, "tab:grey", "comparison"), (1, "tab:orange", "trainees")):
                sel = finite & (d == flag)
                ax_ov.hist(lg[sel], bins=bins, weights=w[sel], density=True, alpha=0.5,
                           color=colour, label=t(f"trainees.plot.{key}", language))
            ax_ov.set_xlabel(t("trainees.plot.logit", language))
            ax_ov.set_ylabel(t("trainees.plot.density", language))
            ax_ov.legend(frameon=False)
        ax_ov.set_title(t("trainees.plot.overlap_title", language))
        fig.suptitle(t("trainees.plot.suptitle", language, method=self.method.upper(),
                       estimand=self.estimand.upper(), outcome=in_language(outcome_term(self.outcome), language),
                       estimate=_fmt(self.estimate), se=_fmt(self.se)))
        return fig
