"""Shared fixtures: small copies of the embedded sample to break in one way at a time."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

from evaluation.config import PROJECT_ROOT, SAMPLE_DIR  # noqa: E402

TABLE_FILES = ("centers.csv", "center_years.csv", "regency_years.csv", "trainees.csv")


@pytest.fixture(scope="session", autouse=True)
def hand_run_fit_cache(tmp_path_factory):
    """Notebooks and pages run by hand in the tests share one national-fit cache of their own
    (never the user's), inherited by the kernels they start."""
    from evaluation.national import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("fit_cache"))
    yield Path(os.environ[CACHE_ENV])
    if before is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DIR


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory) -> Path:
    """The sample cut to three provinces (Jawa Tengah, DIY, Bali): small but with every feature."""
    out = tmp_path_factory.mktemp("small_sample")
    keep = ("33", "34", "51")
    centers = pd.read_csv(SAMPLE_DIR / "centers.csv", dtype=str)
    centers = centers[centers["province_code"].isin(keep)]
    centers.to_csv(out / "centers.csv", index=False)
    cy = pd.read_csv(SAMPLE_DIR / "center_years.csv", dtype=str)
    cy[cy["center_id"].isin(centers["center_id"])].to_csv(out / "center_years.csv", index=False)
    ry = pd.read_csv(SAMPLE_DIR / "regency_years.csv", dtype=str)
    ry[ry["regency_code"].str[:2].isin(keep)].to_csv(out / "regency_years.csv", index=False)
    tr = pd.read_csv(SAMPLE_DIR / "trainees.csv", dtype=str, keep_default_na=False)
    tr[tr["regency_code"].str[:2].isin(keep)].to_csv(out / "trainees.csv", index=False)
    return out


@pytest.fixture
def broken(small_sample, tmp_path):
    """A writable copy of the small sample; edit it with ``frame``/``write`` helpers."""

    class Copy:
        path = tmp_path / "data"

        def frame(self, name: str) -> pd.DataFrame:
            return pd.read_csv(self.path / f"{name}.csv", dtype=str, keep_default_na=False)

        def write(self, name: str, df: pd.DataFrame) -> None:
            df.to_csv(self.path / f"{name}.csv", index=False)

    shutil.copytree(small_sample, Copy.path)
    return Copy()


@pytest.fixture(scope="session")
def blkk_exe() -> list[str]:
    """The console script as a user runs it (falls back to the module in odd environments)."""
    import sys

    exe = Path(sys.executable).parent / "blkk"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evaluation.cli"]


@pytest.fixture(scope="session")
def project_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return env
