"""The trainee page (notebook 04) in Bahasa Indonesia: sentences, tables, figures and the
warnings and reasons that results carry, with no English reaching the reader; and the
English page as it was."""

from __future__ import annotations

import pickle

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from evaluation.config import SAMPLE_DIR  # noqa: E402
from evaluation.data import load_dataset  # noqa: E402
from evaluation.impact import tracer  # noqa: E402
from evaluation.impact.trainees import SIM_COVARIATES, simulate_trainees, training_effect  # noqa: E402
from evaluation.impact.trainees._text import Message, covariate_label, in_language  # noqa: E402
from evaluation.report.tables import to_html  # noqa: E402
from tests.language import catalogue_leaks, english_words, visible_text  # noqa: E402

#: Jawa Tengah, DIY and Bali: a national fit in about a second with every feature of the sample.
PROVINCES = ("33", "34", "51")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(SAMPLE_DIR)


@pytest.fixture(scope="module")
def trainees(ds):
    return ds.trainees[ds.trainees["regency_code"].astype(str).str[:2].isin(PROVINCES)]


@pytest.fixture(scope="module")
def fitted(ds, trainees):
    # through pickle, as a report run hands the national fit to the notebooks
    return pickle.loads(pickle.dumps(tracer.national_effects(trainees, ds.centers, ds.regency_years,
                                                             ds.center_years)))


@pytest.fixture(scope="module")
def bare(ds, trainees):
    """Without the labour-market table: every estimate carries a warning."""
    return tracer.national_effects(trainees, ds.centers)


@pytest.fixture(scope="module")
def truth():
    return tracer.planted_truth(SAMPLE_DIR)


@pytest.fixture(scope="module")
def survey():
    return simulate_trainees(n=1_500, seed=11)


def shown(df: pd.DataFrame, language: str) -> str:
    return visible_text(to_html(df, language))


def assert_indonesian(text: str):
    assert english_words(text) == [], text
    assert catalogue_leaks(text) == [], text


def figure_text(fig) -> str:
    parts = [fig._suptitle.get_text() if fig._suptitle is not None else ""]
    for ax in fig.axes:
        parts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        parts += [label.get_text() for label in ax.get_yticklabels()]
        parts += [text.get_text() for text in ax.texts]
        if ax.get_legend() is not None:
            parts += [text.get_text() for text in ax.get_legend().get_texts()]
    plt.close(fig)
    return "\n".join(parts)


def page_tables(fitted, truth, language):
    """Every table notebook 04 shows, as the notebook calls it."""
    head = fitted.headline("income_after_idr")
    return {
        "design": tracer.design_summary(fitted, language),
        "results": tracer.results_table(fitted.effects, language).round(3),
        "se": tracer.se_table(fitted.effects, fitted.se_by_regency, language).round(4),
        "balance": head.balance_table(language).round(3),
        "nonresponse": tracer.nonresponse_table(fitted.nonresponse, truth, language).round(3).T,
        "sensitivity": tracer.sensitivity_table(head, language).round(4),
        "benchmarks": head.sensitivity.benchmark_table(language).round(4),
        "benchmarks_tracer": tracer.benchmark_table(head, language).round(4),
        "dip": tracer.dip_table(fitted, truth, language).round(0),
        "by_vocation": tracer.subgroup_table(fitted.by_vocation, 30, language),
        "by_host_type": tracer.subgroup_table(fitted.by_host_type, 30, language),
        "truth": tracer.truth_table(fitted.effects, truth, language),
        "nsw": tracer.nsw_table(tracer.nsw_benchmark(("naive", "aipw")), language),
    }


def test_every_table_of_the_page_reads_indonesian(fitted, truth):
    for name, df in page_tables(fitted, truth, "id").items():
        assert not df.empty, name
        assert_indonesian(shown(df, "id"))


def test_the_english_tables_would_fail_the_check(fitted, truth):
    tables = page_tables(fitted, truth, "en")
    for name in ("design", "results", "dip", "sensitivity", "nonresponse", "balance", "by_vocation", "truth"):
        text = shown(tables[name], "en")
        assert english_words(text) or catalogue_leaks(text), name


