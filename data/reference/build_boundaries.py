"""Build ``regency_boundaries.geojson``: simplified kab/kota polygons keyed by Kemendagri code.

Source: GitHub ``cahyadsn/wilayah_boundaries`` (MIT, "Copyright (c) 2024 Cahya DSN"),
``db/kab/wilayah_boundaries_kab_<province>.sql``: one ``INSERT`` row per kab/kota with
``kode``, ``nama``, ``lat``, ``lng`` and ``path``, a JSON array of polygons whose points are
written **[lat, lng]** (latitude first). GeoJSON wants [lon, lat]; this script swaps them.
Only values are read from the source; the code is ours.

Steps (all in degrees of longitude/latitude):

1. parse the 38 SQL files (a checkout, or a bare git directory read with ``git show``);
2. repair each geometry (``make_valid``, "structure" method: parts that overlap or nest are
   united, collapsed rings dropped);
3. Kabupaten Sorong (96.01), as updated in the source in May 2026, overlaps its neighbours
   Tambrauw (96.04, about 5,000 km2) and Maybrat (96.05, about 390 km2); those areas are left
   to the neighbours (the reference area of Kabupaten Sorong, 7,565 km2, fits the result);
   any other overlap larger than ``MAX_OVERLAP`` stops the build;
4. ``coverage_clean``: the small overlaps and gaps left between neighbours by the source's
   own per-polygon simplification are removed, so neighbours share identical edges;
5. parts (islands) smaller than ``MIN_PART`` are dropped, except the largest parts of each
   kab/kota up to half of its area (``KEEP_SHARE``), so every kab/kota keeps at least one part
   and one made of small islands only (Kepulauan Seribu) keeps most of its land;
6. ``coverage_simplify`` (Visvalingam-Whyatt on shared edges: neighbours stay edge-matched,
   no gaps or overlaps appear) with tolerance ``TOLERANCE``;
7. coordinates snapped to a grid of ``DECIMALS`` decimals (about 11 m; ``set_precision``,
   which keeps each geometry valid), rings oriented as RFC 7946 asks (exterior
   counter-clockwise, holes clockwise);
8. checks: the 514 codes of ``regencies.csv``, one or more parts each, every geometry valid;
   a kab/kota whose point in ``regencies.csv`` lies more than 0.5 degree outside its bounding
   box is printed (95.05 Mamberamo Tengah: its point there lies in Kabupaten Sarmi, 91.10).

Output: a GeoJSON FeatureCollection, one feature per line, ``id`` = ``regency_code``
("kk.kk"), properties ``regency_code``, ``province_code``, ``name``; geometry always a
MultiPolygon; a foreign member ``source`` names repository, commit and licence.

Shapely is a build-time tool only (the package draws the file with plain matplotlib)::

    python -m venv /tmp/bvenv && /tmp/bvenv/bin/pip install 'shapely>=2.2'
    /tmp/bvenv/bin/python data/reference/build_boundaries.py PATH_TO/wilayah_boundaries

``PATH_TO/wilayah_boundaries`` is a clone (or its ``.git`` directory / a bare mirror).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "regency_boundaries.geojson"

TOLERANCE = 0.004        # degrees; ~0.45 km: shapes read at province scale (1 px ~ 0.01 deg)
MIN_PART = 4e-5          # square degrees; ~0.5 km2: an island smaller than this is dropped ...
KEEP_SHARE = 0.5         # ... unless the kab/kota would keep less than this share of its area
GAP_WIDTH = 0.005        # degrees; gaps narrower than this between neighbours are closed
MAX_OVERLAP = 0.005      # square degrees; ~60 km2: a larger overlap left stops the build
DECIMALS = 4
YIELDS = {"96.01": ("96.02", "96.03", "96.04", "96.05", "96.71")}  # step 3

_ROW = re.compile(r"^\s*\('(?P<kode>\d\d\.\d\d)','(?P<nama>(?:[^'\\]|\\.|'')*)',"
                  r"(?P<lat>[-+\d.eE]+|NULL),(?P<lng>[-+\d.eE]+|NULL),'(?P<path>\[.*\])'\)[,;]?\s*$")


class Source:
    """The source repository: a work tree or a git directory."""

    def __init__(self, path: Path):
        self.path = path
        self.bare = not (path / "db" / "kab").is_dir()

    def _git(self, *args: str) -> str:
        where = ["--git-dir", str(self.path)] if self.bare else ["-C", str(self.path)]
        return subprocess.run(["git", *where, *args], check=True, capture_output=True, text=True).stdout

    def commit(self) -> str:
        return self._git("rev-parse", "HEAD").strip()

    def last_change(self) -> str:
        return self._git("log", "-1", "--format=%H", "--", "db/kab").strip()

    def kab_files(self) -> list[str]:
        if self.bare:
            return sorted(self._git("ls-tree", "--name-only", "HEAD", "db/kab/").split())
        return sorted(f"db/kab/{p.name}" for p in (self.path / "db" / "kab").glob("*.sql"))

    def read(self, name: str) -> str:
        return self._git("show", f"HEAD:{name}") if self.bare else (self.path / name).read_text(encoding="utf-8")


def _depth(x) -> int:
    d = 0
    while isinstance(x, list):
        d, x = d + 1, x[0]
    return d


def parse(source: Source) -> dict[str, dict]:
    """Every kab/kota row: name, the source's point and its polygons as [[ring, ...], ...] in (lon, lat)."""
    rows = {}
    for name in source.kab_files():
        for line in source.read(name).splitlines():
            if not line.lstrip().startswith("('"):
                continue
            m = _ROW.match(line)
            if m is None:
                raise ValueError(f"{name}: row not understood: {line[:80]}")
            path = json.loads(m["path"])
            polys = {3: [path], 4: path}[_depth(path)]
            # the source writes [lat, lng]: swap to (lon, lat)
            polys = [[[(float(p[1]), float(p[0])) for p in ring] for ring in poly] for poly in polys]
            rows[m["kode"]] = {"name": m["nama"], "polygons": polys}
    return rows


