"""Trade Trends figures and headline cards: DataFrames from `dashboard.trade` in, plain
plotly dicts (and display dicts for the cards) out, in the caller's language and currency.

The value and clearance charts share one time axis (same periods, same x range), so that
growth and speed are read together; every code is shown by its name.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import pandas as pd

from dashboard.figures import base_layout
from dashboard.histogram import PERCENTILE_RELATIVE_ERROR
from dashboard.i18n import district_names, t
from dashboard.reference import load_reference
from dashboard.trade import OTHER, usd_per

DISTRICT_COLORS: Final = {
    "0100": "#c0392b",
    "0200": "#1f6fb2",
    "0400": "#2e8b57",
    "7900": "#8e5cb5",
}
GROWTH_COLOR: Final = "#e67e22"
SERIES_STYLE: Final = {
    "overall_p50": {"color": "#1f6fb2", "dash": "solid", "width": 2.5},
    "overall_p90": {"color": "#1f6fb2", "dash": "dot", "width": 1.5},
    "customs_p50": {"color": "#2e8b57", "dash": "solid", "width": 2.5},
    "customs_p90": {"color": "#2e8b57", "dash": "dot", "width": 1.5},
}
PERIOD_FORMAT: Final = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "quarter": "%Y-%m"}
DIMENSION_TABLE: Final = {
    "trade_mode": "trade_mode",
    "transport_mode": "transport_mode",
    "hs_section": "hs_section",
    "hs_chapter": "hs_chapter",
    "partner_region": "partner_region",
}


# --- number formatting ---------------------------------------------------------------------------
def scale_unit(max_value: float, currency: str, lang: str) -> tuple[float, str]:
    """Divisor and unit name for amounts of this size (亿 / 万 in Chinese, bn / m in English)."""
    cur = t(f"trade.cur.{currency}", lang)
    if lang == "zh":
        if max_value >= 1e8:
            return 1e8, f"亿{cur}"
        return 1e4, f"万{cur}"
    if max_value >= 1e9:
        return 1e9, f"{cur} bn"
    return 1e6, f"{cur} m"


def money(value_usd: float, currency: str, lang: str) -> str:
    """An amount in USD shown in `currency` with a readable unit ("12.3 亿美元")."""
    value = value_usd / usd_per(currency)
    key = "trade.unit.bn" if value >= (1e8 if lang == "zh" else 1e9) else "trade.unit.m"
    div = (
        (1e8 if key == "trade.unit.bn" else 1e4)
        if lang == "zh"
        else (1e9 if key == "trade.unit.bn" else 1e6)
    )
    return t(key, lang, v=f"{value / div:,.2f}", cur=t(f"trade.cur.{currency}", lang))


def percent(value: float, signed: bool = True) -> str:
    """0.123 -> "+12.3%" (signed) or "12.3%"; NaN -> "—"."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def hours(value: float, lang: str) -> str:
    """Hours for people: "31.5 小时" / "31.5 h", minutes under one hour; NaN -> "—"."""
    if value is None or not math.isfinite(value):
        return "—"
    if value < 1:
        return t("trade.minutes", lang, m=f"{value * 60:.0f}")
    return t("trade.hours", lang, h=f"{value:,.1f}")


