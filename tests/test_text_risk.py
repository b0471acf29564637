"""The independence-risk page (notebook 05, and the risk paragraph of notebook 00) reads
Indonesian throughout with ``language="id"``: sentences, tables (headers and cell words: roles,
models, bands, indicators, context), the calibration and ROC figure, Kaplan-Meier and Cox;
the English page stays as it was and the exported register stays an English data file.

One real fit on the small sample (Jawa Tengah, DI Yogyakarta, Bali), with the sample's planted
truth as the oracle so every model row appears.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from evaluation.config import SAMPLE_DIR
from evaluation.data.load import load_dataset
from evaluation.data.regions import NATIONAL
from evaluation.report.tables import to_html
from evaluation.risk import cox_model, fit_risk, kaplan_meier, load_truth, survival_frame
from evaluation.risk.features import CONTEXT_FEATURES, LEVERS, NUMERIC_FEATURES, RiskSpec
from evaluation.risk.register import (INDICATOR_COLUMNS, INDICATOR_KEY_COLUMNS, REGISTER_COLUMNS, context_text,
                                      describe_feature, indicator_text)
from tests.language import catalogue_leaks, english_words, visible_text


@pytest.fixture(scope="module")
def dataset(small_sample):
    return load_dataset(small_sample)


@pytest.fixture(scope="module")
def result(dataset):
    return fit_risk(dataset, seed=0, truth=load_truth(SAMPLE_DIR, RiskSpec()))


@pytest.fixture(scope="module")
def km(dataset):
    return kaplan_meier(survival_frame(dataset.centers, dataset.center_years))


@pytest.fixture(scope="module")
def cox(dataset, result):
    return cox_model(survival_frame(dataset.centers, dataset.center_years), result.features)


def english(text: str) -> list[str]:
    """What in ``text`` is English: function words and sentences of the English catalogue."""
    return english_words(text) + catalogue_leaks(text)


def shown(df: pd.DataFrame, language: str = "id") -> str:
    return visible_text(to_html(df, language))


def figure_texts(fig) -> str:
    texts = []
    for ax in fig.axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [label.get_text() for label in ax.get_yticklabels()]
        if ax.get_legend() is not None:
            texts += [x.get_text() for x in ax.get_legend().get_texts()]
    plt.close(fig)
    return " | ".join(texts)


def sentences(result, language: str, folder="") -> dict[str, str]:
    return {
        "target": result.target_text("Jawa Tengah", language),
        "settings": result.settings_text(language),
        "register 33": result.register_text("33", language),
        "register ID": result.register_text(NATIONAL, language),
        "headline": result.headline_text("34", language),
        "export": result.export_text(folder, "33", "05_independence_risk.risk_register", language),
    }


def tables(result, km, cox, language: str) -> dict[str, pd.DataFrame]:
    return {
        "roles": result.cohort_roles(language),
        "validation": result.validation_table(language),
        "odds ratios": result.odds_ratio_table(language),
        "band check": result.band_check_table(language).round(3),
        "register 33": result.register_table("33", 15, language),
        "register ID": result.register_table(NATIONAL, None, language),
        "decided": result.decided_summary("33"),
        "km": km.summary(language).round(3),
        "cox": cox.summary(language).round(3),
    }


def figures(result, km, cox, language: str) -> dict[str, str]:
    return {"calibration": figure_texts(result.plot(language)), "km": figure_texts(km.plot(language)),
            "cox": figure_texts(cox.plot(language))}


# ------------------------------------------------------------------------------ Indonesian


def test_sentences_read_indonesian(result, tmp_path):
    found = {k: english(v) for k, v in sentences(result, "id", tmp_path).items()}
    assert {k: v for k, v in found.items() if v} == {}
    text = result.register_text("33", "id")
    assert "BLKK" in text and f"k = {result.k}" in text and "mandiri" in text
    assert result.selection.text("id").startswith("dipilih dengan validasi silang 5 lipatan")


def test_tables_read_indonesian(result, km, cox):
    found = {k: english(shown(df)) for k, df in tables(result, km, cox, "id").items()}
    assert {k: v for k, v in found.items() if v} == {}
    reg = result.register_table(NATIONAL, None, "id")
    assert set(reg["kelompok"]) <= {"tinggi", "sedang", "rendah"} and "tinggi" in set(reg["kelompok"])
    assert reg["tahap sekarang"].isin(["tumbuh", "berkembang"]).all()  # stages stay as they are
    assert reg["kabupaten/kota"].str.contains(r"\((?:33|34|51)\.\d\d\)").all()  # regency names and codes stay
    roles = result.cohort_roles("id").set_index("cohort")["role"]
    assert roles[2020].startswith("uji") and roles[2023].startswith("hasil belum diketahui")
    models = set(result.validation_table("id")["model"])
    assert {"logistik", "pembanding: satu variabel", "peluang sebenarnya (oracle)"} <= models
    # the code column of the Cox table is left out, the covariates are named in words
    assert "covariate" not in shown(cox.summary("id")) and "certification_rate" not in shown(cox.summary("id"))


def test_figures_read_indonesian(result, km, cox):
    found = {k: english(v) for k, v in figures(result, km, cox, "id").items()}
    assert {k: v for k, v in found.items() if v} == {}
    texts = figures(result, km, cox, "id")
    assert "Kalibrasi" in texts["calibration"] and "Menurut lembaga penyelenggara" in texts["km"]


def test_every_indicator_and_context_reads_indonesian(result):
    values = (0, 0.0001, 0.004, -0.3, 0.25, 1, 1.7, 2, 3, 12.5, np.nan, None)
    described = [describe_feature(f, v, 2, "id") for f in NUMERIC_FEATURES for v in values]
    described += [describe_feature("host_type", h, 2, "id") for h in ("pesantren", "other_religious", "union",
                                                                         "community")]
    described += [describe_feature("vocation", "TIK", 2, "id")]
    X = result.features.loc[result.register["center_id"]]
    for lever in LEVERS:
        for higher in (True, False):
            for short in (True, False):
                described.append(indicator_text(lever, higher, X, X.index[0], 2, "id", short=short))
    described += list(context_text(X, 2, "id"))
    found = {text: english(text) for text in described}
    assert {k: v for k, v in found.items() if v} == {}


# ------------------------------------------------------------------------------ English


def test_the_checks_find_the_english_page(result, km, cox):
    found = {k: english(v) for k, v in sentences(result, "en").items()}
    assert all(found.values()), found
    english_tables = tables(result, km, cox, "en")
    for name in ("roles", "odds ratios", "register 33", "register ID", "km"):
        assert english(shown(english_tables[name], "en")), name
    assert all(english(v) for v in figures(result, km, cox, "en").values())


def test_the_english_page_is_unchanged(result, km, cox):
    reg = result.register_for("33").head(15)
    table = result.register_table("33", 15)
    assert list(table.columns) == [
        "national rank", "center", "regency", "opened", "stage now", "risk of not reaching mandiri in time", "band",
        "indicators associated with the risk (not causes)", "context"]
    assert set(table["band"]) <= {"high", "medium", "low"}
    # the indicators and the context written from their keys are the register's English words
    stored = ["; ".join(v.replace(" (associated with higher risk)", "").replace(" (associated with lower risk)",
                                                                               " (goes with lower risk)")
                        for v in row) for row in reg[INDICATOR_COLUMNS].to_numpy()]
    assert list(table["indicators associated with the risk (not causes)"]) == stored
    assert list(table["context"]) == list(reg["context"])
    assert result.settings_text() == f"Register model settings {result.info['selection']}."
    assert result.info["selection"].startswith("chosen by 5-fold cross-validation inside cohorts 2017, 2018, 2019")
    assert "horizon is still open" in result.headline_text("33") and "not predicted" in result.headline_text("33")
    assert result.bands_text().startswith(f"Bands follow the ministry's support capacity k = {result.k}: high = ")
    roles = result.cohort_roles().set_index("cohort")["role"]
    assert roles[2019] == "settings chosen and model trained (cross-validation inside these cohorts)"
    assert list(result.odds_ratio_table().columns) == ["indicator", "kind", "odds ratio per SD", "95% low",
                                                       "95% high", "p-value"]
    assert set(result.validation_table()["model"]) >= {"logistic", "baseline_one_feature", "oracle"}
    assert list(result.band_check_table()["band"]) == ["high", "medium", "low"]
    texts = figures(result, km, cox, "en")
    assert "Predicted risk (decile mean)" in texts["calibration"] and "logistic (AUC " in texts["calibration"]
    assert "By host_type" in texts["km"] and "Cox model" in texts["cox"]
    assert "host: other_religious (vs pesantren)" in list(cox.summary()["label"])
    assert describe_feature("partnerships_last", 0) == "no partnerships by year 2"
    assert describe_feature("self_funded_last", 1, 3) == "1 self-funded package in year 3"
    assert describe_feature("host_type", "union") == "hosted by a trade union"


def test_the_register_keeps_what_each_indicator_is_and_exports_english(result, tmp_path):
    reg = result.register
    assert set(INDICATOR_KEY_COLUMNS) <= set(reg.columns)
    for j in (1, 2, 3):
        assert set(reg[f"indicator_{j}_lever"]) <= set(LEVERS)
        higher = reg[INDICATOR_COLUMNS[j - 1]].str.endswith("(associated with higher risk)")
        assert (higher == (reg[f"indicator_{j}_sign"] == 1)).all()
    files = result.export(tmp_path, region="33")
    back = pd.read_csv(files["csv"], dtype=str)
    assert list(back.columns) == REGISTER_COLUMNS
    assert back["context"].str.contains("opened in").all()
    assert not set(CONTEXT_FEATURES) & {f for feats in LEVERS.values() for f in feats}
