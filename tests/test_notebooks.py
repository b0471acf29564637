"""Every notebook runs once, through papermill, on a small slice of the sample."""

from __future__ import annotations


import nbformat
import papermill as pm
import pytest

from evaluation.cli import default_notebooks
from evaluation.config import KERNEL_NAME, NOTEBOOK_DIR

NOTEBOOKS = default_notebooks()


def test_notebooks_exist_and_are_committed_without_outputs():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert not any(c.get("outputs") for c in code), f"{path.name} has outputs"
        assert not any(c.get("execution_count") for c in code), f"{path.name} has execution counts"
        tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
        params = pm.inspect_notebook(str(path))
        assert {"region", "data_dir"} <= set(params), f"{path.name} lacks region/data_dir parameters"


@pytest.fixture(scope="module")
def fit_dir(small_sample, tmp_path_factory):
    """The national stage fitted once for these runs, as a report run does (a notebook run
    without ``fit_dir`` fits it itself: the Jupyter server test runs them that way)."""
    from evaluation import national

    folder, fitted = national.ensure(small_sample, tmp_path_factory.mktemp("fit"))
    assert fitted
    return str(folder)


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, small_sample, fit_dir, tmp_path):
    out = tmp_path / path.name
    parameters = {"region": "33", "data_dir": str(small_sample)}
    if "fit_dir" in pm.inspect_notebook(str(path)):
        parameters["fit_dir"] = fit_dir
    pm.execute_notebook(
        str(path),
        str(out),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        cwd=str(NOTEBOOK_DIR),
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors


@pytest.mark.notebooks
def test_notebook_rejects_bad_region(small_sample, tmp_path):
    path = NOTEBOOKS[0]
    with pytest.raises(pm.PapermillExecutionError, match="unknown region code"):
        pm.execute_notebook(
            str(path), str(tmp_path / "x.ipynb"), parameters={"region": "99.99", "data_dir": str(small_sample)},
            kernel_name=KERNEL_NAME, cwd=str(NOTEBOOK_DIR), progress_bar=False,
        )


def test_every_notebook_has_its_percent_script_in_sync():
    """``notebooks/<name>.py`` (jupytext percent format) says what the notebook says, so a
    change to a notebook reads as a plain diff; ``make notebooks`` rewrites them."""
    import jupytext

    for path in NOTEBOOKS:
        script = path.with_suffix(".py")
        assert script.is_file(), f"{script.name} is missing: run `make notebooks`"
        nb = jupytext.read(path)
        expected = jupytext.writes(nb, fmt="py:percent")
        assert script.read_text(encoding="utf-8") == expected, f"{script.name} differs from {path.name}: run `make notebooks`"
        paired = jupytext.read(script)
        assert [(c.cell_type, c.source) for c in paired.cells] == [(c.cell_type, c.source) for c in nb.cells]
