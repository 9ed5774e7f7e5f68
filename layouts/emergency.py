"""Emergency Response (/emergency), for emergency team leads.

Filters (district within the user's scope, severities, category, period in weeks) and the
incident opened come from the URL query string (`dashboard.emergency.from_url`; refused
values are named on the page), and the URL follows every change (`assets/emergency.js`,
history.replaceState), so a view can be bookmarked and linked (the Enterprise Service page
links escalated inquiries here with `?incident=<id>`). Sections: headline numbers, open
incidents by SLA risk, SLA targets and attainment, workload per member and the shared
team's time by district, trends, and the incident detail (timeline, assignments, affected
declarations and the port's charts with the incident marked). Every figure is filled by
`callbacks.emergency`; this module reads no data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import emergency
from dashboard.emergency import PERIOD_WEEKS, SEVERITIES, STAGES
from dashboard.figures.emergency import pct
from dashboard.i18n import district_names, t
from dashboard.reference import load_reference
from layouts import ids
from layouts.components import (
    app_settings,
    current_lang,
    grid,
    page_header,
    section,
    user_scope,
)

E = ids.Emergency
ALL = emergency.ALL
TREND_DIMS = ("category", "district_code", "severity")
_CONFIG = {"displayModeBar": False, "responsive": True}
_CONFIG_PNG = {"displaylogo": False, "responsive": True}


def initial(
    query: dict[str, Any], scope: tuple[str, ...] | None
) -> tuple[emergency.View, list[str]]:
    """The view the query string asks for and the fields refused (they fall back)."""
    visible = scope if scope is not None else tuple(district_names("zh"))
    return emergency.from_url(query, visible, load_reference().code_set("incident_category"))


def _graph(graph_id: str, config: dict[str, Any] = _CONFIG) -> dcc.Loading:
    return dcc.Loading(dcc.Graph(id=graph_id, config=config), type="dot", delay_show=400)


def kpi_strip(values: dict[str, Any], lang: str) -> dbc.Row:
    """The headline tiles from the callbacks' KPI values (already computed)."""
    colours = load_reference().extra("severity")
    sev_names = load_reference().names("severity", lang)
    chips = [
        html.Span(
            f"{s} {values.get('by_severity', {}).get(s, 0)}",
            title=sev_names.get(s, s),
            className="badge me-1 em-sev-chip",
            style={"backgroundColor": colours.get(s), "color": "#000" if s == "III" else "#fff"},
        )
        for s in SEVERITIES
    ]
    tiles: list[tuple[str, str, Any, str]] = [
        (
            "open",
            "em.kpi.open",
            [html.Span(f"{values.get('open', 0)} ", className="me-2"), *chips],
            "",
        ),
        ("breached", "em.kpi.breached", str(values.get("breached", 0)), "text-danger"),
        ("at_risk", "em.kpi.at_risk", str(values.get("at_risk", 0)), "text-warning-emphasis"),
        ("met", "em.kpi.met", pct(values.get("met")), ""),
        ("ack", "em.kpi.ack", values.get("ack_text", "—"), ""),
        ("resolve", "em.kpi.resolve", values.get("resolve_text", "—"), ""),
    ]
    cols = []
    for key, label, body, cls in tiles:
        if key not in values and f"{key}_text" not in values:  # two callbacks fill the strip
            continue
        sub = values.get(f"{key}_sub", "")
        cols.append(
            dbc.Col(
                html.Div(
                    [
                        html.Div(t(label, lang), className="small text-body-secondary"),
                        html.Div(body, className=f"h4 mb-0 em-kpi-value {cls}"),
                        html.Div(sub, className="small text-body-secondary"),
                    ],
                    className="border rounded p-2 bg-body h-100 em-kpi",
                    **{"data-kpi": key},
                ),
                xs=6,
                md=4,
            )
        )
    return dbc.Row(cols, className="g-2")


def _badge(sev: str, lang: str) -> html.Span:
    colour = load_reference().extra("severity").get(sev)
    return html.Span(
        load_reference().names("severity", lang).get(sev, sev),
        className="badge me-2",
        style={"backgroundColor": colour, "color": "#000" if sev == "III" else "#fff"},
    )


def detail_head(incident: Any, lang: str) -> list[Any]:
    """The detail's heading: severity badge, id, category, district, port, status, title
    (feed text as text, never HTML)."""
    ref = load_reference()
    cat = ref.names("incident_category", lang).get(incident["category"], incident["category"])
    dist = district_names(lang).get(incident["district_code"], incident["district_code"])
    port_id = incident.get("port_id")
    port = ref.names("port", lang).get(port_id, "") if isinstance(port_id, str) else ""
    status = ref.names("incident_status", lang).get(incident["status"], incident["status"])
    title = incident.get("title") if isinstance(incident.get("title"), str) else ""
    where = f" · {port}" if port else ""
    return [
        _badge(str(incident["severity"]), lang),
        html.Strong(f"{incident['incident_id']} · {cat} · {dist}{where}"),
        html.Span(f" · {status}", className="text-body-secondary"),
        html.Div(title, className="small"),
    ]


