"""Command Center builders: KPI tiles, queue-board rows, alarm items, port detail charts.

Pure functions from `dashboard.live` results to display values (already translated and
formatted) or plotly figures. Ports and districts are shown by name, never by code.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from dashboard.figures import base_layout, empty_figure
from dashboard.figures.command_map import STATUS_COLORS, TREND_ARROWS
from dashboard.figures.incident_marks import incident_marks, label_headroom
from dashboard.i18n import district_names, format_age, format_ts_short, t
from dashboard.live import Kpi
from dashboard.reference import load_reference


# --- KPI tiles --------------------------------------------------------------------------------
def _format(key: str, value: float, lang: str) -> str:
    if value != value:
        return "—"
    if key.endswith("_hours"):
        return t("kpi.hours", lang, v=f"{value:.1f}")
    if key == "inspection_rate":
        return f"{100 * value:.1f}%"
    return f"{value:,.0f}"


def kpi_tiles(kpis: list[Kpi], lang: str) -> list[dict[str, str]]:
    """One display dict per KPI: key, label, value, baseline, change, tone.

    Tone is "good", "bad" or "neutral": the direction of the change against the baseline
    where a direction is better (fewer in process is good), "neutral" otherwise or when the
    change is under 5 %.
    """
    tiles = []
    for k in kpis:
        change = k.change
        if change != change:
            change_text, tone = "", "neutral"
        else:
            change_text = f"{'+' if change >= 0 else '−'}{abs(change) * 100:.0f}%"
            tone = "neutral"
            if k.higher_is_better is not None and abs(change) >= 0.05:
                tone = "good" if (change > 0) == k.higher_is_better else "bad"
        baseline = (
            t("kpi.baseline", lang, value=_format(k.key, k.baseline, lang))
            if k.baseline == k.baseline
            else t("kpi.no_baseline", lang)
        )
        tiles.append(
            {
                "key": k.key,
                "label": t(f"kpi.{k.key}", lang),
                "value": _format(k.key, k.value, lang),
                "baseline": baseline,
                "change": change_text,
                "tone": tone,
            }
        )
    return tiles


def severity_breakdown(open_now: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Open incidents per severity (I..IV, all four even when zero) with their colours."""
    ref = load_reference()
    names, colors = ref.names("severity", lang), ref.extra("severity")
    counts = open_now["severity"].value_counts() if len(open_now) else pd.Series(dtype=int)
    return [
        {
            "code": code,
            "label": names[code],
            "count": str(int(counts.get(code, 0))),
            "color": colors[code],
        }
        for code in ("I", "II", "III", "IV")
    ]


# --- queue board ------------------------------------------------------------------------------
def board_rows(board: pd.DataFrame, stale: frozenset[str], lang: str) -> list[dict[str, Any]]:
    """Queue-board grid rows, in board order (worst wait first).

    A port without a current observation shows no wait and no time ("—"): a wait figure
    is never shown without the time it was measured.
    """
    ref = load_reference()
    names, dnames = ref.names("port", lang), district_names(lang)
    methods = ref.names("measurement_method", lang)
    rows = []
    for r in board.itertuples(index=False):
        current = r.status != "unknown" and r.observed_at == r.observed_at
        rows.append(
            {
                "port_id": r.port_id,
                "port": names.get(r.port_id, r.port_id),
                "district": dnames.get(r.district_code, r.district_code),
                "status": r.status,
                "status_label": t(f"status.{r.status}", lang),
                "wait": round(float(r.wait_minutes)) if current else None,
                "trend": TREND_ARROWS[r.trend] if current else "",
                "trend_label": t(f"trend.{r.trend}", lang) if current else "",
                "vehicles": int(r.vehicles_waiting) if current else None,
                "lanes": f"{int(r.lanes_open)}/{int(r.lanes_max)}"
                if current
                else f"—/{int(r.lanes_max)}",
                "spark": list(r.spark),
                "asof": format_ts_short(r.observed_at) if current else "—",
                "method": "、".join(methods.get(m, m) for m in r.methods.split(",") if m)
                if lang == "zh"
                else ", ".join(methods.get(m, m) for m in r.methods.split(",") if m),
                "stale": r.district_code in stale,
                "color": STATUS_COLORS[r.status],
            }
        )
    return rows


