"""The Command Center map: province outlines, ports by status, open incidents, flows.

Drawn with MapLibre traces (`go.Scattermap`) on a style that is only a background colour,
so nothing is fetched from outside: province outlines are GeoJSON layers whose sources are
URLs of this app (the boundary file is a setting), ports are one trace per status (so the
legend explains the colours and a click gives the port id), incidents are halos in their
severity colour behind the port, and today's cross-district declarations are arcs from the
declaring district to the port district. No text labels on the map (they would need glyph
files); names are in the hover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from dashboard.figures import FONT_FAMILY
from dashboard.i18n import district_names, format_ts_short, t
from dashboard.reference import load_reference

STATUS_COLORS = {
    "normal": "#2e8540",
    "busy": "#e6a100",
    "congested": "#d62728",
    "closed": "#6f42c1",
    "unknown": "#8a94a0",
}
STALE_COLOR = "#b3b9c1"
TREND_ARROWS = {"up": "↑", "down": "↓", "flat": "→"}
ALL_VIEW = ((110.6, 34.6), 3.55)  # Sichuan and Beijing-Tianjin-Hebei in one frame
MAP_WIDTH_PX = 720  # the map's usual width, for fitting a district's ports


@dataclass(frozen=True)
class Theme:
    """Colours of one display theme (light desk, dark wall)."""

    background: str
    context_line: str
    focus_fill: str
    focus_line: str
    stale_fill: str
    text: str


LIGHT = Theme(
    "#eef2f6", "#c3cbd5", "rgba(29,112,184,0.07)", "#3a6ea5", "rgba(90,98,110,0.30)", "#1f2d3d"
)
DARK = Theme(
    "#0b1622", "#2c3e52", "rgba(80,150,230,0.10)", "#6fa8dc", "rgba(160,167,176,0.35)", "#e8eef5"
)


@dataclass(frozen=True)
class BoundaryUrls:
    """Where the browser loads the outline layers from (routes of this app)."""

    context: str
    focus: str
    stale: list[str]


def map_view(ports: pd.DataFrame, districts: list[str] | None) -> tuple[tuple[float, float], float]:
    """Centre (lon, lat) and zoom that show the ports of `districts` (all when None)."""
    if not districts:
        return ALL_VIEW
    sel = ports[ports["district_code"].isin(districts)]
    if sel.empty:
        return ALL_VIEW
    lon, lat = sel["lon"].astype(float), sel["lat"].astype(float)
    span = max(float(lon.max() - lon.min()), float(lat.max() - lat.min()) * 1.3, 0.6) * 1.6
    zoom = math.log2(360.0 * MAP_WIDTH_PX / (512.0 * span))
    centre = ((float(lon.max()) + float(lon.min())) / 2, (float(lat.max()) + float(lat.min())) / 2)
    return centre, round(min(max(zoom, 3.0), 9.0), 2)


def _style(theme: Theme) -> dict[str, Any]:
    # MapLibre requires a non-empty "sources" once plotly.js re-applies the style on an
    # update (an empty object is dropped and the map stops redrawing): one empty source.
    return {
        "version": 8,
        "sources": {
            "none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}
        },
        "layers": [
            {"id": "bg", "type": "background", "paint": {"background-color": theme.background}}
        ],
    }


def _layers(urls: BoundaryUrls, theme: Theme) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = [
        {"sourcetype": "geojson", "source": urls.focus, "type": "fill", "color": theme.focus_fill},
        *(
            {"sourcetype": "geojson", "source": url, "type": "fill", "color": theme.stale_fill}
            for url in urls.stale
        ),
        {
            "sourcetype": "geojson",
            "source": urls.context,
            "type": "line",
            "color": theme.context_line,
            "line": {"width": 0.7},
        },
        {
            "sourcetype": "geojson",
            "source": urls.focus,
            "type": "line",
            "color": theme.focus_line,
            "line": {"width": 1.6},
        },
    ]
    return layers


def _port_hover(row: pd.Series, names: dict[str, str], dnames: dict[str, str], lang: str) -> str:
    lines = [
        f"<b>{names.get(row['port_id'], row['port_id'])}</b>",
        dnames.get(row["district_code"], ""),
    ]
    status = t(f"status.{row['status']}", lang)
    if row["stale"]:
        status += f" · {t('cc.stale.marker', lang)}"
    lines.append(status)
    if row["observed_at"] == row["observed_at"] and row["status"] != "unknown":
        lanes_max = int(row["lanes_max"])
        lines.append(
            f"{t('col.wait', lang)} {row['wait_minutes']:.0f} {TREND_ARROWS[row['trend']]}"
            f" · {t('col.vehicles', lang)} {int(row['vehicles_waiting'])}"
            f" · {t('cc.detail.lanes', lang, open=int(row['lanes_open']), max=lanes_max)}"
        )
        lines.append(t("cc.asof", lang, ts=format_ts_short(row["observed_at"])))
    else:
        lines.append(t("cc.nodata", lang))
    return "<br>".join(lines)


def _arc(
    a: tuple[float, float], b: tuple[float, float], n: int = 16
) -> tuple[list[float], list[float]]:
    """A gentle quadratic arc from a to b, bowed to the right of the direction of travel
    (so a flow and its reverse are two separate arcs)."""
    (x0, y0), (x1, y1) = a, b
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    cx, cy = mx + 0.18 * dy, my - 0.18 * dx
    s = np.linspace(0.0, 1.0, n)
    xs = (1 - s) ** 2 * x0 + 2 * (1 - s) * s * cx + s**2 * x1
    ys = (1 - s) ** 2 * y0 + 2 * (1 - s) * s * cy + s**2 * y1
    return xs.round(4).tolist(), ys.round(4).tolist()


def _flow_traces(flows: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    ref = load_reference()
    hq = {d["district_code"]: (float(d["hq_lon"]), float(d["hq_lat"])) for d in ref.districts}
    region = {d["district_code"]: d["region_group"] for d in ref.districts}
    dnames = district_names(lang)
    cross = flows[
        (flows["declare_district"] != flows["port_district"])
        & (flows["declare_district"].map(region) == flows["port_district"].map(region))
    ]
    if cross.empty:
        return []
    top = float(cross["declared_n"].max())
    traces = []
    for i, row in enumerate(cross.itertuples(index=False)):
        xs, ys = _arc(hq[row.declare_district], hq[row.port_district])
        text = t(
            "map.flow",
            lang,
            origin=dnames.get(row.declare_district, row.declare_district),
            dest=dnames.get(row.port_district, row.port_district),
            n=f"{int(row.declared_n):,}",
        )
        traces.append(
            dict(
                type="scattermap",
                lon=xs,
                lat=ys,
                mode="lines",
                line={
                    "width": 1.5 + 6.5 * math.sqrt(row.declared_n / top),
                    "color": "rgba(0,140,160,0.55)",
                },
                hoverinfo="text",
                text=[text] * len(xs),
                name=t("map.flows", lang),
                legendgroup="flows",
                showlegend=i == 0,
            )
        )
    return traces


def map_figure(
    board: pd.DataFrame,
    open_incidents: pd.DataFrame,
    flows: pd.DataFrame,
    stale: frozenset[str],
    lang: str,
    *,
    urls: BoundaryUrls,
    districts: list[str] | None,
    dark: bool = False,
) -> dict[str, Any]:
    """The live map for one view (a plain figure dict: it is redrawn every refresh).

    Args:
        board: `live.port_board` rows (ports in the view).
        open_incidents: incidents open now.
        flows: today's declarations per declaring and port district.
        stale: districts whose feed is stale (their ports are greyed).
        lang: "zh" or "en".
        urls: where the outline layers are served.
        districts: the districts in view (None for all): sets centre and zoom.
        dark: the wall's dark theme.

    Returns:
        A Scattermap figure; each port point carries its port id as customdata.
    """
    theme = DARK if dark else LIGHT
    ref = load_reference()
    ports = pd.DataFrame(ref.ports)
    coords = {p["port_id"]: (float(p["lon"]), float(p["lat"])) for p in ref.ports}
    hq = {d["district_code"]: (float(d["hq_lon"]), float(d["hq_lat"])) for d in ref.districts}
    names = ref.names("port", lang)
    dnames = district_names(lang)
    traces: list[dict[str, Any]] = []

    inc = open_incidents.copy()
    if not inc.empty:
        where = [
            coords[p] if isinstance(p, str) and p in coords else hq.get(d, (math.nan, math.nan))
            for p, d in zip(inc["port_id"], inc["district_code"], strict=True)
        ]
        colors = ref.extra("severity")
        sev = ref.names("severity", lang)
        label = t("map.incident", lang)
        traces.append(
            dict(
                type="scattermap",
                lon=[w[0] for w in where],
                lat=[w[1] for w in where],
                mode="markers",
                marker={
                    "size": 40,
                    "color": [colors.get(s, "#d62728") for s in inc["severity"]],
                    "opacity": 0.4,
                },
                text=[
                    # feed text: escaped, plotly would read tags in it
                    f"<b>{label}</b> · {sev.get(s, s)}<br>{escape(title)}<br>{format_ts_short(r)}"
                    for s, title, r in zip(
                        inc["severity"], inc["title"].fillna(""), inc["reported_at"], strict=True
                    )
                ],
                hoverinfo="text",
                name=t("map.incident", lang),
            )
        )
    traces.extend(_flow_traces(flows, lang))

    rows = board.assign(stale=board["district_code"].isin(stale))
    top = max(float(rows["vehicles_waiting"].max()) if len(rows) else 0.0, 1.0)
    for status, color in STATUS_COLORS.items():
        sel = rows[rows["status"] == status]
        if sel.empty:
            continue
        vehicles = sel["vehicles_waiting"].fillna(0).astype(float)
        traces.append(
            dict(
                type="scattermap",
                lon=[coords[p][0] for p in sel["port_id"]],
                lat=[coords[p][1] for p in sel["port_id"]],
                mode="markers",
                marker={
                    "size": (11 + 27 * np.sqrt(vehicles / top)).round(1).tolist(),
                    "color": [STALE_COLOR if s else color for s in sel["stale"]],
                    "opacity": 0.92,
                },
                customdata=sel["port_id"].tolist(),
                text=[_port_hover(r, names, dnames, lang) for _, r in sel.iterrows()],
                hoverinfo="text",
                name=t(f"status.{status}", lang),
            )
        )
    (lon, lat), zoom = map_view(ports, districts)
    layout = {
        "map": {
            "style": _style(theme),
            "center": {"lon": lon, "lat": lat},
            "zoom": zoom,
            "layers": _layers(urls, theme),
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": theme.background,
        "font": {"family": FONT_FAMILY, "color": theme.text},
        "legend": {"orientation": "h", "x": 0.01, "y": 0.01, "bgcolor": "rgba(0,0,0,0)"},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "uirevision": ",".join(districts or ["all"]),
        "clickmode": "event",
    }
    return {"data": traces, "layout": layout}
