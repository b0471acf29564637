"""The front of the risk room: fit once nationally, store, slice per region.

``fit_risk(dataset)`` builds features and labels and gives every labelled cohort one role:

* **selection and training**: the earlier labelled cohorts; the register model (the
  one-indicator rule, the capacity score or the logistic model on every feature) and its
  settings are chosen by cross-validation inside them (:mod:`evaluation.risk.selection`);
* **test**: the latest ``test_cohorts`` labelled cohorts, untouched until the final score
  (AUC, Brier, calibration, the check of the bands);

then refits the chosen settings on every labelled center and scores the register of *open*
centers (outcome still undecided); decided centers are kept as observed outcomes.
``RiskResult.save(path)`` stores it; ``load_risk(path).register_for("33")`` gives a regional
notebook its slice without refitting. ``evaluate_risk(data_dir)`` returns the headline
numbers as a plain dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.data.regions import NATIONAL
from evaluation.text import has, t

from .features import RiskSpec, category_label, center_features, feature_label, label_frame
from .models import BoostedRiskModel, FactorRiskModel, LogisticRiskModel
from .register import (CAPACITY, INDICATOR_KEY_COLUMNS, REGISTER_COLUMNS, build_register, capacity_bands, context_text,
                       decided_outcomes, decided_summary, indicator_text, indicators, register_for_region,
                       write_register_csv, write_register_xlsx)
from .selection import Selection, select_model
from .validation import (OneFeatureRule, ValidationResult, precision_at_k, time_split, validate_grouped_cv,
                         validate_time_split)

__all__ = ["RiskResult", "fit_risk", "evaluate_risk", "load_risk", "load_truth"]

TRUTH_FILE = Path("truth") / "center_mandiri_probability.csv"
CALIBRATION_NOTE = ("logistic and capacity score: Platt (sigmoid) on out-of-fold scores of the training centers "
                    "(folds chosen with the other settings inside the training cohorts); one-indicator rule: its own "
                    "logistic curve; boosted: isotonic, stratified 5-fold")
#: The column of the validation predictions (and row of the metrics) of each register model.
REGISTER_COLUMN = {"logistic": "logistic", "factor": "factor", "one_feature": "baseline_one_feature"}
#: Metric-name prefix and prediction column of every model and comparison (the register model's have no prefix).
COMPARISONS = (("logistic_", "logistic"), ("factor_", "factor"), ("boosted_", "boosted"),
               ("baseline_", "baseline_one_feature"), ("prevalence_", "baseline_prevalence"), ("oracle_", "oracle"))


def load_truth(data_dir, spec: RiskSpec) -> pd.Series | None:
    """True risk (1 - p_mandiri_within_4y) per center from a synthetic sample's truth folder,
    or None when the folder has none or the target/horizon differ from the planted ones."""
    path = Path(data_dir) / TRUTH_FILE
    if not path.exists() or spec.target_stage != "mandiri" or spec.horizon_years != 4:
        return None
    table = pd.read_csv(path, dtype={"center_id": str})
    return (1.0 - table.set_index("center_id")["p_mandiri_within_4y"].astype(float)).rename("oracle")


@dataclass
class RiskResult:
    """A fitted risk analysis: models, validation, metrics and the register."""

    spec: RiskSpec
    seed: int
    k: int  # centers the ministry can support: the size of the high band
    band_cuts: tuple[float, float]  # risk at the medium and high cuts among open centers
    features: pd.DataFrame
    labels: pd.DataFrame
    models: dict  # name -> fitted on every labelled center
    time_split: ValidationResult
    grouped_cv: ValidationResult | None
    register: pd.DataFrame  # open centers only
    metrics: dict
    odds_ratios: pd.DataFrame | None = None
    info: dict = field(default_factory=dict)
    decided: pd.DataFrame | None = None  # centers whose outcome is known
    selection: Selection | None = None
    band_check: pd.DataFrame | None = None  # the bands applied to the untouched test cohorts
    model: str = "logistic"  # the register model: a key of REGISTER_COLUMN (and of ``models``)

    # ------------------------------------------------------------------ the register model
    @property
    def register_model(self):
        """The fitted model that gives the register's probabilities."""
        return self.models[self.model]

    @property
    def indicator_model(self):
        """The fitted model whose contributions give the register's indicators: the register model
        when it is linear in the features, else the logistic model on every feature."""
        model = self.register_model
        return model if hasattr(model, "contributions") else self.models["logistic"]

    @property
    def register_column(self) -> str:
        """The register model's column in the validation predictions (its row in the metrics)."""
        return REGISTER_COLUMN[self.model]

    # ------------------------------------------------------------------ reading
    def summary(self) -> pd.DataFrame:
        """Metrics of each model, baseline and the oracle, for the time split and grouped CV."""
        parts = []
        for v in (self.time_split, self.grouped_cv):
            if v is None:
                continue
            m = v.metrics.copy()
            m.insert(0, "validation", v.scheme)
            m.index.name = "model"
            parts.append(m.reset_index())
        return pd.concat(parts, ignore_index=True)

    def odds_ratio_table(self, language: str = "en") -> pd.DataFrame:
        """Odds ratios per SD with their intervals, each indicator in words, levers marked."""
        from .features import CONTEXT_FEATURES, LEVERS

        def head(key: str) -> str:
            return t(f"risk.or.{key}", language)

        ors = self.odds_ratios if self.odds_ratios is not None else None
        if ors is None:
            c = self.coefficients()
            return pd.DataFrame({head("indicator"): [feature_label(f, language, default=f) for f in c["feature"]],
                                 head("odds_ratio"): c["odds_ratio_per_sd"].to_numpy()})
        ors = ors.drop(index="const", errors="ignore")
        levers = {f for feats in LEVERS.values() for f in feats}

        def words(col: str) -> str:
            base, _, level = col.partition("=")
            text = feature_label(base, language)
            return f"{text}: {category_label(base, level, language)}" if level else text

        def kind(col: str) -> str:
            name = "lever" if col in levers else "context" if col.split("=")[0] in CONTEXT_FEATURES else "other"
            return t(f"risk.kind.{name}", language)

        return pd.DataFrame({
            head("indicator"): [words(c) for c in ors.index],
            head("kind"): [kind(c) for c in ors.index],
            head("odds_ratio"): ors["odds_ratio"].to_numpy(), head("low"): ors["or_low"].to_numpy(),
            head("high"): ors["or_high"].to_numpy(), head("p_value"): ors["p_value"].to_numpy(),
        })

    def coefficients(self) -> pd.DataFrame:
        """The coefficients of the model that gives the indicators, on the calibrated log-odds scale, per SD."""
        return self.indicator_model.coefficients()

    def register_for(self, region: str) -> pd.DataFrame:
        """Open centers of a province ("33"), regency ("33.26") or all of Indonesia ("ID"), with the national rank."""
        return register_for_region(self.register, region)

    def decided_for(self, region: str) -> pd.DataFrame:
        """Centers of the region whose outcome is known (observed, not predicted)."""
        return register_for_region(self.decided, region)

    def decided_summary(self, region: str = NATIONAL) -> pd.DataFrame:
        """Decided centers of the region by cohort: reached the target in time or not."""
        return decided_summary(self.decided_for(region), self.spec.target_stage)

    def band_counts(self, region: str = NATIONAL) -> dict:
        """Open centers of the region per band (high / medium / low) and in all."""
        reg = self.register_for(region)
        counts = reg["risk_band"].value_counts().reindex(["high", "medium", "low"], fill_value=0)
        return {"open": int(len(reg)), **{b: int(n) for b, n in counts.items()}}

    def cohort_roles(self, language: str = "en") -> pd.DataFrame:
        """Which cohorts played which role: selection and training, test, register (open)."""
        ts = self.time_split.info
        lab = self.labels
        rows = []
        for c in sorted(lab["cohort"].unique()):
            n = int((lab["cohort"] == c).sum())
            if c in ts["train_cohorts"]:
                role = "train"
            elif c in ts["test_cohorts"]:
                role = "test"
            elif lab.loc[lab["cohort"] == c, "label"].isna().all():
                role = "open"
            else:
                role = "labelled"
            rows.append({"cohort": int(c), "centers": n, "role": t(f"risk.role.{role}", language)})
        return pd.DataFrame(rows)

    def with_capacity(self, k: int) -> "RiskResult":
        """The same result with bands for another support capacity ``k`` (nothing is refitted)."""
        import copy

        k = int(k)
        if k == self.k:
            return self
        out = copy.copy(self)
        reg = self.register.copy()
        reg["risk_band"] = np.where(reg["risk_rank"] <= k, "high", np.where(reg["risk_rank"] <= 2 * k, "medium", "low"))
        _, cuts = capacity_bands(reg["risk_probability"].to_numpy(), k)
        out.register, out.k, out.band_cuts = reg, k, cuts
        out.band_check = _band_check(self.time_split, cuts, self.register_column)
        out.metrics = {**self.metrics, "band_cut_medium": cuts[0], "band_cut_high": cuts[1],
                       "n_high_risk_open": int((reg["risk_band"] == "high").sum())}
        # precision at the new k on the untouched test cohorts, for the model and every comparison
        pred, ts = self.time_split.predictions, copy.copy(self.time_split)
        ts.metrics = ts.metrics.copy()
        for prefix, col in (("", self.register_column), *COMPARISONS):
            if col in pred.columns and pred[col].notna().all():
                value = precision_at_k(pred["label"], pred[col], k)
                out.metrics[f"{prefix}precision_at_k"] = value
                if col in ts.metrics.index:
                    ts.metrics.loc[col, "precision_at_k"] = value
        out.metrics["k"] = int(min(k, ts.info["n_test"]))
        out.time_split = ts
        return out

    def band_check_table(self, language: str = "en") -> pd.DataFrame | None:
        """:attr:`band_check` with the bands in words (None when there is none)."""
        if self.band_check is None:
            return None
        out = self.band_check.copy()
        out["band"] = [t(f"risk.band.{b}", language) for b in out["band"].astype(str)]
        return out

    def _indicator_keys(self, reg: pd.DataFrame) -> pd.DataFrame:
        """Lever and direction of each register row's indicators (recomputed from the model for
        a register stored without them)."""
        if all(c in reg.columns for c in INDICATOR_KEY_COLUMNS):
            return reg[INDICATOR_KEY_COLUMNS].reset_index(drop=True)
        X = self.features.loc[reg["center_id"]]
        why = indicators(self.indicator_model.contributions(X), X, self.spec.decision_age)
        out = pd.DataFrame(index=range(len(reg)))
        for j in (1, 2, 3):
            out[f"indicator_{j}_lever"] = why[f"indicator_{j}_lever"].to_numpy()
            out[f"indicator_{j}_sign"] = np.where(why[f"indicator_{j}_log_odds"].to_numpy() > 0, 1, -1)
        return out[INDICATOR_KEY_COLUMNS]

    def register_table(self, region: str = NATIONAL, n: int | None = 15, language: str = "en") -> pd.DataFrame:
        """The region's open centers as a reader sees them: names, risk in per cent, band,
        the indicators in one column (associations, not causes) and the context, in ``language``."""
        from evaluation.data.reference import load_regencies

        reg = self.register_for(region)
        if n is not None:
            reg = reg.head(n)
        names = load_regencies().set_index("regency_code")["name"]
        d = self.spec.decision_age
        X = self.features.loc[reg["center_id"]]
        keys = self._indicator_keys(reg)
        levers = keys[[f"indicator_{j}_lever" for j in (1, 2, 3)]].to_numpy()
        signs = keys[[f"indicator_{j}_sign" for j in (1, 2, 3)]].to_numpy()
        why = ["; ".join(indicator_text(lv, sg > 0, X, cid, d, language, short=True) for lv, sg in zip(lvs, sgs))
               for cid, lvs, sgs in zip(reg["center_id"], levers, signs)]
        context = context_text(X, d, language).to_numpy() if len(reg) else []

        def head(key: str, **values) -> str:
            return t(f"risk.register.{key}", language, **values)

        return pd.DataFrame({
            head("rank"): reg["risk_rank"].to_numpy(),
            head("center"): reg["center_name"].to_numpy(),
            head("regency"): [f"{names.get(c, c)} ({c})" for c in reg["regency_code"]],
            head("opened"): reg["cohort"].to_numpy(),
            head("stage_now"): reg["stage_now"].to_numpy(),
            head("risk", stage=self.spec.target_stage): [f"{p:.1%}" for p in reg["risk_probability"]],
            head("band"): [t(f"risk.band.{b}", language) for b in reg["risk_band"]],
            head("indicators"): why,
            head("context"): context,
        })

    def headline_text(self, region: str = NATIONAL, language: str = "en") -> str:
        """The register in two sentences: open centers by band, decided centers by outcome."""
        c = self.band_counts(region)
        dec = self.decided_summary(region)
        h = self.spec.horizon_years
        stage = self.spec.target_stage
        text = t("risk.headline.open", language, open=f"{c['open']:,}", stage=stage, horizon=h, high=c["high"],
                 k=self.k, medium=c["medium"], low=c["low"], auc=f"{self.metrics['auc']:.2f}")
        if len(dec):
            text += " " + t("risk.headline.decided", language, decided=f"{int(dec['centers'].sum()):,}",
                            reached=f"{int(dec['reached_in_time'].sum()):,}", stage=stage, horizon=h,
                            missed=f"{int(dec['not_reached'].sum()):,}")
        return text

    def bands_text(self, language: str = "en") -> str:
        """How the bands are cut: the support capacity and the risk at each cut."""
        lo, hi = self.band_cuts
        return t("risk.bands", language, k=self.k, high_cut=f"{hi:.1%}", medium_cut=f"{lo:.1%}")

    # ------------------------------------------------------------------ page pieces (notebook 05)
    def target_text(self, name: str, language: str = "en") -> str:
        """What is predicted, and from when, for the page of ``name``."""
        return t("risk.target", language, name=name, stage=self.spec.target_stage, horizon=self.spec.horizon_years,
                 age=self.spec.decision_age)

    def settings_text(self, language: str = "en") -> str:
        """How the register model's settings were chosen."""
        selection = (self.selection.text(language) if self.selection is not None
                     else t("risk.settings_given", language))
        return t("risk.settings", language, selection=selection)

    def validation_table(self, language: str = "en") -> pd.DataFrame:
        """The validation metrics a reviewer compares (AUC, Brier, ECE, precision at k) per model."""
        cols = ["validation", "model", "auc", "pr_auc", "brier", "ece", "precision_at_k"]
        table = self.summary()
        table = table[[c for c in cols if c in table.columns]].round(3)
        table["validation"] = [_name("validation", v, language) for v in table["validation"]]
        table["model"] = [_name("model", m, language) for m in table["model"]]
        return table

    def register_text(self, region: str = NATIONAL, language: str = "en") -> str:
        """The register's headline and how its bands are cut."""
        return self.headline_text(region, language) + " " + self.bands_text(language)

    def export_text(self, folder, region: str, stem: str, language: str = "en") -> str:
        """Export the region's register beside the page (report runs); the sentence saying where."""
        if not folder:
            return t("risk.not_exported", language)
        files = self.export(folder, region=region, stem=stem)
        return t("risk.exported", language, files=", ".join(f.name for f in files.values()))

    def page_metrics(self, region: str = NATIONAL) -> dict:
        """What the independence-risk page publishes."""
        reg = self.register_for(region)
        m = self.metrics
        return {
            "open_centers": int(len(reg)), "high_risk_open": int((reg["risk_band"] == "high").sum()),
            "decided_centers": int(self.decided_summary(region)["centers"].sum()), "capacity": int(self.k),
            "mean_risk_open": float(reg["risk_probability"].mean()) if len(reg) else None,
            **{k: m[k] for k in ("auc", "brier", "ece", "oracle_auc", "oracle_brier", "precision_at_k", "baseline_auc")
               if k in m},
        }

    def truth_metrics(self) -> dict:
        """The model's metrics beside the oracle's (the sample's planted probabilities; NaN for real data)."""
        return {k: round(v, 3) for k, v in self.metrics.items()
                if k.startswith(("auc", "oracle_auc", "brier", "oracle_brier", "ece")) and isinstance(v, float)}

    def plot(self, language: str = "en"):
        """Calibration curve and ROC curve of the time-split test set."""
        import matplotlib.pyplot as plt
        from sklearn.metrics import roc_curve

        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
        pred = self.time_split.predictions
        names = [n for n in ("logistic", "factor", "boosted", "baseline_one_feature", "oracle") if n in pred]
        ax1.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
        for n in names:
            table = self.time_split.calibration[n]
            name = _name("model", n, language)
            ax1.plot(table["mean_predicted"], table["observed"], marker="o", ms=3, label=name)
            fpr, tpr, _ = roc_curve(pred["label"], pred[n])
            ax2.plot(fpr, tpr, label=t("risk.plot.legend_auc", language, model=name,
                                       auc=f"{self.time_split.metrics.loc[n, 'auc']:.3f}"))
        lo = min(c["mean_predicted"].min() for c in self.time_split.calibration.values())
        cohorts = ", ".join(map(str, self.time_split.info["test_cohorts"]))
        ax1.set(xlim=(max(lo - 0.05, 0), 1), ylim=(max(lo - 0.05, 0), 1), xlabel=t("risk.plot.predicted", language),
                ylabel=t("risk.plot.observed", language, stage=self.spec.target_stage),
                title=t("risk.plot.calibration_title", language, cohorts=cohorts))
        ax2.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
        ax2.set(xlabel=t("risk.plot.fpr", language), ylabel=t("risk.plot.tpr", language),
                title=t("risk.plot.roc_title", language))
        ax1.legend(fontsize=7)
        ax2.legend(fontsize=7)
        fig.tight_layout()
        return fig

    # ------------------------------------------------------------------ storing
    def save(self, path) -> Path:
        """Store the whole result (joblib) so regional notebooks can read it without refitting."""
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(self, path, compress=3)
        return path

    def export(self, folder, region: str = NATIONAL, stem: str = "risk_register") -> dict[str, Path]:
        """Write the (regional) register as CSV and XLSX (in English: a data file)."""
        folder = Path(folder)
        reg = self.register_for(region)[REGISTER_COLUMNS]
        suffix = "" if region == NATIONAL else f"_{region}"
        return {"csv": write_register_csv(reg, folder / f"{stem}{suffix}.csv"),
                "xlsx": write_register_xlsx(reg, folder / f"{stem}{suffix}.xlsx")}


