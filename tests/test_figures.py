"""Pages show their figures: warm kernels give the same pages as cold ones, and a page
whose plotting cell drew nothing is flagged in the manifest, on the page and on the index.

The warm/cold comparison runs every notebook of the project for a province and two of
its regencies, once in warm kernels (the default of ``blkk report``) and once with a
fresh kernel per notebook, and compares what each cell shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluation.cli import default_notebooks
from evaluation.report import outputs
from evaluation.report.index import render_index
from evaluation.report.runner import run_report

#: Full report runs: the complete suite (`make check`), not the newcomer's (`make test`).
pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
FIGURES = FIXTURES / "figures.ipynb"
NOTEBOOKS = default_notebooks()
#: A province and two of its regencies (a kabupaten and a kota), all in the small sample.
REGIONS = ["33", "33.26", "33.75"]
PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}


def figure_cell(*outs, ran=True):
    cell = new_code_cell("draw()", metadata={"tags": [outputs.FIGURE_TAG]})
    cell.outputs = list(outs)
    cell.execution_count = 1 if ran else None
    return cell


# --------------------------------------------------------------------------- unit


def test_missing_figures_lists_tagged_cells_without_an_image_or_a_reason():
    nb = new_notebook(cells=[
        figure_cell(new_output("display_data", data=PNG)),
        figure_cell(new_output("stream", name="stdout", text="drew nothing\n")),
        figure_cell(new_output("display_data", data={"text/markdown": "*No figure: x*"},
                               metadata={outputs.NO_FIGURE_KEY: "no estimate"})),
        figure_cell(ran=False),  # never ran: the task's status speaks for it
        new_code_cell("x = 1"),  # untagged cells are not checked
    ])
    assert outputs.figure_cells(nb) == [0, 1, 2, 3]
    assert outputs.missing_figures(nb) == [1]
    assert outputs.no_figure_reason(nb.cells[2]) == "no estimate"
    assert "cell 1" in outputs.figure_warnings(nb)[0]
    nb.cells[1].outputs.append(new_output("execute_result", data={"image/svg+xml": "<svg/>"}, execution_count=1))
    assert outputs.missing_figures(nb) == [] and outputs.figure_warnings(nb) == []


def test_signature_normalises_addresses_times_and_temporary_paths_but_not_content():
    def nb(text, images=1):
        cell = new_code_cell("x")
        cell.outputs = [new_output("stream", name="stdout", text=text)] + [new_output("display_data", data=PNG)] * images
        return new_notebook(cells=[cell])

    a = nb("<object at 0x7f3a2b1c9d00> 2026-12-02T06:43:52+00:00 /tmp/pytest-1/.33.tmp-ab12/r.csv\n")
    b = nb("<object at 0x7f00deadbeef> 2027-01-01T00:00:00+00:00 /tmp/pytest-9/.33.tmp-ff00/r.csv\n")
    assert outputs.signature(a) == outputs.signature(b)
    assert outputs.differences(a, b) == []
    diffs = outputs.differences(a, nb("<object at 0x7f3a2b1c9d00> 2026-12-02T06:43:52+00:00 /tmp/x/.33.tmp-1/r.csv\n", images=0))
    assert diffs and "1 image(s) against 0" in diffs[0]
    assert outputs.differences(nb("AUC 0.82\n"), nb("AUC 0.81\n")) == ["cell 0, output 0: differs in ['text']"]


def test_every_plotting_cell_of_the_project_is_tagged():
    """A cell that draws (plots., .plot(, plt.) must carry the tag the runner checks."""
    draws = re.compile(r"\bplots\.\w+\(|\.plot\b|\bplt\.(subplots|figure|plot)\b")
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and draws.search(cell.source):
                assert outputs.FIGURE_TAG in cell.metadata.get("tags", []), f"{path.name} cell {i} draws but is not tagged"
    assert sum(len(outputs.figure_cells(nbformat.read(p, as_version=4))) for p in NOTEBOOKS) >= 8


# --------------------------------------------------------------------------- runner


@pytest.mark.notebooks
def test_runner_flags_a_plotting_cell_without_figure_in_manifest_page_and_index(tmp_path):
    # two regions in one warm kernel: the second notebook must still show its figure
    result = run_report([FIGURES], ["r1", "r2"], {}, tmp_path, "figs", jobs=1, progress=False, engine="warm")
    assert result.ok
    for task in result.tasks:
        nb = nbformat.read(task.ipynb, as_version=4)
        # parameters, injected parameters, drawn, absent on purpose, forgotten
        assert [outputs.image_count(c) for c in nb.cells if c.cell_type == "code"] == [0, 0, 1, 0, 0], task.region
        forgotten = len(nb.cells) - 1
        assert outputs.missing_figures(nb) == [forgotten]
        assert task.warnings == outputs.figure_warnings(nb) and f"cell {forgotten}" in task.warnings[0]
        page = task.html.read_text(encoding="utf-8")
        assert page.count("<img") == 1
        assert 'id="blkk-warnings"' in page and f"cell {forgotten}" in page
        assert "No figure: nothing to draw for this region" in page
    records = json.loads((result.path / "manifest.json").read_text())["tasks"]
    assert all(r["status"] == "ok" and r["warnings"] == t.warnings for r, t in zip(records, result.tasks))
    index = (result.path / "index.html").read_text(encoding="utf-8")
    assert "Pages with warnings" in index and index.count("status-warning") >= 2

    # a rerun carries the warnings over with the outputs
    again = run_report([FIGURES], ["r1", "r2"], {}, tmp_path, "figs", jobs=1, progress=False, engine="warm")
    assert all(t.reused and t.warnings for t in again.tasks)


def test_index_shows_no_warning_section_for_clean_pages():
    manifest = {"run_name": "r", "regions": ["33"], "notebooks": ["a"],
                "tasks": [{"region": "33", "notebook": "a", "status": "ok", "html": "33/a.html", "warnings": []}]}
    page = render_index(manifest, {})
    assert "Pages with warnings" not in page and "status status-warning" not in page


# --------------------------------------------------------------------------- warm = cold


@pytest.fixture(scope="module")
def warm_and_cold(small_sample, tmp_path_factory):
    out = tmp_path_factory.mktemp("warm_cold")
    params = {"data_dir": str(small_sample)}
    warm = run_report(NOTEBOOKS, REGIONS, params, out, "warm", jobs=2, progress=False, engine="warm")
    cold = run_report(NOTEBOOKS, REGIONS, params, out, "cold", jobs=2, progress=False, engine="cold")
    return warm, cold


@pytest.mark.notebooks
@pytest.mark.slow
def test_warm_and_cold_kernels_give_the_same_outputs_in_every_cell(warm_and_cold):
    warm, cold = warm_and_cold
    assert warm.ok, [(t.region, t.notebook.name, t.error) for t in warm.failed]
    assert cold.ok, [(t.region, t.notebook.name, t.error) for t in cold.failed]
    pairs = {(t.region, t.notebook.stem): [t] for t in warm.tasks}
    for t in cold.tasks:
        pairs[(t.region, t.notebook.stem)].append(t)
    assert len(pairs) == len(NOTEBOOKS) * len(REGIONS)
    for (region, stem), (w, c) in pairs.items():
        diffs = outputs.differences(nbformat.read(w.ipynb, as_version=4), nbformat.read(c.ipynb, as_version=4))
        assert not diffs, f"{region} {stem}: warm and cold differ: {diffs}"


@pytest.mark.notebooks
@pytest.mark.slow
def test_every_rendered_page_shows_the_figures_of_its_plotting_cells(warm_and_cold):
    warm, cold = warm_and_cold
    for run in (warm, cold):
        for task in run.tasks:
            nb = nbformat.read(task.ipynb, as_version=4)
            assert task.warnings == [], f"{task.region} {task.notebook.stem}: {task.warnings}"
            images = sum(outputs.image_count(c) for c in nb.cells)
            page = task.html.read_text(encoding="utf-8")
            assert page.count("<img") == images, f"{task.region} {task.notebook.stem}"
            if task.region == "33":  # the province page draws its figures, or says on the page why not
                for i in outputs.figure_cells(nb):
                    reason = outputs.no_figure_reason(nb.cells[i])
                    assert outputs.image_count(nb.cells[i]) > 0 or (reason and f"No figure: {reason}" in page), \
                        f"{task.notebook.stem} cell {i}"
                if outputs.figure_cells(nb):
                    assert images >= 1, task.notebook.stem
                if task.notebook.stem == "00_regional_summary":  # the province page carries its map
                    (map_cell,) = [c for c in nb.cells if c.cell_type == "code" and "plot_map" in c.source]
                    assert outputs.image_count(map_cell) == 1


@pytest.mark.notebooks
@pytest.mark.slow
def test_every_rendered_table_reads_without_help(warm_and_cold):
    """One table style on every page: no bare integer index, no snake_case header, no cut cell."""
    warm, _ = warm_and_cold
    snake = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
    for task in warm.tasks:
        page = task.html.read_text(encoding="utf-8")
        body = page.split('id="blkk-reproducibility"')[0]  # the footer lists file names and parameters
        for table in re.findall(r"<table[^>]*>.*?</table>", body, re.S):
            where = f"{task.region} {task.notebook.stem}"
            assert 'class="blkk-table"' in table[:60], f"{where}: a table not in the report style"
            tbody = table[table.find("<tbody"):]
            assert "<th" not in tbody, f"{where}: an index column"
            heads = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
            assert not [h for h in heads if snake.search(h)], f"{where}: snake_case headers {heads}"
            cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]
            assert not [c for c in cells if c.endswith(("…", "..."))], f"{where}: a cut cell"
