"""Data Status (/data), for data stewards: feed freshness, ingest batches, quarantined rows.

The page is three panels. Rows arrive from `callbacks.data_status`; the layout only builds
the empty grids, filters and pager. Quarantined raw rows are hostile input: the grids show
cell values as plain text and the selected row is shown in a <pre> as text, never as HTML.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.contract import FEEDS
from dashboard.i18n import feed_name, t
from layouts import ids
from layouts.components import current_lang, grid, page_header, section, state_badge

_NUMBER = {"type": "rightAligned", "valueFormatter": {"function": "d3.format(',')(params.value)"}}


def _col(field: str, key: str, lang: str, **extra: Any) -> dict[str, Any]:
    return {"field": field, "headerName": t(key, lang), **extra}


def freshness_matrix(rows: list[dict[str, Any]], lang: str) -> html.Table:
    """Districts down, feeds across; each cell: state, age, newest record, last load, rows.

    Args:
        rows: `dashboard.figures.feeds.freshness_rows` output.
        lang: "zh" or "en".
    """
    feeds = list(dict.fromkeys(r["feed_code"] for r in rows))
    districts = list(dict.fromkeys(r["district_code"] for r in rows))
    by_key = {(r["district_code"], r["feed_code"]): r for r in rows}
    names = {r["district_code"]: r["district"] for r in rows}
    head = html.Thead(
        html.Tr([html.Th(t("col.district", lang))] + [html.Th(feed_name(f, lang)) for f in feeds])
    )
    body = html.Tbody(
        [
            html.Tr(
                [html.Th(names[d], scope="row")]
                + [_freshness_cell(by_key.get((d, f)), lang) for f in feeds]
            )
            for d in districts
        ]
    )
    return html.Table([head, body], className="table table-sm freshness-matrix mb-0")


def _freshness_cell(row: dict[str, Any] | None, lang: str) -> html.Td:
    if row is None or (row["rows"] == 0 and not row["newest"]):
        state = row["state"] if row else "none"
        return html.Td(
            html.Span(t("age.none", lang), className="text-body-tertiary"),
            className=f"fresh-cell cell-{state}",
        )
    rows = f"{row['rows']:,}"
    title = t(
        "cell.title", lang, newest=row["newest"] or "—", loaded=row["last_load"] or "—", n=rows
    )
    return html.Td(
        className=f"fresh-cell cell-{row['state']}",
        title=title,
        children=[
            html.Div(
                [
                    state_badge(row["state_label"], row["state"]),
                    html.Span(row["age"], className="fresh-age"),
                ]
            ),
            html.Div(t("cell.newest", lang, ts=row["newest_short"]), className="fresh-meta"),
            html.Div(
                t("cell.loaded", lang, ts=row["last_load_short"], n=rows), className="fresh-meta"
            ),
        ],
    )


def batch_columns(lang: str) -> list[dict[str, Any]]:
    """Columns of the ingest batches grid."""
    counts = [
        _col(c, f"col.{c}", lang, minWidth=80, **_NUMBER)
        for c in ("rows_read", "accepted", "updated", "duplicates")
    ]
    return [
        _col("batch_id", "col.batch", lang, minWidth=70, type="rightAligned"),
        _col("finished", "col.finished", lang, minWidth=160, sort="desc"),
        _col("feed", "col.feed", lang, minWidth=150),
        _col("file_name", "col.file", lang, minWidth=200, tooltipField="file_name"),
        _col("source", "col.source", lang, minWidth=90),
        *counts,
        _col(
            "quarantined",
            "col.quarantined",
            lang,
            minWidth=80,
            **_NUMBER,
            cellClassRules={"count-bad": "params.value > 0"},
        ),
    ]


def quarantine_columns(lang: str) -> list[dict[str, Any]]:
    """Columns of the quarantined rows grid (reason and raw row as plain text)."""
    return [
        _col("batch_id", "col.batch", lang, maxWidth=90, type="rightAligned"),
        _col("feed", "col.feed", lang, maxWidth=140),
        _col("line_no", "col.line", lang, maxWidth=90, type="rightAligned"),
        _col(
            "reason",
            "col.reason",
            lang,
            minWidth=260,
            flex=2,
            wrapText=True,
            autoHeight=True,
            cellClass="reason-cell",
        ),
        _col(
            "raw", "col.raw", lang, minWidth=300, flex=3, cellClass="raw-cell", tooltipField="raw"
        ),
    ]


def _filters(lang: str) -> dbc.Row:
    feeds = [{"label": feed_name(name, lang), "value": name} for name in FEEDS]
    return dbc.Row(
        className="g-2 align-items-end mb-2",
        children=[
            dbc.Col(
                md=3,
                children=[
                    dbc.Label(t("data.filter.feed", lang), html_for=ids.DataStatus.FEED_FILTER),
                    dcc.Dropdown(
                        id=ids.DataStatus.FEED_FILTER,
                        options=feeds,
                        value=None,
                        placeholder=t("data.filter.all_feeds", lang),
                        clearable=True,
                    ),
                ],
            ),
            dbc.Col(
                md=4,
                children=[
                    dbc.Label(t("data.filter.batch", lang), html_for=ids.DataStatus.BATCH_FILTER),
                    dcc.Dropdown(
                        id=ids.DataStatus.BATCH_FILTER,
                        options=[],
                        value=None,
                        placeholder=t("data.filter.all_batches", lang),
                        clearable=True,
                    ),
                ],
            ),
            dbc.Col(
                md=5,
                className="d-flex align-items-center justify-content-md-end gap-2",
                children=[
                    html.Span(id=ids.DataStatus.PAGE_LABEL, className="small text-body-secondary"),
                    dbc.ButtonGroup(
                        size="sm",
                        children=[
                            dbc.Button(
                                t(f"data.page.{key}", lang),
                                id=button_id,
                                color=color,
                                outline=True,
                                disabled=True,
                            )
                            for key, button_id, color in (
                                ("first", ids.DataStatus.FIRST_BUTTON, "secondary"),
                                ("prev", ids.DataStatus.PREV_BUTTON, "secondary"),
                                ("next", ids.DataStatus.NEXT_BUTTON, "primary"),
                            )
                        ],
                    ),
                ],
            ),
        ],
    )


def layout(**_query: Any) -> html.Div:
    """The Data Status page in the request's language (grids empty until callbacks fill them)."""
    lang = current_lang()
    quarantine_grid = grid(
        ids.DataStatus.QUARANTINE_GRID,
        quarantine_columns(lang),
        lang,
        height=460,
        row_id="quarantine_id",
        tooltipShowDelay=300,
        rowSelection={"mode": "singleRow", "checkboxes": False, "enableClickSelection": True},
    )
    return html.Div(
        className="data-status",
        children=[
            dcc.Store(id=ids.DataStatus.CURSOR, data={"feed": None, "batch": None, "stack": []}),
            dcc.Store(id=ids.DataStatus.PAGE_INFO, data={"last_id": None, "has_more": False}),
            page_header(t("data.title", lang), t("data.subtitle", lang)),
            section(
                t("data.freshness.title", lang),
                html.P(id=ids.DataStatus.FRESHNESS_NOTE, className="small text-body-secondary"),
                html.Div(id=ids.DataStatus.FRESHNESS_TABLE, className="table-responsive"),
            ),
            section(
                t("data.batches.title", lang),
                grid(
                    ids.DataStatus.BATCHES_GRID,
                    batch_columns(lang),
                    lang,
                    height=320,
                    row_id="batch_id",
                    tooltipShowDelay=300,
                    rowSelection={
                        "mode": "singleRow",
                        "checkboxes": False,
                        "enableClickSelection": True,
                    },
                ),
                note=t("data.batches.note", lang),
            ),
            section(
                t("data.quarantine.title", lang),
                _filters(lang),
                quarantine_grid,
                html.H3(t("data.raw.title", lang), className="h6 mt-3"),
                html.Pre(
                    t("data.raw.hint", lang), id=ids.DataStatus.RAW_DETAIL, className="raw-detail"
                ),
                note=t("data.quarantine.note", lang),
            ),
        ],
    )