def short_label(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis (the full text goes in the hover)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip("；;，, ") + "…"


def code_names(dimension: str, lang: str) -> dict[str, str]:
    """Display names of a composition dimension's codes (HS chapters as "84 核反应堆…")."""
    names = load_reference().names(DIMENSION_TABLE[dimension], lang)
    if dimension == "hs_chapter":
        return {c: f"{c} {n}" for c, n in names.items()}
    if dimension == "hs_section":
        return {c: f"{c} {n}" for c, n in names.items()}
    return names


# --- KPI cards -----------------------------------------------------------------------------
def value_cards(
    range_totals: pd.DataFrame,
    ytd_totals: pd.DataFrame,
    direction: str,
    currency: str,
    lang: str,
) -> list[dict[str, Any]]:
    """Headline cards of trade value: in the range and year to date, with YoY growth.

    Returns:
        Dicts with key, title, value, sub (a second line) and trend (up, down or None).
    """
    cards = []
    for key, frame in (("range", range_totals), ("ytd", ytd_totals)):
        row = frame.loc[direction]
        g = float(row["growth"])
        sub = (
            t("trade.kpi.yoy", lang, g=percent(g))
            if math.isfinite(g)
            else t("trade.kpi.yoy.none", lang)
        )
        if direction == "IE":
            parts = [
                f"{t('trade.kpi.import', lang)} {percent(float(frame.loc['I', 'growth']))}",
                f"{t('trade.kpi.export', lang)} {percent(float(frame.loc['E', 'growth']))}",
            ]
            sub = f"{sub} · {' · '.join(parts)}"
        cards.append(
            {
                "key": key,
                "title": t(f"trade.kpi.{key}", lang),
                "value": money(float(row["value_usd"]), currency, lang),
                "sub": sub,
                "trend": None if not math.isfinite(g) else ("up" if g >= 0 else "down"),
            }
        )
    return cards


def speed_cards(
    clearance: pd.DataFrame, integration: dict[str, float], direction: str, lang: str
) -> list[dict[str, Any]]:
    """Headline cards of facilitation: median overall clearance against last year per
    direction, and the cross-district share (as `value_cards`)."""
    cards = []
    for ie in ("I", "E") if direction == "IE" else (direction,):
        now = _clearance_value(clearance, ie, "now")
        prior = _clearance_value(clearance, ie, "prior")
        title_key = "trade.kpi.clearance" if ie == "I" else "trade.kpi.clearance.E"
        faster = None if not (math.isfinite(now) and math.isfinite(prior)) else now <= prior
        cards.append(
            {
                "key": f"clearance_{ie}",
                "title": t(title_key, lang),
                "value": hours(now, lang),
                "sub": t("trade.kpi.clearance.vs", lang, h=hours(prior, lang)),
                "trend": None if faster is None else ("up" if faster else "down"),
            }
        )
    total_n, cross_n = integration["released_n"], integration["cross_n"]
    value, cross_v = integration["value_usd"], integration["cross_value_usd"]
    cards.append(
        {
            "key": "integration",
            "title": t("trade.kpi.integration", lang),
            "value": percent(cross_n / total_n if total_n else math.nan, signed=False),
            "sub": t(
                "trade.kpi.integration.value",
                lang,
                s=percent(cross_v / value if value else math.nan, signed=False),
            ),
            "trend": None,
        }
    )
    return cards


def _clearance_value(frame: pd.DataFrame, ie: str, when: str) -> float:
    hit = frame[(frame["ie_flag"] == ie) & (frame["when"] == when)]
    return float(hit["overall_p50_h"].iloc[0]) if not hit.empty else math.nan


# --- value over time -----------------------------------------------------------------------------
def _x(periods: pd.Series | list[Any]) -> list[str]:
    return list(pd.to_datetime(pd.Series(periods)).dt.strftime("%Y-%m-%d"))


def _rounded(values: Any, digits: int) -> list[float | None]:
    """Finite values rounded, NaN and infinities as None (a gap in the line)."""
    a = np.asarray(values, dtype=float)
    return [None if not math.isfinite(v) else v for v in np.round(a, digits).tolist()]


def _period_ticks(granularity: str, x_range: list[str] | None = None) -> dict[str, Any]:
    """Tick spacing and labels that name each period once (months never repeat)."""
    if granularity in ("month", "quarter"):
        months = 12
        if x_range:
            span = pd.Timestamp(x_range[1]) - pd.Timestamp(x_range[0])
            months = max(1, round(span.days / 30.4))
        step = 1 if months <= 14 else 3 if months <= 40 else 6 if months <= 80 else 12
        if granularity == "quarter":
            step = max(step, 3)
        fmt = "%Y Q%q" if granularity == "quarter" else "%Y-%m"
        return {"dtick": f"M{step}", "tickformat": fmt}
    return {"tickformat": "%m-%d\n%Y"}


def value_figure(
    series: pd.DataFrame, granularity: str, currency: str, lang: str, x_range: list[str]
) -> dict[str, Any]:
    """Stacked bars of trade value per declaring district and period, with the total's
    year-on-year growth as a line on the right axis."""
    periods = sorted(set(series["period"]))
    col = {p: i for i, p in enumerate(periods)}
    codes = sorted(set(series["declare_district"]))
    value = np.zeros((len(codes), len(periods)))
    prior = np.zeros(len(periods))
    based = np.zeros(len(periods))  # value of the districts that have a base a year earlier
    for period, code, v, pv in zip(
        series["period"], series["declare_district"], series["value_usd"],
        series["prior_value_usd"], strict=True,
    ):  # fmt: skip
        value[codes.index(code), col[period]] += v
        if pv == pv:  # NaN: no base a year earlier, left out of the growth
            prior[col[period]] += pv
            based[col[period]] += v
    value /= usd_per(currency)
    total = value.sum(axis=0)
    div, unit = scale_unit(float(total.max()) if len(periods) else 0.0, currency, lang)
    names = district_names(lang)
    x = _x(periods)
    traces: list[dict[str, Any]] = []
    for i, code in enumerate(codes):
        traces.append(
            {
                "type": "bar",
                "name": names.get(code, code),
                "x": x,
                "y": np.round(value[i] / div, 3).tolist(),
                "marker": {"color": DISTRICT_COLORS.get(code, "#7f8c8d")},
                "hovertemplate": f"%{{x}}<br>{names.get(code, code)}: %{{y:,.2f}} {unit}"
                "<extra></extra>",
            }
        )
    growth = np.where(prior > 0, (based / np.where(prior > 0, prior, 1.0) - 1.0) * 100, np.nan)
    traces.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": t("trade.value.growth", lang),
            "x": x,
            "y": _rounded(growth, 2),
            "yaxis": "y2",
            "line": {"color": GROWTH_COLOR, "width": 2},
            "marker": {"size": 5},
            "connectgaps": False,
            "hovertemplate": "%{x}<br>"
            + t("trade.value.growth", lang)
            + ": %{y:+.1f}%<extra></extra>",
        }
    )
    layout = base_layout(
        barmode="stack",
        legend={"orientation": "h", "y": 1.12, "x": 0},
        margin={"l": 64, "r": 76, "t": 40, "b": 48},
        xaxis={"type": "date", "range": x_range, **_period_ticks(granularity, x_range)},
        yaxis={"title": {"text": t("trade.value.axis", lang, unit=unit)}, "rangemode": "tozero"},
        yaxis2={
            "title": {"text": t("trade.value.growth", lang)},
            "overlaying": "y",
            "side": "right",
            "ticksuffix": "%",
            "tickformat": ".1f",
            "showgrid": False,
            "zeroline": True,
            "zerolinecolor": "#bbb",
        },
        hovermode="x unified",
        height=360,
    )
    return {"data": traces, "layout": layout}


