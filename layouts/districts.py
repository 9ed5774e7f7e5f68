"""District Analysis (/districts): drill from region to district, port and declaration.

The layout reads no data: it builds the controls, empty panels and the initial filter
state from the URL query string (validated; an invalid query falls back to the defaults
and says so). Callbacks fill every panel from the filter store.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard import districts as dist
from dashboard.figures.districts import names
from dashboard.i18n import t
from dashboard.queries.declarations import TABLE_COLUMNS
from layouts import ids
from layouts.components import current_lang, grid, page_header, section, user_scope

D = ids.Districts
GRAPH_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _graph(graph_id: str, height: int) -> dcc.Graph:
    return dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"minHeight": f"{height}px"})


def _controls(f: dist.Filters, scope: tuple[str, ...] | None, lang: str) -> dbc.Row:
    district_names = names("district", lang)
    allowed = sorted(district_names) if scope is None else sorted(scope)
    districts = [{"label": t("dist.district.all", lang), "value": ""}] + [
        {"label": district_names.get(c, c), "value": c} for c in allowed
    ]
    ports = [{"label": t("dist.port.all", lang), "value": ""}] + [
        {"label": names("port", lang).get(p, p), "value": p}
        for p in dist.scope_ports(scope, f.district)
    ]
    periods = [{"label": t(f"dist.period.{p}", lang), "value": p} for p in dist.PERIODS]
    ie = [
        {"label": t(f"dist.ie.{k}", lang), "value": v}
        for k, v in (("all", ""), ("I", "I"), ("E", "E"))
    ]

    def labelled(key: str, control: Any, width: int) -> dbc.Col:
        return dbc.Col(
            [html.Label(t(key, lang), className="form-label small mb-0"), control], md=width
        )

    return dbc.Row(
        className="g-2 mb-2 align-items-end dist-controls",
        children=[
            labelled(
                "dist.district",
                dcc.Dropdown(
                    id=D.DISTRICT, options=districts, value=f.district or "", clearable=False
                ),
                3,
            ),
            labelled(
                "dist.port",
                dcc.Dropdown(id=D.PORT, options=ports, value=f.port or "", clearable=False),
                3,
            ),
            labelled(
                "dist.period",
                dbc.RadioItems(id=D.PERIOD, options=periods, value=f.period, inline=True),
                4,
            ),
            labelled(
                "dist.ie", dbc.RadioItems(id=D.IE, options=ie, value=f.ie or "", inline=True), 2
            ),
        ],
    )


def _table(f: dist.Filters, lang: str) -> dbc.Card:
    columns = [
        {"field": c, "headerName": t(f"dist.col.{c}", lang), "sortable": False}
        for c in TABLE_COLUMNS
    ]
    columns[0]["pinned"] = "left"
    sort = [{"label": t(f"dist.sort.{k}", lang), "value": k} for k in ("newest", "oldest")]
    pager = html.Div(
        className="d-flex gap-2 align-items-center mt-2",
        children=[
            dbc.Button(
                t("dist.first", lang), id=D.FIRST, size="sm", color="secondary", outline=True
            ),
            dbc.Button(t("dist.prev", lang), id=D.PREV, size="sm", color="secondary", outline=True),
            html.Span(id=D.PAGE, className="small"),
            dbc.Button(t("dist.next", lang), id=D.NEXT, size="sm", color="primary", outline=True),
            dbc.RadioItems(
                id=D.SORT,
                options=sort,
                value="newest" if f.newest_first else "oldest",
                inline=True,
                className="ms-3 small",
            ),
            html.A(
                t("dist.export", lang),
                id=D.EXPORT,
                href="#",
                className="btn btn-sm btn-outline-success ms-auto",
                title=t("dist.export.note", lang, cap="1,000,000"),
            ),  # fmt: skip
        ],
    )
    return section(
        t("dist.table.title", lang),
        grid(D.GRID, columns, lang, height=420, row_id="entry_id"),
        pager,
        note=t("dist.table.note", lang),
    )


def layout(**query: Any) -> html.Div:
    """The page body in the request's language, state from the URL query string."""
    lang = current_lang()
    scope = user_scope()
    error = ""
    pairs = {k: v for k, v in query.items() if k != "refresh_seconds"}
    try:
        f = dist.parse_filters(pairs, scope)
    except dist.InvalidFilter as exc:
        f, error = dist.Filters(), t("dist.invalid", lang, what=str(exc))
    split = [{"label": t(f"dist.split.{s}", lang), "value": s} for s in dist.SPLITS]
    return html.Div(
        className="districts-page",
        children=[
            dcc.Location(id=D.URL, refresh=False),
            dcc.Store(id=D.FILTERS, data=f.as_dict()),
            dcc.Store(id=D.PAGER, data={"cursors": [None], "page": 1}),
            page_header(t("page.districts.name", lang), t("dist.subtitle", lang)),
            _controls(f, scope, lang),
            html.Div(id=D.ERROR, className="text-danger small", children=error),
            html.Div(
                className="d-flex flex-wrap gap-2 align-items-center mb-2",
                children=[
                    html.Span(id=D.RANGE, className="small text-body-secondary me-2"),
                    html.Div(id=D.CHIPS, className="dist-chips d-flex flex-wrap gap-1"),
                ],  # fmt: skip
            ),
            section(t("dist.kpi.title", lang), html.Div(id=D.KPIS, className="dist-kpis")),
            section(
                t("dist.ports.title", lang), _graph(D.PORTS, 300), note=t("dist.ports.note", lang)
            ),
            section(
                t("dist.stages.title", lang),
                dbc.RadioItems(
                    id=D.SPLIT, options=split, value=f.split, inline=True, className="small mb-1"
                ),
                dbc.Row(
                    [dbc.Col(_graph(D.WATERFALL, 340), lg=6), dbc.Col(_graph(D.STAGES, 340), lg=6)]
                ),
                note=t("dist.stages.note", lang),
            ),
            dbc.Row(
                [
                    dbc.Col(
                        section(
                            t("dist.heat.title", lang),
                            _graph(D.HEATMAP, 300),
                            note=t("dist.heat.note", lang),
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        section(
                            t("dist.hist.title", lang),
                            _graph(D.HIST, 300),
                            note=t("dist.hist.note", lang),
                        ),
                        lg=6,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(section(t("dist.mode.title", lang), _graph(D.MODE, 260)), lg=6),
                    dbc.Col(
                        section(
                            t("dist.tier.title", lang),
                            _graph(D.TIER, 220),
                            note=t("dist.tier.note", lang),
                        ),
                        lg=6,
                    ),
                ]
            ),
            _table(f, lang),
            section(
                t("dist.detail.timeline", lang),
                html.Div(id=D.DETAIL, children=t("dist.detail.none", lang)),
            ),
        ],
    )
