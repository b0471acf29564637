import pytest

from evaluation.config import NOTEBOOK_DIR, ParameterError
from evaluation.report.params import declared, parameters_for

NB = NOTEBOOK_DIR / "02_center_outcomes.ipynb"


def test_declared_types():
    spec = declared(NB)
    assert spec["region"] == "str" and spec["min_cell"] == "int"


def test_only_declared_parameters_pass():
    out = parameters_for(NB, {"region": "33", "data_dir": "x", "fit_dir": "/tmp/fit", "min_cell": 5})
    assert out == {"region": "33", "data_dir": "x", "min_cell": 5}


@pytest.mark.parametrize("name,value", [("min_cell", "10"), ("min_cell", 2.5), ("min_cell", True), ("region", 33)])
def test_wrong_types_refused_before_running(name, value):
    with pytest.raises(ParameterError, match=name):
        parameters_for(NB, {name: value})


@pytest.mark.notebooks
def test_parameter_value_never_becomes_code(small_sample, tmp_path):
    import papermill as pm

    marker = tmp_path / "pwned"
    hostile = f'33"; open({str(marker)!r}, "w").write("x"); x = "'
    with pytest.raises(pm.PapermillExecutionError, match="unknown region code"):
        pm.execute_notebook(str(NOTEBOOK_DIR / "01_data_quality.ipynb"), str(tmp_path / "o.ipynb"),
                            parameters={"region": hostile, "data_dir": str(small_sample)},
                            kernel_name="blkk", cwd=str(NOTEBOOK_DIR), progress_bar=False)
    assert not marker.exists()
