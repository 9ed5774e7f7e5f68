"""Province boundaries: the shipped file and the loader's checks and plot lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dashboard import geo

SHIPPED = Path(geo.__file__).resolve().parent.parent / "data" / "geo" / "provinces.geojson"
FOCUS_NAMES = {"110000": "北京市", "120000": "天津市", "130000": "河北省", "510000": "四川省"}


def _feature(adcode: str = "110000", focus: bool = True, **props: Any) -> dict[str, Any]:
    outer = [[116.0, 39.5], [117.0, 39.5], [117.0, 40.5], [116.0, 39.5]]
    hole = [[116.4, 39.8], [116.6, 39.8], [116.6, 40.0], [116.4, 39.8]]
    properties = {"adcode": adcode, "name_zh": "北京市", "name_en": "Beijing", "focus": focus}
    properties.update(props)
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [outer, hole]},
    }


def _write(tmp_path: Path, content: Any, name: str = "b.geojson") -> Path:
    path = tmp_path / name
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _positions(feature: dict[str, Any]) -> list[list[float]]:
    geometry = feature["geometry"]
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [pos for polygon in polygons for ring in polygon for pos in ring]


def test_shipped_file_is_small() -> None:
    assert SHIPPED.stat().st_size < 400 * 1024


def test_shipped_file_has_focus_provinces_with_chinese_names() -> None:
    collection = geo.load_boundaries(SHIPPED)
    features = {f["properties"]["adcode"]: f["properties"] for f in collection["features"]}
    focus = {code: p["name_zh"] for code, p in features.items() if p["focus"]}
    assert focus == FOCUS_NAMES
    assert len(features) >= 31  # all mainland provinces as the orientation outline
    assert geo.province_names(collection, "en")["510000"] == "Sichuan"
    assert geo.province_names(collection, "zh")["130000"] == "河北省"


def test_shipped_coordinates_inside_china_and_rounded() -> None:
    for feature in geo.load_boundaries(SHIPPED)["features"]:
        for lon, lat in _positions(feature):
            assert 73 <= lon <= 136 and 3 <= lat <= 54, feature["properties"]["adcode"]
            assert round(lon, 3) == lon and round(lat, 3) == lat


def test_load_is_memoized_per_path() -> None:
    assert geo.load_boundaries(SHIPPED) is geo.load_boundaries(str(SHIPPED))


def test_missing_file_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(geo.BoundaryFileError, match="does not exist.*DASHBOARD_BOUNDARY_FILE"):
        geo.load_boundaries(tmp_path / "nope.geojson")


def test_bad_json_names_the_position(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"type": "FeatureCollection", "features": [')
    with pytest.raises(geo.BoundaryFileError, match=r"not valid JSON.*line 1"):
        geo.load_boundaries(path)


def test_not_a_feature_collection(tmp_path: Path) -> None:
    path = _write(tmp_path, _feature())
    with pytest.raises(geo.BoundaryFileError, match="'Feature'.*not a GeoJSON FeatureCollection"):
        geo.load_boundaries(path)


def test_missing_property_names_feature_and_property(tmp_path: Path) -> None:
    second = _feature("120000")
    del second["properties"]["name_en"]
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [_feature(), second]})
    with pytest.raises(geo.BoundaryFileError, match=r"features\[1\] is missing property 'name_en'"):
        geo.load_boundaries(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"adcode": 110000}, "6-digit string"),
        ({"focus": "yes"}, "'focus' must be true or false"),
        ({"name_zh": ""}, "'name_zh' must be a non-empty string"),
    ],
)
def test_bad_property_values(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [_feature(**change)]})
    with pytest.raises(geo.BoundaryFileError, match=message):
        geo.load_boundaries(path)


def test_point_geometry_and_projected_coordinates_rejected(tmp_path: Path) -> None:
    point = _feature()
    point["geometry"] = {"type": "Point", "coordinates": [116.4, 39.9]}
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [point]}, "point.json")
    with pytest.raises(geo.BoundaryFileError, match="Polygon or MultiPolygon, got Point"):
        geo.load_boundaries(path)
    metres = _feature()
    metres["geometry"]["coordinates"][0][1] = [12_958_000.0, 4_852_000.0]
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [metres]}, "m.json")
    with pytest.raises(geo.BoundaryFileError, match="WGS-84"):
        geo.load_boundaries(path)


def test_duplicate_adcode_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [_feature(), _feature()]})
    with pytest.raises(geo.BoundaryFileError, match=r"repeats the adcode of features\[0\]"):
        geo.load_boundaries(path)


def test_outline_lines_separate_rings_with_none(tmp_path: Path) -> None:
    multi = _feature("510000", focus=False)
    ring = multi["geometry"]["coordinates"][0]
    multi["geometry"] = {"type": "MultiPolygon", "coordinates": [[ring], [ring]]}
    path = _write(tmp_path, {"type": "FeatureCollection", "features": [_feature(), multi]})
    collection = geo.load_boundaries(path)

    lon, lat = geo.outline_lines(collection, focus=True)
    assert len(lon) == len(lat) == 4 + 1 + 4 + 1  # outer ring, None, hole, None
    assert lon[4] is None and lat[4] is None and lon[-1] is None
    assert lon[:4] == [116.0, 117.0, 117.0, 116.0]
    assert lat[5:9] == [39.8, 39.8, 40.0, 39.8]

    lon, _ = geo.outline_lines(collection, focus=False)
    assert lon.count(None) == 2 and len(lon) == 10


def test_province_names_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        geo.province_names(geo.load_boundaries(SHIPPED), "fr")