def load_risk(path) -> RiskResult:
    """A result stored with :meth:`RiskResult.save`."""
    import joblib

    result = joblib.load(Path(path))
    if not isinstance(result, RiskResult):
        raise TypeError(f"{path} does not hold a RiskResult")
    return result


def _name(kind: str, name: str, language: str = "en") -> str:
    """A validation scheme or model (``kind`` "validation" or "model") as the page names it."""
    key = f"risk.{kind}.{name}"
    return t(key, language) if has(key, language) else name


def _default_models(seed: int) -> dict:
    return {"logistic": LogisticRiskModel(random_state=seed), "factor": FactorRiskModel(random_state=seed),
            "boosted": BoostedRiskModel(random_state=seed)}


def fit_risk(dataset, target_stage: str = "mandiri", horizon_years: int = 4, decision_age: int = 2, seed: int = 0,
             *, test_cohorts: int = 2, k: int = CAPACITY, grouped_cv: bool = True, cv_splits: int = 5, n_bins: int = 10,
             truth: pd.Series | None | str = "auto", odds_ratios: bool = True,
             logistic_params: dict | None = None, model: str | None = None,
             factor_params: dict | None = None) -> RiskResult:
    """Fit, validate and score. ``dataset`` is an :class:`evaluation.data.load.Dataset`.

    Parameters
    ----------
    target_stage, horizon_years, decision_age : what is predicted and when (see ``features``).
    seed : seed of the selection and calibration folds and of the boosted trees.
    test_cohorts : how many of the latest labelled cohorts form the untouched test set.
    k : centers the ministry can support: the size of the high band (and of the medium band),
        and the ``k`` of precision at ``k``.
    truth : true risk per center for the oracle rows; ``"auto"`` reads the sample's truth folder.
    model, logistic_params, factor_params : the register model (``"one_feature"``, ``"factor"``
        or ``"logistic"``) and the settings of the logistic model and the capacity score; by
        default all chosen by cross-validation inside the training cohorts
        (:func:`~evaluation.risk.selection.select_model`). Given settings skip the selection:
        ``logistic_params`` alone means the logistic model with them (as in earlier versions);
        ``Selection.fit_kwargs()`` repeats a choice.
    """
    from ..fitlog import record as record_fit
    record_fit("fit_risk")
    spec = RiskSpec(target_stage, int(horizon_years), int(decision_age))
    centers, cy = dataset.centers, dataset.center_years
    last_year = int(cy["year"].max())
    features = center_features(centers, cy, dataset.regency_years, spec.decision_age)
    labels = label_frame(centers, cy, spec.target_stage, spec.horizon_years, last_year=last_year)
    if isinstance(truth, str) and truth == "auto":
        truth = load_truth(dataset.data_dir, spec)
    selection = None
    if model is None and logistic_params is None and factor_params is None:
        train, _, _ = time_split(labels, test_cohorts)
        selection = select_model(features.loc[train], labels.loc[train, "label"].astype(int).to_numpy(), seed=seed)
        model, logistic_params, factor_params = (selection.model, selection.best["logistic"],
                                                 selection.best["factor"])
    model = model or "logistic"
    if model not in REGISTER_COLUMN:
        raise ValueError(f"model must be one of {', '.join(REGISTER_COLUMN)}, got {model!r}")
    logistic_params = dict(logistic_params or {})
    factor_params = dict(factor_params or {"context": False})
    models = {"logistic": LogisticRiskModel(random_state=seed, **logistic_params),
              "factor": FactorRiskModel(random_state=seed, **factor_params),
              "boosted": BoostedRiskModel(random_state=seed)}
    column = REGISTER_COLUMN[model]

    ts = validate_time_split(features, labels, models, test_cohorts=test_cohorts, k=k, n_bins=n_bins, truth=truth)
    ts.info.pop("fitted", None)
    gcv = None
    provinces = centers.set_index("center_id")["province_code"]
    if grouped_cv and provinces.reindex(labels.index[labels["label"].notna()]).nunique() >= 2:
        gcv = validate_grouped_cv(features, labels, models, provinces, n_splits=cv_splits, k=k, n_bins=n_bins,
                                  truth=truth)

    lab = labels.index[labels["label"].notna()]
    y = labels.loc[lab, "label"].astype(int).to_numpy()
    fitted = {name: m.fit(features.loc[lab], y) for name, m in models.items()}
    if model == "one_feature":
        fitted["one_feature"] = OneFeatureRule().fit(features.loc[lab], y)
    chosen = fitted[model]
    explain = chosen if hasattr(chosen, "contributions") else fitted["logistic"]
    register = build_register(centers, cy, features, labels, chosen, boosted=fitted["boosted"],
                              target_stage=spec.target_stage, decision_age=spec.decision_age,
                              capacity=k, last_year=last_year, indicator_model=explain)
    _, cuts = capacity_bands(register["risk_probability"].to_numpy(), k)
    decided = decided_outcomes(centers, cy, labels, spec.target_stage, last_year)
    ors = fitted["logistic"].odds_ratios(features.loc[lab], y) if odds_ratios else None
    check = _band_check(ts, cuts, column)

    metrics = _headline(ts, gcv, spec, seed, k, labels, register, features, column)

    def plain(params: dict) -> dict:
        return {k_: (float(v) if isinstance(v, float) else v) for k_, v in params.items()}

    metrics.update({"n_decided": int(len(decided)), "band_cut_medium": cuts[0], "band_cut_high": cuts[1],
                    "model": model, "logistic_params": plain(logistic_params), "factor_params": plain(factor_params)})
    if model == "one_feature":
        metrics["one_feature"] = str(fitted["one_feature"].feature_)
    return RiskResult(spec, seed, k, cuts, features, labels, fitted, ts, gcv, register, metrics, ors,
                      info={"last_year": last_year, "calibration": CALIBRATION_NOTE,
                            "selection": selection.text() if selection else "settings given"},
                      decided=decided, selection=selection, band_check=check, model=model)


