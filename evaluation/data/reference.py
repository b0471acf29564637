"""Reference tables: provinces and regencies (kabupaten/kota) with Kemendagri codes.

Codes are always read as strings ("33.10", never 33.1). The tables live in
``data/reference`` (see ``data/reference/SOURCES.md`` for where each value comes from).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from evaluation.config import REFERENCE_DIR

_PROVINCE_STR = ("province_code", "name")
_REGENCY_STR = ("regency_code", "code_nodot", "province_code", "name", "type", "short_name", "latlon_source")


def _read(path: Path, str_cols: tuple[str, ...]) -> pd.DataFrame:
    return pd.read_csv(path, dtype={c: str for c in str_cols}, keep_default_na=False, na_values=[""])


@lru_cache(maxsize=4)
def _provinces(reference_dir: str) -> pd.DataFrame:
    return _read(Path(reference_dir) / "provinces.csv", _PROVINCE_STR)


@lru_cache(maxsize=4)
def _regencies(reference_dir: str) -> pd.DataFrame:
    return _read(Path(reference_dir) / "regencies.csv", _REGENCY_STR)


def load_provinces(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """The 38 provinces: ``province_code`` (str), name, population (Dukcapil 2025), area, capital lat/lon."""
    return _provinces(str(reference_dir)).copy()


def load_regencies(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """The 514 kabupaten/kota: ``regency_code`` ("kk.kk", str), ``province_code``, name, ``type``
    (Kabupaten/Kota), population (Dukcapil 2025), area, lat/lon."""
    return _regencies(str(reference_dir)).copy()


def load_tpt_province(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """Provincial open unemployment rate (TPT, August, percent), 2018-2024, with both BPS and
    Kemendagri province codes (they differ for the Papua provinces)."""
    return _read(
        Path(reference_dir) / "tpt_province.csv",
        ("bps_province_code", "kemendagri_province_code", "province", "flag"),
    )


def load_tpt_national(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """National August TPT (percent), 2015-2025, with unemployed and labour force (millions) where
    published, the ``source`` of each row (outlet, date, address) and a ``note``."""
    return _read(Path(reference_dir) / "tpt_national.csv", ("source", "note"))


def load_umk_jateng(reference_dir: str | Path = REFERENCE_DIR) -> pd.DataFrame:
    """UMK (regency minimum wage) for the 35 kab/kota of Jawa Tengah, 2024 and 2025, IDR/month."""
    return _read(Path(reference_dir) / "umk_jateng.csv", ("regency_code", "name", "source_2024", "source_2025", "note"))


def is_kota(regency_code: str) -> bool:
    """True for a kota (city): the last two digits of the Kemendagri code are 71 or more."""
    code = str(regency_code).strip()
    suffix = code.split(".")[-1] if "." in code else code[-2:]
    if len(suffix) != 2 or not suffix.isdigit():
        raise ValueError(f"not a Kemendagri regency code: {regency_code!r}")
    return int(suffix) >= 71


def province_of(regency_code: str) -> str:
    """The province part of a regency code: "33.26" -> "33"."""
    code = str(regency_code).strip()
    if "." not in code:
        raise ValueError(f"not a Kemendagri regency code: {regency_code!r}")
    return code.split(".")[0]
