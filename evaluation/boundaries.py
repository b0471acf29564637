"""Kab/kota boundaries: the simplified polygons of ``data/reference/regency_boundaries.geojson``.

The file (built by ``data/reference/build_boundaries.py`` from GitHub
``cahyadsn/wilayah_boundaries``, MIT; see ``data/reference/SOURCES.md``) holds one
MultiPolygon per kab/kota, keyed by its Kemendagri code (``"33.26"``), in longitude/latitude
degrees on a grid of 1e-4 degree. Neighbours share identical edges, so the outline of any group
of kab/kota (a province) is the set of its edges that no two members share
(:func:`outline`). Plain ``json`` and numpy: no GIS library is needed to read or draw it.

Everything is read once per process and kept (``lru_cache``); callers get read-only arrays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from evaluation.config import REFERENCE_DIR

BOUNDARIES_FILE = REFERENCE_DIR / "regency_boundaries.geojson"
#: The grid the coordinates are written on (``build_boundaries.DECIMALS`` = 4).
GRID = 1e-4


@dataclass(frozen=True)
class Shape:
    """One kab/kota: its rings (exteriors counter-clockwise, holes clockwise, each ``(n, 2)``
    lon/lat, closed: the last point repeats the first), how many parts (islands), and its box."""

    code: str
    province_code: str
    name: str
    rings: tuple
    parts: int
    bounds: tuple  # (lon_min, lat_min, lon_max, lat_max)


def _ring(coords) -> np.ndarray:
    a = np.asarray(coords, dtype=float)
    a.setflags(write=False)
    return a


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Shape]:
    with open(path, encoding="utf-8") as f:
        collection = json.load(f)
    shapes = {}
    for feature in collection["features"]:
        props = feature["properties"]
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = tuple(_ring(r) for poly in polygons for r in poly)
        allpts = np.concatenate(rings)
        lo, hi = allpts.min(axis=0), allpts.max(axis=0)
        shapes[props["regency_code"]] = Shape(props["regency_code"], props["province_code"], props["name"], rings,
                                              len(polygons), (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])))
    return shapes


def shapes(path: str | Path = BOUNDARIES_FILE) -> dict[str, Shape]:
    """Every kab/kota's :class:`Shape`, by regency code (read once per process)."""
    return _load(str(path))


def source(path: str | Path = BOUNDARIES_FILE) -> dict:
    """Where the polygons come from (repository, commit, licence, how simplified)."""
    with open(path, encoding="utf-8") as f:
        head = f.readline()
    return json.loads(head.split('"source":', 1)[1].rsplit(',"features"', 1)[0])


def bounds(codes, path: str | Path = BOUNDARIES_FILE) -> tuple | None:
    """The box around the kab/kota ``codes`` (those with a shape), or ``None``."""
    known = shapes(path)
    boxes = np.array([known[c].bounds for c in codes if c in known])
    if not len(boxes):
        return None
    return (float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()), float(boxes[:, 3].max()))


@lru_cache(maxsize=256)
def _outline(codes: tuple, path: str) -> np.ndarray:
    known = _load(path)
    rings = [r for c in codes if c in known for r in known[c].rings]
    if not rings:
        return np.empty((0, 2, 2))
    a = np.concatenate([r[:-1] for r in rings])
    b = np.concatenate([r[1:] for r in rings])
    ia, ib = np.rint(a / GRID).astype(np.int64), np.rint(b / GRID).astype(np.int64)
    swap = (ia[:, 0] > ib[:, 0]) | ((ia[:, 0] == ib[:, 0]) & (ia[:, 1] > ib[:, 1]))
    lo, hi = np.where(swap[:, None], ib, ia), np.where(swap[:, None], ia, ib)
    keys = np.concatenate([lo, hi], axis=1)
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    single = counts[inverse.ravel()] == 1  # an edge of one member only lies on the outline
    segments = np.stack([a[single], b[single]], axis=1)
    segments.setflags(write=False)
    return segments


def outline(codes, path: str | Path = BOUNDARIES_FILE) -> np.ndarray:
    """The outline of the union of kab/kota ``codes`` as segments ``(m, 2, 2)`` (lon/lat):
    the edges no two of them share (coast and the border with the rest)."""
    return _outline(tuple(sorted(codes)), str(path))
