"""Trade Trends callbacks: the controls make one validated state; each panel reads it.

The state store is client data, so every panel validates it again (`trade_view.strict`)
against the allow-lists and the signed-in user's districts before any query; a value no
control can produce is audited and refused. A panel whose query fails keeps what it shows
and says so. The URL is kept in step with the state and printing is clientside
(`assets/trade.js`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import callbacks
from callbacks import refused
from dashboard import audit, trade, trade_export
from dashboard.export import frame_to_csv
from dashboard.figures import empty_figure
from dashboard.figures import trade as tf
from dashboard.i18n import beijing_now, district_names, format_ts, normalise_lang, t
from dashboard.periods import preset_range, whole_months
from dashboard.queries import QUERY_ERRORS
from dashboard.trade import TradeView
from dashboard.trade_view import InvalidState, TradeState, strict
from layouts import ids
from layouts.trade import CHARTS, allowed_districts, kpi_card

logger = logging.getLogger(__name__)
T = ids.Trade


def _today() -> date:
    return beijing_now().date()


def checked(raw: Any) -> TradeState:
    """The state for raw values from the browser, or an audited refusal."""
    if not isinstance(raw, dict):
        raise refused("trade:state")
    try:
        return strict(raw, allowed_districts(callbacks.scope()), _today())
    except InvalidState as exc:
        raise refused(f"trade:{exc}") from None


def _view(raw: Any) -> tuple[TradeState, TradeView]:
    state = checked(raw)
    return state, state.view(_today())


def _guarded(build: Callable[[], tuple[Any, ...]], n: int, lang: str) -> tuple[Any, ...]:
    """Run a panel's build; on a database failure keep the panel as it is and say so."""
    try:
        return (*build(), "")
    except QUERY_ERRORS:
        logger.exception("trade panel query failed")
        text = t("trade.failed.none", lang)
        return (*([no_update] * n), html.Span(text, className="panel-failed"))


# --- state -----------------------------------------------------------------------------------
def update_state(
    preset: Any,
    start: Any,
    end: Any,
    districts: Any,
    direction: Any,
    currency: Any,
    granularity: Any,
    dimension: Any,
    _tick: Any,
    lang: Any,
) -> tuple[Any, ...]:
    """The page state from the controls: validated, dates resolved, granularity fitted."""
    lang = normalise_lang(lang)
    today = _today()
    raw = {
        "preset": preset,
        "start": start,
        "end": end,
        "districts": districts or [],
        "direction": direction,
        "currency": currency,
        "granularity": granularity,
        "dimension": dimension,
    }
    if preset != "custom":
        raw.pop("start"), raw.pop("end")
    elif start is None or end is None:
        raise PreventUpdate  # the person is still picking the second day of the range
    state = checked(raw)
    first, last = state.dates(today) if preset == "custom" else preset_range(state.preset, today)
    view = state.view(today)
    notice = ""
    if view.granularity != state.granularity:
        notice = t(
            "trade.coarsened",
            lang,
            asked=t(f"trade.granularity.{state.granularity}", lang),
            used=t(f"trade.granularity.{view.granularity}", lang),
        )
    return (
        state.to_store(),
        first.isoformat(),
        last.isoformat(),
        preset != "custom",
        notice,
        _brief_meta(state, view, lang),
    )


def _brief_meta(state: TradeState, view: TradeView, lang: str) -> str:
    names = district_names(lang)
    chosen = view.districts or tuple(sorted(allowed_districts(callbacks.scope())))
    return t(
        "trade.brief.meta",
        lang,
        range=t("trade.range.text", lang, start=view.start, end=view.end),
        districts="、".join(names[d] for d in chosen)
        if lang == "zh"
        else ", ".join(names[d] for d in chosen),
        direction=t(f"trade.direction.{view.direction}", lang),
        cur=state.currency,
        ts=format_ts(beijing_now()),
    )


