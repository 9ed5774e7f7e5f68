"""Command Center (/): the live wall. Map, KPI strip, queue board, alarms, port detail.

Query parameters: `wall=1` (wall mode: no navigation, large type, dark theme),
`rotate=<seconds>` (cycle the view through the districts, 10..3600 s) and `view=<district
code>` (start on one district). Invalid values are ignored, never echoed. The panels are
filled by `callbacks.command_center` on the shell's refresh interval; this module builds
components only and reads no data (the district list comes from the reference files).
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.figures import empty_figure
from dashboard.i18n import district_names, t
from dashboard.reference import load_reference
from layouts import ids
from layouts.components import current_lang, grid, page_header, section, user_scope

ALL = "all"
# The queue board on the dark wall: AG Grid's Quartz theme with dark colours, large type.
WALL_GRID_THEME = {
    "function": "themeQuartz.withParams({spacing: 6, fontSize: 17, headerFontWeight: 600, "
    "fontFamily: 'inherit', backgroundColor: '#0f1e2e', foregroundColor: '#e8eef5', "
    "headerBackgroundColor: '#13263a', headerTextColor: '#b8c7dc', borderColor: '#1f3347', "
    "rowHoverColor: '#18314a', oddRowBackgroundColor: '#0f1e2e'})"
}
ROTATE_MIN, ROTATE_MAX = 10, 3600


def parse_query(query: dict[str, Any]) -> dict[str, Any]:
    """The page options from URL query values (untrusted strings).

    Returns:
        {"wall": bool, "rotate": seconds or 0, "view": district code or "all"}.
    """
    wall = str(query.get("wall", "")).lower() in {"1", "true", "yes", "on"}
    try:
        rotate = int(str(query.get("rotate", "0")))
    except ValueError:
        rotate = 0
    rotate = min(max(rotate, ROTATE_MIN), ROTATE_MAX) if rotate > 0 else 0
    view = str(query.get("view", ALL))
    if view not in load_reference().code_set("district"):
        view = ALL
    return {"wall": wall, "rotate": rotate, "view": view}


def view_options(lang: str, scope: tuple[str, ...] | None) -> list[dict[str, str]]:
    """The view choices: all (the user's) districts, then each district by name."""
    names = _names(lang, scope)
    return [{"label": t("cc.view.all", lang), "value": ALL}] + [
        {"label": name, "value": code} for code, name in names.items()
    ]


def _names(lang: str, scope: tuple[str, ...] | None) -> dict[str, str]:
    return {c: n for c, n in district_names(lang).items() if scope is None or c in scope}


def kpi_tile(tile: dict[str, Any], extra: Any = None) -> html.Div:
    """One KPI tile from `figures.command.kpi_tiles` values (plus `extra` below it)."""
    return html.Div(
        className=f"kpi-tile kpi-{tile['tone']}" + (" kpi-stale" if tile.get("stale") else ""),
        **{"data-kpi": tile["key"]},
        children=[
            html.Div(tile["label"], className="kpi-label"),
            html.Div(tile["value"], className="kpi-value"),
            html.Div(
                [html.Span(tile["change"], className="kpi-change"), " ", tile["baseline"]],
                className="kpi-baseline",
            ),
            *([extra] if extra is not None else []),
        ],
    )


def severity_chips(rows: list[dict[str, str]]) -> html.Div:
    """Open incidents per severity, as coloured chips."""
    return html.Div(
        className="severity-chips",
        children=[
            html.Span(
                f"{r['code']} {r['count']}",
                title=r["label"],
                className="severity-chip",
                style={"borderColor": r["color"], "color": r["color"]},
            )
            for r in rows
        ],
    )


def alarm_list(items: list[dict[str, str]], lang: str) -> html.Ul | html.P:
    """The alarm feed: newest first, each with level, time and text (plain text only)."""
    if not items:
        return html.P(t("cc.alarms.none", lang), className="alarm-none")
    return html.Ul(
        className="alarm-list",
        children=[
            html.Li(
                className=f"alarm alarm-{a['level']}",
                **{"data-kind": a["kind"]},
                children=[
                    html.Span(a["level_label"], className="alarm-level"),
                    html.Span(a["time"], className="alarm-time"),
                    html.Span(a["text"], className="alarm-text"),
                ],
            )
            for a in items
        ],
    )


def detail_head(row: dict[str, Any] | None, incidents: list[dict[str, str]], lang: str) -> html.Div:
    """The port detail's header: name, district, status, wait, lanes, open incidents."""
    if row is None:
        return html.Div(html.P(t("cc.detail.hint", lang), className="text-body-secondary"))
    facts = [
        html.Span(row["status_label"], className=f"badge status-badge status-{row['status']}"),
        html.Span(
            t(
                "cc.detail.lanes",
                lang,
                open=row["lanes"].split("/")[0],
                max=row["lanes"].split("/")[1],
            )
        ),
    ]
    if row["wait"] is not None:
        facts.append(html.Span(f"{t('col.wait', lang)} {row['wait']} {row['trend']}"))
        facts.append(html.Span(f"{t('col.vehicles', lang)} {row['vehicles']}"))
    facts.append(html.Span(t("cc.asof", lang, ts=row["asof"]), className="text-body-secondary"))
    if row["stale"]:
        facts.append(html.Span(t("cc.stale.marker", lang), className="badge text-bg-secondary"))
    listing: Any = (
        html.Ul(
            [
                html.Li(
                    [
                        html.Span(i["severity"], className="sev-dot", style={"color": i["color"]}),
                        f" {i['reported']} · {i['category']} · {i['status']} · ",
                        i["title"],
                    ]
                )
                for i in incidents
            ],
            className="detail-incidents",
        )
        if incidents
        else html.P(t("cc.detail.no_incidents", lang), className="text-body-secondary small mb-1")
    )
    return html.Div(
        className="detail-head",
        **{"data-port": row["port_id"]},
        children=[
            html.H3(f"{row['port']} · {row['district']}", className="h6 mb-1"),
            html.Div(facts, className="detail-facts"),
            html.Div(t("cc.detail.incidents", lang), className="small fw-semibold mt-1"),
            listing,
        ],
    )


def panel_status(panel_id: str) -> html.Div:
    """The line under a panel: "as of" time, or the failure with the last good time."""
    return html.Div(id=panel_id, className="panel-status small")


def _board_columns(lang: str) -> list[dict[str, Any]]:
    return [
        {
            "field": "port",
            "headerName": t("col.port", lang),
            "minWidth": 190,
            "flex": 3,
            "wrapText": True,
            "autoHeight": True,
            "cellClass": "port-cell",
            "tooltipField": "port",
        },
        {"field": "district", "headerName": t("col.district", lang), "minWidth": 110, "flex": 1},
        {
            "field": "status_label",
            "headerName": t("col.status", lang),
            "minWidth": 100,
            "flex": 1,
            "cellClass": {"function": "'status-cell status-' + params.data.status"},
        },
        {
            "field": "wait",
            "headerName": t("col.wait", lang),
            "type": "rightAligned",
            "minWidth": 96,
            "flex": 1.1,
            "sort": "desc",
        },
        {
            "field": "trend",
            "headerName": t("col.trend", lang),
            "minWidth": 76,
            "flex": 0.7,
            "tooltipField": "trend_label",
            "sortable": False,
        },
        {
            "field": "vehicles",
            "headerName": t("col.vehicles", lang),
            "type": "rightAligned",
            "minWidth": 96,
            "flex": 1,
        },
        {
            "field": "lanes",
            "headerName": t("col.lanes", lang),
            "minWidth": 80,
            "flex": 0.8,
            "sortable": False,
        },
        {
            "field": "spark",
            "headerName": t("col.spark", lang),
            "cellRenderer": "Sparkline",
            "cellDataType": False,
            "minWidth": 110,
            "flex": 1.5,
            "sortable": False,
        },
        {"field": "asof", "headerName": t("col.asof", lang), "minWidth": 120, "flex": 1.1},
        {
            "field": "method",
            "headerName": t("col.method", lang),
            "minWidth": 120,
            "flex": 1.1,
            "tooltipField": "method",
        },
    ]


def _controls(options: dict[str, Any], lang: str) -> html.Div:
    wall_href = "/?wall=1" if not options["wall"] else "/"
    return html.Div(
        className="cc-controls",
        children=[
            html.Label(
                t("cc.view", lang), htmlFor=ids.CommandCenter.VIEW_DROPDOWN, className="me-2"
            ),
            dcc.Dropdown(
                id=ids.CommandCenter.VIEW_DROPDOWN,
                options=view_options(lang, user_scope()),
                value=options["view"],
                clearable=False,
                searchable=False,
                className="cc-view-select",
            ),
            html.A(
                t("cc.wall.exit" if options["wall"] else "cc.wall", lang),
                href=wall_href,
                className="btn btn-outline-secondary btn-sm ms-3 cc-wall-link",
            ),
            html.A(
                t("cc.rotate", lang),
                href="/?wall=1&rotate=60",
                className="btn btn-outline-secondary btn-sm ms-2 cc-rotate-link",
            ),
            html.Span(
                id=ids.CommandCenter.PAUSED,
                className="cc-paused ms-3",
                **{"data-label": t("cc.paused", lang)},
            ),
        ],
    )


def layout(refresh_seconds: int = 10, **query: Any) -> html.Div:
    """The page body in the request's language, for the options in the URL.

    Args:
        refresh_seconds: the live refresh period (passed by `layouts.pages` from settings).
        **query: URL query values (untrusted; see `parse_query`).
    """
    lang = current_lang()
    scope = user_scope()
    options = parse_query(query)
    if scope is not None and options["view"] not in scope:
        options["view"] = ALL
    views = [ALL, *sorted(_names(lang, scope))]
    cc = ids.CommandCenter
    stores = [
        dcc.Store(
            id=cc.CONFIG,
            data={
                **options,
                "views": views,
                "names": {ALL: t("cc.view.all", lang), **_names(lang, scope)},
                "view_label": t("cc.view.now", lang, name="{name}"),
            },
        ),
        dcc.Store(id=cc.VIEW, data=options["view"]),
        dcc.Store(id=cc.PORT),
        *(
            dcc.Store(id=i)
            for i in (cc.MAP_GOOD, cc.KPIS_GOOD, cc.BOARD_GOOD, cc.ALARMS_GOOD, cc.DETAIL_GOOD)
        ),
        dcc.Interval(
            id=cc.ROTATE_INTERVAL,
            interval=max(options["rotate"], ROTATE_MIN) * 1000,
            disabled=options["rotate"] == 0,
        ),
    ]
    subtitle = t("cc.subtitle", lang, n=refresh_seconds)
    head = html.Div(
        className="cc-head",
        children=[
            page_header(t("page.command.name", lang), subtitle)
            if not options["wall"]
            else html.Div(),
            html.H2(id=cc.VIEW_TITLE, className="cc-view-title"),
            _controls(options, lang),
        ],
    )
    map_panel = section(
        t("cc.map", lang),
        dcc.Graph(
            id=cc.MAP,
            className="cc-map",
            config={
                "displaylogo": False,
                "scrollZoom": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d"],
            },
        ),
        panel_status(cc.MAP_STATUS),
        note=t("cc.map.note", lang),
    )
    detail_panel = section(
        t("cc.detail", lang),
        html.Div(
            id=cc.DETAIL_HEAD,
            children=html.P(t("cc.detail.hint", lang), className="text-body-secondary"),
        ),
        dcc.Graph(
            id=cc.DETAIL,
            className="cc-detail",
            figure=empty_figure(t("cc.detail.hint", lang)),
            config={"displayModeBar": False},
        ),
        dcc.Graph(
            id=cc.DETAIL_CLEARANCE,
            className="cc-detail",
            figure=empty_figure(""),
            config={"displayModeBar": False},
        ),
        panel_status(cc.DETAIL_STATUS),
    )
    alarm_panel = section(
        t("cc.alarms", lang),
        html.Div(id=cc.ALARMS, className="alarm-feed"),
        panel_status(cc.ALARMS_STATUS),
    )
    board_panel = section(
        t("cc.board", lang),
        grid(
            cc.BOARD,
            _board_columns(lang),
            lang,
            height=None,
            row_id="port_id",
            rowClassRules={"row-stale": "params.data.stale"},
            tooltipShowDelay=300,
            **({"theme": WALL_GRID_THEME} if options["wall"] else {}),
        ),
        panel_status(cc.BOARD_STATUS),
        note=t("cc.board.note", lang),
    )
    # Map beside alarms and port detail; the queue board across the full width below.
    body = [
        html.Div(id=cc.STALE_NOTE, className="cc-stale-note"),
        section(
            t("cc.kpis", lang),
            html.Div(id=cc.KPIS, className="kpi-strip"),
            panel_status(cc.KPIS_STATUS),
            note=t("cc.kpis.note", lang),
        ),
        dbc.Row([dbc.Col(map_panel, lg=7), dbc.Col([alarm_panel, detail_panel], lg=5)]),
        board_panel,
    ]
    return html.Div(
        [*stores, head, *body],
        className="cc-page" + (" cc-wall" if options["wall"] else ""),
    )
