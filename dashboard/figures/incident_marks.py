"""Incidents marked on a time chart: one shaded band and one short label per incident.

Every chart that puts a port's figures on a time axis (the Command Center's wait and
clearance charts, the Emergency Response page's charts of an incident's port) marks the
port's incidents the same way, so the cause of a spike is visible where the spike is:

- the band runs from the report to the mitigation (capacity back), or to the resolution
  when no mitigation was recorded, and to now while the incident is still open; clipped
  to the chart's window;
- it is filled in the severity's national warning colour (I red, II orange, III yellow,
  IV blue, from the reference table), under the traces;
- its label, at the top of the band, names the severity and the category ("Level II ·
  Severe weather", never a code), and hovering it shows the incident id and the period.

Labels of incidents that start close together are stacked in rows so they do not overlap,
and a label that would run past the right edge ends at the edge instead. Labels sit in a
strip above the plot (`label_headroom`), so no line runs under them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.i18n import format_ts_short, t
from dashboard.reference import load_reference

FALLBACK_COLOR = "#d62728"
BAND_OPACITY = 0.15
LABEL_ROW = 0.11  # paper height of one row of labels
LABEL_ROWS = 3
# Rough label width as a share of the window per character (a CJK character counts two):
# labels closer than this are put on the next row (a plot about 450 px wide, 6.5 px each).
CHAR_SHARE = 6.5 / 450

TS_FORMAT = "%Y-%m-%d %H:%M:%S"


def _rgba(color: str, alpha: float) -> str:
    """`#rrggbb` as an rgba() string with `alpha`."""
    value = color.lstrip("#")
    r, g, b = (int(value[k : k + 2], 16) for k in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _end(row: Any, now: datetime) -> tuple[pd.Timestamp, str]:
    """Where an incident's band ends, and the key naming that end."""
    if pd.notna(row.mitigated_at):
        return pd.Timestamp(row.mitigated_at), "incident.mark.mitigated"
    if pd.notna(row.resolved_at):
        return pd.Timestamp(row.resolved_at), "incident.mark.resolved"
    return pd.Timestamp(now), "incident.mark.open"


def incident_label(severity: str, category: str, lang: str) -> str:
    """The short label of an incident: its severity level and category, by name."""
    ref = load_reference()
    level = t(f"incident.level.{severity}", lang) if severity in ("I", "II", "III", "IV") else ""
    name = ref.names("incident_category", lang).get(category, "")
    return " · ".join(part for part in (level, name) if part) or t("incident.mark.unknown", lang)


def label_headroom(notes: list[dict[str, Any]]) -> float:
    """The paper height the labels take at the top of a chart: a chart lowers the top of
    its plot by this much so its lines never run under a label (the bands still span it)."""
    if not notes:
        return 0.0
    return round(max(1 - n["y"] for n in notes) + LABEL_ROW, 4)


def incident_marks(
    incidents: pd.DataFrame,
    lang: str,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    dark: bool = False,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Shapes and annotations marking `incidents` on a chart whose x axis is time.

    Args:
        incidents: rows with incident_id, severity, category, reported_at, mitigated_at
            and resolved_at (`queries.incidents.INCIDENT_COLUMNS`).
        lang: "zh" or "en".
        start: the left edge of the chart's window (bands are clipped to it).
        end: the right edge of the window.
        now: the current time (where the band of an open incident ends).
        dark: the wall's dark theme (light label text).

    Returns:
        Layout `shapes` (one rectangle per incident in the window, on `xref="x"`,
        `yref="paper"`, under the traces) and `annotations` (one label per incident, its
        hover text naming the incident id and the period).
    """
    colors = load_reference().extra("severity")
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    span = max((hi - lo).total_seconds(), 1.0)
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    row_free = [-1.0] * LABEL_ROWS  # where each row of labels is free again (window share)
    for r in incidents.sort_values("reported_at", kind="stable").itertuples(index=False):
        stop, end_key = _end(r, now)
        x0, x1 = max(pd.Timestamp(r.reported_at), lo), min(stop, hi)
        if pd.isna(x0) or x1 <= x0:
            continue
        color = colors.get(r.severity, FALLBACK_COLOR)
        shapes.append(
            {"type": "rect", "xref": "x", "yref": "paper", "x0": x0.strftime(TS_FORMAT),
             "x1": x1.strftime(TS_FORMAT), "y0": 0, "y1": 1, "fillcolor": color,
             "opacity": BAND_OPACITY, "line": {"width": 0}, "layer": "below"}
        )  # fmt: skip
        label = incident_label(r.severity, r.category, lang)
        width = CHAR_SHARE * (sum(2 if ord(c) >= 0x2E80 else 1 for c in label) + 2)  # CJK: 2
        at = (x0 - lo).total_seconds() / span
        fits = at + width <= 1.0  # else the label ends at the right edge, over the band
        at = at if fits else max(1.0 - width, 0.0)
        free_rows = [k for k, free in enumerate(row_free) if at >= free]
        row = free_rows[0] if free_rows else min(range(LABEL_ROWS), key=row_free.__getitem__)
        row_free[row] = at + width
        until = t(end_key, lang, ts=format_ts_short(stop))
        hover = t(
            "incident.mark.hover",
            lang,
            id=r.incident_id,
            label=label,
            reported=format_ts_short(r.reported_at),
            until=until,
        )
        notes.append(
            {"x": (x0 if fits else hi).strftime(TS_FORMAT), "y": 1 - LABEL_ROW * row,
             "xref": "x", "yref": "paper", "text": label, "hovertext": hover,
             "showarrow": False, "xanchor": "left" if fits else "right", "yanchor": "top",
             "bgcolor": _rgba(color, 0.3), "bordercolor": color, "borderwidth": 1, "borderpad": 2,
             "font": {"size": 11, "color": "#e8eef5" if dark else "#1f2d3d"},
             "hoverlabel": {"bgcolor": color}}
        )  # fmt: skip
    return shapes, notes
