"""Emergency Response figures and grid rows: pure builders from `dashboard.emergency` frames.

Severities use the national warning colours (I red, II orange, III yellow, IV blue, from
codes.csv); categories, districts, ports, members, stages and tasks are shown by name in
the page's language, never as bare codes.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd

from dashboard.emergency import SEVERITIES, STAGES, Target, Targets
from dashboard.figures import base_layout, empty_figure
from dashboard.i18n import district_names, format_ts, t
from dashboard.reference import load_reference

Figure = dict[str, Any]
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
STAGE_COLOURS = {
    "acknowledged": "#1f77b4",
    "dispatched": "#9467bd",
    "mitigated": "#ff7f0e",
    "resolved": "#2ca02c",
}
RISK_CLASS = {"breached": "danger", "at_risk": "warning", "pending": "success", "none": "secondary"}


def _names(table: str, lang: str) -> dict[str, str]:
    if table == "district":
        return district_names(lang)
    return load_reference().names(table, "zh" if lang == "zh" else "en")


def severity_colours() -> dict[str, str]:
    """Severity -> its warning colour."""
    return load_reference().extra("severity")


def _empty(lang: str) -> Figure:
    return dict(empty_figure(t("em.none", lang)).to_plotly_json())


def pct(value: float | None) -> str:
    """0.123 -> '12.3%' ('—' for NaN)."""
    return "—" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def duration_text(minutes: float | None, lang: str) -> str:
    """Minutes as 'N min' under two hours, else 'N h' ('—' for NaN)."""
    if minutes is None or math.isnan(minutes):
        return t("em.none", lang)
    if minutes < 120:
        return t("em.sla.minutes", lang, n=f"{minutes:.0f}")
    return t("em.sla.hours", lang, n=f"{minutes / 60:.1f}")


def target_text(target: Target | None, lang: str) -> str:
    """'5 min', '24 h' or '5 working days' ('—' without a target)."""
    if target is None:
        return t("em.none", lang)
    if target.unit == "working_days":
        return t("em.sla.working_days", lang, n=int(target.amount))
    return duration_text(target.amount, lang)


# --- open incidents -------------------------------------------------------------------------
def open_rows(risk: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows of `emergency.risk_list`, display text only."""
    cat, status = _names("incident_category", lang), _names("incident_status", lang)
    dist, port = _names("district", lang), _names("port", lang)
    member = _names("member", lang)
    rows = []
    for r in risk.itertuples(index=False):
        rows.append(
            {
                "incident_id": r.incident_id,
                "risk": t(f"em.risk.{r.risk}", lang),
                "risk_code": r.risk,
                "severity": t(f"incident.level.{r.severity}", lang),
                "severity_code": r.severity,
                "category": cat.get(r.category, r.category),
                "district": dist.get(r.district_code, r.district_code),
                "port": port.get(r.port_id, "") if isinstance(r.port_id, str) else "",
                "title": r.title if isinstance(r.title, str) else "",
                "reported": format_ts(r.reported_at),
                "status": status.get(r.status, r.status),
                "next": t(f"em.stage.{r.next_stage}", lang)
                if isinstance(r.next_stage, str)
                else "",
                "deadline": format_ts(r.next_deadline) if pd.notna(r.next_deadline) else "",
                "used": pct(r.used) if pd.notna(r.used) else "",
                "lead": member.get(r.lead_member_id, "")
                if isinstance(r.lead_member_id, str)
                else "",
            }
        )
    return rows


