"""Trainee outcomes from the tracer study: the sample's trainee table run through the estimators.

Trainees (``trained == 1``) are compared with similar people of the survey comparison sample,
adjusting for characteristics measured before training and for where and when they lived:
island group, year, the regency's minimum wage (log UMK) and unemployment rate, kota. Income
is monthly, in rupiah.

Defaults, and why
-----------------
* Clusters: a trainee's cluster is their center (the tracer study reaches trainees through
  centers, and a center's quality is shared), a comparison person's is their regency-year
  (the survey's sampling unit). Standard errors are cluster-robust; the unclustered ones are
  kept beside them.
* Non-response: the tracer study has blank outcomes for trainees who did not answer.
  Respondents are weighted by the inverse of their estimated response probability (person
  covariates plus the records of their center in the year of training). Complete cases and
  Lee bounds are computed beside it (:func:`national_effects`).
* Region: island groups as dummies (7 groups; every group has trainees and comparison
  persons in the same regency-years), not 38 province dummies: subgroups of a few dozen
  trainees would separate on provinces. ``region="province"`` uses province dummies instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..formatting import rupiah
from ..text import has, t
from .trainees import lee_bounds, response_probabilities, training_effect
from .trainees._text import Message, Term, covariate_label, in_language, outcome_label

#: Characteristics of the person measured before training.
PERSON_COVARIATES = ["age", "female", "education_years", "married", "employed_before", "income_before_idr"]
#: The regency-year's labour market (from ``regency_years``): log UMK and open unemployment rate.
LABOUR_MARKET_COVARIATES = ["log_umk", "unemployment_rate"]
#: Former name of the person covariates (kept for callers of earlier versions).
COVARIATES = PERSON_COVARIATES
PROPENSITY_TERMS = ["age**2", "education_years**2", "income_before_idr**2", "age*female"]
#: Added to the propensity terms when the labour market is known: what prior employment says
#: about a person depends on the local wage level.
LABOUR_MARKET_TERMS = ["employed_before*log_umk"]
#: The record of the trainee's center (means over its years in ``center_years``), for the response model only.
CENTER_RESPONSE_COVARIATES = ["center_placement_rate", "center_certification_rate", "center_completion_rate",
                              "center_alumni_database", "center_partnerships", "center_self_funded_packages",
                              "center_licensed", "center_log_own_revenue", "center_instructors", "center_mandiri"]
OUTCOMES = {"income_after_idr": "Monthly income after training (Rp)", "employed_after": "Employed after training (share)"}
METHODS = ("naive", "ols", "ra", "ipw", "match", "aipw")
#: Island groups by the first digit of the Kemendagri province code.
ISLAND_GROUPS = {"1": "sumatera", "2": "sumatera", "3": "jawa", "5": "bali_nusa_tenggara", "6": "kalimantan",
                 "7": "sulawesi", "8": "maluku_papua", "9": "maluku_papua"}

def estimation_frame(trainees: pd.DataFrame, centers: pd.DataFrame, regency_years: pd.DataFrame | None = None,
                     center_years: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trainee table with everything the estimators use.

    Adds the center's vocation and host type; region and year dummies (``island_*``,
    ``province_*``, ``year_*``) and ``kota``; with ``regency_years`` the regency-year's
    ``log_umk`` and ``unemployment_rate``; with ``center_years`` the record of the trainee's
    center for the response model (:data:`CENTER_RESPONSE_COVARIATES`, means over its years);
    the ``cluster`` column; and ``income_change_idr`` (for the before-after check).
    """
    df = trainees.merge(centers[["center_id", "vocation", "host_type"]], on="center_id", how="left")
    for col in ["trained", *PERSON_COVARIATES, *OUTCOMES]:
        df[col] = df[col].astype(float)
    code = df["regency_code"].astype(str)
    df["province_code"] = code.str[:2]
    df["island"] = code.str[0].map(ISLAND_GROUPS).fillna("other")
    df["kota"] = (code.str[-2:].astype(int) >= 71).astype(float)
    for name in sorted(df["island"].unique()):
        df[f"island_{name}"] = (df["island"] == name).astype(float)
    for name in sorted(df["province_code"].unique()):
        df[f"province_{name}"] = (df["province_code"] == name).astype(float)
    for year in sorted(df["year"].unique()):
        df[f"year_{int(year)}"] = (df["year"] == year).astype(float)
    df.attrs["labour_market"] = regency_years is not None
    if regency_years is not None:
        ry = regency_years[["regency_code", "year", "min_wage_idr", "unemployment_rate"]]
        df = df.merge(ry, on=["regency_code", "year"], how="left")
        df.attrs["labour_market"] = True
        missing = df["min_wage_idr"].isna() | df["unemployment_rate"].isna()
        if missing.any():
            shown = df.loc[missing, ["regency_code", "year"]].drop_duplicates().head(5)
            raise ValueError(
                f"{int(missing.sum()):,} trainee rows have no regency_years row for their regency and year "
                f"(e.g. {list(shown.itertuples(index=False, name=None))}); the regency's UMK and unemployment "
                "rate are covariates."
            )
        df["log_umk"] = np.log(df["min_wage_idr"].astype(float))
        df["unemployment_rate"] = df["unemployment_rate"].astype(float)
    trained = df["trained"] == 1
    df["cluster"] = np.where(trained, "center " + df["center_id"].fillna("").astype(str),
                             "regency-year " + code + " " + df["year"].astype(str))
    for col in CENTER_RESPONSE_COVARIATES:
        df[col] = 0.0
    if center_years is not None:
        # the center's record over its years: how well it places, certifies and keeps track of
        # its alumni (a center that does keeps in touch with them, so more of them answer)
        cy = center_years
        completed = cy["trainees_completed"].astype(float).clip(lower=1)
        rec = pd.DataFrame({
            "center_id": cy["center_id"],
            "center_placement_rate": (cy["alumni_employed"] + cy["alumni_self_employed"]).astype(float) / completed,
            "center_certification_rate": cy["trainees_certified"].astype(float) / completed,
            "center_completion_rate": completed / cy["trainees_enrolled"].astype(float).clip(lower=1),
            "center_alumni_database": cy["alumni_database"].astype(float),
            "center_partnerships": cy["partnerships"].astype(float),
            "center_self_funded_packages": cy["packages_self_funded"].astype(float),
            "center_licensed": cy["licensed"].astype(float),
            "center_log_own_revenue": np.log1p(cy["own_revenue_idr"].astype(float) / 1e6),
            "center_instructors": cy["instructors"].astype(float),
            "center_mandiri": (cy["stage"] == "mandiri").astype(float) if "stage" in cy else 0.0,
        }).groupby("center_id").mean()
        extra = df[["center_id"]].join(rec, on="center_id")
        for col in CENTER_RESPONSE_COVARIATES:
            df[col] = np.where(trained, extra[col].fillna(0.0).to_numpy(), 0.0)
    df["income_change_idr"] = df["income_after_idr"] - df["income_before_idr"]
    return df


