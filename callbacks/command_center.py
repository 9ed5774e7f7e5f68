"""Command Center callbacks: KPI strip, map, queue board, alarms, port detail, boundaries.

Every panel refreshes on the shell's interval and when the view changes. A panel whose
query fails keeps what it shows and says so, with the time of its last good data (kept in
the panel's client store); it recovers by itself at the next refresh. View, port and
wall values from the browser are checked against allow-lists before any query: a forged
value is an error, never a query. Selecting a port, switching the view and rotating are
clientside (`assets/clientside.js`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import flask
from dash import ClientsideFunction, Dash, Input, Output, State, get_relative_path, html, no_update
from dash.exceptions import PreventUpdate

import callbacks
from dashboard import command, geo
from dashboard.figures import empty_figure
from dashboard.figures.command import (
    alarm_items,
    board_rows,
    clearance_figure,
    detail_figure,
    incident_items,
    kpi_tiles,
    port_hourly,
    severity_breakdown,
)
from dashboard.figures.command_map import BoundaryUrls, map_figure
from dashboard.i18n import beijing_now, district_names, format_ts, normalise_lang, t
from dashboard.live import Thresholds
from dashboard.queries import QUERY_ERRORS, Scope, narrow
from dashboard.reference import load_reference
from layouts import ids
from layouts.command_center import ALL, alarm_list, detail_head, kpi_tile, severity_chips

logger = logging.getLogger(__name__)
cc = ids.CommandCenter
BOUNDARY_SETS = ("context", "focus")


InvalidInput, refused = callbacks.InvalidInput, callbacks.refused


# --- validation ------------------------------------------------------------------------------
def valid_view(value: Any) -> str | None:
    """The district of a view value ("all" gives None); raises InvalidInput otherwise."""
    if value == ALL or value is None:
        return None
    if isinstance(value, str) and value in load_reference().code_set("district"):
        return value
    raise refused("view")


def valid_port(value: Any) -> str | None:
    """A known port id, None for no selection; raises InvalidInput otherwise."""
    if value is None:
        return None
    if isinstance(value, str) and value in load_reference().code_set("port"):
        return value
    raise refused("port")


def is_wall(config: Any) -> bool:
    """Whether the page is in wall mode (only a real boolean `wall` counts)."""
    return isinstance(config, dict) and config.get("wall") is True


def _context(view: Any) -> tuple[str | None, Scope, Thresholds]:
    """The view's district (None for all), the districts to query, and the thresholds.

    A view of a district outside the user's scope is refused (only a forged request can
    ask for one).
    """
    district, scope = valid_view(view), callbacks.scope()
    if district is not None and scope is not None and district not in scope:
        raise refused("view")
    th = Thresholds.from_settings(callbacks.settings())
    return district, narrow(scope, district), th


def _guarded(build: Callable[[], tuple[Any, ...]], n: int, good: Any, lang: str) -> tuple[Any, ...]:
    """Run a panel's build; on a database failure keep the panel as it is and say so."""
    try:
        values = build()
    except QUERY_ERRORS:
        logger.exception("command center panel query failed")
        last = good if isinstance(good, str) else None
        text = t("cc.failed", lang, ts=last) if last else t("cc.failed.none", lang)
        return (*([no_update] * n), html.Span(text, className="panel-failed"), no_update)
    stamp = format_ts(beijing_now())
    return (*values, t("cc.updated", lang, ts=stamp), stamp)


def _stale() -> frozenset[str]:
    """Districts of the user's scope whose feeds are stale now."""
    cfg = callbacks.settings()
    late, stale = cfg.freshness_late_minutes, cfg.freshness_stale_minutes
    return command.stale_districts(
        callbacks.engine(), beijing_now(), late, stale, callbacks.scope()
    )


