"""The regional labour-market pages (notebook 03, and the labour-market paragraph of notebook 00)
read Indonesian throughout with ``language="id"``: sentences, tables, figures and every reason
an estimate was refused; the English pages stay as they were.

Real results on the small sample (Jawa Tengah, DI Yogyakarta, Bali): the national estimate
(analytic), DI Yogyakarta and the regency 34.04 (placebo regencies), and three refusals: a
regency whose province has too few comparison regencies (33.75), a regency with too few
placebo regencies in the other two provinces (33.26) and a regency without a center.
"""

from __future__ import annotations

import dataclasses
import html
import re
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data import load_dataset
from evaluation.impact import placebo, regional
from evaluation.impact.twfe import compare_twfe_cs
from evaluation.impact.within import Reason
from evaluation.report.tables import to_html
from evaluation.text import CATALOGUES
from tests.language import catalogue_leaks, english_words, visible_text

DRAWS = 199


@pytest.fixture(scope="module")
def panel(small_sample) -> pd.DataFrame:
    ds = load_dataset(small_sample)
    return regional.regency_panel(ds.centers, ds.regency_years, ds.center_years)


@pytest.fixture(scope="module")
def national(panel):
    return {o: regional.estimate(panel, o, "ID", draws=DRAWS) for o in regional.OUTCOMES}


@pytest.fixture(scope="module")
def across(panel):
    return {o: regional.across_provinces(panel, o) for o in regional.OUTCOMES}


@pytest.fixture(scope="module")
def regions(panel, national):
    """Region code -> both outcomes, as notebook 03 gets them from ``estimate_region``."""
    no_center = panel.loc[panel["cohort"] == 0, "regency_code"].iloc[0]
    fits = SimpleNamespace(within=national)
    out = {code: regional.estimate_region(panel, code, fits, draws=DRAWS)
           for code in ("34", "34.04", "33.75", "33.26", no_center)}
    out["ID"] = regional.estimate_region(panel, "ID", fits)
    return out


_EDGES = " ;:,.\n"
_WORD = re.compile(r"[^\W\d_][\w'-]*")


def _pattern(template: str) -> re.Pattern:
    pieces = re.split(r"\{[^}]*\}", template.strip(_EDGES))
    return re.compile(".+?".join(re.escape(p) for p in pieces), re.S)


def _words(text) -> set[str]:
    text = text if isinstance(text, str) else " ".join(map(str, text))
    return {w.lower() for w in _WORD.findall(re.sub(r"\{[^}]*\}", " ", text))}


_MINE = {k: v for k, v in CATALOGUES["en"].items() if k.startswith(("impact.", "col.")) and v != CATALOGUES["id"][k]}
#: This area's English texts, as patterns for a whole label or cell (short ones such as
#: "95% set", "yes" or "Change since 2016" pass the two general checks).
ENGLISH_LABELS = [_pattern(v) for v in _MINE.values() if v.strip(_EDGES)]
#: Words of this area's English texts that no Indonesian text uses ("province", "smoothness");
#: "pp", the unit :mod:`evaluation.formatting` writes after an effect, is in both languages.
ENGLISH_VOCABULARY = (set().union(*map(_words, _MINE.values())) - set().union(*map(_words, CATALOGUES["id"].values()))
                      - {"pp"})


def english_labels(labels) -> list[str]:
    return [x for x in labels if x.strip(_EDGES) and any(p.fullmatch(x.strip(_EDGES)) for p in ENGLISH_LABELS)]


def reads_indonesian(text: str, labels=None) -> None:
    """No English in ``text``, nor as any of ``labels`` (default: the text as a whole)."""
    assert english_words(text) == [], text
    assert catalogue_leaks(text) == [], text
    assert sorted(_words(text) & ENGLISH_VOCABULARY) == [], text
    assert english_labels([text] if labels is None else labels) == [], labels


def table_text(df: pd.DataFrame, language: str = "id") -> str:
    return visible_text(to_html(df, language))


def table_reads_indonesian(df: pd.DataFrame) -> None:
    page = to_html(df, "id")
    cells = [html.unescape(c) for c in re.findall(r"<t[hd](?:\s[^>]*)?>(.*?)</t[hd]>", page, re.S)]
    assert cells
    reads_indonesian(visible_text(page), cells)


def figure_reads_indonesian(fig) -> None:
    labels = figure_labels(fig)
    reads_indonesian(" ".join(labels), labels + [part for x in labels for part in re.split(r"[\n:;]", x)])


def figure_text(fig) -> str:
    return " ".join(figure_labels(fig))


def figure_labels(fig) -> list[str]:
    """Every word a reader sees on a figure: titles, axis labels, legends, word tick labels."""
    words = []
    for ax in fig.axes:
        words += [ax.get_title(loc=loc) for loc in ("left", "center", "right")]
        words += [ax.get_xlabel(), ax.get_ylabel()]
        words += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()
                  if any(c.isalpha() for c in t.get_text())]
        if ax.get_legend() is not None:
            words += [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)
    return [w for w in words if w]