def _filters(lang: str, view: emergency.View) -> dbc.Row:
    scope = user_scope()
    dnames = district_names(lang)
    codes = sorted(dnames) if scope is None else [d for d in sorted(dnames) if d in scope]
    districts = [{"label": t("em.all_districts", lang), "value": ALL}] + [
        {"label": dnames[d], "value": d} for d in codes
    ]
    ref = load_reference()
    cnames = ref.names("incident_category", lang)
    categories = [{"label": t("em.all_categories", lang), "value": ALL}] + [
        {"label": cnames[c], "value": c} for c in sorted(cnames)
    ]
    snames = ref.names("severity", lang)
    severities = [{"label": snames[s], "value": s} for s in SEVERITIES]
    periods = [{"label": t("em.weeks", lang, n=w), "value": w} for w in PERIOD_WEEKS]
    return dbc.Row(
        className="g-3 align-items-end mb-3 em-filters",
        children=[
            dbc.Col(
                [
                    html.Label(t("em.district", lang), htmlFor=E.DISTRICT),
                    dcc.Dropdown(
                        id=E.DISTRICT, options=districts, value=view.district, clearable=False
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    html.Div(t("em.severity", lang)),
                    dbc.Checklist(
                        id=E.SEVERITY,
                        options=severities,
                        value=list(view.severity),
                        inline=True,
                        className="small",
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    html.Label(t("em.category", lang), htmlFor=E.CATEGORY),
                    dcc.Dropdown(
                        id=E.CATEGORY, options=categories, value=view.category, clearable=False
                    ),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    html.Div(t("em.period", lang)),
                    dbc.RadioItems(
                        id=E.PERIOD,
                        options=periods,
                        value=view.weeks,
                        inline=True,
                        className="small",
                    ),
                ],
                md=3,
            ),
            dbc.Col(html.Div(id=E.RANGE, className="small text-body-secondary"), md=1),
        ],
    )


def _open_grid(lang: str) -> Any:
    cols = [
        {
            "field": "risk",
            "headerName": t("em.col.risk", lang),
            "width": 110,
            "cellClassRules": {
                "em-risk-breached": "data.risk_code == 'breached'",
                "em-risk-at-risk": "data.risk_code == 'at_risk'",
            },
        },
        {
            "field": "severity",
            "headerName": t("em.severity", lang),
            "width": 90,
            "cellClassRules": {f"em-sev-{s}": f"data.severity_code == '{s}'" for s in SEVERITIES},
        },
        {"field": "incident_id", "headerName": t("em.col.id", lang), "width": 200},
        {"field": "category", "headerName": t("em.category", lang), "width": 150},
        {"field": "district", "headerName": t("em.district", lang), "width": 90},
        {"field": "port", "headerName": t("em.col.port", lang), "width": 130},
        {"field": "reported", "headerName": t("em.col.reported", lang), "width": 160},
        {"field": "status", "headerName": t("em.col.status", lang), "width": 90},
        {"field": "next", "headerName": t("em.col.next", lang), "width": 90},
        {"field": "deadline", "headerName": t("em.col.deadline", lang), "width": 160},
        {"field": "used", "headerName": t("em.col.used", lang), "width": 100},
        {"field": "lead", "headerName": t("em.col.lead", lang), "width": 100},
        {"field": "title", "headerName": t("em.col.title", lang), "flex": 1, "minWidth": 200},
    ]
    return grid(E.OPEN_GRID, cols, lang, height=320, row_id="incident_id")


def _sla_grid(lang: str) -> Any:
    cols = [{"field": "severity", "headerName": t("em.severity", lang), "width": 170}] + [
        {"field": s, "headerName": t(f"em.stage.{s}", lang), "flex": 1, "minWidth": 150}
        for s in STAGES
    ]
    return grid(E.SLA_TABLE, cols, lang, height=None, row_id="severity_code")


def _workload_grid(lang: str) -> Any:
    cols = [
        {"field": "member", "headerName": t("em.col.member", lang), "width": 110},
        {"field": "team", "headerName": t("em.col.team", lang), "flex": 1, "minWidth": 150},
        {"field": "shift", "headerName": t("em.col.shift", lang), "width": 70},
        {"field": "open_n", "headerName": t("em.col.open_n", lang), "width": 100},
        {"field": "hours", "headerName": t("em.col.hours", lang), "width": 110},
        {"field": "off", "headerName": t("em.col.off", lang), "width": 100},
        {"field": "rostered", "headerName": t("em.col.rostered", lang), "width": 100},
        {
            "field": "util",
            "headerName": t("em.col.util", lang),
            "width": 100,
            "cellClassRules": {"em-over-target": "data.over"},
        },
    ]
    return grid(E.WORKLOAD_GRID, cols, lang, height=300, row_id="member_id")


def _detail(lang: str) -> dbc.Card:
    spells = [
        {"field": "member", "headerName": t("em.col.member", lang), "width": 110},
        {"field": "task", "headerName": t("em.col.task", lang), "width": 130},
        {"field": "assigned", "headerName": t("em.col.assigned", lang), "width": 170},
        {"field": "released", "headerName": t("em.col.released", lang), "width": 170},
        {"field": "hours", "headerName": t("em.col.hours", lang), "width": 110},
        {"field": "off", "headerName": t("em.col.off", lang), "flex": 1},
    ]
    affected = [
        {"field": "entry_id", "headerName": t("em.col.entry", lang), "width": 190},
        {"field": "district", "headerName": t("em.col.decl_district", lang), "width": 100},
        {"field": "ie", "headerName": t("em.col.ie", lang), "width": 80},
        {"field": "declared", "headerName": t("em.col.declared", lang), "width": 170},
        {"field": "released", "headerName": t("em.col.released_decl", lang), "width": 170},
        {"field": "status", "headerName": t("em.col.decl_status", lang), "flex": 1},
    ]
    return section(
        t("em.detail.title", lang),
        html.Div(t("em.detail.empty", lang), id=E.DETAIL, className="mb-2 em-detail-head"),
        dbc.Row(
            [
                dbc.Col(
                    [html.H3(t("em.detail.timeline", lang), className="h6"), _graph(E.TIMELINE)],
                    lg=6,
                ),
                dbc.Col(
                    [
                        html.H3(t("em.detail.spells", lang), className="h6"),
                        grid(E.SPELL_GRID, spells, lang, height=240),
                    ],
                    lg=6,
                ),
            ]
        ),
        dbc.Row(
            [
                dbc.Col(_graph(E.PORT_WAIT, _CONFIG_PNG), lg=6),
                dbc.Col(_graph(E.PORT_CLEARANCE, _CONFIG_PNG), lg=6),
            ],
            className="mt-2",
        ),
        html.H3(t("em.detail.affected", lang), className="h6 mt-2"),
        html.Div(id=E.AFFECTED, className="small mb-1"),
        grid(E.AFFECTED_GRID, affected, lang, height=260, row_id="entry_id"),
    )


def layout(**query: Any) -> html.Div:
    """The page body in the request's language, filters from the query string."""
    lang = current_lang()
    view, refused = initial(query, user_scope())
    notice = t("em.invalid", lang, fields=", ".join(refused)) if refused else ""
    settings = app_settings()
    sla_file = f"DASHBOARD_INCIDENT_SLA_FILE: {Path(settings.incident_sla_file).name}"
    return html.Div(
        className="emergency-page",
        children=[
            dcc.Store(id=E.URL_SYNC),
            dcc.Store(id=E.INCIDENT, data=view.incident),
            page_header(t("page.emergency.name", lang), t("em.subtitle", lang)),
            _filters(lang, view),
            html.Div(notice, id=E.NOTICE, className="small text-warning-emphasis mb-2"),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=E.KPIS, className="em-kpis"), md=6),
                    dbc.Col(html.Div(id=E.KPIS_PERIOD, className="em-kpis"), md=6),
                ],
                className="g-2 mb-3",
            ),
            section(
                t("em.open.title", lang),
                _open_grid(lang),
                note=t("em.open.note", lang, share=pct(settings.incident_at_risk_share)),
            ),
            _detail(lang),
            dbc.Row(
                [
                    dbc.Col(
                        section(
                            t("em.sla.title", lang),
                            _sla_grid(lang),
                            html.H3(t("em.sla.trend", lang), className="h6 mt-3"),
                            _graph(E.SLA_TREND, _CONFIG_PNG),
                            note=t("em.sla.note", lang, file=sla_file),
                        ),
                        lg=8,
                    ),
                    dbc.Col(section(t("em.open.bars", lang), _graph(E.OPEN_BARS)), lg=4),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        section(
                            t("em.work.title", lang),
                            _graph(E.WORKLOAD, _CONFIG_PNG),
                            _workload_grid(lang),
                            note=t(
                                "em.work.note", lang, target=pct(settings.team_utilisation_target)
                            ),
                        ),
                        lg=8,
                    ),
                    dbc.Col(
                        section(
                            t("em.share.title", lang),
                            _graph(E.DISTRICT_SHARE, _CONFIG_PNG),
                            note=t("em.share.note", lang),
                        ),
                        lg=4,
                    ),
                ]
            ),
            section(
                t("em.trend.title", lang),
                dbc.RadioItems(
                    id=E.TREND_BY,
                    options=[{"label": t(f"em.dim.{d}", lang), "value": d} for d in TREND_DIMS],
                    value=TREND_DIMS[0],
                    inline=True,
                    className="mb-2 small",
                ),
                dbc.Row(
                    [
                        dbc.Col(_graph(E.TRENDS, _CONFIG_PNG), lg=6),
                        dbc.Col(
                            [
                                html.H3(t("em.trend.times", lang), className="h6"),
                                _graph(E.TIMES, _CONFIG_PNG),
                                html.Div(id=E.TIMES_NOTE, className="small text-body-secondary"),
                            ],
                            lg=6,
                        ),
                    ]
                ),
                note=t("em.trend.note", lang),
            ),
        ],
    )