def covariates(df: pd.DataFrame, region: str = "island") -> list[str]:
    """The covariates for this frame: person, labour market, kota, year and region dummies.

    One dummy per year and region group is left out as the reference (the largest), and so is
    any column that is constant in this frame (a regional slice has one island group).
    """
    if region not in ("island", "province"):
        raise ValueError(f"region={region!r}: choose 'island' or 'province'")
    cols = list(PERSON_COVARIATES)
    if df.attrs.get("labour_market", "log_umk" in df.columns) and "log_umk" in df.columns:
        cols += LABOUR_MARKET_COVARIATES
    cols.append("kota")
    islands = set(ISLAND_GROUPS.values()) | {"other"}
    for prefix, is_level in (("year_", str.isdigit), ("province_", str.isdigit), ("island_", islands.__contains__)):
        if prefix != "year_" and prefix != f"{region}_":
            continue
        dummies = [c for c in df.columns if c.startswith(prefix) and is_level(c[len(prefix):])]
        if len(dummies) > 1:
            reference = max(dummies, key=lambda c: df[c].sum())
            cols += [c for c in dummies if c != reference]
    return [c for c in cols if c in df.columns and df[c].nunique() > 1]


def propensity_terms(df: pd.DataFrame) -> list[str]:
    """Extra propensity terms for this frame (the labour-market interaction only where log UMK varies)."""
    extra = LABOUR_MARKET_TERMS if "log_umk" in df.columns and df["log_umk"].nunique() > 1 else []
    return PROPENSITY_TERMS + extra


def _labour_market_note(df: pd.DataFrame) -> list[str]:
    if df.attrs.get("labour_market", True):
        return []
    return [Message("trainees.warn.no_labour_market")]


#: Column of response probabilities fitted once on the whole tracer study (see :func:`national_effects`).
RESPONSE_PROBABILITY = "tracer_response_probability"


def effects(df: pd.DataFrame, outcome: str, methods=METHODS, weights: str | None = "weight",
            cluster: str | None = "cluster", missing_outcome: str = "ipw", region: str = "island",
            covariate_list: list[str] | None = None, national: dict | None = None) -> dict:
    """Every method's estimate of the effect on trainees (ATT) for one outcome.

    Defaults: clustered SEs (center / regency-year), non-response weighted (``"ipw"``). For a
    region, pass the national fit as ``national``: its response probabilities (fitted on the
    whole tracer study) are used instead of a response model fitted on a few regional trainees.
    """
    cols = covariate_list or covariates(df, region)
    given = None
    if national is not None and national.get("response_probability") is not None:
        df = df.assign(**{RESPONSE_PROBABILITY: df["person_id"].map(national["response_probability"]).fillna(1.0)})
        given = RESPONSE_PROBABILITY
    out = {}
    for m in methods:
        r = training_effect(df, outcome=outcome, treatment="trained", covariates=cols, method=m, weights=weights,
                            propensity_terms=propensity_terms(df), cluster=cluster, missing_outcome=missing_outcome,
                            response_covariates=_response_covariates(df), response_probability=given,
                            benchmark_covariates=_benchmarks(cols))
        r.warnings.extend(_labour_market_note(df))
        out[m] = r
    return out