def open_bars(open_: pd.DataFrame, lang: str) -> Figure:
    """Open incidents per category, stacked by severity in the warning colours."""
    if open_.empty:
        return _empty(lang)
    cat, sev = _names("incident_category", lang), _names("severity", lang)
    colours = severity_colours()
    counts = open_.groupby(["category", "severity"]).size().unstack(fill_value=0)
    order = counts.sum(axis=1).sort_values().index
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": sev.get(s, s),
            "y": [cat.get(c, c) for c in order],
            "x": [int(counts.loc[c, s]) for c in order],
            "marker": {"color": colours.get(s)},
            "hovertemplate": "%{y}: %{x}<extra>" + sev.get(s, s) + "</extra>",
        }
        for s in SEVERITIES
        if s in counts.columns
    ]
    return {
        "data": data,
        "layout": base_layout(
            barmode="stack",
            height=260,
            margin={"l": 16, "r": 16, "t": 16, "b": 36},
            legend={"orientation": "h", "y": -0.2},
            xaxis={"dtick": 1, "rangemode": "tozero"},
            yaxis={"automargin": True},
        ),
    }


# --- SLA ------------------------------------------------------------------------------------
def sla_rows(shares: pd.DataFrame, targets: Targets, lang: str) -> list[dict[str, str]]:
    """Per severity: each stage's target and share met ('12/14, 85.7%')."""
    sev = _names("severity", lang)
    index = {(r.severity, r.stage): r for r in shares.itertuples(index=False)}
    rows = []
    for s in SEVERITIES:
        row = {"severity": sev.get(s, s), "severity_code": s}
        for stage in STAGES:
            target = targets.get((s, stage))
            got = index.get((s, stage))
            met = (
                f"{pct(got.share_met)} ({got.met_n}/{got.met_n + got.breached_n})"
                if got is not None
                else t("em.none", lang)
            )
            row[stage] = f"{target_text(target, lang)} · {met}" if target else t("em.none", lang)
        rows.append(row)
    return rows


def sla_trend(weekly: pd.DataFrame, lang: str) -> Figure:
    """Share met per stage and report week (columns week, stage, share_met, met_n, breached_n)."""
    if weekly.empty:
        return _empty(lang)
    data = []
    for stage in STAGES:
        part = weekly[weekly["stage"] == stage].sort_values("week")
        if part.empty:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": t(f"em.stage.{stage}", lang),
                "x": [w.strftime("%Y-%m-%d") for w in part["week"]],
                "y": [None if pd.isna(v) else round(float(v), 4) for v in part["share_met"]],
                "customdata": list(
                    zip(part["met_n"], part["met_n"] + part["breached_n"], strict=True)
                ),
                "hovertemplate": "%{x}: %{y:.1%} (%{customdata[0]}/%{customdata[1]})<extra>"
                + t(f"em.stage.{stage}", lang)
                + "</extra>",
                "line": {"color": STAGE_COLOURS[stage]},
            }
        )
    return {
        "data": data,
        "layout": base_layout(
            height=280,
            yaxis={
                "tickformat": ".0%",
                "range": [0, 1.05],
                "title": {"text": t("em.sla.share", lang)},
            },
            legend={"orientation": "h", "y": -0.2},
        ),
    }


# --- workload -------------------------------------------------------------------------------
def workload_figure(work: pd.DataFrame, target: float, lang: str) -> Figure:
    """Per member: hours on shift and off shift (stacked), utilisation in the hover and text."""
    if work.empty:
        return _empty(lang)
    member = _names("member", lang)
    f = work.sort_values(["hours", "member_id"])
    y = [f"{member.get(m, m)} ({s})" for m, s in zip(f["member_id"], f["shift"], strict=True)]
    util = [pct(u) for u in f["utilisation"]]
    on = (f["hours"] - f["off_shift_hours"]).round(2)
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": t("em.work.on", lang),
            "y": y,
            "x": on.tolist(),
            "marker": {"color": "#4c78a8"},
            "customdata": util,
            "hovertemplate": "%{y}: %{x:.1f} h · %{customdata}<extra></extra>",
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": t("em.work.off", lang),
            "y": y,
            "x": f["off_shift_hours"].round(2).tolist(),
            "marker": {"color": "#e45756"},
            "text": [
                f"{u}" + (" ▲" if o else "") for u, o in zip(util, f["over_target"], strict=True)
            ],
            "textposition": "outside",
            "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:.1f} h<extra>" + t("em.work.off", lang) + "</extra>",
        },
    ]
    return {
        "data": data,
        "layout": base_layout(
            barmode="stack",
            height=max(260, 22 * len(f) + 80),
            margin={"l": 150, "r": 60, "t": 16, "b": 40},
            legend={"orientation": "h", "y": -0.08},
            xaxis={"title": {"text": t("em.work.hours", lang)}, "rangemode": "tozero"},
        ),
    }


