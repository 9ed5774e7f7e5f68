"""Callbacks of the Emergency Response (/emergency) page.

Each panel is one callback on the filters (district, severities, category, period) and,
for the live panels, the shell's refresh tick: validate every value against its allow-list
(a forged value is audited and refused before any query), narrow the signed-in user's
scope (never widened by an input), call the memoized facades of `dashboard.emergency`,
build rows and figures with `dashboard.figures.emergency`. A database failure shows a
message in the panel instead of a traceback. The URL follows the filters and the incident
opened clientside (`assets/emergency.js`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
from dash import ClientsideFunction, Dash, Input, Output, State, no_update

import callbacks
from callbacks import refused
from dashboard import emergency as em
from dashboard.figures import emergency as fig
from dashboard.figures import empty_figure
from dashboard.figures.command import clearance_figure
from dashboard.i18n import beijing_now, normalise_lang, t
from dashboard.queries import QUERY_ERRORS, Scope, narrow
from dashboard.queries import incidents as q
from dashboard.reference import load_reference
from dashboard.roster import members
from layouts import ids
from layouts.emergency import TREND_DIMS, detail_head, kpi_strip

logger = logging.getLogger(__name__)
E = ids.Emergency
FILTERS = [
    Input(E.DISTRICT, "value"),
    Input(E.SEVERITY, "value"),
    Input(E.CATEGORY, "value"),
    Input(E.PERIOD, "value"),
]
TICK = Input(ids.Shell.REFRESH_INTERVAL, "n_intervals")
LANG = State(ids.Shell.LANG, "data")


def parse(district: Any, severity: Any, category: Any, weeks: Any) -> tuple[Scope, em.View]:
    """Validated filters: the districts to query and the view.

    Raises:
        InvalidInput: for a value outside its allow-list or a district outside the scope.
    """
    scope = callbacks.scope()
    if district == em.ALL:
        chosen = None
    elif isinstance(district, str) and district in load_reference().code_set("district"):
        if scope is not None and district not in scope:
            raise refused("district")
        chosen = district
    else:
        raise refused("district")
    if not isinstance(severity, list) or not all(s in em.SEVERITIES for s in severity):
        raise refused("severity")
    if category != em.ALL and category not in load_reference().code_set("incident_category"):
        raise refused("category")
    if not isinstance(weeks, int) or isinstance(weeks, bool) or weeks not in em.PERIOD_WEEKS:
        raise refused("weeks")
    view = em.View(
        district=district,
        severity=tuple(s for s in em.SEVERITIES if s in severity),
        category=str(category),
        weeks=weeks,
    )
    return narrow(scope, chosen), view


def _settings_targets() -> tuple[em.Targets, float, float]:
    s = callbacks.settings()
    return em.targets_from(s.incident_sla_file), s.incident_at_risk_share, s.team_utilisation_target


def _guard(
    build: Callable[[], tuple[Any, ...]], empties: tuple[Any, ...], lang: str
) -> tuple[Any, ...]:
    try:
        return build()
    except QUERY_ERRORS:
        logger.exception("emergency panel query failed")
        failed = empty_figure(t("em.failed", lang))
        return tuple(failed if e == "figure" else e for e in empties)


def _period_states(
    scope: Scope, view: em.View, now: datetime
) -> tuple[pd.DataFrame, pd.DataFrame, em.Targets]:
    targets, at_risk, _ = _settings_targets()
    period = em.Period.ending(now, view.weeks)
    reported = em.filtered(em.reported(callbacks.engine(), period, scope), view)
    states = em.evaluate(reported, targets, now, at_risk)
    weeks = em.week_start(reported["reported_at"]).to_numpy()
    states["week"] = weeks[pd.Index(reported["incident_id"]).get_indexer(states["incident_id"])]
    return reported, states, targets


def update_overview(
    district: Any, severity: Any, category: Any, weeks: Any, _tick: Any, lang: Any
) -> tuple[Any, ...]:
    """Fires on a filter change and every refresh: the live counts (open, breached, at risk),
    the open incidents by SLA risk, and the open incidents by category and severity."""
    lang = normalise_lang(lang)
    scope, view = parse(district, severity, category, weeks)
    now = beijing_now()
    period = em.Period.ending(now, view.weeks)
    last = period.end - pd.Timedelta(days=1)
    text = t("em.range", lang, start=period.start.date().isoformat(), end=last.date().isoformat())

    def build() -> tuple[Any, ...]:
        targets, at_risk, _ = _settings_targets()
        open_ = em.filtered(em.open_now(callbacks.engine(), scope), view)
        risk = em.risk_list(open_, em.evaluate(open_, targets, now, at_risk))
        values = {
            "open": len(open_),
            "by_severity": open_["severity"].value_counts().to_dict(),
            "breached": int((risk["risk"] == "breached").sum()),
            "at_risk": int((risk["risk"] == "at_risk").sum()),
        }
        return kpi_strip(values, lang), fig.open_rows(risk, lang), fig.open_bars(open_, lang), text

    return _guard(build, (t("em.failed", lang), [], "figure", text), lang)


def update_period_kpis(
    district: Any, severity: Any, category: Any, weeks: Any, _tick: Any, lang: Any
) -> Any:
    """Fires on a filter change and every refresh: the period's share met, and the median
    times to acknowledge and resolve with the last 4 weeks against the 4 before."""
    lang = normalise_lang(lang)
    scope, view = parse(district, severity, category, weeks)

    def build() -> tuple[Any, ...]:
        reported, states, _ = _period_states(scope, view, beijing_now())
        met = em.shares_met(states.assign(all="all"), ["all"])
        times = em.weekly_times(reported)
        ack_now, ack_before = em.change(times, "ack_p50")
        res_now, res_before = em.change(times, "res_p50")
        ack_all = (reported["acknowledged_at"] - reported["reported_at"]).dt.total_seconds() / 60
        res_all = (reported["resolved_at"] - reported["reported_at"]).dt.total_seconds() / 60
        values = {
            "met": float(met["share_met"].iloc[0]) if len(met) else float("nan"),
            "met_sub": met_count(met),
            "ack_text": fig.duration_text(float(ack_all.median()), lang),
            "ack_sub": t("em.kpi.vs", lang, v=fig.duration_text(ack_before, lang))
            + f" → {fig.duration_text(ack_now, lang)}",
            "resolve_text": fig.duration_text(float(res_all.median()), lang),
            "resolve_sub": t("em.kpi.vs", lang, v=fig.duration_text(res_before * 60, lang))
            + f" → {fig.duration_text(res_now * 60, lang)}",
        }
        return (kpi_strip(values, lang),)

    (out,) = _guard(build, (t("em.failed", lang),), lang)
    return out


def met_count(met: pd.DataFrame) -> str:
    """'met/judged' of a one-row `shares_met` frame ('' when empty)."""
    if met.empty:
        return ""
    m, b = int(met["met_n"].iloc[0]), int(met["breached_n"].iloc[0])
    return f"{m}/{m + b}"


def update_sla(
    district: Any, severity: Any, category: Any, weeks: Any, lang: Any
) -> tuple[Any, ...]:
    """Fires on a filter change: targets with the share met per severity and stage, and the
    share met per stage by week."""
    lang = normalise_lang(lang)
    scope, view = parse(district, severity, category, weeks)

    def build() -> tuple[Any, ...]:
        _, states, targets = _period_states(scope, view, beijing_now())
        table = fig.sla_rows(em.shares_met(states, ["severity", "stage"]), targets, lang)
        return table, fig.sla_trend(em.shares_met(states, ["week", "stage"]), lang)

    return _guard(build, ([], "figure"), lang)


def _team_members(scope: Scope) -> list[str]:
    covers = load_reference().team_districts()
    visible = set(scope) if scope is not None else set(load_reference().code_set("district"))
    teams = {team for team, districts in covers.items() if districts & visible}
    return [m for m, r in members().items() if r.team_id in teams]


def update_workload(
    district: Any, severity: Any, category: Any, weeks: Any, _tick: Any, lang: Any
) -> tuple[Any, ...]:
    """Fires on a filter change and every refresh: each member's load this week, and where
    the teams' time went over the period (severity and category do not apply: a member's
    load is all their incidents)."""
    lang = normalise_lang(lang)
    scope, view = parse(district, severity, category, weeks)
    now = beijing_now()

    def build() -> tuple[Any, ...]:
        _, _, target = _settings_targets()
        eng, roster = callbacks.engine(), members()
        start, end = em.this_week(now)
        work = em.workload(
            em.spells(eng, start, end, scope), roster, _team_members(scope), start, end, target
        )
        period = em.Period.ending(now, view.weeks)
        window_end = min(period.end, now)
        spent = em.spells(eng, period.start, window_end, scope)
        spent = spent.assign(hours=em.overlap_hours(spent, period.start, window_end))
        shares = em.district_hours(spent, load_reference().member_team())
        return (
            fig.workload_figure(work, target, lang),
            fig.workload_rows(work, lang),
            fig.district_share_figure(shares, lang),
        )

    return _guard(build, ("figure", [], "figure"), lang)


def update_trends(
    district: Any, severity: Any, category: Any, weeks: Any, dim: Any, lang: Any
) -> tuple[Any, ...]:
    """Fires on a filter or grouping change: incidents per week, and median/p90 times to
    acknowledge and resolve per week with their change."""
    lang = normalise_lang(lang)
    scope, view = parse(district, severity, category, weeks)
    if dim not in TREND_DIMS:
        raise refused("trend_by")
    now = beijing_now()

    def build() -> tuple[Any, ...]:
        eng = callbacks.engine()
        period = em.Period.ending(now, view.weeks)
        counts = em.weekly_counts(eng, period, scope, dim, view)
        times = em.weekly_times(em.filtered(em.reported(eng, period, scope), view))
        ack = em.change(times, "ack_p50")
        res = em.change(times, "res_p50")
        note = (
            f"{t('em.kpi.ack', lang)}: {fig.duration_text(ack[1], lang)} → "
            f"{fig.duration_text(ack[0], lang)} · {t('em.kpi.resolve', lang)}: "
            f"{fig.duration_text(res[1] * 60, lang)} → {fig.duration_text(res[0] * 60, lang)}"
        )
        return fig.trend_counts(counts, dim, lang), fig.times_figure(times, lang), note

    return _guard(build, ("figure", "figure", ""), lang)


def pick_incident(cell: Any) -> Any:
    """Fires when a row of the open incidents is clicked: that incident opens."""
    if not isinstance(cell, dict) or not isinstance(cell.get("rowId"), str):
        return no_update
    if not q.INCIDENT_ID.fullmatch(cell["rowId"]):
        raise refused("incident")
    return cell["rowId"]


def show_incident(incident_id: Any, _tick: Any, lang: Any) -> tuple[Any, ...]:
    """Fires when an incident is opened (or on refresh): its header, timeline with SLA
    deadlines, assignments, the port's charts with the incident marked, and the
    declarations in process at the port while it was open."""
    lang = normalise_lang(lang)
    if incident_id in (None, ""):
        blank = empty_figure(t("em.detail.empty", lang))
        return t("em.detail.empty", lang), blank, [], blank, blank, "", []
    if not isinstance(incident_id, str) or not q.INCIDENT_ID.fullmatch(incident_id):
        raise refused("incident")
    scope, now = callbacks.scope(), beijing_now()

    def build() -> tuple[Any, ...]:
        targets, at_risk, _ = _settings_targets()
        d = em.incident_detail(callbacks.engine(), incident_id, scope, now, targets, at_risk)
        if d.incident is None:
            missing = empty_figure(t("em.detail.missing", lang, id=incident_id))
            return (
                t("em.detail.missing", lang, id=incident_id),
                missing,
                [],
                missing,
                missing,
                "",
                [],
            )
        wait, clearance = _port_charts(d, lang)
        return (
            detail_head(d.incident, lang),
            fig.timeline_figure(d.incident, d.states, now, lang),
            fig.spell_rows(d.spells, lang),
            wait,
            clearance,
            fig.affected_text(d, lang),
            fig.affected_rows(d.affected, lang) if len(d.affected) else [],
        )

    return _guard(build, (t("em.failed", lang), "figure", [], "figure", "figure", "", []), lang)


def _port_charts(d: em.IncidentDetail, lang: str) -> tuple[Any, Any]:
    """The port's wait (hourly) and clearance (daily) charts with its incidents marked."""
    port = d.incident.get("port_id") if d.incident is not None else None
    if not isinstance(port, str) or not port:
        no_port = empty_figure(t("em.detail.no_port", lang))
        return no_port, no_port
    ctx = em.port_context(callbacks.engine(), port, d.window, callbacks.scope())
    lo, hi = d.window
    wait = fig.port_wait_figure(ctx.hourly, ctx.incidents, lo, hi, lang)
    return wait, clearance_figure(ctx.daily, ctx.incidents, hi, lang)


