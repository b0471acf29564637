"""The report runner withholds any page that shows a personal identifier."""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from evaluation.data.load import identifier_values
from evaluation.report.privacy import guard_identifiers
from evaluation.report.runner import run_report


def test_identifier_values_read_from_dropped_columns(broken):
    df = broken.frame("trainees")
    df["nama_peserta"] = "Siti Aminah Rahayu"
    df["nik"] = "3326011203980001"
    broken.write("trainees", df)
    values = identifier_values(broken.path)
    assert "Siti Aminah Rahayu" in values and "3326011203980001" in values


def test_guard_ignores_embedded_images():
    page = '<img src="data:image/png;base64,AAAA081234567890BBBB3326011203980001==">'
    assert guard_identifiers(page) == []
    assert guard_identifiers("<td>081234567890</td>") == ["081234567890"]
    # a sha256 in the footer may hold a run of 16 digits; it is not a NIK
    digest = "ab" + "1234567890123456" + "0812345678" + "c" * 38
    assert guard_identifiers(f"<td>{digest}</td>") == []
    # nor are the decimals of a float
    assert guard_identifiers('{"tpt_att": -0.7385862068965519, "x": 1.0812345678}') == []


@pytest.mark.notebooks
def test_page_with_identifier_is_withheld(broken, tmp_path):
    df = broken.frame("trainees")
    df["nama_peserta"] = "Siti Aminah Rahayu"
    broken.write("trainees", df)
    nb = new_notebook(metadata={"kernelspec": {"name": "blkk", "language": "python", "display_name": "blkk"},
                                "language_info": {"name": "python"}})
    params = new_code_cell('region = "33"\ndata_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell("# Leak"), params, new_code_cell('print("peserta: Siti Aminah Rahayu")')]
    path = tmp_path / "leak.ipynb"
    nbformat.write(nb, path)
    result = run_report([path], ["33"], {"data_dir": str(broken.path)}, tmp_path / "out", "leak", progress=False)
    (task,) = result.tasks
    assert task.status == "failed" and "privacy guard" in task.error
    region_dir = result.path / "33"
    assert not (region_dir / "leak.html").exists() and not (region_dir / "leak.ipynb").exists()
    everything = "".join(p.read_text() for p in result.path.rglob("*") if p.is_file())
    assert "Siti Aminah Rahayu" not in everything
    assert json.loads((result.path / "manifest.json").read_text())["tasks"][0]["status"] == "failed"
