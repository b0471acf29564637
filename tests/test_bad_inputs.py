"""The bad-input corpus (``tests/bad_inputs/cases.py``) through `blkk validate` and `blkk report`.

Every case runs through the validate command (in-process, the same ``main`` the console
script calls, so the exit code and printed text are what a user sees); a few run through
the installed console script, and a few through `blkk report`, which must refuse before
any kernel starts and write nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import evaluation.data as data_mod
from bad_inputs.cases import BY_NAME, CASES, CONSOLE_CASES, IDENTIFIER_VALUES, REPORT_CASES, Accept, CaseDir, Refuse
from evaluation import cli
from evaluation.data.load import validate as real_validate


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bad_inputs")


@pytest.fixture(scope="session")
def original(small_sample):
    """``original(name)``: the untouched small-sample table, as text."""
    cache: dict[str, pd.DataFrame] = {}

    def get(name: str) -> pd.DataFrame:
        if name not in cache:
            cache[name] = pd.read_csv(small_sample / f"{name}.csv", dtype=str, keep_default_na=False)
        return cache[name].copy()

    return get


@pytest.fixture(scope="session")
def build(small_sample, corpus_root):
    """``build(case)``: the case's data folder, generated once per session from the small sample."""

    def make(case) -> Path:
        path = corpus_root / case.name
        if not path.exists():
            work = corpus_root / f".{case.name}.building"
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(small_sample, work)
            case.mutate(CaseDir(work))
            work.rename(path)
        return path

    return make


def run_validate(path: Path, capsys, monkeypatch):
    """`blkk validate PATH` in-process: exit code, stdout, stderr and the report it printed."""
    seen = []

    def recording(data_dir, **options):
        dataset, report = real_validate(data_dir, **options)
        seen.append((dataset, report))
        return dataset, report

    monkeypatch.setattr(data_mod, "validate", recording)
    code = cli.main(["validate", str(path)])
    out = capsys.readouterr()
    assert len(seen) == 1
    return code, out.out, out.err, *seen[0]


def test_corpus_covers_the_brief():
    names = set(BY_NAME)
    assert len(CASES) >= 30
    for required in (
        "missing_file-centers", "missing_file-center_years", "missing_file-regency_years", "empty_file", "header_only",
        "wrong_type-count", "duplicate_key-centers", "unknown_regency_code", "code_as_number-33.1", "bps_codes_without_dot",
        "year_too_early", "years_as_floats-2019.0", "negative_count", "completed_over_enrolled", "certified_over_completed",
        "unemployed_over_labour_force", "rate_over_100", "orphan_center_id", "unknown_stage", "unknown_host_type",
        "indonesian_spreadsheet_export", "non_utf8-cp1252", "xlsx_title_rows", "parquet_codes_as_float", "trained_ya_tidak",
        "bom", "padded_codes_and_ids", "identifier_columns",
    ):
        assert required in names, required
    from evaluation.data.schema import REGENCY_EXTRAS, TABLES

    extras = {c.name for c in REGENCY_EXTRAS}  # optional, checked in tests/test_code_systems.py
    for name, table in TABLES.items():
        for column in table.columns:
            if column.name not in extras:
                assert f"missing_column-{name}-{column.name}" in names


@pytest.mark.parametrize("case", CASES, ids=str)
def test_validate_command(case, build, original, capsys, monkeypatch):
    path = build(case)
    code, out, err, dataset, report = run_validate(path, capsys, monkeypatch)
    assert "Traceback" not in out + err
    expected = case.expected
    if isinstance(expected, Refuse):
        assert code == 1, out
        hits = [
            p for p in report.errors if p.file == expected.file and p.column == expected.column and expected.message in p.message
        ]
        assert hits, "expected problem not reported; got:\n" + "\n".join(map(str, report.errors))
        # one defect, one file: the refusal does not send the user chasing other files
        assert {p.file for p in report.errors} == {expected.file}, "\n".join(map(str, report.errors))
        problem = hits[0]
        assert f"- {problem}" in err.splitlines()
        where = expected.file if expected.column is None else f"{expected.file}, column '{expected.column}'"
        assert where in err
        if expected.rows:
            assert problem.lines and problem.count >= len(problem.lines)
            assert f"line {problem.lines[0]}" in err
    else:
        assert isinstance(expected, Accept)
        assert code == 0, err
        assert "OK: the data meet the contract." in out
        assert report.ok and dataset is not None
        assert {p.column for p in report.warnings} == set(expected.warned_columns)
        for problem in report.warnings:
            assert f"warning: {problem}" in out.splitlines()
        if expected.check is not None:
            expected.check(dataset, original)
    for value in IDENTIFIER_VALUES:
        assert value not in out + err


