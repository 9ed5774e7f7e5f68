"""Small layout builders shared by the pages: language lookup, headers, badges, grids.

Builders take display values (already translated) and return components; they read no
data. `current_lang()` is the one place the language cookie is read while a layout is
being built.
"""

from __future__ import annotations

from typing import Any, cast

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import flask
from dash import html

from dashboard.config import EXT_SETTINGS, Settings
from dashboard.i18n import LANG_COOKIE, normalise_lang, t

STATE_CLASS = {
    "fresh": "text-bg-success",
    "late": "text-bg-warning",
    "stale": "text-bg-danger",
    "none": "text-bg-secondary",
    "event": "text-bg-light border",
}
# Grid theme: the AG Grid Quartz theme, compact, with the app's local font stack.
GRID_OPTIONS: dict[str, Any] = {
    "theme": {
        "function": "themeQuartz.withParams({spacing: 5, fontSize: 13, "
        "headerFontWeight: 600, fontFamily: 'inherit'})"
    },
    "suppressCellFocus": True,
    "enableCellTextSelection": True,
}


def current_lang() -> str:
    """The language of the current request (the `cc_lang` cookie), "zh" outside requests."""
    if not flask.has_request_context():
        return normalise_lang(None)
    return normalise_lang(flask.request.cookies.get(LANG_COOKIE))


def app_settings() -> Settings:
    """The settings of the app serving the current request (defaults outside one)."""
    if not flask.has_app_context():
        return Settings()
    return cast(Settings, flask.current_app.extensions.get(EXT_SETTINGS, Settings()))


def user_scope() -> tuple[str, ...] | None:
    """The signed-in user's districts (None: every district; () outside a session)."""
    from flask_login import current_user

    if not flask.has_request_context() or not current_user.is_authenticated:
        return ()
    scope: tuple[str, ...] | None = current_user.scope
    return scope


def page_header(title: str, subtitle: str) -> html.Div:
    """A page's title line with one sentence saying what the page is for."""
    return html.Div(
        className="page-header",
        children=[
            html.H1(title, className="h3 mb-1"),
            html.P(subtitle, className="text-body-secondary mb-3"),
        ],
    )


def section(title: str, *children: Any, note: str | None = None) -> dbc.Card:
    """A titled card holding one panel of a page."""
    body: list[Any] = [html.H2(title, className="h5 card-title")]
    if note:
        body.append(html.P(note, className="small text-body-secondary mb-2"))
    body.extend(children)
    return dbc.Card(dbc.CardBody(body), className="mb-3 shadow-sm")


def planned_page(name_key: str, planned_key: str, lang: str) -> html.Div:
    """The notice shown by a page that is not built yet: what it will show, nothing fake."""
    return html.Div(
        className="planned-page",
        children=[
            page_header(t(name_key, lang), t("page.planned", lang)),
            dbc.Alert(
                color="light",
                className="border",
                children=[
                    html.Strong(t("page.planned.lead", lang)),
                    html.P(t(planned_key, lang), className="mb-0 mt-1"),
                ],
            ),
        ],
    )


def state_badge(text: str, state: str, title: str = "") -> html.Span:
    """A coloured badge for a freshness state (fresh, late, stale, none, event).

    Args:
        text: what the badge says ("天津 · 3 分钟前").
        state: the state code; it picks the colour and is exposed as data-state.
        title: tooltip text.
    """
    return html.Span(
        text,
        title=title,
        className=f"badge freshness-badge {STATE_CLASS[state]}",
        **{"data-state": state},
    )


def grid(
    grid_id: str,
    column_defs: list[dict[str, Any]],
    lang: str,
    *,
    height: int | None,
    row_id: str | None = None,
    **options: Any,
) -> dag.AgGrid:
    """An AG Grid with the app's theme; rows arrive from a callback.

    Args:
        grid_id: id from layouts.ids.
        column_defs: AG Grid column definitions (headers already translated).
        lang: language of the grid's own texts.
        height: pixel height; None grows the grid to fit its rows (short lists only).
        row_id: row field that identifies a row (AG Grid getRowId).
        **options: extra dashGridOptions.
    """
    grid_options = {
        **GRID_OPTIONS,
        "localeText": {"noRowsToShow": t("data.grid.empty", lang)},
        **options,
    }
    extra: dict[str, Any] = {}
    if row_id:
        extra["getRowId"] = f"params.data.{row_id}"
    if height is None:
        grid_options["domLayout"] = "autoHeight"
        style = {"width": "100%"}
    else:
        style = {"height": f"{height}px", "width": "100%"}
    return dag.AgGrid(
        id=grid_id,
        columnDefs=column_defs,
        rowData=[],
        defaultColDef={
            "sortable": True,
            "resizable": True,
            "suppressMovable": True,
            "wrapHeaderText": True,
            "autoHeaderHeight": True,
        },
        dashGridOptions=grid_options,
        columnSize="responsiveSizeToFit",
        style=style,
        **extra,
    )
