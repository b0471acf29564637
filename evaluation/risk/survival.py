"""Time to independence: Kaplan-Meier curves and a Cox model (statsmodels).

Time is age in years (opening year = 1). A center that reached the target stage has its
event at the age of the first year at that stage; the others are censored at their age in
the latest year of data. Kaplan-Meier curves are shown as the cumulative share at the target
stage by age, ``1 - S(age)``.

The Cox model (:func:`cox_model`) explains the hazard of reaching the target stage with
center attributes and the indicators at the decision age. Because those indicators are only
known at the decision age, centers enter the risk set then (delayed entry) and those already
at the target stage by then are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaluation.text import has, t

from .features import category_label, feature_label, label_frame

__all__ = ["survival_frame", "KaplanMeierResult", "kaplan_meier", "CoxResult", "cox_model", "COX_FEATURES"]

#: Decision-age indicators in the Cox model (standardised; hazard ratios per SD).
COX_FEATURES = ("certification_rate", "completion_rate", "placement_rate", "self_funded_packages",
                "revenue_share_last", "partnerships_last", "licensed_last", "alumni_database_last",
                "kota", "java", "unemployment_rate")


def survival_frame(centers: pd.DataFrame, center_years: pd.DataFrame, target_stage: str = "mandiri",
                   last_year: int | None = None) -> pd.DataFrame:
    """Per center: ``duration`` (age at the event or at censoring), ``event`` (1 = reached the
    target stage), plus ``cohort``, ``vocation`` and ``host_type``."""
    if last_year is None:
        last_year = int(center_years["year"].max())
    lab = label_frame(centers, center_years, target_stage, horizon_years=1, last_year=last_year)
    c = centers.set_index("center_id")
    out = pd.DataFrame(index=lab.index)
    reached = lab["first_target_year"].notna()
    out["event"] = reached.astype(int)
    age_event = (lab["first_target_year"].astype("float") - lab["cohort"] + 1)
    age_now = (last_year - lab["cohort"] + 1).astype(float)
    out["duration"] = np.where(reached, age_event, age_now)
    for col in ("cohort", "vocation", "host_type"):
        out[col] = c[col].reindex(out.index)
    return out[out["duration"] >= 1]


@dataclass
class KaplanMeierResult:
    """Kaplan-Meier curves per group of one or more groupings."""

    curves: dict[str, dict[str, pd.DataFrame]]  # by -> group -> table(age, at_risk, events, survival, ...)
    target_stage: str = "mandiri"
    ages: tuple[int, ...] = (2, 3, 4, 5, 6)

    def summary(self, language: str = "en") -> pd.DataFrame:
        """One row per group: centers, events, and the share at the target stage by each age
        (NaN beyond the group's longest follow-up); groupings and groups in ``language``."""
        rows = []
        for by, groups in self.curves.items():
            for g, table in groups.items():
                row = {"by": _by_words(by, language), "group": _group_words(by, g, language),
                       "centers": int(table.attrs["n"]), "events": int(table["events"].sum())}
                for a in self.ages:
                    row[f"share_by_age_{a}"] = self.share_by_age(by, g, a)
                rows.append(row)
        out = pd.DataFrame(rows)
        if language == "en":
            return out
        return out.rename(columns={c: t(f"risk.km.col.{c}", language) for c in ("by", "group", "events")})

    def share_by_age(self, by: str, group, age: int) -> float:
        """Kaplan-Meier share at the target stage by ``age`` (1 - S(age))."""
        table = self.curves[by][group]
        if age > table.attrs["max_age"]:
            return float("nan")
        known = table[table["age"] <= age]
        return float(1 - known["survival"].iloc[-1]) if len(known) else 0.0

    def plot(self, language: str = "en", max_groups: int = 8):
        """Cumulative share at the target stage by age, one panel per grouping."""
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(self.curves), figsize=(4.2 * len(self.curves), 3.6), squeeze=False)
        for ax, (by, groups) in zip(axes[0], self.curves.items()):
            biggest = sorted(groups, key=lambda g: -groups[g].attrs["n"])[:max_groups]
            for g in sorted(biggest, key=str):
                table = groups[g]
                ages = np.concatenate([[0], table["age"].to_numpy()])
                share = np.concatenate([[0.0], 1 - table["survival"].to_numpy()])
                ax.step(ages, share, where="post",
                        label=t("risk.km.legend", language, group=_group_words(by, g, language), n=table.attrs["n"]))
            title = (t("risk.km.title_all", language) if by == "all"
                     else t("risk.km.title", language, by=_by_words(by, language)))
            ax.set(xlabel=t("risk.km.age", language), ylabel=t("risk.km.share", language, stage=self.target_stage),
                   title=title)
            ax.legend(fontsize=6)
        fig.tight_layout()
        return fig


def _by_words(by: str, language: str) -> str:
    """A grouping of the Kaplan-Meier curves in words."""
    key = f"risk.km.by.{by}"
    return t(key, language) if has(key, language) else str(by)


def _group_words(by: str, group, language: str) -> str:
    """A group of the Kaplan-Meier curves in words (host types and "all"; years and vocations as they are)."""
    if by == "all" and str(group) == "all":
        return t("risk.km.group.all", language)
    return category_label(by, str(group), language)


