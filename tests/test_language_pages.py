"""Reports in Bahasa Indonesia: every rendered page of a run with ``language="id"`` reads
Indonesian (no English sentence of the catalogue, no English function word), and the index
switches between the two languages' reports of a scope."""

from __future__ import annotations

import re

import pytest

from evaluation.cli import default_notebooks
from evaluation.report.index import language_run
from evaluation.report.runner import run_report
from tests.language import catalogue_leaks, english_words, visible_text

pytestmark = [pytest.mark.slow, pytest.mark.notebooks]
REGIONS = ["33", "33.26"]


@pytest.fixture(scope="module")
def runs(small_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("languages")
    params = {"data_dir": str(small_sample)}
    en = run_report(default_notebooks()[:2], ["33"], {**params, "language": "en"}, out, "33", language="en",
                    jobs=2, progress=False)
    id_ = run_report(default_notebooks(), REGIONS, {**params, "language": "id"}, out, "33-id", language="id",
                     jobs=2, progress=False)
    return en, id_


def _english(page: str) -> dict:
    text = visible_text(page)
    return {"function words": sorted(set(english_words(text))), "catalogue": catalogue_leaks(text)}


def test_every_page_of_an_indonesian_run_reads_indonesian(runs):
    _, id_ = runs
    assert {t.status for t in id_.tasks} == {"ok"}, [(t.notebook, t.region, t.error) for t in id_.tasks]
    found = {}
    for task in id_.tasks:
        english = _english(task.html.read_text(encoding="utf-8"))
        if any(english.values()):
            found[f"{task.region}/{task.html.name}"] = english
    assert found == {}


def test_the_check_finds_english_on_an_english_page(runs):
    en, _ = runs
    english = _english(en.tasks[0].html.read_text(encoding="utf-8"))
    assert english["function words"] and english["catalogue"]


def test_the_indonesian_index_reads_indonesian_and_switches_language(runs):
    en, id_ = runs
    index_id = (id_.path / "index.html").read_text(encoding="utf-8")
    assert _english(index_id) == {"function words": [], "catalogue": []}
    assert '<html lang="id">' in index_id
    assert "03 dampak regional" in index_id and "regional impact" not in index_id  # the pages' legend
    assert f'href="../{language_run("33-id", "en")}/index.html"' in index_id
    # the English run was written first; the Indonesian run rewrote its index to link back
    index_en = (en.path / "index.html").read_text(encoding="utf-8")
    assert 'href="../33-id/index.html"' in index_en
    assert re.search(r"<strong lang=\"en\">English</strong>", index_en)
