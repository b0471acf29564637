"""Figures with consistent labels in English or Bahasa Indonesia."""

from __future__ import annotations

import pandas as pd

from .data.schema import STAGES
from .text import t

#: Colours of the three stages, lightest (tumbuh) to darkest (mandiri).
STAGE_COLOURS = ("#c9e3f2", "#5aa3cf", "#1b4f72")


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
    ax.set(xlabel=t("plot.cohort", language), ylabel=t("plot.centers", language), title=t("plot.centers_by_cohort", language))
    for x, y in zip(counts.index.astype(str), counts.values):
        ax.annotate(f"{y:,}", (x, y), ha="center", va="bottom", fontsize=8)
    fig.tight_layout()
    return fig


def stage_over_time(shares: pd.DataFrame, language: str = "en", ax=None):
    """Stacked area of stage shares (output of ``quality.stage_shares``)."""
    fig, ax = _axes(ax)
    ax.stackplot(
        shares["year"],
        *[shares[s] for s in STAGES],
        labels=[t(f"stage.{s}", language) for s in STAGES],
        colors=STAGE_COLOURS,
    )
    ax.set(xlabel=t("plot.year", language), ylabel=t("plot.share_of_operating", language),
           title=t("plot.stage_over_time", language), ylim=(0, 100))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def no_figure(reason: str, language: str = "en"):
    """Say on the page why a plotting cell shows no figure (no estimate for this region, ...).

    Displays the reason as text and marks the output so the report run's figure check
    (:mod:`evaluation.report.outputs`) knows the figure is absent on purpose.
    """
    from IPython.display import Markdown, display

    from evaluation.report.outputs import NO_FIGURE_KEY

    display(Markdown("*" + t("plot.no_figure", language, reason=reason) + "*"), metadata={NO_FIGURE_KEY: reason})


def figure_or_reason(fig, reason: str, language: str = "en"):
    """The figure, or (when there is none) the reason shown in its place on the page."""
    if fig is None:
        no_figure(reason, language)
    return fig


def outcomes_over_time(by_year: pd.DataFrame, language: str = "en"):
    """Completion, certification and placement rates, and own revenue over operating cost, by year."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
    for rate in ("completion_rate", "certification_rate", "placement_rate"):
        axes[0].plot(by_year["year"], by_year[rate], marker="o", label=t(f"label.{rate}", language))
    axes[0].set(ylim=(0, 1), ylabel=t("label.rate", language), title=t("plot.rates_title", language))
    axes[0].legend(fontsize=8)
    axes[1].plot(by_year["year"], by_year["own_revenue_share"], marker="o")
    axes[1].set(ylabel=t("label.own_revenue_share", language), title=t("plot.self_financing_title", language))
    for ax in axes:
        ax.set_xlabel(t("label.year", language))
    fig.tight_layout()
    return fig


def stage_by_age(by_age: pd.DataFrame, language: str = "en", ax=None):
    """Stacked bars: share of centers in each stage by years since opening."""
    fig, ax = _axes(ax)
    bottom = None
    for stage, colour in zip(STAGES, STAGE_COLOURS):
        ax.bar(by_age["age"].astype(str), by_age[stage], bottom=bottom, color=colour, label=t(f"stage.{stage}", language))
        bottom = by_age[stage] if bottom is None else bottom + by_age[stage]
    ax.set(xlabel=t("label.age", language), ylabel=t("label.pct_of_centers", language))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