def _response_covariates(df: pd.DataFrame) -> list[str]:
    return [c for c in CENTER_RESPONSE_COVARIATES if c in df and df.loc[df["trained"] == 1, c].nunique() > 1]


def _benchmarks(cols: list[str]) -> list[str]:
    return [c for c in ("education_years", "employed_before", "income_before_idr", "log_umk") if c in cols]


def effects_table(results: dict) -> pd.DataFrame:
    return pd.concat([r.summary() for r in results.values()], ignore_index=True)


#: Columns named by a code that the English page shows through the report's tables (``col.*``
#: or the code spelled out); other languages name them with ``trainees.col.<code>``. The
#: remaining ``trainees.col.*`` columns are named in words in every language.
_CODE_COLUMNS = frozenset({
    "method", "estimand", "estimate", "se", "ci_low", "ci_high", "n_treated", "n_control", "se_unclustered",
    "n_clusters", "robustness_value", "outcome", "trainees", "respondents", "note", "estimate_usd",
    "gap_to_experiment", "warnings", "value",
})


def _headers(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """``table`` with its columns named in ``language`` (see :data:`_CODE_COLUMNS`)."""
    names = {c: t(f"trainees.col.{c}", language) for c in table.columns
             if has(f"trainees.col.{c}", language) and (language != "en" or c not in _CODE_COLUMNS)}
    return table.rename(columns=names)


def _outcomes_in_words(table: pd.DataFrame, language: str) -> pd.DataFrame:
    """The ``outcome`` column in words (English keeps the column names the tables show today)."""
    if language == "en" or "outcome" not in table:
        return table
    return table.assign(outcome=[outcome_label(o, language) for o in table["outcome"]])


def _results(results_by_outcome: dict, language: str = "en") -> pd.DataFrame:
    table = pd.concat([effects_table(r).assign(outcome=out) for out, r in results_by_outcome.items()], ignore_index=True)
    table["reliability"] = [rse_flag(e, s, language) for e, s in zip(table["estimate"], table["se"])]
    return table


def results_table(results_by_outcome: dict, language: str = "en") -> pd.DataFrame:
    """One row per outcome and method, with the BPS reliability flag of each estimate."""
    return _headers(_outcomes_in_words(_results(results_by_outcome, language), language), language)


def by_group(df: pd.DataFrame, outcome: str, group: str, method: str = "aipw", min_treated: int = 30,
             region: str = "island") -> pd.DataFrame:
    """Effect of training on the trainees of each vocation or host type, against the whole comparison sample.

    Each row describes the trainees of a group (see :func:`subgroup_note`), not an effect of the
    group. Groups with fewer than ``min_treated`` trainees are not estimated, nor groups the
    estimator refuses (the reason is in the ``note`` column, and in ``attrs["notes"]`` by group
    as a :class:`~evaluation.impact.trainees._text.Message` that :func:`subgroup_table` shows
    in the page's language).
    """
    controls = df[df["trained"] == 0]
    rows, notes = [], {}
    for value, treated in df[df["trained"] == 1].groupby(group):
        row = {group: value, "trainees": len(treated), "respondents": int(treated[outcome].notna().sum())}
        if len(treated) >= min_treated:
            # comparison persons of island groups and years where the group has no trainee would get
            # zero weight for this ATT anyway; leaving them out keeps the logit from separating
            cells = set(zip(treated["island"], treated["year"]))
            near = controls[[cell in cells for cell in zip(controls["island"], controls["year"])]]
            sub = pd.concat([treated, near])
            sub.attrs = dict(df.attrs)
            try:
                # the response model of the whole tracer study, not one fitted on this group alone
                given = RESPONSE_PROBABILITY if RESPONSE_PROBABILITY in sub else None
                r = training_effect(sub, outcome=outcome, treatment="trained", covariates=covariates(sub, region),
                                    method=method, weights="weight", propensity_terms=propensity_terms(sub),
                                    cluster="cluster", missing_outcome="ipw", response_probability=given,
                                    response_covariates=_response_covariates(sub), sensitivity=False)
            except ValueError as exc:  # e.g. a small group separated from the comparison sample
                notes[value] = Message("trainees.not_estimated", reason=_reason(exc))
                row.update(note=str(notes[value]))
            else:
                lo, hi = r.conf_int()
                row.update(estimate=r.estimate, se=r.se, ci_low=lo, ci_high=hi)
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("trainees", ascending=False).reset_index(drop=True)
    table = table.rename(columns={group: f"{group} (trainees of)"})
    table.attrs["notes"] = notes
    return table


def _reason(exc: Exception):
    """Why an estimator refused: its message (readable in every language when it is a catalogue text)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return exc.args[0]
    return Term(str(exc), "trainees.refusal.other")


def nonresponse_check(df: pd.DataFrame, outcome: str, region: str = "island") -> dict:
    """The doubly robust ATT ignoring non-response (complete cases) and weighted for it, and Lee bounds."""
    cols = covariates(df, region)
    common = dict(outcome=outcome, treatment="trained", covariates=cols, method="aipw", weights="weight",
                  propensity_terms=propensity_terms(df), cluster="cluster", sensitivity=False)
    return {
        "complete": training_effect(df, missing_outcome="complete", **common),
        "ipw": training_effect(df, missing_outcome="ipw", response_covariates=_response_covariates(df), **common),
        "lee": lee_bounds(df, outcome, "trained", cols, weights="weight", propensity_terms=propensity_terms(df),
                          cluster="cluster"),
    }


def before_after(df: pd.DataFrame) -> dict:
    """Difference in differences of income (after minus before, trainees vs comparison), unadjusted.

    The check on Ashenfelter's dip: trainees' pre-training income is temporarily low, so their
    before-after gain includes a recovery that training did not cause.
    """
    person = [c for c in PERSON_COVARIATES if df[c].nunique() > 1]
    return {
        "did": training_effect(df, "income_change_idr", "trained", method="naive", weights="weight",
                               cluster="cluster", missing_outcome="ipw",
                               response_covariates=person + _response_covariates(df), sensitivity=False),
        "mean_income_before": df.groupby("trained").apply(
            lambda g: float(np.average(g["income_before_idr"], weights=g["weight"])), include_groups=False
        ).rename({0.0: "comparison", 1.0: "trainees"}).to_dict(),
    }


def national_effects(trainees: pd.DataFrame, centers: pd.DataFrame, regency_years: pd.DataFrame | None = None,
                     center_years: pd.DataFrame | None = None, min_treated: int = 10) -> dict:
    """Every method for both outcomes, non-response checks, the dip check and subgroups, nationally.

    Fitted once per report run (:mod:`evaluation.national`); subgroups are estimated down to
    ``min_treated`` trainees and a notebook hides those below its own minimum (:func:`at_least`).
    Pass ``regency_years`` (UMK, unemployment) and ``center_years`` (response model) whenever
    the data have them.
    """
    from ..fitlog import record as record_fit
    record_fit("national_effects")
    frame = estimation_frame(trainees, centers, regency_years, center_years)
    results = {out: effects(frame, out) for out in OUTCOMES}
    # Blank outcomes come together (non-response blanks both), so one response model serves
    # both outcomes; subgroups and regions reuse it.
    frame[RESPONSE_PROBABILITY] = response_probabilities(frame, "income_after_idr", "trained", covariates(frame),
                                                         weights="weight",
                                                         response_covariates=_response_covariates(frame))
    return NationalTraineeEffects(
        effects=results,
        response_probability=pd.Series(frame[RESPONSE_PROBABILITY].to_numpy(), index=frame["person_id"].to_numpy()),
        se_by_regency={out: _headline_se_by_regency(frame, out) for out in OUTCOMES},
        nonresponse={out: nonresponse_check(frame, out) for out in OUTCOMES},
        before_after=before_after(frame),
        covariates=covariates(frame),
        propensity_terms=propensity_terms(frame),
        by_vocation=by_group(frame, "income_after_idr", "vocation", min_treated=min_treated),
        by_host_type=by_group(frame, "income_after_idr", "host_type", min_treated=min_treated),
    )


@dataclass
class NationalTraineeEffects:
    """The national trainee estimates of a run (see :func:`national_effects`).

    ``effects[outcome][method]`` are :class:`TrainingEffect` results; :meth:`headline` is
    the doubly robust, response-weighted one. Reads like a mapping too (``fitted["effects"]``)
    for the table helpers of this module.
    """

    effects: dict
    response_probability: pd.Series
    se_by_regency: dict
    nonresponse: dict
    before_after: dict
    covariates: list
    propensity_terms: list
    by_vocation: pd.DataFrame
    by_host_type: pd.DataFrame

    def headline(self, outcome: str = "income_after_idr"):
        return self.effects[outcome]["aipw"]

    def __getitem__(self, key: str):
        return getattr(self, key)

    def get(self, key: str, default=None):
        return getattr(self, key, default)


def _headline_se_by_regency(df: pd.DataFrame, outcome: str) -> float:
    """SE of the doubly robust ATT clustered by regency, a coarser alternative to the design's clusters.

    A regency nests its centers and its survey regency-years, so shocks shared by trainees and
    comparison persons of one labour market are allowed for too.
    """
    r = training_effect(df, outcome, "trained", covariates(df), method="aipw", weights="weight",
                        propensity_terms=propensity_terms(df), cluster="regency_code", missing_outcome="ipw",
                        response_covariates=_response_covariates(df), sensitivity=False)
    return r.se


def count_text(n: int) -> str:
    """A count of people for a sentence on a page: suppressed as "<10" when small (privacy rule)."""
    from ..report.privacy import MIN_CELL

    n = int(n)
    return f"<{MIN_CELL}" if 0 < n < MIN_CELL else f"{n:,}"


def planted_truth(data_dir) -> pd.DataFrame | None:
    """The sample's planted trainee effects (``truth/trainee_effects.csv``), or None for real data."""
    from pathlib import Path

    path = Path(data_dir) / "truth" / "trainee_effects.csv"
    return pd.read_csv(path) if path.exists() else None


def design_summary(fitted: dict, language: str = "en") -> pd.DataFrame:
    """What the national estimates adjust for, how they are clustered and how many answered."""
    head = fitted["effects"]["income_after_idr"]["aipw"]
    nr = head.nonresponse or {}
    treated = nr.get("treated", {})
    none = t("trainees.design.none", language)
    rows = [
        (t("trainees.design.covariates", language),
         ", ".join(covariate_label(c, language) for c in fitted["covariates"])),
        (t("trainees.design.terms", language),
         ", ".join(covariate_label(c, language) for c in fitted.get("propensity_terms", PROPENSITY_TERMS))),
        (t("trainees.design.clusters", language),
         t("trainees.design.clusters_value", language, n=head.n_clusters) if head.n_clusters else none),
        (t("trainees.design.answered", language),
         t("trainees.design.answered_value", language, answered=treated.get("answered", head.n_treated),
           rows=treated.get("rows", head.n_treated), rate=treated.get("response_rate", 1.0))),
        (t("trainees.design.nonresponse", language),
         t("trainees.design.nonresponse_value", language) if nr.get("method") == "ipw" else none),
    ]
    return pd.DataFrame(rows, columns=["", t("trainees.design.column", language)]).set_index("")


def nonresponse_plot(checks: dict, truth: pd.DataFrame | None = None, language: str = "en"):
    """Complete cases, response-weighted estimate and Lee bounds per outcome, beside the truth if known."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11.0, 3.4), constrained_layout=True)
    row_t = None if truth is None else _truth_row(truth)
    for ax, (out, key, scale) in zip(axes, _TRUTH_COLUMNS):
        label = _truth_label(out, language)
        c = checks[out]
        lee = c["lee"]
        for i, name in enumerate(("complete", "ipw")):
            r = c[name]
            lo, hi = r.conf_int()
            ax.errorbar(scale * r.estimate, i, xerr=[[scale * (r.estimate - lo)], [scale * (hi - r.estimate)]],
                        fmt="o", color="tab:blue" if i else "tab:grey", capsize=3)
        lo, hi = lee.conf_int()
        ax.plot([scale * lo, scale * hi], [2, 2], color="tab:grey", linewidth=1.5)
        ax.plot([scale * lee.lower, scale * lee.upper], [2, 2], color="tab:green", linewidth=7, solid_capstyle="butt")
        ax.set_yticks([0, 1, 2], [t("trainees.nonresponse.complete", language), t("trainees.nonresponse.ipw", language),
                                  t("trainees.nonresponse.lee_respondents", language)])
        if row_t is not None:
            ax.axvline(row_t[f"att_{key}_sample"], color="tab:red", linestyle="--",
                       label=t("trainees.nonresponse.truth_all", language))
            col = f"att_{key}_responders_sample"
            if col in row_t:
                ax.axvline(row_t[col], color="tab:orange", linestyle=":",
                           label=t("trainees.nonresponse.truth_respondents", language))
            ax.legend(frameon=False, fontsize=8, loc="lower right")
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlabel(label)
        ax.set_title(t("trainees.nonresponse.title", language, outcome=label, rate=lee.response_rate), fontsize=10)
    return fig


def dip_table(fitted: dict, truth: pd.DataFrame | None = None, language: str = "en") -> pd.DataFrame:
    """Ashenfelter's dip: pre-training income, the before-after comparison and the adjusted estimate."""
    ba = fitted["before_after"]
    did, head = ba["did"], fitted["effects"]["income_after_idr"]["aipw"]
    quantity = t("trainees.col.quantity", language)
    rows = [
        {quantity: t("trainees.dip.before_trainees", language), "Rp": ba["mean_income_before"]["trainees"]},
        {quantity: t("trainees.dip.before_comparison", language), "Rp": ba["mean_income_before"]["comparison"]},
        {quantity: t("trainees.dip.did", language), "Rp": did.estimate},
        {quantity: t("trainees.dip.adjusted", language), "Rp": head.estimate},
    ]
    if truth is not None:
        rows.append({quantity: t("trainees.dip.truth", language), "Rp": _truth_row(truth)["att_income_idr_sample"]})
    return pd.DataFrame(rows).set_index(quantity)


def at_least(table: pd.DataFrame, min_trainees: int) -> pd.DataFrame:
    """A subgroup table with the estimates of groups smaller than ``min_trainees`` left out.

    The estimate rests on the trainees with an outcome, so a group counts as small when its
    respondents (where the table has them) number fewer than ``min_trainees``.
    """
    out = table.copy()
    small = out["respondents" if "respondents" in out else "trainees"] < min_trainees
    out.attrs = dict(table.attrs)
    for col in ("estimate", "se", "ci_low", "ci_high"):
        if col in out:
            out.loc[small, col] = float("nan")
    return out


def _truth_row(truth: pd.DataFrame) -> pd.Series:
    return truth.query("scope == 'overall'").iloc[0]


#: Outcome, its key in the planted truth, and the scale of the truth (percentage points for employment).
_TRUTH_COLUMNS = (("income_after_idr", "income_idr", 1), ("employed_after", "employed_pp", 100))


def _truth_label(outcome: str, language: str = "en") -> str:
    """The short name of an outcome in the truth and non-response tables ("income (Rp)")."""
    return t(f"trainees.short.{outcome}", language)


def truth_check(results: dict, truth: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The doubly robust estimates beside the sample's planted effect (``truth/trainee_effects.csv``).

    Also lists the bias the sample plants on purpose (unobserved trait, non-response that the
    response model cannot see), so a reader can tell a miss from a planted bias. In a language
    other than English the last column says yes or no in words.
    """
    row = _truth_row(truth)
    rows = []
    for out, key, scale in _TRUTH_COLUMNS:
        aipw, naive = results[out]["aipw"], results[out]["naive"]
        entry = {"outcome": _truth_label(out, language), "true_att": row[f"att_{key}_sample"],
                 "aipw": scale * aipw.estimate, "aipw_se": scale * aipw.se, "naive": scale * naive.estimate}
        planted = [f"bias_unobserved_{key}", f"bias_nonresponse_{key}"]
        if all(c in row for c in planted):
            entry["planted_bias"] = float(sum(row[c] for c in planted))
        rows.append(entry)
    check = pd.DataFrame(rows)
    check["within_2se"] = (check["aipw"] - check["true_att"]).abs() <= 2 * check["aipw_se"]
    if language != "en":
        check["within_2se"] = [t("trainees.yes" if v else "trainees.no", language) for v in check["within_2se"]]
    return _headers(check, language)


def nonresponse_table(checks: dict, truth: pd.DataFrame | None = None, language: str = "en") -> pd.DataFrame:
    """Complete cases, response weights and Lee bounds side by side (and the truth, when known)."""
    rows = []
    row_t = None if truth is None else _truth_row(truth)
    for out, key, scale in _TRUTH_COLUMNS:
        c = checks[out]
        lee = c["lee"]
        lo, hi = lee.conf_int()
        entry = {"outcome": _truth_label(out, language), "response_rate_trainees": lee.response_rate}
        if row_t is not None:
            entry["truth_all"] = row_t[f"att_{key}_sample"]
            if f"att_{key}_responders_sample" in row_t:
                entry["truth_respondents"] = row_t[f"att_{key}_responders_sample"]
        for name in ("complete", "ipw"):
            r = c[name]
            entry[f"aipw_{name}"] = scale * r.estimate
            entry[f"se_{name}"] = scale * r.se
        entry.update({"lee_lower": scale * lee.lower, "lee_upper": scale * lee.upper,
                      "lee_low": scale * lo, "lee_high": scale * hi})
        rows.append(entry)
    return _headers(pd.DataFrame(rows), language)


def nonresponse_summary(checks: dict, truth: pd.DataFrame | None = None, language: str = "en") -> pd.DataFrame:
    """:func:`nonresponse_table` turned on its side for reading: one column per outcome, one
    row per quantity."""
    table = nonresponse_table(checks, truth, language)
    wide = table.set_index(table.columns[0]).T
    wide.index.name = t("trainees.col.quantity", language)
    wide.columns.name = None
    return wide


def se_table(results_by_outcome: dict, se_by_regency: dict | None = None, language: str = "en") -> pd.DataFrame:
    """Clustered and unclustered standard errors of every method, and their ratio.

    With ``se_by_regency`` (from :func:`national_effects`) the doubly robust rows also show the
    SE clustered by regency, which allows for shocks shared across a regency's centers and years.
    """
    rows = []
    for out, results in results_by_outcome.items():
        for m, r in results.items():
            row = {"outcome": out, "method": m, "se_clustered": r.se, "se_plain": r.se_unclustered,
                   "ratio": r.se / r.se_unclustered if r.se_unclustered else np.nan, "clusters": r.n_clusters}
            if se_by_regency is not None:
                row["se_by_regency"] = se_by_regency.get(out, np.nan) if m == "aipw" else np.nan
            rows.append(row)
    return _headers(_outcomes_in_words(pd.DataFrame(rows), language), language)


def sensitivity_table(result, language: str = "en") -> pd.DataFrame:
    """The robustness values of a result and the confounders benchmarked against observed covariates."""
    s = result.sensitivity
    if s is None:
        return pd.DataFrame()
    head = pd.DataFrame([
        {"quantity": t("trainees.sensitivity.estimate", language), "value": s.estimate},
        {"quantity": t("trainees.sensitivity.r2", language), "value": s.r2_yd_x},
        {"quantity": t("trainees.sensitivity.rv_q", language), "value": s.rv_q},
        {"quantity": t("trainees.sensitivity.rv_qa", language, alpha=s.alpha), "value": s.rv_qa},
        {"quantity": t("trainees.sensitivity.rv_method", language, method=result.method.upper()),
         "value": result.robustness_value},
    ])
    return _headers(head, language)


def benchmark_table(result, language: str = "en") -> pd.DataFrame:
    """The confounders benchmarked against observed covariates, covariates in words."""
    if result.sensitivity is None:
        return pd.DataFrame()
    return result.sensitivity.benchmark_table(language)


def metrics(prefix: str, results_by_outcome: dict) -> dict:
    """The doubly robust estimate, SE and interval of each outcome, for a report's metrics."""
    out = {}
    for outcome, results in results_by_outcome.items():
        lo, hi = results["aipw"].conf_int()
        out.update({f"{prefix}_{outcome}_att": results["aipw"].estimate, f"{prefix}_{outcome}_se": results["aipw"].se,
                    f"{prefix}_{outcome}_ci": [lo, hi]})
    return out


def rse_flag(estimate: float, se: float, language: str = "en") -> str:
    """BPS reliability rule on the relative standard error."""
    if estimate == 0:
        return t("trainees.rse.not_reliable", language)
    rse = abs(se / estimate)
    return t("trainees.rse." + ("usable" if rse <= 0.25 else ("caution" if rse <= 0.5 else "not_reliable")), language)


#: The experimental benchmark of the NSW job-training program (Dehejia & Wahba sample).
NSW_EXPERIMENTAL_ATT = 1794.34


def nsw_benchmark(methods=METHODS) -> pd.DataFrame:
    """Each estimator on NSW trainees vs the CPS-1 survey, against the experimental answer.

    On the same trainees, a randomised control group gives $1,794; an observational comparison
    from a labour-force survey must get close to it. It is the easy case (see notebook 04).
    """
    from ..fitlog import record as record_fit
    record_fit("nsw_benchmark")
    from ..config import REFERENCE_DIR
    from .trainees import NSW_COVARIATES, NSW_PROPENSITY_TERMS

    cps = pd.read_csv(REFERENCE_DIR / "lalonde" / "nsw_treated_vs_cps1.csv")
    rows = []
    for m in methods:
        r = training_effect(cps, outcome="re78", treatment="treat", covariates=NSW_COVARIATES, method=m,
                            propensity_terms=NSW_PROPENSITY_TERMS, sensitivity=False)
        lo, hi = r.conf_int()
        rows.append({"method": m, "estimate_usd": round(r.estimate), "se": round(r.se), "ci_low": round(lo), "ci_high": round(hi),
                     "gap_to_experiment": round(r.estimate - NSW_EXPERIMENTAL_ATT), "warnings": len(r.warnings)})
    return pd.DataFrame(rows)


def nsw_table(nsw: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """:func:`nsw_benchmark`'s table as a page shows it, headers in ``language``."""
    return _headers(nsw, language)


# ---------------------------------------------------------------------------------------
# Page pieces (notebook 04 calls these; each is one cell)
# ---------------------------------------------------------------------------------------


class NoTraineeData(ValueError):
    """The data folder has no trainee table, so trainee effects cannot be estimated."""


def national_for_page(national) -> NationalTraineeEffects:
    """The run's national trainee effects; a clear error when the data have no trainee table."""
    if national.trainees is None:
        raise NoTraineeData("this data folder has no trainee table: trainee effects cannot be estimated")
    return national.trainees


def regional_frame(dataset, region: str) -> pd.DataFrame:
    """The region's trainees and comparison persons, ready for estimation."""
    if dataset.trainees is None:
        raise NoTraineeData("this data folder has no trainee table: trainee effects cannot be estimated")
    return estimation_frame(dataset.for_region(region).trainees, dataset.centers, dataset.regency_years,
                            dataset.center_years)


def _responding(local: pd.DataFrame) -> int:
    return int(local.loc[local["trained"] == 1, "income_after_idr"].notna().sum())


def sample_text(name: str, local: pd.DataFrame, language: str = "en") -> str:
    """Who the region's data hold: trainees, respondents, comparison persons (small counts suppressed)."""
    return t("trainees.sample", language, name=name, trainees=count_text(local["trained"].sum()),
             answered=count_text(_responding(local)), comparison=count_text((local["trained"] == 0).sum()))


def headline_lines(results_by_outcome: dict, language: str = "en") -> str:
    """One line per outcome: the doubly robust estimate with its interval, and its warnings."""
    lines = []
    for out, results in results_by_outcome.items():
        head = results["aipw"]
        lo, hi = head.conf_int()
        if out == "income_after_idr":
            line = t("trainees.headline_income", language, estimate=rupiah(head.estimate), lo=rupiah(lo), hi=rupiah(hi))
        else:
            line = t("trainees.headline_share", language, outcome=t(f"outcome.{out}", language),
                     estimate=f"{100 * head.estimate:+.1f}", lo=f"{100 * lo:+.1f}", hi=f"{100 * hi:+.1f}")
        lines.append(line)
        lines += ["  " + t("word.warning", language) + ": " + w for w in head.warnings_text(language)]
    return "\n".join(lines)


def subgroup_note(table: pd.DataFrame, language: str = "en") -> str:
    """How to read a subgroup table (rows describe groups of trainees, not effects of the group)."""
    return t("trainees.subgroup_note", language)


#: Subgroup columns of :func:`by_group` (``"<group> (trainees of)"``) and their values shown in words.
_GROUPS = ("vocation", "host_type")


def subgroup_table(table: pd.DataFrame, min_trainees: int, language: str = "en") -> pd.DataFrame:
    """A subgroup table as published: small groups not estimated, counts below the cell size suppressed."""
    from ..report.privacy import suppress_small_cells

    out = suppress_small_cells(at_least(table, min_trainees).round(0), ["trainees", "respondents"])
    notes = table.attrs.get("notes", {})
    for group in _GROUPS:
        column = f"{group} (trainees of)"
        if column not in out:
            continue
        if language != "en" and "note" in out:
            out["note"] = [_note(notes.get(g), v, language) for g, v in zip(out[column], out["note"])]
        if language != "en":
            out[column] = [_group_value(group, v, language) for v in out[column]]
        out = out.rename(columns={column: t(f"trainees.col.by_{group}", language)})
    return _headers(out, language)


def _note(message, note, language: str):
    """A subgroup's note in ``language``: its message, or the general refusal when only English is known."""
    if not isinstance(note, str):
        return note
    if message is None:
        message = Message("trainees.not_estimated", reason=Term(note, "trainees.refusal.other"))
    return in_language(message, language)


def _group_value(group: str, value, language: str):
    """A vocation or host type as a page in ``language`` names it (vocations are Indonesian already)."""
    key = f"trainees.{group}.{value}"
    return t(key, language) if has(key, language) else value


def regional_effects(local: pd.DataFrame, fitted: NationalTraineeEffects, min_trainees: int) -> dict:
    """The region's naive and doubly robust estimates, or nothing when it has too few people."""
    if _responding(local) < min_trainees or int((local["trained"] == 0).sum()) < min_trainees:
        return {}
    return {out: effects(local, out, methods=("naive", "aipw"), national=fitted) for out in OUTCOMES}


def regional_table(local_results: dict, min_trainees: int, language: str = "en"):
    """The region's estimates as a table, or the sentence saying why there are none."""
    from IPython.display import Markdown

    from ..report.privacy import suppress_small_cells

    if not local_results:
        return Markdown(t("trainees.region_too_small", language, n=min_trainees))
    table = suppress_small_cells(_results(local_results, language).round(3), ["n_treated", "n_control"])
    return _headers(_outcomes_in_words(table, language), language)


def page_metrics(local: pd.DataFrame, fitted: NationalTraineeEffects, local_results: dict) -> dict:
    """What the trainee page publishes: national and regional doubly robust estimates."""
    return {"trainees_region": int(local["trained"].sum()), **metrics("national", fitted.effects),
            **metrics("region", local_results)}


def truth_table(results: dict, truth: pd.DataFrame | None, language: str = "en"):
    """:func:`truth_check` on the synthetic sample; for real data, the sentence saying there is no truth."""
    if truth is None:
        from IPython.display import Markdown

        return Markdown(t("truth.none", language))
    return truth_check(results, truth, language).round(2)