# --- panels ----------------------------------------------------------------------------------
def refresh_kpis(raw: Any, lang: Any) -> tuple[Any, ...]:
    """Headline cards of trade value: in the range and year to date, with YoY growth."""
    lang = normalise_lang(lang)
    state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        engine, scope = callbacks.engine(), callbacks.scope()
        in_range = trade.totals(engine, view, scope, view.start, view.end)
        ytd = trade.totals(engine, view, scope, date(view.end.year, 1, 1), view.end)
        cards = tf.value_cards(in_range, ytd, view.direction, state.currency, lang)
        return ([kpi_card(c) for c in cards],)

    return _guarded(build, 1, lang)


def refresh_speed(raw: Any, lang: Any) -> tuple[Any, ...]:
    """Headline cards of facilitation: median clearance against last year, integration."""
    lang = normalise_lang(lang)
    _state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        engine, scope = callbacks.engine(), callbacks.scope()
        clearance = trade.clearance_totals(engine, view, scope)
        integration = trade.integration_total(engine, view, scope)
        cards = tf.speed_cards(clearance, integration, view.direction, lang)
        return ([kpi_card(c) for c in cards],)

    return _guarded(build, 1, lang)


def refresh_value(raw: Any, lang: Any) -> tuple[Any, ...]:
    """Trade value per period and district, with year-on-year growth."""
    lang = normalise_lang(lang)
    state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        series = trade.value_series(callbacks.engine(), view, callbacks.scope())
        note = t("trade.value.note", lang, cur=t(f"trade.cur.{state.currency}", lang))
        if state.currency == "CNY":
            note = f"{note} {tf.rate_note(lang)}"
        if series.empty or series["released_n"].sum() == 0:
            return empty_figure(t("trade.no_data", lang)), note
        return tf.value_figure(series, view.granularity, state.currency, lang, _x(view)), note

    return _guarded(build, 2, lang)


def _x(view: TradeView) -> list[str]:
    return tf.x_range(view.start, view.end, view.granularity)


def refresh_clearance(raw: Any, lang: Any) -> tuple[Any, ...]:
    """Median and p90 clearance time per period, on the value chart's time axis."""
    lang = normalise_lang(lang)
    _state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        series = trade.clearance_series(callbacks.engine(), view, callbacks.scope())
        if series.empty:
            return (empty_figure(t("trade.no_data", lang)),)
        return (tf.clearance_figure(series, view.granularity, _x(view), lang),)

    return _guarded(build, 1, lang)


def refresh_mix(raw: Any, lang: Any) -> tuple[Any, ...]:
    """Composition by the chosen dimension, top N and other."""
    lang = normalise_lang(lang)
    state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        frame = trade.composition(callbacks.engine(), view, callbacks.scope(), state.dimension)
        note = _months_note("trade.mix.note", view, lang, n=trade.TOP_N)
        if frame.empty:
            return empty_figure(t("trade.no_data", lang)), note
        return tf.composition_figure(frame, state.dimension, state.currency, lang), note

    return _guarded(build, 2, lang)


def _months_note(key: str, view: TradeView, lang: str, **extra: Any) -> str:
    first, last = whole_months(view.start, view.end)
    return t(key, lang, first=first.strftime("%Y-%m"), last=last.strftime("%Y-%m"), **extra)


def refresh_integration(raw: Any, lang: Any) -> tuple[Any, ...]:
    """Cross-district share per period."""
    lang = normalise_lang(lang)
    _state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        series = trade.integration_series(callbacks.engine(), view, callbacks.scope())
        if series.empty:
            return (empty_figure(t("trade.no_data", lang)),)
        return (tf.integration_figure(series, view.granularity, _x(view), lang),)

    return _guarded(build, 1, lang)


def refresh_od(raw: Any, lang: Any) -> tuple[Any, ...]:
    """The declaring-to-port district matrix over whole months."""
    lang = normalise_lang(lang)
    _state, view = _view(raw)

    def build() -> tuple[Any, ...]:
        matrix = trade.od_matrix(callbacks.engine(), view, callbacks.scope())
        note = _months_note("trade.od.note", view, lang)
        if matrix.empty:
            return empty_figure(t("trade.no_data", lang)), note
        return tf.od_figure(matrix, lang), note

    return _guarded(build, 2, lang)


