"""District Analysis figures and table rows: DataFrames in, plotly dicts / row dicts out.

Codes are shown by their names in the page's language (`dashboard.reference`); every
clickable trace carries the code it stands for in `customdata`, which the page's filter
callback reads back and validates.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from dashboard.figures import base_layout
from dashboard.histogram import bucket_bounds_hours, percentile_from_histogram
from dashboard.i18n import t
from dashboard.reference import load_reference

LANE_COLOURS = {"GREEN": "#2e8b57", "YELLOW": "#d4a017", "RED": "#c0392b"}
METHOD_COLOURS = {"NII": "#1f77b4", "MANUAL": "#8c564b", "BOTH": "#9467bd", "NONE": "#7f7f7f"}
ACCENT = "#1f5f99"
SELECTED = "#e67e22"


def names(table: str, lang: str) -> dict[str, str]:
    """Code -> display name (falls back to the code)."""
    return load_reference().names(table, lang)


def fmt_num(value: float, digits: int = 0) -> str:
    """A number with thousands separators ("–" for NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def fmt_pct(value: float) -> str:
    """A share as a percentage ("–" for NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * value:.1f}%"


def group_name(split: str, code: str, lang: str) -> str:
    """Display name of a risk lane or an inspection method ("NONE": not inspected)."""
    if split == "method" and code in ("", "NONE"):
        return t("dist.method.NONE", lang)
    return names("risk_lane" if split == "lane" else "inspection_method", lang).get(code, code)


def _bar_colours(codes: list[str], selected: str | None, base: str = ACCENT) -> list[str]:
    return [SELECTED if selected is not None and c == selected else base for c in codes]


def ports_figure(frame: pd.DataFrame, lang: str, selected: str | None) -> dict[str, Any]:
    """Ports side by side: four horizontal bar panels sharing the port axis."""
    port_names = names("port", lang)
    frame = frame.iloc[::-1]  # biggest at the top
    y = [port_names.get(p, p) for p in frame["port_id"]]
    codes = list(frame["port_id"])
    colours = _bar_colours(codes, selected)
    panels = [
        ("dist.ports.volume", frame["declared_n"], [fmt_num(v) for v in frame["declared_n"]]),
        (
            "dist.ports.clearance",
            frame["p50"],
            [
                f"{fmt_num(a, 1)} / {fmt_num(b, 1)}"
                for a, b in zip(frame["p50"], frame["p90"], strict=True)
            ],
        ),
        (
            "dist.ports.rate",
            frame["inspection_rate"],
            [fmt_pct(v) for v in frame["inspection_rate"]],
        ),
        ("dist.ports.wait", frame["wait_minutes"], [fmt_num(v, 1) for v in frame["wait_minutes"]]),
    ]
    data: list[dict[str, Any]] = []
    layout = base_layout(
        height=max(220, 34 * len(y) + 80),
        showlegend=False,
        margin={"l": 16, "r": 16, "t": 40, "b": 30},
        annotations=[],
    )
    width = 1 / len(panels)
    for i, (key, values, text) in enumerate(panels):
        axis = "" if i == 0 else str(i + 1)
        clean = [None if pd.isna(v) else float(v) for v in values]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": clean,
                "y": y,
                "customdata": codes,
                "text": text,
                "textposition": "auto",
                "marker": {"color": colours},
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                "hovertemplate": f"%{{y}}<br>{t(key, lang)}: %{{text}}<extra></extra>",
            }
        )
        if key == "dist.ports.clearance":
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [None if pd.isna(v) else float(v) for v in frame["p90"]],
                    "y": y,
                    "customdata": codes,
                    "marker": {"symbol": "line-ns-open", "size": 14, "color": "#333"},
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "hovertemplate": "%{y}<br>P90: %{x:.1f} h<extra></extra>",
                }
            )
        lo, hi = i * width + 0.01, (i + 1) * width - 0.02
        layout[f"xaxis{axis}"] = {"domain": [lo, hi], "zeroline": False, "showgrid": True}
        layout[f"yaxis{axis}"] = {
            "anchor": f"x{axis}",
            "showticklabels": i == 0,
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": y,
            **({"matches": "y"} if i else {}),
        }
        title = t(key, lang) + (" (P50 / P90)" if key == "dist.ports.clearance" else "")
        layout["annotations"].append(
            {
                "text": f"<b>{title}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": (lo + hi) / 2,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12},
            }
        )
    return {"data": data, "layout": layout}


def waterfall_figure(overall: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Waterfall of the stage medians (hours), with each stage's P90 in the hover and text."""
    x = [t(f"dist.stage.{s}", lang) for s in overall["stage"]]
    p50 = [float(v) for v in overall["p50"]]
    text = [
        f"{fmt_num(a, 2)} / {fmt_num(b, 1)}"
        for a, b in zip(overall["p50"], overall["p90"], strict=True)
    ]
    hours = t("dist.hours", lang)
    data = [
        {
            "type": "waterfall",
            "x": [*x, t("dist.stage.total", lang)],
            "y": [*p50, 0],
            "measure": ["relative"] * len(x) + ["total"],
            "text": [*text, fmt_num(sum(p50), 1)],
            "textposition": "outside",
            "customdata": [*[fmt_num(v) for v in overall["n"]], ""],
            "connector": {"line": {"color": "#999"}},
            "increasing": {"marker": {"color": ACCENT}},
            "totals": {"marker": {"color": "#555"}},
            "hovertemplate": (
                f"%{{x}}<br>{t('dist.median', lang)} / P90: %{{text}} {hours}"
                f"<br>%{{customdata}} {t('dist.count', lang)}<extra></extra>"
            ),
        }
    ]
    layout = base_layout(
        height=340,
        showlegend=False,
        yaxis={"title": {"text": f"{t('dist.median', lang)} ({hours})"}},
        margin={"l": 56, "r": 16, "t": 30, "b": 60},
    )
    return {"data": data, "layout": layout}


def stages_by_figure(
    by: pd.DataFrame, split: str, lang: str, selected: str | None
) -> dict[str, Any]:
    """Grouped bars: median per stage for each risk lane / inspection method, P90 whiskers."""
    from dashboard.stages import STAGES

    colours = LANE_COLOURS if split == "lane" else METHOD_COLOURS
    data = []
    hours = t("dist.hours", lang)
    # a few dozen rows: plain tuples, no pandas grouping (this runs on every request)
    cells: dict[str, dict[str, tuple[float, float]]] = {}
    for stage, group, p50, p90 in by[["stage", "group", "p50", "p90"]].itertuples(index=False):
        cells.setdefault(str(group), {})[str(stage)] = (float(p50), float(p90))
    for group in sorted(cells):
        part = [(s, *cells[group][s]) for s in STAGES if s in cells[group]]
        faded = selected is not None and group != selected
        data.append(
            {
                "type": "bar",
                "name": group_name(split, group, lang),
                "x": [t(f"dist.stage.{s}", lang) for s, _, _ in part],
                "y": [round(a, 3) for _, a, _ in part],
                "customdata": [group] * len(part),
                "error_y": {
                    "type": "data",
                    "symmetric": False,
                    "array": [round(max(b - a, 0.0), 3) for _, a, b in part],
                    "arrayminus": [0] * len(part),
                    "thickness": 1,
                },
                "marker": {
                    "color": colours.get(group, "#777"),
                    "opacity": 0.35 if faded else 1,
                },
                "hovertemplate": (
                    f"%{{fullData.name}} · %{{x}}<br>{t('dist.median', lang)}: %{{y:.2f}} {hours}"
                    "<extra></extra>"
                ),
            }
        )
    layout = base_layout(
        height=340,
        barmode="group",
        yaxis={
            "title": {"text": f"{t('dist.median', lang)} ({hours}, log)"},
            "type": "log",
            "dtick": 1,
        },
        legend={"orientation": "h", "y": 1.12},
        margin={"l": 56, "r": 16, "t": 40, "b": 60},
    )
    return {"data": data, "layout": layout}


def heatmap_figure(frame: pd.DataFrame, lang: str, cell: tuple[int, int] | None) -> dict[str, Any]:
    """Declarations by weekday (rows, Monday first) and hour of day (columns)."""
    z = np.zeros((7, 24))
    for wd, hr, n in frame[["weekday", "hour_of_day", "declared_n"]].itertuples(index=False):
        z[int(wd), int(hr)] += float(n)
    days = t("dist.weekdays", lang).split(",")
    layout = base_layout(
        height=300,
        xaxis={"title": {"text": "0–23"}, "dtick": 2},
        yaxis={"autorange": "reversed"},
        margin={"l": 56, "r": 16, "t": 20, "b": 40},
    )
    if cell is not None:
        wd, hr = cell
        layout["shapes"] = [
            {
                "type": "rect",
                "x0": hr - 0.5,
                "x1": hr + 0.5,
                "y0": wd - 0.5,
                "y1": wd + 0.5,
                "line": {"color": SELECTED, "width": 3},
            }
        ]
        layout["yaxis"]["range"] = [6.5, -0.5]
        layout["yaxis"].pop("autorange")
        layout["yaxis"].update({"tickvals": list(range(7)), "ticktext": days})
    data = [
        {
            "type": "heatmap",
            "z": z.round().astype(int).tolist(),
            "x": list(range(24)),
            "y": list(range(7)) if cell is not None else days,
            "customdata": [[[d, h] for h in range(24)] for d in range(7)],
            "colorscale": "Blues",
            "reversescale": True,
            "hovertemplate": f"%{{y}} %{{x}}:00<br>%{{z:,}} {t('dist.count', lang)}<extra></extra>",
        }
    ]
    return {"data": data, "layout": layout}


def hist_figure(hist: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Clearance-time histogram on a log hour axis, median and P90 marked."""
    hist = hist.sort_values("bucket")
    bounds = [bucket_bounds_hours(int(b)) for b in hist["bucket"]]
    lows = [max(lo, hi / 2 ** (1 / 8)) for lo, hi in bounds]
    centres = [math.sqrt(lo * hi) for lo, (_, hi) in zip(lows, bounds, strict=True)]
    widths = [hi - lo for lo, (_, hi) in zip(lows, bounds, strict=True)]
    p50 = percentile_from_histogram(hist["bucket"], hist["n"], 0.5)
    p90 = percentile_from_histogram(hist["bucket"], hist["n"], 0.9)
    hours = t("dist.hours", lang)
    data = [
        {
            "type": "bar",
            "x": [round(c, 4) for c in centres],
            "width": [round(w, 4) for w in widths],
            "y": [int(v) for v in hist["n"]],
            "marker": {"color": ACCENT},
            "hovertemplate": f"%{{x:.2f}} {hours}<br>%{{y:,}}<extra></extra>",
        }
    ]
    shapes, notes = [], []
    for label, value, colour in (("P50", p50, "#2e8b57"), ("P90", p90, "#c0392b")):
        if math.isnan(value):
            continue
        shapes.append(
            {
                "type": "line",
                "x0": value,
                "x1": value,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": colour, "dash": "dash", "width": 2},
            }  # fmt: skip
        )
        notes.append(
            {
                "x": math.log10(value),
                "y": 1,
                "yref": "paper",
                "text": f"{label} {value:.1f} h",
                "showarrow": False,
                "yanchor": "bottom",
                "font": {"color": colour},
            }  # fmt: skip
        )
    layout = base_layout(
        height=300,
        bargap=0,
        xaxis={"type": "log", "title": {"text": hours}},
        yaxis={"title": {"text": t("dist.hist.y", lang)}},
        shapes=shapes,
        annotations=notes,
        margin={"l": 56, "r": 16, "t": 30, "b": 44},
    )
    return {"data": data, "layout": layout}


def rate_figure(
    frame: pd.DataFrame, labels: dict[str, str], lang: str, selected: str | None
) -> dict[str, Any]:
    """Horizontal bars of inspection rate per code (trade mode or credit tier)."""
    frame = frame.head(12).iloc[::-1]
    codes = [str(c) for c in frame["code"]]
    y = [labels.get(c, c) for c in codes]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": [round(float(v), 5) for v in frame["rate"]],
            "y": y,
            "customdata": codes,
            "text": [
                f"{fmt_pct(r)} · {fmt_num(n)}"
                for r, n in zip(frame["rate"], frame["declared_n"], strict=True)
            ],
            "textposition": "auto",
            "marker": {"color": _bar_colours(codes, selected)},
            "hovertemplate": f"%{{y}}<br>{t('dist.rate', lang)}: %{{text}}<extra></extra>",
        }
    ]
    layout = base_layout(
        height=max(220, 30 * len(y) + 70),
        xaxis={"tickformat": ".0%", "title": {"text": t("dist.rate", lang)}},
        yaxis={"automargin": True},
        margin={"l": 16, "r": 16, "t": 20, "b": 44},
    )
    return {"data": data, "layout": layout}


def table_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows with names instead of codes (the entry id stays as the row id)."""
    if frame.empty:
        return []
    out = pd.DataFrame({"entry_id": frame["entry_id"].astype(str)})
    out["ts_declared"] = pd.to_datetime(frame["ts_declared"]).dt.strftime("%Y-%m-%d %H:%M")
    for col, table in (
        ("ie_flag", "ie_flag"),
        ("declare_district", "district"),
        ("port_id", "port"),
        ("trade_mode", "trade_mode"),
        ("hs_chapter", "hs_chapter"),
        ("risk_lane", "risk_lane"),
        ("inspection_method", "inspection_method"),
        ("status", "decl_status"),
    ):
        mapping = names(table, lang)
        out[col] = [mapping.get(c, c) if isinstance(c, str) else "" for c in frame[col]]
    out["value_usd"] = frame["value_usd"].round(0)
    out["overall_h"] = frame["overall_h"].round(1)
    out["enterprise_uscc"] = frame["enterprise_uscc"]
    return out.replace({np.nan: None}).to_dict("records")


def detail_fields(record: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, readable value) pairs of one declaration's full record."""
    coded = {
        "ie_flag": "ie_flag",
        "declare_district": "district",
        "port_id": "port",
        "port_district": "district",
        "trade_mode": "trade_mode",
        "transport_mode": "transport_mode",
        "hs_chapter": "hs_chapter",
        "risk_lane": "risk_lane",
        "inspection_method": "inspection_method",
        "inspection_result": "inspection_result",
        "status": "decl_status",
        "currency": "currency",
        "trade_country": "country",
    }
    order = [
        "entry_id", "ie_flag", "declare_district", "port_id", "port_district", "cross_district",
        "trade_mode", "transport_mode", "hs_chapter", "enterprise_uscc", "currency",
        "declared_value", "value_usd", "trade_country", "gross_weight_kg", "risk_lane",
        "inspection_method", "inspection_result", "status", "overall_h", "customs_h",
    ]  # fmt: skip
    out = []
    for field in order:
        value = record.get(field)
        key = f"dist.col.{field}" if f"dist.col.{field}" in _keys() else f"dist.field.{field}"
        if value is None or (isinstance(value, float) and math.isnan(value)):
            text = "–"
        elif field in coded:
            text = names(coded[field], lang).get(str(value), str(value))
        elif isinstance(value, bool):
            text = t("dist.yes" if value else "dist.no", lang)
        elif isinstance(value, float):
            text = fmt_num(value, 2)
        else:
            text = str(value)
        out.append((t(key, lang), text))
    return out


def _keys() -> frozenset[str]:
    from dashboard.labels_districts import LABELS

    return frozenset(LABELS)