def register(app: Dash) -> None:
    """Wire the page's callbacks on `app`."""
    app.callback(
        Output(E.KPIS, "children"),
        Output(E.OPEN_GRID, "rowData"),
        Output(E.OPEN_BARS, "figure"),
        Output(E.RANGE, "children"),
        *FILTERS,
        TICK,
        LANG,
    )(update_overview)
    app.callback(Output(E.KPIS_PERIOD, "children"), *FILTERS, TICK, LANG)(update_period_kpis)
    app.callback(Output(E.SLA_TABLE, "rowData"), Output(E.SLA_TREND, "figure"), *FILTERS, LANG)(
        update_sla
    )
    app.callback(
        Output(E.WORKLOAD, "figure"),
        Output(E.WORKLOAD_GRID, "rowData"),
        Output(E.DISTRICT_SHARE, "figure"),
        *FILTERS,
        TICK,
        LANG,
    )(update_workload)
    app.callback(
        Output(E.TRENDS, "figure"),
        Output(E.TIMES, "figure"),
        Output(E.TIMES_NOTE, "children"),
        *FILTERS,
        Input(E.TREND_BY, "value"),
        LANG,
    )(update_trends)
    app.callback(Output(E.INCIDENT, "data"), Input(E.OPEN_GRID, "cellClicked"))(pick_incident)
    app.callback(
        Output(E.DETAIL, "children"),
        Output(E.TIMELINE, "figure"),
        Output(E.SPELL_GRID, "rowData"),
        Output(E.PORT_WAIT, "figure"),
        Output(E.PORT_CLEARANCE, "figure"),
        Output(E.AFFECTED, "children"),
        Output(E.AFFECTED_GRID, "rowData"),
        Input(E.INCIDENT, "data"),
        TICK,
        LANG,
    )(show_incident)
    # replaceState in the browser, not a dcc.Location: the page router must not rebuild the page
    app.clientside_callback(
        ClientsideFunction(namespace="emergency", function_name="syncUrl"),
        Output(E.URL_SYNC, "data"),
        *FILTERS,
        Input(E.INCIDENT, "data"),
    )