def workload_rows(work: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows of `emergency.workload`, busiest first."""
    member, team = _names("member", lang), _names("team", lang)
    teams = load_reference().member_team()
    rows = []
    for r in work.sort_values(["hours", "member_id"], ascending=[False, True]).itertuples(
        index=False
    ):
        rows.append(
            {
                "member_id": r.member_id,
                "member": member.get(r.member_id, r.member_id),
                "team": team.get(teams.get(r.member_id, ""), ""),
                "shift": r.shift,
                "open_n": int(r.open_n),
                "hours": round(float(r.hours), 1),
                "off": round(float(r.off_shift_hours), 1),
                "rostered": round(float(r.rostered_hours), 1),
                "util": pct(r.utilisation),
                "over": bool(r.over_target),
            }
        )
    return rows


def district_share_figure(hours: pd.DataFrame, lang: str) -> Figure:
    """Team hours by incident district, with each district's share as text."""
    if hours.empty or hours["hours"].sum() <= 0:
        return _empty(lang)
    dist = _names("district", lang)
    return {
        "data": [
            {
                "type": "bar",
                "x": [dist.get(d, d) for d in hours["district_code"]],
                "y": hours["hours"].round(1).tolist(),
                "text": [pct(s) for s in hours["share"]],
                "textposition": "outside",
                "cliponaxis": False,
                "marker": {"color": PALETTE[: len(hours)]},
                "hovertemplate": "%{x}: %{y:.1f} h (%{text})<extra></extra>",
            }
        ],
        "layout": base_layout(
            height=260,
            yaxis={"title": {"text": t("em.work.hours", lang)}, "rangemode": "tozero"},
            margin={"l": 56, "r": 16, "t": 28, "b": 40},
        ),
    }


# --- trends ---------------------------------------------------------------------------------
DIM_TABLES = {"category": "incident_category", "district_code": "district", "severity": "severity"}


def trend_counts(weekly: pd.DataFrame, dim: str, lang: str) -> Figure:
    """Incidents per week stacked by `dim` (columns week, dim, reported_n)."""
    if weekly.empty:
        return _empty(lang)
    names = _names(DIM_TABLES[dim], lang)
    wide = weekly.groupby(["week", dim])["reported_n"].sum().unstack(fill_value=0).sort_index()
    colours = severity_colours() if dim == "severity" else {}
    order = wide.sum().sort_values(ascending=False).index
    x = [w.strftime("%Y-%m-%d") for w in wide.index]
    data = [
        {
            "type": "bar",
            "name": names.get(c, c),
            "x": x,
            "y": wide[c].astype(int).tolist(),
            "marker": {"color": colours.get(c, PALETTE[i % len(PALETTE)])},
            "hovertemplate": "%{x}: %{y}<extra>" + names.get(c, c) + "</extra>",
        }
        for i, c in enumerate(order)
    ]
    return {
        "data": data,
        "layout": base_layout(
            barmode="stack",
            height=300,
            yaxis={"title": {"text": t("em.trend.count", lang)}},
            legend={"orientation": "h", "y": -0.2},
        ),
    }


def times_figure(weekly: pd.DataFrame, lang: str) -> Figure:
    """Median and p90 time to acknowledge (minutes, left) and resolve (hours, right)."""
    if weekly.empty:
        return _empty(lang)
    f = weekly.sort_values("week")
    x = [w.strftime("%Y-%m-%d") for w in f["week"]]

    def line(col: str, name: str, colour: str, dash: str, axis: str) -> dict[str, Any]:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": x,
            "y": [None if pd.isna(v) else round(float(v), 1) for v in f[col]],
            "line": {"color": colour, "dash": dash},
            "yaxis": axis,
            "hovertemplate": "%{x}: %{y}<extra>" + name + "</extra>",
        }

    ack, res = t("em.trend.ack", lang), t("em.trend.res", lang)
    p50, p90 = t("em.trend.p50", lang), t("em.trend.p90", lang)
    data = [
        line("ack_p50", f"{ack} {p50}", "#1f77b4", "solid", "y"),
        line("ack_p90", f"{ack} {p90}", "#1f77b4", "dot", "y"),
        line("res_p50", f"{res} {p50}", "#2ca02c", "solid", "y2"),
        line("res_p90", f"{res} {p90}", "#2ca02c", "dot", "y2"),
    ]
    return {
        "data": data,
        "layout": base_layout(
            height=300,
            yaxis={"title": {"text": ack}, "rangemode": "tozero"},
            yaxis2={
                "title": {"text": res},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "showgrid": False,
            },
            margin={"l": 56, "r": 56, "t": 16, "b": 40},
            legend={"orientation": "h", "y": -0.2},
        ),
    }