# --- clearance time ------------------------------------------------------------------------
def clearance_figure(
    series: pd.DataFrame, granularity: str, x_range: list[str], lang: str
) -> dict[str, Any]:
    """Median and p90 of overall and customs clearance time per period, one panel per
    direction (import above export), on the value chart's time axis."""
    directions = [d for d in ("I", "E") if d in set(series["ie_flag"])] or ["I"]
    traces: list[dict[str, Any]] = []
    n = len(directions)
    gap = 0.12
    height = (1 - gap * (n - 1)) / n
    layout = base_layout(
        legend={"orientation": "h", "y": 1.14, "x": 0},
        margin={"l": 64, "r": 76, "t": 40, "b": 48},
        hovermode="x unified",
        height=200 + 140 * n,
        annotations=[],
    )
    for i, ie in enumerate(directions):
        part = series[series["ie_flag"] == ie]
        x = _x(part["period"])
        axis = "" if i == 0 else str(i + 1)
        top = 1 - i * (height + gap)
        layout[f"yaxis{axis}"] = {
            "domain": [max(top - height, 0), top],
            "title": {"text": t("trade.clearance.axis", lang)},
            "rangemode": "tozero",
        }
        layout[f"xaxis{axis}"] = {
            "type": "date",
            "range": x_range,
            "anchor": f"y{axis}",
            "matches": "x" if i else None,
            "showticklabels": i == n - 1,
            **_period_ticks(granularity, x_range),
        }
        layout["annotations"].append(
            {
                "text": f"<b>{t(f'trade.direction.{ie}', lang)}</b>",
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": top,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        for key, style in SERIES_STYLE.items():
            label = t(f"trade.clearance.{key}", lang)
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": label,
                    "legendgroup": key,
                    "showlegend": i == 0,
                    "x": x,
                    "y": _rounded(part[f"{key}_h"], 2),
                    "xaxis": f"x{axis}",
                    "yaxis": f"y{axis}",
                    "line": style,
                    "hovertemplate": label
                    + ": "
                    + t("trade.hours.axis", lang, v="%{y:,.1f}")
                    + "<extra></extra>",
                }
            )
    for key in list(layout):
        if key.startswith("xaxis") and layout[key].get("matches") is None:
            layout[key].pop("matches", None)
    return {"data": traces, "layout": layout}


def clearance_note(lang: str) -> str:
    """The definition line under the clearance chart, with the histogram's error bound."""
    return t("trade.clearance.note", lang, err=f"{PERCENTILE_RELATIVE_ERROR:.1%}")


