"""The regional summary (notebook 00): the page a reviewer reads first, as one object.

:func:`regional_summary` gathers what the region has (centers, stages), what training does
for trainees (national estimate), what the centers do to the local labour market (national
and regional estimates, compared within provinces) and which open centers are at risk. Its
:meth:`RegionalSummary.section` writes each section in the page's language,
:meth:`~RegionalSummary.headline` gives the numbers the index shows, and
:meth:`~RegionalSummary.metrics` what the run publishes (units in the names).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .data import quality
from .data.regions import NATIONAL, region_name
from .formatting import effect as fmt_effect
from .formatting import number, percent, rupiah
from .text import t


@dataclass
class RegionalSummary:
    region: str
    name: str
    language: str
    coverage: dict
    stages: pd.Series | None          # latest year's stage shares of the region (percent)
    national_mandiri_pct: float | None
    trainees: object | None           # national trainee effects (tracer.NationalTraineeEffects)
    impact_national: object           # regional.RegionalImpact, every province compared within itself
    impact_region: object             # regional.RegionalImpact of this region
    risk: object                      # risk.RiskResult
    first_cohort: int | None
    last_cohort: int | None
    dataset: object = None            # the data (for the map)

    # -- numbers -------------------------------------------------------------------------
    def income(self):
        return None if self.trainees is None else self.trainees.headline("income_after_idr")

    def employment(self):
        return None if self.trainees is None else self.trainees.headline("employed_after")

    def metrics(self) -> dict:
        inc, emp = self.income(), self.employment()
        bands = self.risk.band_counts(self.region)
        tpt, local = self.impact_national, self.impact_region
        return {
            "name": self.name, "centers": self.coverage["centers"],
            "mandiri_pct": float(self.stages["mandiri"]) if self.stages is not None else None,
            "trainee_income_att_idr": float(inc.estimate) if inc is not None else None,
            "trainee_employment_att_share": float(emp.estimate) if emp is not None else None,
            "tpt_att_national_pp": float(tpt.simple.estimate), "tpt_mde80_national_pp": float(tpt.mde),
            "tpt_att_region_pp": float(local.simple.estimate) if local.estimated else None,
            "tpt_status_region": local.status,
            "open_centers": bands["open"], "high_risk_open": bands["high"],
            "headline": self.headline(),
        }

    def headline(self) -> dict:
        """Label -> {"text", "value"} for the index (labels in the page's language)."""
        from .impact import regional

        lang, inc = self.language, self.income()
        bands = self.risk.band_counts(self.region)
        local, tpt = self.impact_region, self.impact_national
        return {
            t("headline.centers", lang): {"text": number(self.coverage["centers"]), "value": self.coverage["centers"]},
            t("headline.mandiri", lang): ({"text": percent(self.stages["mandiri"] / 100, 0), "value": float(self.stages["mandiri"])}
                                          if self.stages is not None else {"text": "–", "value": None}),
            t("headline.high_risk", lang, k=self.risk.k): {"text": t("headline.of", lang, n=bands["high"], total=bands["open"]),
                                                           "value": bands["high"]},
            t("headline.income", lang): ({"text": rupiah(inc.estimate), "value": float(inc.estimate)}
                                         if inc is not None else {"text": "–", "value": None}),
            t("headline.tpt_national", lang): {"text": t("headline.tpt_with_mde", lang,
                                                         effect=fmt_effect("unemployment_rate", tpt.simple.estimate),
                                                         mde=fmt_effect("unemployment_rate", tpt.mde, signed=False)),
                                               "value": float(tpt.simple.estimate)},
            t("headline.tpt_region", lang): ({"text": regional.short(local, lang),
                                              "value": float(local.simple.estimate)} if local.estimated
                                             else {"text": t("headline.not_identified", lang), "value": None}),
        }

    def summary(self) -> pd.DataFrame:
        """The headline numbers as a table."""
        return pd.DataFrame([{"": k, " ": v["text"]} for k, v in self.headline().items()])

    # -- words ---------------------------------------------------------------------------
    def section(self, name: str):
        """One section of the page as Markdown: ``header``, ``trainees``, ``labour_market``, ``risk``."""
        from IPython.display import Markdown

        return Markdown(self.section_text(name))

    def section_text(self, name: str) -> str:
        lang = self.language
        if name == "header":
            if self.stages is None:
                return t("summary.header_empty", lang, name=self.name)
            cov = self.coverage
            return t("summary.header", lang, name=self.name, region=self.region, centers=number(cov["centers"]),
                     regencies=cov["regencies_with_centers"],
                     regency_word=t("word.regency" if cov["regencies_with_centers"] == 1 else "word.regencies", lang),
                     first=self.first_cohort, last=self.last_cohort, year=int(self.stages["year"]),
                     mandiri=f"{self.stages['mandiri']:.0f}", berkembang=f"{self.stages['berkembang']:.0f}",
                     tumbuh=f"{self.stages['tumbuh']:.0f}", national=f"{self.national_mandiri_pct:.0f}")
        if name == "trainees":
            inc, emp = self.income(), self.employment()
            if inc is None:
                return t("summary.trainees_none", lang)
            lo, hi = inc.conf_int()
            return t("summary.trainees", lang, income=rupiah(inc.estimate), lo=rupiah(lo), hi=rupiah(hi),
                     employment=f"{100 * emp.estimate:.1f}")
        if name == "labour_market":
            from .impact import regional

            return regional.headline_text(self.impact_national, self.impact_region, self.name, lang)
        if name == "risk":
            return self.risk.headline_text(self.region, lang)
        raise ValueError(f"unknown section {name!r}; use header, trainees, labour_market or risk")

    def plot_map(self, save_to: str | None = None):
        """The region's map (:func:`evaluation.maps.page_map`), or the reason shown in its place."""
        from . import maps, plots

        fig, why = maps.page_map(self.dataset, self.region, self.risk, self.language, save_to=save_to,
                                 min_controls=self.impact_national.min_controls,
                                 min_treated=self.impact_national.min_treated)
        return plots.figure_or_reason(fig, why, self.language)

    def register_table(self, n: int = 10) -> pd.DataFrame:
        return self.risk.register_table(self.region, n, self.language)


def regional_summary(national, dataset, region: str, language: str = "en", panel: pd.DataFrame | None = None
                     ) -> RegionalSummary:
    """The summary of ``region`` from the national stage and the data (nothing national is refitted)."""
    from .impact import regional

    local = dataset.for_region(region)
    shares = quality.stage_shares(local)
    national_shares = quality.stage_shares(dataset)
    if panel is None:
        panel = regional.regency_panel(dataset.centers, dataset.regency_years, dataset.center_years)
    # the same estimate, with the same comparison thresholds, as notebook 03 (the run's settings)
    impact_region = (national.impact.headline() if region == NATIONAL
                     else regional.estimate(panel, "unemployment_rate", region, sensitivity=False,
                                            min_controls=national.settings.min_controls,
                                            min_treated=national.settings.min_treated))
    return RegionalSummary(
        region=region, name=region_name(region), language=language, coverage=quality.coverage(local),
        stages=shares.iloc[-1] if len(shares) else None,
        national_mandiri_pct=float(national_shares.iloc[-1]["mandiri"]) if len(national_shares) else None,
        trainees=national.trainees, impact_national=national.impact.headline(), impact_region=impact_region,
        risk=national.risk,
        first_cohort=int(local.centers["cohort"].min()) if len(local.centers) else None,
        last_cohort=int(local.centers["cohort"].max()) if len(local.centers) else None,
        dataset=dataset,
    )