def test_identifier_columns_warn_and_never_load(build):
    path = build(BY_NAME["identifier_columns"])
    with pytest.warns(data_mod.load.IdentifierColumnWarning) as record:
        dataset = data_mod.load_dataset(path)
    assert {str(w.message).split("'")[1] for w in record} == {"nik", "nama_peserta", "phone", "nama_pengelola", "telepon"}
    for table in dataset.tables.values():
        text = table.to_csv()
        assert not any(value in text for value in IDENTIFIER_VALUES)


def test_refusal_raises_with_every_problem(build):
    path = build(BY_NAME["non_utf8-cp1252"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(data_mod.DataValidationError) as info:
            data_mod.load_dataset(path)
    text = str(info.value)
    assert "centers.csv, column 'center_name'" in text and "line 3" in text and "Café" in text


# ------------------------------------------------------------------ the installed console script


def _run(cmd, env):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def console_runs(build, blkk_exe, project_env):
    cases = [BY_NAME[n] for n in CONSOLE_CASES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda c: _run([*blkk_exe, "validate", str(build(c))], project_env), cases)
        return dict(zip(CONSOLE_CASES, runs))


@pytest.mark.cli
@pytest.mark.parametrize("name", CONSOLE_CASES)
def test_console_validate(name, console_runs):
    case, out = BY_NAME[name], console_runs[name]
    assert "Traceback" not in out.stdout + out.stderr
    if isinstance(case.expected, Refuse):
        assert out.returncode == 1
        exp = case.expected
        assert (exp.file if exp.column is None else f"{exp.file}, column '{exp.column}'") in out.stderr
        assert exp.message in out.stderr
    else:
        assert out.returncode == 0, out.stderr
        assert "OK" in out.stdout
    assert not any(value in out.stdout + out.stderr for value in IDENTIFIER_VALUES)


@pytest.fixture(scope="module")
def report_runs(build, blkk_exe, project_env, tmp_path_factory):
    """`blkk report` on each refused case; the first has an earlier report in its out folder."""
    root = tmp_path_factory.mktemp("refused_reports")
    jobs = []
    for i, name in enumerate(REPORT_CASES):
        out_dir = root / name
        if i == 0:
            previous = out_dir / "33"
            (previous / "33").mkdir(parents=True)
            (previous / "index.html").write_text("<p>earlier report</p>", encoding="utf-8")
            (previous / "33" / "01_data_quality.html").write_text("<p>earlier page</p>", encoding="utf-8")
        cmd = [*blkk_exe, "report", "--scope", "33", "--notebooks", "01", "--data-dir", str(build(BY_NAME[name])),
               "--out", str(out_dir)]
        jobs.append((name, out_dir, cmd))
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda job: _run(job[2], project_env), jobs))
    return {name: (out_dir, run) for (name, out_dir, _), run in zip(jobs, runs)}


@pytest.mark.cli
@pytest.mark.parametrize("name", REPORT_CASES)
def test_report_refuses_and_writes_nothing(name, report_runs):
    case = BY_NAME[name]
    assert isinstance(case.expected, Refuse)
    out_dir, out = report_runs[name]
    assert out.returncode == 1, out.stdout + out.stderr
    assert "no report written" in out.stderr
    exp = case.expected
    assert (exp.file if exp.column is None else f"{exp.file}, column '{exp.column}'") in out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert "report:" not in out.stdout
    if name == REPORT_CASES[0]:
        files = sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file())
        assert files == ["33/33/01_data_quality.html", "33/index.html"]  # the earlier report, untouched
        assert (out_dir / "33" / "index.html").read_text(encoding="utf-8") == "<p>earlier report</p>"
    else:
        assert not out_dir.exists() or not any(out_dir.iterdir())