def test_the_results_cover_every_kind_of_page(regions, national):
    assert national["unemployment_rate"].inference == "analytic"
    assert regions["ID"]["unemployment_rate"] is national["unemployment_rate"]
    assert regions["34"]["unemployment_rate"].inference == "placebo" and regions["34"]["unemployment_rate"].estimated
    assert regions["34.04"]["unemployment_rate"].trajectory is not None
    refused = {code: r["unemployment_rate"] for code, r in regions.items()
               if not r["unemployment_rate"].estimated}
    assert "33.75" in refused and "33.26" in refused and len(refused) == 3
    assert refused["33.26"].reason.startswith("no valid interval: only")
    assert all(r.why is not None for r in refused.values())


def test_paragraphs_read_indonesian(regions, national):
    for code, results in regions.items():
        text = regional.describe_all(results, f"Wilayah ({code})", "id")
        reads_indonesian(text)
        assert "selang 95%" in text or "Tidak ada estimasi" in text
    reads_indonesian(regional.describe_all(national, "Indonesia", "id"))
    for results in regions.values():
        r = results["unemployment_rate"]
        reads_indonesian(regional.headline_text(national["unemployment_rate"], r, "Wilayah", "id"))
        reads_indonesian(regional.short(r, "id"))
        reads_indonesian(r.identified_years("id"))
        for what in ("estimate", "sensitivity"):
            reads_indonesian(regional.why_no_figure(results, what, "id"))
        if r.estimated:
            reads_indonesian(r.pretest.text("id"))


def test_every_refusal_reason_reads_indonesian(panel, regions):
    for results in regions.values():
        for r in results.values():
            if not r.estimated:
                assert r.reason and r.reason_text("en") == r.reason
                reads_indonesian(r.reason_text("id"))
    # the pre-trend test and the bounds, where they cannot be computed
    pt = regional._sup_t(np.array([0, 1]), np.array([0.1, 0.2]), np.array([0.1, 0.1]), np.zeros((10, 2)), "x")
    assert "no year before opening" in pt.reason and "not computed" in pt.text()
    reads_indonesian(pt.text("id"))
    quick = {o: regional.estimate(panel, o, "34", draws=DRAWS, sensitivity=False) for o in regional.OUTCOMES}
    assert regional.why_no_figure(quick, "sensitivity") == "sensitivity bounds not computed: not requested"
    reads_indonesian(regional.why_no_figure(quick, "sensitivity", "id"))
    reads_indonesian(regional.describe_all(quick, "DI Yogyakarta", "id"))
    failed = regional.Sensitivity(reason="first / smoothness: sigma is not positive semi-definite. ",
                                  why=(Reason.of("impact.sensitivity.failed",
                                                 target=Reason.of("impact.sensitivity.first"),
                                                 restriction=Reason.of("impact.restriction.smoothness")),))
    reads_indonesian(failed.reason_text("id"))
    # placebo inference that cannot be done says why in both languages
    exc = placebo.PlaceboUnavailable(Reason.of("impact.placebo.no_noise", province="51"))
    assert str(exc).startswith("too few regency-years without a center in province 51")
    reads_indonesian(exc.reason.text("id"))


def test_cells_say_why_they_are_not_identified_in_either_language(regions):
    local = regions["33.75"]["unemployment_rate"]
    cells = local.cells[~local.cells["identified"]]
    assert len(cells) and all(row.why.text() == row.reason for row in cells.itertuples())
    for row in cells.itertuples():
        reads_indonesian(row.why.text("id"))
    for code in ("ID", "34", "33.75", "33.26"):
        table = regions[code]["unemployment_rate"].identification("id")
        table_reads_indonesian(table)
    assert regions["33.75"]["unemployment_rate"].identification()["why_not"].iloc[0] == cells["reason"].iloc[0]


def test_tables_read_indonesian(panel, regions, national, across, small_sample):
    table_reads_indonesian(regional.summary_table(national, "id"))
    table_reads_indonesian(regional.across_table(across, "id"))
    for results in regions.values():
        table_reads_indonesian(regional.summary_table(results, "id"))
        table_reads_indonesian(regional.planted_truth_table(results, SAMPLE_DIR, panel, "id"))  # planted truth
        sens = regional.sensitivity_table(results, language="id")
        if sens is not None:
            table_reads_indonesian(sens)
    assert regional.sensitivity_table(regions["34"], language="id") is not None
    reads_indonesian(regional.planted_truth_table(regions["34"], small_sample, panel, "id").data)  # no truth
    # both ways TWFE and Callaway-Sant'Anna can compare
    r = across["unemployment_rate"]
    reads_indonesian(compare_twfe_cs(r.twfe, r.simple, z=1e6, language="id"))
    reads_indonesian(compare_twfe_cs(r.twfe, r.simple, z=0.0, language="id"))