def _band_check(ts: ValidationResult, cuts: tuple[float, float], column: str = "logistic") -> pd.DataFrame:
    """The register's probability cuts applied to the untouched test cohorts: how many centers
    would have fallen in each band, their mean predicted risk (register model: ``column``) and
    how many then missed."""
    pred = ts.predictions
    p = pred[column].to_numpy()
    band = pd.Series(pd.Categorical(["high" if v >= cuts[1] else "medium" if v >= cuts[0] else "low" for v in p],
                                    categories=["high", "medium", "low"]), index=pred.index)
    g = pd.DataFrame({"band": band, "p": p, "y": pred["label"].to_numpy()}).groupby("band", observed=False)
    return pd.DataFrame({"test_centers": g.size(), "mean_predicted_risk": g["p"].mean(),
                         "observed_share_not_reaching": g["y"].mean()}).reset_index()


def _headline(ts: ValidationResult, gcv: ValidationResult | None, spec: RiskSpec, seed: int, k: int,
              labels: pd.DataFrame, register: pd.DataFrame, features: pd.DataFrame, column: str = "logistic") -> dict:
    """The register model's metrics (no prefix: ``auc``, ``brier`` ...) and every comparison's (prefixed)."""
    m = ts.metrics
    nan = float("nan")
    names = ("auc", "pr_auc", "brier", "ece", "precision_at_k", "precision_at_10pct", "precision_at_25pct",
             "precision_at_50pct")
    out = {name: float(m.loc[column, name]) for name in names}
    for prefix, row in COMPARISONS:
        for name in names:
            out[f"{prefix}{name}"] = float(m.loc[row, name]) if row in m.index else nan
    out["k"] = int(min(k, ts.info["n_test"]))
    out["prevalence_test"] = float(m.loc[column, "prevalence"])
    out["mean_predicted_test"] = float(m.loc[column, "mean_predicted"])
    # grouped-CV keys are always present (NaN when skipped, e.g. a single-province fit)
    g = gcv.metrics if gcv is not None else pd.DataFrame()
    for row, prefix in ((column, "cv"), ("logistic", "cv_logistic"), ("factor", "cv_factor"), ("boosted", "cv_boosted"),
                        ("baseline_one_feature", "cv_baseline"), ("oracle", "cv_oracle")):
        for name in ("auc", "brier", "ece"):
            out[f"{prefix}_{name}"] = float(g.loc[row, name]) if row in g.index else nan
    out.update({
        "n_train": int(ts.info["n_train"]), "n_test": int(ts.info["n_test"]),
        "train_cohorts": list(ts.info["train_cohorts"]), "test_cohorts": list(ts.info["test_cohorts"]),
        "baseline_feature": str(ts.info["one_feature"]),
        "n_labelled": int(labels["label"].notna().sum()), "n_scored": int(len(features)),
        "n_open": int(len(register)),
        "n_high_risk_open": int((register["risk_band"] == "high").sum()),
        "target_stage": spec.target_stage, "horizon_years": spec.horizon_years, "decision_age": spec.decision_age,
        "seed": int(seed), "calibration": CALIBRATION_NOTE,
    })
    return out


def evaluate_risk(data_dir, target_stage: str = "mandiri", horizon_years: int = 4, decision_age: int = 2,
                  seed: int = 0, **kwargs) -> dict:
    """Headline metrics of :func:`fit_risk` on a data folder (time-split test set; the oracle
    only where the folder holds the planted truth, else NaN)."""
    from evaluation.data.load import load_dataset

    result = fit_risk(load_dataset(data_dir), target_stage, horizon_years, decision_age, seed, **kwargs)
    return result.metrics
