"""Province boundaries for the Command Center map: load, check and turn into plot lines.

The boundary file is a GeoJSON FeatureCollection in WGS-84 longitude/latitude whose
features are Polygon or MultiPolygon provinces with the properties `adcode` (GB/T 2260,
6-digit string), `name_zh`, `name_en` and `focus` (bool: drawn prominently). The shipped
file is data/geo/provinces.geojson (orientation only; see data/geo/SOURCE.md); a deployment
points `DASHBOARD_BOUNDARY_FILE` at its officially approved standard map with the same
properties. Only the standard library is used.
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Any

REQUIRED_PROPERTIES = ("adcode", "name_zh", "name_en", "focus")
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
_ADCODE = re.compile(r"\d{6}")
_HINT = "see data/geo/SOURCE.md for the expected format"


class BoundaryFileError(ValueError):
    """The boundary file is missing, unreadable or not in the expected format."""


def load_boundaries(path: str | Path) -> dict[str, Any]:
    """Read and check a boundary file; parsed once per path and process.

    The result is shared by every caller (memoized with `functools.lru_cache`): treat it
    as read-only and never mutate it. A changed file is read again only after a restart.
    Failures are not cached.

    Args:
        path: GeoJSON file, normally `Settings.boundary_file`.

    Returns:
        The parsed FeatureCollection.

    Raises:
        BoundaryFileError: the file is missing, not UTF-8 JSON, not a FeatureCollection,
            or a feature lacks a valid geometry or property; the message names the file
            and the offending feature.
    """
    return _load(str(Path(path).expanduser().resolve()))


@functools.lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BoundaryFileError(
            f"boundary file {path} does not exist; set DASHBOARD_BOUNDARY_FILE to a "
            f"GeoJSON file of province polygons ({_HINT})"
        ) from None
    except UnicodeDecodeError as exc:
        raise BoundaryFileError(f"boundary file {path} is not UTF-8 text: {exc}") from None
    except OSError as exc:
        raise BoundaryFileError(f"boundary file {path} cannot be read: {exc}") from None
    try:
        collection = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BoundaryFileError(
            f"boundary file {path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}"
        ) from None
    _check_collection(collection, path)
    return collection


def _check_collection(collection: Any, path: str) -> None:
    if isinstance(collection, dict):
        kind = f"object of type {collection.get('type')!r}"
    else:
        kind = f"JSON {type(collection).__name__}"
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryFileError(
            f"boundary file {path} holds a {kind}, not a GeoJSON FeatureCollection ({_HINT})"
        )
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryFileError(f"boundary file {path} has no features list, or it is empty")
    seen: dict[str, int] = {}
    for index, feature in enumerate(features):
        where = f"boundary file {path}: features[{index}]"
        if not isinstance(feature, dict):
            raise BoundaryFileError(f"{where} is not a JSON object")
        _check_properties(feature.get("properties"), where)
        adcode = feature["properties"]["adcode"]
        where += f" (adcode {adcode})"
        if adcode in seen:
            raise BoundaryFileError(f"{where} repeats the adcode of features[{seen[adcode]}]")
        seen[adcode] = index
        _check_geometry(feature.get("geometry"), where)


def _check_properties(props: Any, where: str) -> None:
    if not isinstance(props, dict):
        raise BoundaryFileError(f"{where} has no properties object; needs {REQUIRED_PROPERTIES}")
    for name in REQUIRED_PROPERTIES:
        if name not in props:
            raise BoundaryFileError(f"{where} is missing property {name!r}")
    adcode = props["adcode"]
    if not isinstance(adcode, str) or not _ADCODE.fullmatch(adcode):
        raise BoundaryFileError(
            f"{where}: property 'adcode' must be a 6-digit string such as \"110000\", "
            f"got {adcode!r}"
        )
    for name in ("name_zh", "name_en"):
        if not isinstance(props[name], str) or not props[name].strip():
            raise BoundaryFileError(f"{where}: property {name!r} must be a non-empty string")
    if not isinstance(props["focus"], bool):
        raise BoundaryFileError(
            f"{where}: property 'focus' must be true or false, got {props['focus']!r}"
        )


def _check_geometry(geometry: Any, where: str) -> None:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in GEOMETRY_TYPES:
        raise BoundaryFileError(f"{where}: geometry must be Polygon or MultiPolygon, got {kind}")
    coords = geometry.get("coordinates")
    polygons = [coords] if kind == "Polygon" else coords
    if not isinstance(polygons, list) or not polygons:
        raise BoundaryFileError(f"{where}: {kind} has no coordinates")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise BoundaryFileError(f"{where}: a polygon has no rings")
        for ring in polygon:
            _check_ring(ring, where)


def _check_ring(ring: Any, where: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise BoundaryFileError(f"{where}: a ring needs at least 4 positions")
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(_is_number(v) for v in position[:2])
        ):
            raise BoundaryFileError(f"{where}: bad position {position!r}; expected [lon, lat]")
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BoundaryFileError(
                f"{where}: position {position!r} is not longitude/latitude; the file must "
                "be in WGS-84 degrees (EPSG:4326), not projected metres"
            )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _rings(feature: dict[str, Any]) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def outline_lines(
    collection: dict[str, Any], focus: bool
) -> tuple[list[float | None], list[float | None]]:
    """Longitudes and latitudes of every ring of the selected provinces, for a lines trace.

    Each ring (outer boundaries and holes) is followed by None, so a plotly trace with
    `mode="lines"` draws the rings as separate closed lines.

    Args:
        collection: a FeatureCollection from `load_boundaries`.
        focus: True for the focus provinces, False for the orientation outline.

    Returns:
        (lon, lat), two lists of equal length.
    """
    lon: list[float | None] = []
    lat: list[float | None] = []
    for feature in collection["features"]:
        if feature["properties"]["focus"] is not focus:
            continue
        for ring in _rings(feature):
            lon.extend(position[0] for position in ring)
            lat.extend(position[1] for position in ring)
            lon.append(None)
            lat.append(None)
    return lon, lat


def province_names(collection: dict[str, Any], lang: str) -> dict[str, str]:
    """Province name by adcode in one language.

    Args:
        collection: a FeatureCollection from `load_boundaries`.
        lang: "zh" or "en".

    Returns:
        adcode -> name_zh or name_en, in file order.

    Raises:
        ValueError: for a language other than "zh" or "en".
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}; expected 'zh' or 'en'")
    key = f"name_{lang}"
    return {f["properties"]["adcode"]: f["properties"][key] for f in collection["features"]}


def subset(
    collection: dict[str, Any],
    *,
    focus: bool | None = None,
    adcodes: frozenset[str] | None = None,
) -> dict[str, Any]:
    """A new FeatureCollection with the selected features (shared, unmodified features).

    Args:
        collection: a FeatureCollection from `load_boundaries`.
        focus: keep only focus (True) or only other (False) provinces; None keeps both.
        adcodes: keep only these provinces; None keeps all.

    Returns:
        {"type": "FeatureCollection", "features": [...]}.
    """
    features = [
        f
        for f in collection["features"]
        if (focus is None or f["properties"]["focus"] is focus)
        and (adcodes is None or f["properties"]["adcode"] in adcodes)
    ]
    return {"type": "FeatureCollection", "features": features}