def test_sentences_and_warnings_read_indonesian(fitted, bare, ds, trainees):
    local = tracer.estimation_frame(trainees, ds.centers, ds.regency_years, ds.center_years)
    assert_indonesian(tracer.sample_text("Jawa Tengah", local, "id"))
    assert_indonesian(tracer.subgroup_note(fitted.by_vocation, "id"))
    lines = tracer.headline_lines(bare.effects, "id")
    assert lines.count("peringatan:") == 2  # the missing labour market, under both outcomes
    assert_indonesian(lines)
    assert english_words(tracer.headline_lines(bare.effects, "en"))
    assert_indonesian(tracer.design_summary(bare, "id").to_string())


def test_regional_table_and_its_refusal_read_indonesian(fitted, ds, trainees):
    local = tracer.estimation_frame(trainees[trainees["regency_code"].astype(str).str[:2] == "33"], ds.centers,
                                    ds.regency_years, ds.center_years)
    local_results = tracer.regional_effects(local, fitted, 30)
    assert local_results
    assert_indonesian(shown(tracer.regional_table(local_results, 30, "id"), "id"))
    assert_indonesian(tracer.regional_table({}, 30, "id").data)


def test_figures_read_indonesian(fitted, truth):
    head = fitted.headline("income_after_idr")
    figures = {
        "balance": lambda lang: head.plot(language=lang),
        "nonresponse": lambda lang: tracer.nonresponse_plot(fitted.nonresponse, truth, lang),
        "sensitivity": lambda lang: head.sensitivity.plot(language=lang),
        "lee": lambda lang: fitted.nonresponse["income_after_idr"]["lee"].plot(truth=0.0, language=lang),
    }
    for name, draw in figures.items():
        assert_indonesian(figure_text(draw("id")))
        assert english_words(figure_text(draw("en"))), name


def warned_results(survey) -> list:
    """Results that carry each kind of warning the estimators give."""
    fit = lambda method, **kw: training_effect(survey, "income", "treat", SIM_COVARIATES, method=method, **kw)  # noqa: E731
    blank = survey.assign(income=survey["income"].where((survey["treat"] == 0) | (survey.index % 3 > 0)))
    rng = np.random.default_rng(5)
    few = pd.DataFrame({"x": np.r_[rng.normal(0, 1, 300), [-0.5, 0.0, 0.5]], "treat": np.r_[np.ones(300), np.zeros(3)]})
    few["y"] = few["x"] + few["treat"] + rng.normal(0, 0.1, len(few))
    few = pd.concat([few, pd.DataFrame({"x": rng.normal(-3, 0.5, 200), "treat": 0.0, "y": rng.normal(0, 1, 200)})],
                    ignore_index=True)
    return [
        fit("naive"),
        training_effect(survey.assign(cl=np.arange(len(survey)) % 12), "income", "treat", SIM_COVARIATES,
                        cluster="cl"),
        fit("ipw", trim=(0.05, 0.95)),
        fit("aipw", trim="crump", estimand="ate"),
        fit("aipw", trim="support"),
        fit("match", caliper=0.01),
        training_effect(blank, "income", "treat", SIM_COVARIATES, missing_outcome="complete"),
        training_effect(few, "y", "treat", ["x"], method="match", n_neighbors=1, caliper=None),
        training_effect(few, "y", "treat", ["x"], method="ipw"),
    ]


def test_every_warning_has_an_indonesian_text(survey):
    kinds = set()
    for r in warned_results(survey):
        for w in r.warnings:
            assert isinstance(w, Message), w
            kinds.add(w.key)
            assert_indonesian(w.text("id"))
            assert w.text("en") == str(w)
        assert r.warnings_text("id") == [w.text("id") for w in r.warnings]
    assert {"trainees.warn.raw_imbalance", "trainees.warn.few_clusters", "trainees.warn.trimmed_att",
            "trainees.warn.trimmed_ate", "trainees.warn.caliper", "trainees.warn.nonresponse_ignored",
            "trainees.warn.match_reuse", "trainees.warn.overlap_low"} <= kinds, kinds
    assert english_words(" ".join(w for r in warned_results(survey) for w in r.warnings))