def build(source_path: Path, out: Path = OUT) -> None:
    import numpy as np
    import shapely
    from shapely.geometry import MultiPolygon, Polygon, mapping

    source = Source(source_path)
    rows = parse(source)
    reference = {r["regency_code"]: r for r in csv.DictReader(open(HERE / "regencies.csv", encoding="utf-8"))}
    if set(rows) != set(reference):
        raise SystemExit(f"codes differ: only in source {sorted(set(rows) - set(reference))}, "
                         f"only in regencies.csv {sorted(set(reference) - set(rows))}")
    codes = sorted(reference)

    geoms = np.array([MultiPolygon([Polygon(poly[0], poly[1:]) for poly in rows[c]["polygons"] if len(poly[0]) >= 4])
                      for c in codes])
    geoms = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    src_area = shapely.area(geoms)

    index = {c: i for i, c in enumerate(codes)}
    for code, neighbours in YIELDS.items():
        others = shapely.union_all(geoms[[index[n] for n in neighbours]])
        geoms[index[code]] = shapely.difference(geoms[index[code]], others)
    tree = shapely.STRtree(geoms)
    for i, j in tree.query(geoms, predicate="intersects").T:
        if i < j and shapely.area(shapely.intersection(geoms[i], geoms[j])) > MAX_OVERLAP:
            raise SystemExit(f"{codes[i]} and {codes[j]} overlap by more than {MAX_OVERLAP} square degrees")

    geoms = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH)

    dropped = 0
    kept = []
    for g in geoms:
        parts = list(getattr(g, "geoms", [g]))
        parts = [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
        parts.sort(key=lambda p: p.area, reverse=True)
        total, keep = sum(p.area for p in parts), []
        for p in parts:  # the largest first: it is always kept
            if p.area >= MIN_PART or sum(q.area for q in keep) < KEEP_SHARE * total:
                keep.append(p)
        dropped += len(parts) - len(keep)
        kept.append(MultiPolygon(keep))
    geoms = shapely.coverage_simplify(np.array(kept), TOLERANCE)
    # snap to the grid of DECIMALS decimals; the result is valid (noded on the grid)
    geoms = shapely.set_precision(geoms, 10.0 ** -DECIMALS)
    geoms = shapely.orient_polygons(geoms)  # exterior counter-clockwise, holes clockwise

    features = []
    n_points = n_parts = 0
    problems, far = [], []
    for code, g in zip(codes, geoms):
        geom = MultiPolygon([p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon" and not p.is_empty])
        if geom.is_empty:
            problems.append(f"{code}: no part left")
            continue
        if not geom.is_valid:
            problems.append(f"{code}: {shapely.is_valid_reason(geom)}")
        ref = reference[code]
        x0, y0, x1, y1 = geom.bounds
        lat, lon = float(ref["lat"]), float(ref["lon"])
        if not (x0 - 0.5 <= lon <= x1 + 0.5 and y0 - 0.5 <= lat <= y1 + 0.5):
            far.append(f"{code} {ref['name']}: regencies.csv point {lat}, {lon} lies outside {geom.bounds} (+0.5 deg)")
        n_parts += len(geom.geoms)
        n_points += int(shapely.get_num_coordinates(geom))
        coords = mapping(geom)["coordinates"]
        features.append({"type": "Feature", "id": code,
                         "properties": {"regency_code": code, "province_code": ref["province_code"], "name": ref["name"]},
                         "geometry": {"type": "MultiPolygon",
                                      "coordinates": [[[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring]
                                                       for ring in poly] for poly in coords]}})
    if problems:
        raise SystemExit("\n".join(problems))
    bad_edges = [c for c, e in zip(codes, shapely.coverage_invalid_edges(geoms)) if not e.is_empty]
    if bad_edges:
        print(f"note: edges not matched with a neighbour (after snapping to the grid): {bad_edges}", file=sys.stderr)
    for line in far:  # a point of regencies.csv to look at, not a fault of the polygons
        print("note:", line, file=sys.stderr)
    change = np.abs(shapely.area(geoms) / src_area - 1)
    change[[index[c] for c in YIELDS]] = 0
    worst = int(np.argmax(change))

    meta = {"repository": "cahyadsn/wilayah_boundaries", "commit": source.commit(),
            "kab_files_last_changed": source.last_change(), "path": "db/kab/wilayah_boundaries_kab_*.sql",
            "licence": "MIT, Copyright (c) 2024 Cahya DSN",
            "built_by": "data/reference/build_boundaries.py",
            "simplification": {"coverage_simplify_tolerance_deg": TOLERANCE, "min_part_deg2": MIN_PART,
                               "gap_width_deg": GAP_WIDTH, "decimals": DECIMALS}}
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","source":' + json.dumps(meta, separators=(",", ":")) + ',"features":[\n')
        f.write(",\n".join(json.dumps(feat, separators=(",", ":"), ensure_ascii=False) for feat in features))
        f.write("\n]}\n")
    print(f"{out.name}: {len(features)} kab/kota, {n_parts} parts ({dropped} small islands dropped), "
          f"{n_points} points, {out.stat().st_size / 1e6:.2f} MB; largest change of a kab/kota's area against "
          f"the source, step 3 aside: {100 * change[worst]:.1f}% ({codes[worst]})", file=sys.stderr)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="clone or git directory of cahyadsn/wilayah_boundaries")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    build(args.source, args.out)


if __name__ == "__main__":
    main()
