"""Data-quality summaries: what is in a dataset, for the CLI and the data-quality notebook."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .load import Dataset
from .schema import STAGES


def table_overview(ds: Dataset) -> pd.DataFrame:
    """One row per table: file, rows, columns, years covered, missing cells."""
    rows = []
    for name, df in ds.tables.items():
        years = df["year"] if "year" in df else df.get("cohort")
        rows.append(
            {
                "table": name,
                "file": ds.files[name].name,
                "rows": len(df),
                "columns": df.shape[1],
                "first_year": int(years.min()) if years is not None and len(df) else None,
                "last_year": int(years.max()) if years is not None and len(df) else None,
                "missing_cells": int(df.isna().sum().sum()),
            }
        )
    return pd.DataFrame(rows)


def centers_by_cohort(ds: Dataset) -> pd.DataFrame:
    """Centers opened per year, by host type."""
    tab = pd.crosstab(ds.centers["cohort"], ds.centers["host_type"], margins=True, margins_name="total")
    tab.index.name, tab.columns.name = "cohort", None
    return tab


def stage_shares(ds: Dataset) -> pd.DataFrame:
    """Share of operating centers in each independence stage, per year (percent)."""
    cy = ds.center_years.dropna(subset=["stage"])
    if cy.empty:
        return pd.DataFrame(columns=["year", *STAGES, "centers"])
    counts = pd.crosstab(cy["year"], cy["stage"]).reindex(columns=list(STAGES), fill_value=0)
    shares = counts.div(counts.sum(axis=1), axis=0).mul(100).round(1)
    shares["centers"] = counts.sum(axis=1)
    return shares.reset_index()


def coverage(ds: Dataset) -> dict:
    """Counts a reviewer checks first."""
    return {
        "centers": int(len(ds.centers)),
        "provinces": int(ds.centers["province_code"].nunique()),
        "regencies_with_centers": int(ds.centers["regency_code"].nunique()),
        "regencies_in_panel": int(ds.regency_years["regency_code"].nunique()),
        "center_years": int(len(ds.center_years)),
        "trainees": int(len(ds.trainees)) if ds.trainees is not None else 0,
    }


def summary_text(ds: Dataset) -> str:
    """The plain-text summary `blkk validate` prints."""
    cov = coverage(ds)
    lines = [
        f"Data folder: {ds.data_dir}",
        f"  {cov['centers']:,} centers in {cov['regencies_with_centers']} regencies of {cov['provinces']} provinces",
        f"  {cov['center_years']:,} center-years; regency panel covers {cov['regencies_in_panel']} regencies",
        f"  trainee records: {cov['trainees']:,}" if cov["trainees"] else "  trainee records: none (optional)",
        "",
        table_overview(ds).to_string(index=False),
        "",
        "Centers opened per year:",
        centers_by_cohort(ds)["total"].to_string(),
    ]
    shares = stage_shares(ds)
    if not shares.empty:
        lines += ["", "Independence stage (% of operating centers):", shares.tail(3).to_string(index=False)]
    return "\n".join(lines)


@dataclass
class DataCheck:
    """The data folder checked against the contract: the tables and every problem found."""

    dataset: Dataset | None
    report: object  # errors.ValidationReport

    def table(self, language: str = "en"):
        """Every problem with file, column and lines; or a sentence saying there is none."""
        from ..text import t

        problems = self.report.to_frame()
        if len(problems):
            return problems
        from IPython.display import Markdown

        return Markdown(t("quality.no_problems", language))

    def counts_text(self, language: str = "en") -> str:
        from ..text import t

        return t("quality.counts", language, errors=len(self.report.errors), warnings=len(self.report.warnings))

    def metrics(self) -> dict:
        return {"errors": len(self.report.errors), "warnings": len(self.report.warnings)}


def check(data_dir) -> DataCheck:
    """Validate ``data_dir`` (see :func:`evaluation.data.load.validate`)."""
    from .load import validate

    dataset, report = validate(data_dir)
    return DataCheck(dataset=dataset, report=report)


def coverage_table(ds: Dataset, local: Dataset, language: str = "en") -> pd.DataFrame:
    """The counts a reviewer checks first, nationally and for the region."""
    from ..text import t

    table = pd.DataFrame({t("word.national", language): coverage(ds), t("word.this_region", language): coverage(local)})
    table.index = [t(f"coverage.{k}", language) for k in table.index]
    return table


def metrics(data_check: DataCheck, local: Dataset) -> dict:
    """What the data-quality page publishes (stage shares in per cent: ``*_pct``)."""
    shares = stage_shares(local)
    return {**data_check.metrics(), **{f"region_{k}": v for k, v in coverage(local).items()},
            "mandiri_pct_last_year": float(shares["mandiri"].iloc[-1]) if len(shares) else None}
