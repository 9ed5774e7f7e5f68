"""Enterprise Service (/service), for service managers.

Filters (district within the user's scope, channel, period in weeks) come from the URL
query string (`dashboard.service.from_url`; refused values are named on the page) and the
URL follows every change (`assets/service.js`, history.replaceState), so a view can be
bookmarked and reloaded; every figure is filled by `callbacks.service`. Six sections:
inquiry volume, first consulting responsibility and response times against the service
commitments, published Q&A and repeat questions, training coverage, trained against
untrained enterprises (with the association-not-proof caveat), escalations to incidents.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import service
from dashboard.figures.service import names, pct
from dashboard.i18n import district_names, t
from dashboard.service import ESCALATION_ROWS, PERIOD_WEEKS, REPEAT_MONTHS
from dashboard.workdays import COVERED_YEARS
from layouts import ids
from layouts.components import current_lang, grid, page_header, section, user_scope

S = ids.Service
ALL = service.ALL
CHANNELS = service.CHANNELS
VOLUME_DIMS = ("channel", "category", "topic", "district_code")
FC_DIMS = ("district_code", "channel", "topic")
_CONFIG = {"displayModeBar": False, "responsive": True}


def initial(query: dict[str, Any], scope: tuple[str, ...] | None) -> tuple[service.View, list[str]]:
    """The view the query string asks for and the fields refused (they fall back)."""
    visible = scope if scope is not None else tuple(district_names("zh"))
    return service.from_url(query, visible)


KPI_FORMATS = (
    ("received", "svc.kpi.received", "int"),
    ("first_contact_share", "svc.kpi.first_contact", "pct"),
    ("response_met_share", "svc.kpi.response_met", "pct"),
    ("resolve_met_share", "svc.kpi.met", "pct"),
    ("published", "svc.kpi.published", "int"),
    ("escalated", "svc.kpi.escalated", "int"),
)


def kpi_strip(values: dict[str, float], lang: str) -> dbc.Row:
    """The headline tiles from `dashboard.service.kpis` values."""
    tiles = []
    for key, label, kind in KPI_FORMATS:
        v = values.get(key, float("nan"))
        if kind == "int":
            text = f"{int(v):,}" if v == v else t("svc.none", lang)
        else:
            text = pct(v)
        tiles.append(
            dbc.Col(
                html.Div(
                    [
                        html.Div(t(label, lang), className="small text-body-secondary"),
                        html.Div(text, className="h4 mb-0 svc-kpi-value"),
                    ],  # fmt: skip
                    className="border rounded p-2 bg-body svc-kpi",
                    **{"data-kpi": key},
                ),
                xs=6,
                md=2,
            )
        )
    return dbc.Row(tiles, className="g-2")


def _graph(graph_id: str) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, config=_CONFIG), type="dot", delay_show=400)


def _filters(lang: str, district: str, channel: str, weeks: int) -> dbc.Row:
    scope = user_scope()
    dnames = district_names(lang)
    codes = sorted(dnames) if scope is None else [d for d in sorted(dnames) if d in scope]
    districts = [{"label": t("svc.all_districts", lang), "value": ALL}] + [
        {"label": dnames[d], "value": d} for d in codes
    ]
    cnames = names("channel", lang)
    channels = [{"label": t("svc.all_channels", lang), "value": ALL}] + [
        {"label": cnames[c], "value": c} for c in CHANNELS
    ]
    periods = [{"label": t("svc.weeks", lang, n=w), "value": w} for w in PERIOD_WEEKS]
    return dbc.Row(
        className="g-3 align-items-end mb-3 svc-filters",
        children=[
            dbc.Col(
                [
                    html.Label(t("svc.district", lang), htmlFor=S.DISTRICT),
                    dcc.Dropdown(id=S.DISTRICT, options=districts, value=district, clearable=False),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    html.Label(t("svc.channel", lang), htmlFor=S.CHANNEL),
                    dcc.Dropdown(id=S.CHANNEL, options=channels, value=channel, clearable=False),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    html.Div(t("svc.period", lang)),
                    dbc.RadioItems(id=S.PERIOD, options=periods, value=weeks, inline=True),
                ],
                md=4,
            ),
            dbc.Col(html.Div(id=S.RANGE, className="small text-body-secondary"), md=2),
        ],
    )


def _by(radio_id: str, dims: tuple[str, ...], lang: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=radio_id,
        options=[{"label": t(f"svc.dim.{d}", lang), "value": d} for d in dims],
        value=dims[0],
        inline=True,
        className="mb-2 small",
    )


def _escalation_grid(lang: str) -> Any:
    cols = [
        {"field": "received", "headerName": t("svc.col.received", lang), "width": 150},
        {"field": "inquiry", "headerName": t("svc.col.inquiry", lang), "width": 190},
        {"field": "district", "headerName": t("svc.district", lang), "width": 110},
        {"field": "channel", "headerName": t("svc.channel", lang), "width": 150},
        {"field": "topic", "headerName": t("svc.dim.topic", lang), "flex": 1},
        {
            "field": "incident",
            "headerName": t("svc.col.incident", lang),
            "cellRenderer": "markdown",
            "width": 230,
        },
    ]
    return grid(S.ESC_GRID, cols, lang, height=300, row_id="inquiry")


def layout(**query: Any) -> html.Div:
    """The page body in the request's language, filters from the query string."""
    lang = current_lang()
    view, refused = initial(query, user_scope())
    notice = t("svc.invalid", lang, fields=", ".join(refused)) if refused else ""
    return html.Div(
        className="service-page",
        children=[
            dcc.Store(id=S.URL_SYNC),
            page_header(t("page.service.name", lang), t("svc.subtitle", lang)),
            _filters(lang, view.district, view.channel, view.weeks),
            html.Div(notice, id=S.NOTICE, className="small text-warning-emphasis mb-2"),
            html.Div(id=S.KPIS, className="svc-kpis mb-3"),
            section(
                t("svc.volume.title", lang),
                _by(S.VOLUME_BY, VOLUME_DIMS, lang),
                _graph(S.VOLUME),
                note=t("svc.volume.note", lang),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        section(
                            t("svc.fc.title", lang),
                            _by(S.FC_BY, FC_DIMS, lang),
                            _graph(S.FIRST_CONTACT),
                            note=t("svc.fc.note", lang),
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        section(
                            t("svc.units.title", lang),
                            _graph(S.UNITS),
                            note=t("svc.units.note", lang),
                        ),
                        lg=6,
                    ),
                ]
            ),
            section(
                t("svc.times.title", lang),
                dbc.Row(
                    [
                        dbc.Col(_graph(S.TIMES), lg=7),
                        dbc.Col(
                            [html.H3(t("svc.met.title", lang), className="h6"), _graph(S.MET)], lg=5
                        ),
                    ]
                ),
                note=t("svc.times.note", lang, first=COVERED_YEARS[0], last=COVERED_YEARS[1]),
            ),
            dbc.Row(
                [
                    dbc.Col(section(t("svc.qa.title", lang), _graph(S.QA)), lg=5),
                    dbc.Col(
                        section(
                            t("svc.repeat.title", lang),
                            _graph(S.REPEAT),
                            note=t("svc.repeat.note", lang, n=REPEAT_MONTHS),
                        ),
                        lg=7,
                    ),
                ]
            ),
            section(
                t("svc.training.title", lang),
                dbc.Row(
                    [
                        dbc.Col(_graph(S.TRAINING), lg=7),
                        dbc.Col(
                            [
                                html.H3(t("svc.coverage.title", lang), className="h6"),
                                _graph(S.COVERAGE),
                            ],
                            lg=5,
                        ),
                    ]
                ),
                note=t("svc.coverage.note", lang),
            ),
            section(
                t("svc.outcomes.title", lang),
                dbc.Alert(t("svc.caveat", lang), color="warning", className="small svc-caveat"),
                _graph(S.OUTCOMES),
                note=t("svc.outcomes.note", lang),
            ),
            section(
                t("svc.esc.title", lang),
                _graph(S.ESCALATIONS),
                _escalation_grid(lang),
                note=t("svc.esc.note", lang, n=ESCALATION_ROWS),
            ),
        ],
    )