def _km_table(frame: pd.DataFrame) -> pd.DataFrame:
    from statsmodels.duration.survfunc import SurvfuncRight

    sf = SurvfuncRight(frame["duration"].to_numpy(float), frame["event"].to_numpy(int))
    t = pd.DataFrame({"age": sf.surv_times, "at_risk": sf.n_risk, "events": sf.n_events,
                      "survival": sf.surv_prob, "se": sf.surv_prob_se})
    t.attrs["n"] = len(frame)
    t.attrs["max_age"] = float(frame["duration"].max())
    return t


def kaplan_meier(surv: pd.DataFrame, by=("cohort", "vocation", "host_type"), min_group: int = 30,
                 target_stage: str = "mandiri") -> KaplanMeierResult:
    """Kaplan-Meier curve of time to the target stage for all centers and per group;
    groups smaller than ``min_group`` are left out."""
    from ..fitlog import record as record_fit
    record_fit("kaplan_meier")
    curves = {"all": {"all": _km_table(surv)}}
    for col in by:
        curves[col] = {g: _km_table(f) for g, f in surv.groupby(col, sort=True) if len(f) >= min_group}
    return KaplanMeierResult(curves, target_stage)


@dataclass
class CoxResult:
    """Cox proportional-hazards fit of time to the target stage."""

    table: pd.DataFrame
    n: int
    events: int
    info: dict = field(default_factory=dict)

    def labels(self, language: str = "en") -> list[str]:
        """The covariates in words: indicators by name, host types against the reference host."""
        ref = self.info.get("reference_host")
        return [_cox_label(c, ref, language) for c in self.table.index]

    def summary(self, language: str = "en") -> pd.DataFrame:
        """Hazard ratios per covariate; in a language other than English the covariates are
        named in words only (no code column)."""
        if language == "en":
            return self.table.copy()
        return self.table.assign(label=self.labels(language)).reset_index(drop=True)

    def plot(self, language: str = "en"):
        """Hazard ratios with 95% intervals (log scale)."""
        import matplotlib.pyplot as plt

        table = self.table.assign(label=self.labels(language)).iloc[::-1]
        fig, ax = plt.subplots(figsize=(6, 0.3 * len(table) + 1.2))
        y = np.arange(len(table))
        ax.errorbar(table["hazard_ratio"], y, xerr=[table["hazard_ratio"] - table["hr_low"],
                                                    table["hr_high"] - table["hazard_ratio"]],
                    fmt="o", color="#2b6f97")
        ax.axvline(1, color="grey", lw=0.8)
        ax.set_xscale("log")
        ax.set_yticks(y, table["label"])
        ax.set(xlabel=t("risk.cox.xlabel", language), title=t("risk.cox.title", language))
        fig.tight_layout()
        return fig


def _cox_label(column: str, reference_host, language: str = "en") -> str:
    if "=" not in column:
        return feature_label(column, language, default=column)
    level = column.split("=", 1)[1]
    return t("risk.cox.host", language, level=category_label("host_type", level, language),
             reference=category_label("host_type", str(reference_host), language))


def cox_model(surv: pd.DataFrame, features: pd.DataFrame, decision_age: int = 2,
              covariates=COX_FEATURES, min_category_count: int = 30) -> CoxResult:
    """Cox model (Efron ties) with standardised decision-age indicators and host type dummies
    (reference: the most common host), delayed entry at the decision age."""
    from ..fitlog import record as record_fit
    record_fit("cox_model")
    from statsmodels.duration.hazard_regression import PHReg

    d = surv.join(features[list(covariates)], how="inner")
    d = d[d["duration"] > decision_age]  # still at risk after the decision age
    X = d[list(covariates)].astype(float)
    X = X.fillna(X.median())
    # an indicator that does not vary in these data (e.g. island group in one province's data)
    # has no hazard ratio to estimate: it is left out and named
    sd = X.std(ddof=0)
    constant = [c for c in X.columns if not (sd[c] > 0)]
    X = (X.drop(columns=constant) - X.drop(columns=constant).mean()) / sd.drop(constant)
    host = d["host_type"].astype(str)
    counts = host.value_counts()
    ref = counts.idxmax()
    for lv in sorted(counts[(counts >= min_category_count)].index):
        if lv != ref:
            X[f"host_type={lv}"] = (host == lv).astype(float)
    model = PHReg(d["duration"].to_numpy(float), X.to_numpy(float), status=d["event"].to_numpy(int),
                  entry=np.full(len(d), float(decision_age)), ties="efron")
    fit = model.fit()
    ci = np.asarray(fit.conf_int())
    labels = [_cox_label(c, ref) for c in X.columns]
    table = pd.DataFrame({
        "label": labels,
        "coef": fit.params, "se": fit.bse, "hazard_ratio": np.exp(fit.params),
        "hr_low": np.exp(ci[:, 0]), "hr_high": np.exp(ci[:, 1]), "p_value": fit.pvalues,
    }, index=pd.Index(X.columns, name="covariate"))
    return CoxResult(table, n=len(d), events=int(d["event"].sum()), info={"reference_host": ref,
                                                                           "decision_age": decision_age,
                                                                           "constant_left_out": constant})