# --- one incident ---------------------------------------------------------------------------
def timeline_figure(incident: pd.Series, states: pd.DataFrame, now: datetime, lang: str) -> Figure:
    """The incident's stages on a time axis, each stage's SLA deadline beside it."""
    colours = severity_colours()
    stages = ["reported", *STAGES]
    x, y, text, colour = [], [], [], []
    for stage in stages:
        at = incident.get(f"{stage}_at")
        if pd.notna(at):
            x.append(pd.Timestamp(at).strftime("%Y-%m-%d %H:%M:%S"))
            y.append(t(f"em.stage.{stage}", lang))
            text.append(format_ts(at))
            colour.append(STAGE_COLOURS.get(stage, colours.get(str(incident["severity"]), "#555")))
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers+lines",
            "x": x,
            "y": y,
            "text": text,
            "marker": {"size": 12, "color": colour},
            "line": {"color": "#999", "width": 1},
            "hovertemplate": "%{y}: %{text}<extra></extra>",
            "showlegend": False,
        }
    ]
    state_colour = {
        "met": "#2ca02c",
        "breached": "#d62728",
        "at_risk": "#ff7f0e",
        "pending": "#7f7f7f",
    }
    dl = states.sort_values("deadline")
    if not dl.empty:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": t("em.detail.deadline", lang),
                "x": [d.strftime("%Y-%m-%d %H:%M:%S") for d in dl["deadline"]],
                "y": [t(f"em.stage.{s}", lang) for s in dl["stage"]],
                "text": [
                    t(f"em.risk.{'pending' if s == 'met' else s}", lang) if s != "met" else "✓"
                    for s in dl["state"]
                ],
                "marker": {
                    "symbol": "line-ns-open",
                    "size": 18,
                    "line": {"width": 3},
                    "color": [state_colour[s] for s in dl["state"]],
                },
                "hovertemplate": t("em.detail.deadline", lang)
                + " %{x} · %{text}<extra>%{y}</extra>",
            }
        )
    now_x = now.strftime("%Y-%m-%d %H:%M:%S")
    return {
        "data": data,
        "layout": base_layout(
            height=240,
            margin={"l": 90, "r": 16, "t": 16, "b": 40},
            yaxis={
                "categoryorder": "array",
                "categoryarray": [t(f"em.stage.{s}", lang) for s in stages][::-1],
            },
            legend={"orientation": "h", "y": -0.3},
            shapes=[
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": now_x,
                    "x1": now_x,
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#555", "dash": "dot", "width": 1},
                }
            ]
            if pd.isna(incident.get("resolved_at"))
            else [],
        ),
    }