# --- alarms -----------------------------------------------------------------------------------
def alarm_items(alarms: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Alarm feed entries, newest first: level, level label, time, text, kind.

    Args:
        alarms: `live.alarms` rows.
        lang: "zh" or "en".
    """
    ref = load_reference()
    names, dnames = ref.names("port", lang), district_names(lang)
    sev = ref.names("severity", lang)
    items = []
    for r in alarms.itertuples(index=False):
        place = dnames.get(r.district_code, r.district_code)
        if isinstance(r.port_id, str) and r.port_id:
            port = names.get(r.port_id, r.port_id)
            place = f"{port}（{place}）" if lang == "zh" else f"{port} ({place})"
        if r.kind == "incident":
            text = t(
                "alarm.incident", lang, place=place, value=sev.get(r.value, r.value), title=r.detail
            )
        elif r.kind == "feed":
            age = format_age(float(r.detail) if r.detail == r.detail else math.nan, lang)
            text = t("alarm.feed", lang, place=place, value=t(f"state.{r.value}", lang), age=age)
        else:
            text = t(f"alarm.{r.kind}", lang, place=place, value=r.value, threshold=r.threshold)
        items.append(
            {
                "level": r.level,
                "level_label": t(f"alarm.level.{r.level}", lang),
                "time": format_ts_short(r.at),
                "text": text,
                "kind": r.kind,
            }
        )
    return items


def incident_items(incidents: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Incidents as display entries: severity label and colour, status, reported, title."""
    ref = load_reference()
    sev, colors = ref.names("severity", lang), ref.extra("severity")
    status, category = ref.names("incident_status", lang), ref.names("incident_category", lang)
    return [
        {
            "severity": sev.get(r.severity, r.severity),
            "color": colors.get(r.severity, "#d62728"),
            "status": status.get(r.status, r.status),
            "category": category.get(r.category, r.category),
            "reported": format_ts_short(r.reported_at),
            "title": r.title if isinstance(r.title, str) else "",
        }
        for r in incidents.itertuples(index=False)
    ]


# --- port detail ------------------------------------------------------------------------------
def port_hourly(hourly: pd.DataFrame) -> pd.DataFrame:
    """Port-level queue per hour from per-queue hourly sums: worst mean wait, total mean
    vehicles (columns hour, wait, vehicles)."""
    if hourly.empty:
        return pd.DataFrame({"hour": pd.to_datetime([]), "wait": [], "vehicles": []})
    n = hourly["obs_n"].where(hourly["obs_n"] > 0)
    per = hourly.assign(wait=hourly["wait_minutes_sum"] / n, vehicles=hourly["vehicles_sum"] / n)
    return per.groupby("hour", as_index=False).agg(
        wait=("wait", "max"), vehicles=("vehicles", "sum")
    )


def _times(values: pd.Series) -> list[str]:
    return [ts.strftime("%Y-%m-%d %H:%M:%S") for ts in values]


def detail_figure(
    today: pd.DataFrame,
    last_week: pd.DataFrame,
    incidents: pd.DataFrame,
    now: datetime,
    lang: str,
    *,
    dark: bool = False,
) -> dict[str, Any]:
    """Wait and vehicles over the last 24 h against the same hours a week before, with
    the port's incidents marked where they were open.

    Built as a plain figure dict (two stacked y axes on one time axis): the live wall
    redraws it every refresh, and plotly's object validation would cost more than the
    queries.

    Args:
        today: `port_hourly` of the last 24 h.
        last_week: `port_hourly` of the same hours 7 days before (plotted shifted a week).
        incidents: incidents at this port overlapping the last 24 h (marked by
            `incident_marks`).
        now: current Beijing time (the right edge; where open incidents end).
        lang: "zh" or "en".
        dark: the wall's dark theme.
    """
    shifted = last_week.assign(hour=last_week["hour"] + pd.Timedelta(days=7))
    traces: list[dict[str, Any]] = []
    series = (
        (today, t("cc.detail.today", lang), "#1d70b8", "solid"),
        (shifted, t("cc.detail.last_week", lang), "#8a94a0", "dot"),
    )
    for frame, name, color, dash in series:
        x = _times(frame["hour"])
        for ref_y, col, unit in (
            ("y", "wait", "cc.detail.wait"),
            ("y2", "vehicles", "cc.detail.vehicles"),
        ):
            hover = f"%{{x|%m-%d %H:%M}} · {t(unit, lang)} %{{y}}<extra>{name}</extra>"
            traces.append(
                {
                    "type": "scatter", "mode": "lines", "name": name, "x": x,
                    "y": frame[col].round(1).tolist(), "xaxis": "x", "yaxis": ref_y,
                    "line": {"color": color, "dash": dash, "width": 2},
                    "legendgroup": name, "showlegend": ref_y == "y", "hovertemplate": hover,
                }
            )  # fmt: skip
    start = today["hour"].min() if len(today) else pd.Timestamp(now) - pd.Timedelta(hours=24)
    shapes, notes = incident_marks(incidents, lang, start=start, end=now, now=now, dark=dark)
    grid = "#2c3e52" if dark else "#e5e9ef"
    axis: dict[str, Any] = {"gridcolor": grid, "rangemode": "tozero", "zerolinecolor": grid}
    layout = base_layout(
        margin={"l": 60, "r": 10, "t": 30, "b": 36},
        legend={"orientation": "h", "y": 1.1, "x": 0, "yanchor": "bottom"},
        hovermode="x unified",
        xaxis={
            "type": "date",
            "anchor": "y2",
            "gridcolor": grid,
            "tickformat": "%H:%M",
            "tickangle": 0,
            "nticks": 8,
        },
        yaxis={
            **axis,
            "domain": [0.56, 1.0 - label_headroom(notes)],
            "title": {"text": t("col.wait", lang)},
        },
        yaxis2={**axis, "domain": [0.0, 0.44], "title": {"text": t("col.vehicles", lang)}},
        shapes=shapes,
        annotations=notes,
    )
    if dark:
        layout["font"] = {**layout["font"], "color": "#e8eef5"}
    return {"data": traces, "layout": layout}


CLEARANCE_COLORS = {"p50": "#1d70b8", "p90": "#4c2a85"}  # apart from the severity colours


def clearance_figure(
    daily: pd.DataFrame, incidents: pd.DataFrame, now: datetime, lang: str, *, dark: bool = False
) -> Any:
    """A port's median and p90 clearance time per release day, with its incidents marked.

    Each day's point stands at the middle of the day, so an incident's band falls on the
    day it happened; the last day is today so far.

    Args:
        daily: `live.daily_clearance` rows (day, n, p50, p90), one per day, in order.
        incidents: incidents at the port overlapping the days (marked by `incident_marks`).
        now: current Beijing time (the right edge; where open incidents end).
        lang: "zh" or "en".
        dark: the wall's dark theme.

    Returns:
        A plain figure dict, or `empty_figure` saying that the port released nothing in
        the window.
    """
    days = len(daily)
    if not (daily["n"] > 0).any():
        return empty_figure(t("cc.clearance.none", lang, days=days))
    noon = daily["day"] + pd.Timedelta(hours=12)
    x = _times(noon)
    custom = [[d.strftime("%m-%d"), int(n)] for d, n in zip(daily["day"], daily["n"], strict=True)]
    traces = []
    for col, dash in (("p50", "solid"), ("p90", "dash")):
        name = t(f"cc.clearance.{'median' if col == 'p50' else 'p90'}", lang)
        traces.append(
            {"type": "scatter", "mode": "lines+markers", "name": name, "x": x,
             "y": [None if v != v else round(float(v), 2) for v in daily[col]],
             "customdata": custom, "connectgaps": False,
             "line": {"color": CLEARANCE_COLORS[col], "dash": dash, "width": 2},
             "marker": {"size": 5, "color": CLEARANCE_COLORS[col]},
             "hovertemplate": t("cc.clearance.hover", lang, name=name) + "<extra></extra>"}
        )  # fmt: skip
    start = daily["day"].iloc[0]
    end = daily["day"].iloc[-1] + timedelta(days=1)
    shapes, notes = incident_marks(incidents, lang, start=start, end=now, now=now, dark=dark)
    ticks = list(range(days - 1, -1, -2))[::-1]  # every other day, ending on today
    grid = "#2c3e52" if dark else "#e5e9ef"
    layout = base_layout(
        title={"text": t("cc.clearance.title", lang, days=days), "font": {"size": 13},
               "x": 0, "xanchor": "left", "y": 0.98, "yanchor": "top", "pad": {"l": 6}},
        margin={"l": 60, "r": 10, "t": 56, "b": 36},
        legend={"orientation": "h", "y": 1.0, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        hovermode="closest",
        xaxis={"type": "date", "range": _times(pd.Series([start, end])),
               "tickmode": "array", "tickvals": [x[k] for k in ticks],
               "ticktext": [custom[k][0] for k in ticks], "tickangle": 0, "showgrid": False},
        yaxis={"gridcolor": grid, "zerolinecolor": grid, "rangemode": "tozero",
               "domain": [0.0, 1.0 - label_headroom(notes)],
               "title": {"text": t("cc.clearance.hours", lang)}},
        shapes=shapes,
        annotations=notes,
    )  # fmt: skip
    if dark:
        layout["font"] = {**layout["font"], "color": "#e8eef5"}
    return {"data": traces, "layout": layout}
