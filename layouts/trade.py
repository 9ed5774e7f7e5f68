"""Trade Trends (/trade): growth of trade value beside clearance time, composition and
regional integration, for leadership.

The URL holds the whole view (`dashboard.trade_view`: preset, start, end, districts, dir,
cur, g, mix), so a view can be bookmarked and shared; bad values fall back to their
defaults and the page says so. This module builds components only and reads no data: the
panels are filled by `callbacks.trade` from the state store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.figures import empty_figure
from dashboard.histogram import PERCENTILE_RELATIVE_ERROR
from dashboard.i18n import beijing_now, district_names, t
from dashboard.periods import GRANULARITIES, PRESETS
from dashboard.trade import CURRENCIES, DIMENSIONS, DIRECTIONS
from dashboard.trade_view import TradeState, from_url
from layouts import ids
from layouts.components import current_lang, page_header, section, user_scope

T = ids.Trade
CHARTS = ("value", "clearance", "mix", "integration", "od")
GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def allowed_districts(scope: tuple[str, ...] | None) -> frozenset[str]:
    """Districts the user may choose (every district for an unscoped user)."""
    every = frozenset(district_names("en"))
    return every if scope is None else every & frozenset(scope)


def _radio(component_id: str, values: tuple[str, ...], key: str, value: str, lang: str) -> Any:
    return dbc.RadioItems(
        id=component_id,
        options=[{"label": t(f"{key}.{v}", lang), "value": v} for v in values],
        value=value,
        inline=True,
        className="btn-group trade-radio",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-primary btn-sm",
        labelCheckedClassName="active",
    )


def _control(label: str, child: Any, width: str = "auto") -> dbc.Col:
    return dbc.Col(
        [html.Div(label, className="small text-body-secondary mb-1"), child],
        width=width,
        className="mb-2",
    )


def controls(state: TradeState, today: date, lang: str, scope: tuple[str, ...] | None) -> Any:
    """The control bar: range presets and dates, districts, direction, currency, grain."""
    start, end = state.dates(today)
    names = district_names(lang)
    options = [{"label": names[c], "value": c} for c in sorted(allowed_districts(scope))]
    return dbc.Row(
        className="trade-controls g-3 align-items-end",
        children=[
            _control(
                t("trade.range", lang),
                html.Div(
                    [
                        _radio(T.PRESET, PRESETS, "trade.preset", state.preset, lang),
                        dcc.DatePickerRange(
                            id=T.DATES,
                            start_date=start.isoformat(),
                            end_date=end.isoformat(),
                            max_date_allowed=today.isoformat(),
                            min_date_allowed="2000-01-01",
                            display_format="YYYY-MM-DD",
                            updatemode="bothdates",
                            disabled=state.preset != "custom",
                            className="ms-2 trade-dates",
                        ),
                    ],
                    className="d-flex flex-wrap align-items-center gap-1",
                ),
            ),
            _control(
                t("trade.districts", lang),
                dcc.Dropdown(
                    id=T.DISTRICTS,
                    options=options,
                    value=list(state.districts),
                    multi=True,
                    placeholder=t("trade.districts.all", lang),
                    className="trade-districts",
                ),
                width=3,
            ),
            _control(
                t("trade.direction", lang),
                _radio(T.DIRECTION, DIRECTIONS, "trade.direction", state.direction, lang),
            ),
            _control(
                t("trade.currency", lang),
                _radio(T.CURRENCY, CURRENCIES, "trade.cur", state.currency, lang),
            ),
            _control(
                t("trade.granularity", lang),
                _radio(T.GRANULARITY, GRANULARITIES, "trade.granularity", state.granularity, lang),
            ),
            dbc.Col(
                dbc.Button(
                    t("trade.print", lang),
                    id=T.PRINT,
                    color="secondary",
                    outline=True,
                    size="sm",
                    className="no-print",
                ),
                width="auto",
                className="mb-2 ms-auto",
            ),
        ],
    )


def _graph(graph_id: str, lang: str, height: int) -> dcc.Graph:
    return dcc.Graph(
        id=graph_id,
        figure=empty_figure(t("trade.no_data", lang)),
        config=GRAPH_CONFIG,
        style={"height": f"{height}px"},
    )


def _csv(chart: str, lang: str) -> dbc.Button:
    return dbc.Button(
        t("trade.csv", lang),
        id=ids.trade_csv(chart),
        size="sm",
        color="link",
        className="p-0 no-print trade-csv",
    )


def _status(status_id: str) -> html.Span:
    return html.Span(id=status_id, className="small text-body-secondary panel-status")


def _panel(
    title: str, chart: str, lang: str, *children: Any, note_id: str | None = None
) -> dbc.Card:
    head = html.Div(
        [html.H2(title, className="h5 card-title mb-0"), _csv(chart, lang)],
        className="d-flex justify-content-between align-items-baseline",
    )
    body: list[Any] = [head]
    if note_id:
        body.append(html.P(id=note_id, className="small text-body-secondary mb-2"))
    body.extend(children)
    return dbc.Card(dbc.CardBody(body), className="mb-3 shadow-sm trade-panel")


def kpi_card(card: dict[str, Any]) -> html.Div:
    """One headline card from `figures.trade.kpi_cards`."""
    trend = card.get("trend")
    return html.Div(
        className="trade-kpi" + (f" trend-{trend}" if trend else ""),
        **{"data-kpi": card["key"]},
        children=[
            html.Div(card["title"], className="kpi-label"),
            html.Div(card["value"], className="kpi-value"),
            html.Div(card["sub"], className="kpi-baseline"),
        ],
    )


def layout(refresh_seconds: int = 10, **query: Any) -> html.Div:
    """The page body in the request's language, in the state the URL asks for."""
    del refresh_seconds  # the page refreshes every 5 minutes, not with the live wall
    lang = current_lang()
    scope = user_scope()
    today = beijing_now().date()
    state, refused = from_url(query, allowed_districts(scope), today)
    notice = t("trade.invalid", lang, fields=", ".join(refused)) if refused else ""
    return html.Div(
        className="trade-page",
        children=[
            dcc.Store(id=T.STATE, data=state.to_store()),
            dcc.Store(id=T.URL_SYNC),
            dcc.Store(id=T.PRINTED),
            dcc.Interval(id=T.REFRESH, interval=300_000),
            dcc.Download(id=T.DOWNLOAD),
            page_header(t("page.trade.name", lang), t("trade.lead", lang)),
            html.P(id=T.BRIEF_META, className="small text-body-secondary brief-meta"),
            html.Div(
                section(
                    t("trade.range", lang),
                    controls(state, today, lang, scope),
                    html.Div(notice, id=T.NOTICE, className="small text-warning-emphasis"),
                ),
                className="no-print",
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Div(id=T.KPIS, className="trade-kpis-part"),
                            html.Div(id=T.SPEED, className="trade-kpis-part"),
                        ],
                        className="trade-kpis",
                    ),
                    _status(T.KPIS_STATUS),
                    _status(T.SPEED_STATUS),
                ]
            ),
            _panel(
                t("trade.value.title", lang),
                "value",
                lang,
                _graph(T.VALUE, lang, 360),
                _status(T.VALUE_STATUS),
                note_id=T.VALUE_NOTE,
            ),
            _panel(
                t("trade.clearance.title", lang),
                "clearance",
                lang,
                html.P(
                    t("trade.clearance.note", lang, err=f"{PERCENTILE_RELATIVE_ERROR:.1%}"),
                    className="small text-body-secondary mb-2",
                ),
                _graph(T.CLEARANCE, lang, 480),
                _status(T.CLEARANCE_STATUS),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _panel(
                            t("trade.mix.title", lang),
                            "mix",
                            lang,
                            _radio(T.DIMENSION, DIMENSIONS, "trade.mix", state.dimension, lang),
                            _graph(T.MIX, lang, 380),
                            _status(T.MIX_STATUS),
                            note_id=T.MIX_NOTE,
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        _panel(
                            t("trade.od.title", lang),
                            "od",
                            lang,
                            _graph(T.OD, lang, 300),
                            _status(T.OD_STATUS),
                            note_id=T.OD_NOTE,
                        ),
                        lg=6,
                    ),
                ],
                className="trade-pair",
            ),
            _panel(
                t("trade.integration.title", lang),
                "integration",
                lang,
                html.P(t("trade.integration.note", lang), className="small text-body-secondary"),
                _graph(T.INTEGRATION, lang, 300),
                _status(T.INTEGRATION_STATUS),
            ),
        ],
    )