# --- panels ----------------------------------------------------------------------------------
def refresh_kpis(_n: Any, view: Any, lang: Any, good: Any) -> tuple[Any, ...]:
    """The KPI strip of the view, with open incidents by severity."""
    lang = normalise_lang(lang)
    _district, scope, th = _context(view)

    def build() -> tuple[Any, ...]:
        figures, open_now = command.kpi_strip(callbacks.engine(), beijing_now(), scope, th)
        stale = _stale()
        in_view = scope is None or bool(stale & set(scope))
        chips = severity_chips(severity_breakdown(open_now, lang))
        marked = in_view and bool(stale)
        tiles = [
            kpi_tile({**tile, "stale": marked}, chips if tile["key"] == "open_incidents" else None)
            for tile in kpi_tiles(figures, lang)
        ]
        return (tiles,)

    return _guarded(build, 1, good, lang)


def refresh_map(_n: Any, view: Any, lang: Any, config: Any, good: Any) -> tuple[Any, ...]:
    """The map of the view."""
    lang = normalise_lang(lang)
    district, scope, th = _context(view)

    def build() -> tuple[Any, ...]:
        engine, now = callbacks.engine(), beijing_now()
        current, open_now, flows = command.map_data(engine, now, scope, th)
        stale = _stale()
        adcodes = {d["district_code"]: d["province_adcode"] for d in load_reference().districts}
        urls = BoundaryUrls(
            context=boundary_url("context"),
            focus=boundary_url("focus"),
            stale=[boundary_url(adcodes[d]) for d in sorted(stale) if d in adcodes],
        )
        districts = [district] if district else None
        fig = map_figure(
            current,
            open_now,
            flows,
            stale,
            lang,
            urls=urls,
            districts=districts,
            dark=is_wall(config),
        )
        return (fig,)

    return _guarded(build, 1, good, lang)


def refresh_board(_n: Any, view: Any, lang: Any, good: Any) -> tuple[Any, ...]:
    """Queue-board rows of the view, worst wait first."""
    lang = normalise_lang(lang)
    _district, scope, th = _context(view)

    def build() -> tuple[Any, ...]:
        current = command.board(callbacks.engine(), beijing_now(), scope, th)
        stale = _stale()
        return (board_rows(current, stale, lang),)

    return _guarded(build, 1, good, lang)


def refresh_alarms(_n: Any, view: Any, lang: Any, good: Any) -> tuple[Any, ...]:
    """The alarm feed of the view, newest first, and the stale-district note."""
    lang = normalise_lang(lang)
    _district, scope, th = _context(view)
    cfg = callbacks.settings()

    def build() -> tuple[Any, ...]:
        found = command.alarm_feed(
            callbacks.engine(),
            beijing_now(),
            scope,
            th,
            cfg.freshness_late_minutes,
            cfg.freshness_stale_minutes,
        )
        stale = sorted(_stale())
        names = district_names(lang)
        note = t("cc.stale.note", lang, names="、".join(names[d] for d in stale)) if stale else ""
        return alarm_list(alarm_items(found, lang), lang), note

    return _guarded(build, 2, good, lang)


def refresh_detail(
    _n: Any, port: Any, view: Any, lang: Any, config: Any, good: Any
) -> tuple[Any, ...]:
    """The selected port's detail: header, 24-hour chart against last week, and 14-day
    clearance-time chart, the port's incidents marked on both."""
    lang = normalise_lang(lang)
    port_id = valid_port(port)
    if port_id is None:
        raise PreventUpdate
    user_scope = callbacks.scope()
    district = load_reference().port_district()[port_id]
    if user_scope is not None and district not in user_scope:
        raise refused("port")
    _view, scope, th = _context(view)
    if scope is not None and district not in scope:  # a port picked before the view moved on
        return (
            detail_head(None, [], lang),
            empty_figure(t("cc.detail.hint", lang)),
            empty_figure(""),
            no_update,
            no_update,
        )

    def build() -> tuple[Any, ...]:
        engine, now = callbacks.engine(), beijing_now()
        recent, before, inc = command.port_detail(engine, now, port_id, scope)
        current = command.board(engine, now, scope, th)
        row = current[current["port_id"] == port_id]
        stale = _stale()
        rows = board_rows(row, stale, lang)
        head = detail_head(rows[0] if rows else None, incident_items(inc, lang), lang)
        dark = is_wall(config)
        fig = detail_figure(port_hourly(recent), port_hourly(before), inc, now, lang, dark=dark)
        daily, around = command.port_clearance(engine, now, port_id, user_scope)
        return head, fig, clearance_figure(daily, around, now, lang, dark=dark)

    return _guarded(build, 3, good, lang)