def test_figures_read_indonesian(regions, national):
    figures = [regional.plot_region(national, "Indonesia", "id"),
               regional.plot_region(regions["34"], "DI Yogyakarta", "id"),
               regional.plot_region(regions["34.04"], "Kab. Kulon Progo", "id"),
               regional.plot_sensitivity(national, language="id"),
               regional.plot_sensitivity(regions["34"], language="id"),
               national["log_mean_wage"].plot(language="id"),
               *(res.plot(language="id") for res in regions["34"]["unemployment_rate"].sensitivity.first.values())]
    assert all(fig is not None for fig in figures)
    for fig in figures:
        figure_reads_indonesian(fig)
    assert regional.plot_region(regions["33.75"], "Kota Pekalongan", "id") is None


def test_the_english_pages_are_unchanged_and_the_checks_can_fail(regions, national, across, panel, small_sample):
    refused = regions["33.75"]["unemployment_rate"]
    assert refused.reason == ("in no year after a center opened were at least 4 regencies of the province still "
                              "without a center (at most 1): the province's own trend cannot be separated from "
                              "the effect")
    assert regional.describe(refused, "Kota Pekalongan") == (
        f"**Open unemployment rate (TPT, pp).** No estimate for Kota Pekalongan: {refused.reason}.")
    assert list(regional.summary_table(national)) == [
        "outcome", "estimate", "95% interval", "p-value", "per center per 10k labour force",
        "smallest detectable (80% power)", "treated regencies compared", "inference", "pre-trend p-value",
        "breakdown Mbar (opening year)"]
    assert list(regional.sensitivity_table(national)) == ["effect", "restriction", "95% set", "includes zero"]
    head = regional.headline_text(national["unemployment_rate"], regions["34"]["unemployment_rate"], "DI Yogyakarta")
    assert head.startswith("**Nationally**") and "**In DI Yogyakarta**" in head
    # the checks above catch English
    english = [regional.describe_all(regions["34"], "DI Yogyakarta"), head,
               table_text(regional.summary_table(regions["33.26"]), "en"),
               table_text(regional.across_table(across), "en"),
               table_text(regional.planted_truth_table(regions["34"], SAMPLE_DIR, panel), "en"),
               figure_text(regional.plot_region(regions["34.04"], "Kulon Progo")),
               figure_text(regional.plot_sensitivity(national))]
    for text in english:
        assert english_words(text) or catalogue_leaks(text), text


def test_rarer_paths_read_indonesian(panel, national, across):
    """Analytic intervals for a province, an effect the data see, a cohort in the first year of
    the panel or after it, bounds without pre-periods, the reference design's pre-test."""
    fits = SimpleNamespace(within=national)
    analytic = regional.estimate_region(panel, "34", fits, min_treated=1, draws=DRAWS)
    assert analytic["unemployment_rate"].event.method == "analytic, clustered by regency"
    reads_indonesian(regional.describe_all(analytic, "DI Yogyakarta", "id"))
    table_reads_indonesian(regional.summary_table(analytic, "id"))
    reads_indonesian(regional.headline_text(national["log_mean_wage"], analytic["log_mean_wage"], "DIY", "id"))

    shifted = panel.copy()
    after = (shifted["cohort"] > 0) & (shifted["year"] >= shifted["cohort"])
    shifted.loc[after, "unemployment_rate"] -= 2.0
    seen = {"unemployment_rate": regional.estimate(shifted, "unemployment_rate", "ID", draws=DRAWS)}
    assert not seen["unemployment_rate"].simple.ci_low <= 0 <= seen["unemployment_rate"].simple.ci_high
    reads_indonesian(regional.describe_all(seen, "Indonesia", "id"))
    table_reads_indonesian(regional.sensitivity_table(seen, language="id"))

    code = panel.loc[panel["cohort"] == 0, "regency_code"].iloc[0]
    for cohort in (int(panel["year"].min()), int(panel["year"].max()) + 1):
        moved = panel.copy()
        moved.loc[moved["regency_code"] == code, "cohort"] = cohort
        r = regional.estimate(moved, "unemployment_rate", code, draws=DRAWS)
        assert not r.estimated
        reads_indonesian(r.reason_text("id"))
        if len(r.identification()):
            table_reads_indonesian(r.identification("id"))

    event = national["unemployment_rate"].event
    sens = regional._sensitivity(dataclasses.replace(event, event_time=event.event_time + 100))
    assert not sens.computed and "needs at least one pre-period" in sens.reason
    reads_indonesian(sens.reason_text("id"))
    spreadless = regional._sup_t(np.array([-3, 0]), np.array([0.1, 0.2]), np.array([0.0, 0.1]), np.zeros((10, 2)), "x")
    reads_indonesian(spreadless.text("id"))
    for r in across.values():
        reads_indonesian(r.pretest().text("id"))
    local = national["unemployment_rate"]
    traj = regional.estimate(panel, "unemployment_rate", "34.04", draws=DRAWS).trajectory
    figure_reads_indonesian(regional.plot_trajectory(traj, local.outcome, language="id"))