def test_a_refused_estimate_says_why_in_indonesian(survey):
    blank = survey.assign(income=survey["income"].where(survey["treat"] == 0))
    with pytest.raises(ValueError, match="is blank for every trainee") as caught:
        training_effect(blank, "income", "treat", SIM_COVARIATES, missing_outcome="ipw")
    note = Message("trainees.not_estimated", reason=tracer._reason(caught.value))
    assert str(note) == "not estimated: outcome column 'income' is blank for every trainee: nothing to estimate"
    assert_indonesian(note.text("id"))
    other = Message("trainees.not_estimated", reason=tracer._reason(ValueError("the logit did not converge")))
    assert other.text("id") == "tidak diestimasi: estimator menolak kelompok ini"
    # a subgroup table whose notes are English text only still shows Indonesian
    table = pd.DataFrame({"vocation (trainees of)": ["Las"], "trainees": [40], "respondents": [35],
                          "note": ["not estimated: the logit did not converge"]})
    assert_indonesian(shown(tracer.subgroup_table(table, 30, "id"), "id"))


def test_messages_survive_pickling_and_show_covariates_in_words():
    w = Message("trainees.warn.few_clusters", n=12)
    back = pickle.loads(pickle.dumps(w))
    assert back == w and back.text("id") == w.text("id") and isinstance(back, Message)
    assert covariate_label("age*female", "id") == "umur × perempuan"
    assert covariate_label("education_years**2", "en") == "years of education²"
    assert covariate_label("island_bali_nusa_tenggara", "id") == "kelompok pulau: Bali dan Nusa Tenggara"
    assert covariate_label("re74", "id") == "re74" and in_language(3, "id") == 3


def test_english_is_unchanged(fitted, bare, truth, survey):
    results = tracer.results_table(fitted.effects)
    assert list(results.columns) == ["method", "estimand", "estimate", "se", "ci_low", "ci_high", "n_treated",
                                     "n_control", "se_unclustered", "n_clusters", "robustness_value", "outcome",
                                     "reliability (BPS RSE rule)"]
    assert set(results["reliability (BPS RSE rule)"]) <= {"usable", "use with caution", "not reliable"}
    assert list(tracer.se_table(fitted.effects, fitted.se_by_regency).columns) == [
        "outcome", "method", "se clustered", "se unclustered", "ratio", "clusters", "se clustered by regency"]
    assert list(tracer.nonresponse_table(fitted.nonresponse, truth).columns) == [
        "outcome", "response rate (trainees)", "truth: all trainees", "truth: responding trainees",
        "AIPW complete cases", "SE complete cases", "AIPW response-weighted", "SE response-weighted",
        "Lee lower", "Lee upper", "Lee 95% low", "Lee 95% high"]
    check = tracer.truth_check(fitted.effects, truth)
    assert list(check.columns) == ["outcome", "true ATT (sample)", "AIPW", "SE", "naive", "planted bias (expected)",
                                   "AIPW within 2 SE of truth"]
    assert check["AIPW within 2 SE of truth"].dtype == bool
    dip = tracer.dip_table(fitted, truth)
    assert dip.index.name == "quantity" and dip.index[0] == "mean monthly income before training: trainees"
    assert tracer.sensitivity_table(fitted.headline())["quantity"].iloc[-1] == \
        "robustness value of the AIPW estimate (approximate)"
    assert tracer.headline_lines(bare.effects).splitlines()[1] == (
        "  warning: The regency's minimum wage (log UMK) and unemployment rate are not among the covariates: no "
        "regency_years table was passed to estimation_frame. Region, year and kota are.")
    r = training_effect(survey.assign(cl=np.arange(len(survey)) % 12), "income", "treat", SIM_COVARIATES, cluster="cl")
    assert "Only 12 clusters: cluster-robust standard errors are unreliable with few clusters." in r.warnings
    assert tracer.rse_flag(1.0, 0.3) == "use with caution" and tracer.rse_flag(1.0, 0.3, "id") == "gunakan dengan hati-hati"
    assert "vocation (trainees of)" in fitted.by_vocation.columns
    assert list(tracer.subgroup_table(fitted.by_vocation, 30).columns)[:3] == [
        "vocation (trainees of)", "trainees", "respondents"]