# --- composition ---------------------------------------------------------------------------------
def composition_figure(
    frame: pd.DataFrame, dimension: str, currency: str, lang: str
) -> dict[str, Any]:
    """Horizontal bars of value by code (largest on top), names not codes, share as text."""
    names = code_names(dimension, lang)
    full = [
        t("trade.mix.other", lang)
        if c == OTHER
        else names.get(str(c)) or str(c) or t("trade.mix.none", lang)
        for c in frame["code"]
    ]
    labels = [short_label(x, 14 if lang == "zh" else 26) for x in full]
    values = frame["value_usd"] / usd_per(currency)
    div, unit = scale_unit(float(values.max()) if len(values) else 0.0, currency, lang)
    shares = [percent(float(s), signed=False) for s in frame["share"]]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels[::-1],
        "x": np.round(values / div, 3).tolist()[::-1],
        "text": shares[::-1],
        "textposition": "auto",
        "marker": {"color": ["#95a5a6" if c == OTHER else "#1f6fb2" for c in frame["code"]][::-1]},
        "customdata": list(zip(full, frame["released_n"].astype(int).tolist(), strict=True))[::-1],
        "hovertemplate": "%{customdata[0]}<br>%{x:,.2f} "
        + unit
        + " · %{text}<br>"
        + t("trade.mix.count", lang)
        + " %{customdata[1]:,}<extra></extra>",
        "cliponaxis": False,
    }
    layout = base_layout(
        margin={"l": 8, "r": 36, "t": 28, "b": 40},
        xaxis={"title": {"text": unit}},
        yaxis={"automargin": True},
        height=max(260, 34 * len(labels) + 60),
        showlegend=False,
    )
    return {"data": [trace], "layout": layout}


# --- integration ---------------------------------------------------------------------------------
def integration_figure(
    series: pd.DataFrame, granularity: str, x_range: list[str], lang: str
) -> dict[str, Any]:
    """Cross-district share per period, by declarations and by value (percent)."""
    traces = []
    for key, color in (("share_n", "#1f6fb2"), ("share_value", "#e67e22")):
        label = t(f"trade.integration.{key}", lang)
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": _x(series["period"]),
                "y": _rounded(series[key] * 100, 2),
                "line": {"color": color, "width": 2},
                "marker": {"size": 4},
                "hovertemplate": f"{label}: %{{y:.1f}}%<extra></extra>",
            }
        )
    layout = base_layout(
        legend={"orientation": "h", "y": 1.15, "x": 0},
        margin={"l": 64, "r": 76, "t": 36, "b": 48},
        xaxis={"type": "date", "range": x_range, **_period_ticks(granularity, x_range)},
        yaxis={"ticksuffix": "%", "rangemode": "tozero"},
        hovermode="x unified",
        height=300,
    )
    return {"data": traces, "layout": layout}


def od_figure(matrix: pd.DataFrame, lang: str) -> dict[str, Any]:
    """Declaring district (rows) x port district (columns): colour = released declarations,
    text = count and median overall clearance time."""
    names = district_names(lang)
    codes = sorted(set(matrix["declare_district"]) | set(matrix["port_district"]))
    index = {c: i for i, c in enumerate(codes)}
    z: list[list[float | None]] = [[None] * len(codes) for _ in codes]
    text: list[list[str]] = [[""] * len(codes) for _ in codes]
    for r in matrix.itertuples(index=False):
        i, j = index[r.declare_district], index[r.port_district]
        z[i][j] = float(r.released_n)
        text[i][j] = t(
            "trade.od.cell", lang, n=f"{int(r.released_n):,}", h=hours(float(r.overall_p50_h), lang)
        )
    labels = [names.get(c, c) for c in codes]
    trace = {
        "type": "heatmap",
        "z": z,
        "x": labels,
        "y": labels,
        "text": text,
        "texttemplate": "%{text}",
        "colorscale": [[0, "#eaf2fb"], [1, "#1f6fb2"]],
        "showscale": False,
        "hovertemplate": t("trade.od.declare", lang)
        + " %{y} → "
        + t("trade.od.port", lang)
        + " %{x}<br>%{text}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    layout = base_layout(
        margin={"l": 8, "r": 8, "t": 16, "b": 48},
        xaxis={"title": {"text": t("trade.od.port", lang)}, "side": "bottom", "automargin": True},
        yaxis={
            "title": {"text": t("trade.od.declare", lang)},
            "autorange": "reversed",
            "automargin": True,
        },
        height=300,
    )
    return {"data": [trace], "layout": layout}


def x_range(start: Any, end: Any, granularity: str) -> list[str]:
    """The shared x range of the time charts: half a period either side of the range."""
    pad = {"day": 0.6, "week": 4, "month": 16, "quarter": 46}[granularity]
    lo = pd.Timestamp(start) - pd.Timedelta(days=pad)
    hi = pd.Timestamp(end) + pd.Timedelta(days=pad)
    return [lo.strftime("%Y-%m-%d %H:%M"), hi.strftime("%Y-%m-%d %H:%M")]


def rate_note(lang: str) -> str:
    """How CNY amounts were converted (the reference rate)."""
    return t("trade.rate.note", lang, rate=f"{1 / usd_per('CNY'):.4f}")