# --- export -----------------------------------------------------------------------------------
def download_csv(_clicks: Any, raw: Any, lang: Any) -> Any:
    """The data behind one chart as CSV (scope from the session; audited)."""
    chart = ctx.triggered_id.get("chart") if isinstance(ctx.triggered_id, dict) else None
    if chart not in CHARTS:
        raise refused("trade:chart")
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate  # the buttons were (re)drawn, nobody clicked
    lang = normalise_lang(lang)
    state, view = _view(raw)
    target = f"trade:{chart}"
    try:
        frame = trade_export.chart_rows(
            callbacks.engine(),
            view,
            callbacks.scope(),
            chart,
            state.currency,
            state.dimension,
            lang,
        )
    except QUERY_ERRORS:
        logger.exception("trade export failed")
        _audit_export(target, "failed", state.query_string())
        raise
    _audit_export(target, "ok", f"{state.query_string() or '?'} rows={len(frame)}")
    name = f"trade-{chart}-{view.start:%Y%m%d}-{view.end:%Y%m%d}.csv"
    return dcc.send_string(frame_to_csv(frame), name, type="text/csv")


def _audit_export(target: str, outcome: str, detail: str) -> None:
    try:
        audit.audit(callbacks.engine(), callbacks.actor(), "export", outcome, target=target,
                    ip=callbacks.client_ip(), detail=detail)  # fmt: skip
    except QUERY_ERRORS:
        logger.warning("could not audit an export of %s", target)


def register(app: Dash) -> None:
    """Wire the Trade Trends callbacks on `app`."""
    lang = State(ids.Shell.LANG, "data")
    state = Input(T.STATE, "data")
    app.callback(
        Output(T.STATE, "data"),
        Output(T.DATES, "start_date"),
        Output(T.DATES, "end_date"),
        Output(T.DATES, "disabled"),
        Output(T.NOTICE, "children"),
        Output(T.BRIEF_META, "children"),
        Input(T.PRESET, "value"),
        Input(T.DATES, "start_date"),
        Input(T.DATES, "end_date"),
        Input(T.DISTRICTS, "value"),
        Input(T.DIRECTION, "value"),
        Input(T.CURRENCY, "value"),
        Input(T.GRANULARITY, "value"),
        Input(T.DIMENSION, "value"),
        Input(T.REFRESH, "n_intervals"),
        lang,
    )(update_state)
    app.callback(Output(T.KPIS, "children"), Output(T.KPIS_STATUS, "children"), state, lang)(
        refresh_kpis
    )
    app.callback(Output(T.SPEED, "children"), Output(T.SPEED_STATUS, "children"), state, lang)(
        refresh_speed
    )
    app.callback(
        Output(T.VALUE, "figure"),
        Output(T.VALUE_NOTE, "children"),
        Output(T.VALUE_STATUS, "children"),
        state,
        lang,
    )(refresh_value)
    app.callback(
        Output(T.CLEARANCE, "figure"), Output(T.CLEARANCE_STATUS, "children"), state, lang
    )(refresh_clearance)
    app.callback(
        Output(T.MIX, "figure"),
        Output(T.MIX_NOTE, "children"),
        Output(T.MIX_STATUS, "children"),
        state,
        lang,
    )(refresh_mix)
    app.callback(
        Output(T.INTEGRATION, "figure"), Output(T.INTEGRATION_STATUS, "children"), state, lang
    )(refresh_integration)
    app.callback(
        Output(T.OD, "figure"),
        Output(T.OD_NOTE, "children"),
        Output(T.OD_STATUS, "children"),
        state,
        lang,
    )(refresh_od)
    app.callback(
        Output(T.DOWNLOAD, "data"),
        Input(ids.trade_csv(ALL), "n_clicks"),
        State(T.STATE, "data"),
        lang,
        prevent_initial_call=True,
    )(download_csv)
    app.clientside_callback(
        ClientsideFunction(namespace="trade", function_name="syncUrl"),
        Output(T.URL_SYNC, "data"),
        state,
    )
    app.clientside_callback(
        ClientsideFunction(namespace="trade", function_name="print"),
        Output(T.PRINTED, "data"),
        Input(T.PRINT, "n_clicks"),
        prevent_initial_call=True,
    )