def spell_rows(measured: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows of one incident's spells (with `spell_hours` columns)."""
    member, task = _names("member", lang), _names("assignment_task", lang)
    rows = []
    for r in measured.itertuples(index=False):
        rows.append(
            {
                "member": member.get(r.member_id, r.member_id),
                "task": task.get(r.task, r.task),
                "assigned": format_ts(r.assigned_at),
                "released": format_ts(r.released_at)
                if pd.notna(r.released_at)
                else t("em.col.open", lang),
                "hours": round(float(r.hours), 1),
                "off": round(float(r.off_shift_hours), 1),
            }
        )
    return rows


def affected_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows of the declarations an incident touched."""
    dist, ie = _names("district", lang), _names("ie_flag", lang)
    status = _names("decl_status", lang)
    return [
        {
            "entry_id": r.entry_id,
            "district": dist.get(r.declare_district, r.declare_district),
            "ie": ie.get(r.ie_flag, r.ie_flag),
            "declared": format_ts(r.ts_declared),
            "released": format_ts(r.ts_released) if pd.notna(r.ts_released) else "",
            "status": status.get(r.status, r.status),
        }
        for r in frame.itertuples(index=False)
    ]


def affected_text(detail: Any, lang: str) -> str:
    """'Vehicles affected: N · Declarations in process at the port: N (first 20 listed)'."""
    from dashboard.emergency import AFFECTED_CAP, AFFECTED_ROWS

    parts = []
    vehicles = detail.incident.get("affected_vehicles")
    if vehicles is not None and vehicles == vehicles:
        parts.append(t("em.detail.vehicles", lang, n=f"{int(vehicles):,}"))
    port_id = detail.incident.get("port_id")
    if isinstance(port_id, str) and port_id:
        n = detail.affected_n
        count = (
            t("em.detail.over_cap", lang, n=f"{AFFECTED_CAP:,}") if n > AFFECTED_CAP else f"{n:,}"
        )
        parts.append(t("em.detail.declarations", lang, n=count, rows=min(n, AFFECTED_ROWS)))
    else:
        parts.append(t("em.detail.no_port", lang))
    return " · ".join(parts)


def port_wait_figure(
    hourly: pd.DataFrame, incidents: pd.DataFrame, start: datetime, end: datetime, lang: str
) -> Figure:
    """The port's worst mean wait per hour around an incident, its incidents marked (the same
    bands and labels as the Command Center's port charts)."""
    from dashboard.figures.command import port_hourly
    from dashboard.figures.incident_marks import incident_marks, label_headroom

    series = port_hourly(hourly)
    if series.empty:
        return dict(empty_figure(t("em.detail.no_queue", lang)).to_plotly_json())
    shapes, notes = incident_marks(incidents, lang, start=start, end=end, now=end)
    x = [h.strftime("%Y-%m-%d %H:%M:%S") for h in series["hour"] + pd.Timedelta(minutes=30)]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "name": t("cc.detail.wait", lang),
                "x": x,
                "y": series["wait"].round(1).tolist(),
                "line": {"color": "#1d70b8", "width": 2},
                "hovertemplate": "%{x|%m-%d %H:%M} · %{y} min<extra></extra>",
            }
        ],
        "layout": base_layout(
            height=300,
            title={"text": t("em.detail.wait", lang), "font": {"size": 14}, "x": 0.01},
            margin={"l": 56, "r": 16, "t": 40, "b": 40},
            xaxis={"type": "date", "range": [start.isoformat(" "), end.isoformat(" ")]},
            yaxis={
                "title": {"text": t("cc.detail.wait", lang)},
                "rangemode": "tozero",
                "domain": [0.0, 1.0 - label_headroom(notes)],
            },
            shapes=shapes,
            annotations=notes,
            showlegend=False,
        ),
    }
