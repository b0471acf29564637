"""Figures with consistent labels in English or Bahasa Indonesia."""

from __future__ import annotations

import pandas as pd

LABELS = {
    "en": {
        "cohort": "Year opened",
        "centers": "Centers",
        "year": "Year",
        "share": "Share of operating centers (%)",
        "tumbuh": "tumbuh (growing)",
        "berkembang": "berkembang (developing)",
        "mandiri": "mandiri (independent)",
        "centers_by_cohort": "Centers opened per year",
        "stage_over_time": "Independence stage over time",
    },
    "id": {
        "cohort": "Tahun dibuka",
        "centers": "Jumlah BLKK",
        "year": "Tahun",
        "share": "Persentase BLKK beroperasi (%)",
        "tumbuh": "tumbuh",
        "berkembang": "berkembang",
        "mandiri": "mandiri",
        "centers_by_cohort": "BLKK dibuka per tahun",
        "stage_over_time": "Tahap kemandirian dari tahun ke tahun",
    },
}


def label(key: str, language: str = "en") -> str:
    return LABELS.get(language, LABELS["en"]).get(key, key)


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 3.5))
    return ax.figure, ax


def centers_by_cohort(centers: pd.DataFrame, language: str = "en", ax=None):
    """Bar chart of centers opened per year."""
    fig, ax = _axes(ax)
    counts = centers["cohort"].value_counts().sort_index()
    ax.bar(counts.index.astype(str), counts.values, color="#2b6f97")
    ax.set(xlabel=label("cohort", language), ylabel=label("centers", language), title=label("centers_by_cohort", language))
    for x, y in zip(counts.index.astype(str), counts.values):
        ax.annotate(f"{y:,}", (x, y), ha="center", va="bottom", fontsize=8)
    fig.tight_layout()
    return fig


def stage_over_time(shares: pd.DataFrame, language: str = "en", ax=None):
    """Stacked area of stage shares (output of ``quality.stage_shares``)."""
    fig, ax = _axes(ax)
    stages = ["tumbuh", "berkembang", "mandiri"]
    ax.stackplot(
        shares["year"],
        *[shares[s] for s in stages],
        labels=[label(s, language) for s in stages],
        colors=["#c9e3f2", "#5aa3cf", "#1b4f72"],
    )
    ax.set(xlabel=label("year", language), ylabel=label("share", language), title=label("stage_over_time", language), ylim=(0, 100))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def no_figure(reason: str):
    """Say on the page why a plotting cell shows no figure (no estimate for this region, ...).

    Displays the reason as text and marks the output so the report run's figure check
    (:mod:`evaluation.report.outputs`) knows the figure is absent on purpose.
    """
    from IPython.display import Markdown, display

    from evaluation.report.outputs import NO_FIGURE_KEY

    display(Markdown(f"*No figure: {reason}*"), metadata={NO_FIGURE_KEY: reason})