# --- boundaries ------------------------------------------------------------------------------
def boundary_url(name: str) -> str:
    """URL of one boundary set ("context", "focus" or a province adcode)."""
    return get_relative_path(f"/geo/{name}.geojson")


def serve_boundaries(name: str) -> flask.Response:
    """GET /geo/<name>.geojson: the context or focus provinces, or one province."""
    collection = geo.load_boundaries(callbacks.settings().boundary_file)
    if name in BOUNDARY_SETS:
        part = geo.subset(collection, focus=name == "focus")
    elif len(name) == 6 and name.isdigit():
        part = geo.subset(collection, adcodes=frozenset({name}))
    else:
        part = {"features": []}
    if not part["features"]:
        flask.abort(404)
    response = flask.jsonify(part)
    response.cache_control.max_age = 3600
    response.cache_control.public = True
    return response


def register(app: Dash) -> None:
    """Wire the Command Center's callbacks and the boundary route on `app`."""
    app.server.add_url_rule(
        app.config.routes_pathname_prefix + "geo/<name>.geojson",
        endpoint="boundaries",
        view_func=serve_boundaries,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="command", function_name="view"),
        Output(cc.VIEW, "data"),
        Input(cc.VIEW_DROPDOWN, "value"),
        Input(cc.ROTATE_INTERVAL, "n_intervals"),
        State(cc.CONFIG, "data"),
        State(cc.VIEW, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="command", function_name="viewTitle"),
        Output(cc.VIEW_TITLE, "children"),
        Input(cc.VIEW, "data"),
        State(cc.CONFIG, "data"),
    )
    app.clientside_callback(
        ClientsideFunction(namespace="command", function_name="selectPort"),
        Output(cc.PORT, "data"),
        Input(cc.MAP, "clickData"),
        Input(cc.BOARD, "cellClicked"),
        State(cc.PORT, "data"),
    )
    refresh = Input(ids.Shell.REFRESH_INTERVAL, "n_intervals")
    view = Input(cc.VIEW, "data")
    lang = State(ids.Shell.LANG, "data")
    config = State(cc.CONFIG, "data")
    _panel(app, refresh_kpis, [Output(cc.KPIS, "children")], cc.KPIS_STATUS, cc.KPIS_GOOD,
           refresh, view, lang)  # fmt: skip
    _panel(app, refresh_map, [Output(cc.MAP, "figure")], cc.MAP_STATUS, cc.MAP_GOOD,
           refresh, view, lang, config)  # fmt: skip
    _panel(app, refresh_board, [Output(cc.BOARD, "rowData")], cc.BOARD_STATUS, cc.BOARD_GOOD,
           refresh, view, lang)  # fmt: skip
    _panel(app, refresh_alarms,
           [Output(cc.ALARMS, "children"), Output(cc.STALE_NOTE, "children")],
           cc.ALARMS_STATUS, cc.ALARMS_GOOD, refresh, view, lang)  # fmt: skip
    _panel(app, refresh_detail,
           [Output(cc.DETAIL_HEAD, "children"), Output(cc.DETAIL, "figure"),
            Output(cc.DETAIL_CLEARANCE, "figure")],
           cc.DETAIL_STATUS, cc.DETAIL_GOOD,
           refresh, Input(cc.PORT, "data"), view, lang, config)  # fmt: skip


def _panel(
    app: Dash,
    fn: Callable[..., tuple[Any, ...]],
    contents: list[Output],
    status: str,
    good: str,
    *inputs: Input | State,
) -> None:
    """Register a panel callback: its content outputs, then its status line and its
    last-good store (also read as the last State)."""
    app.callback(
        *contents, Output(status, "children"), Output(good, "data"), *inputs, State(good, "data")
    )(fn)
