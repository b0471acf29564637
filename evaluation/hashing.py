"""Fingerprints of what a run reads: data files, notebooks, the package's source.

One place for them, so that the manifest, the reuse of unchanged tasks and the store of
national models all agree on what "the same data" means.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

#: File types that count as data (one table per file, see the data contract).
DATA_SUFFIXES = (".csv", ".parquet", ".xlsx")


def sha256_file(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks so large tables do not fill memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


def data_hashes(data_dir: str | Path) -> dict[str, str]:
    """SHA-256 of every data file (csv, parquet, xlsx) under ``data_dir``.

    Sub-folders are included (e.g. ``truth/`` of the synthetic sample); hidden files and
    folders are skipped. Keys are POSIX paths relative to ``data_dir``, sorted, so two runs
    on the same data give the same dict. A missing folder raises ``FileNotFoundError``.
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"data folder not found: {root}")
    hashes = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in DATA_SUFFIXES:
            hashes[rel.as_posix()] = sha256_file(path)
    return dict(sorted(hashes.items()))


def data_key(hashes: dict[str, str], version: str = "") -> str:
    """A short key for one version of the data (and of the package that reads it)."""
    text = json.dumps({"data": hashes, "version": version}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_digest(package_dir: str | Path | None = None) -> str:
    """SHA-256 over the ``.py`` files of the ``evaluation`` package (names and bytes)."""
    root = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        digest.update(rel.as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
