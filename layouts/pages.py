"""The page table: every page's path, translated name and layout, registered with Dash.

`register_pages()` is called by the app factory after the Dash app exists (Dash Pages
refuses registration before that). Navigation is built from `dash.page_registry`, whose
entries carry the catalog key of their name (`name_key`) so the shell can translate it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import dash
import flask
from dash import html

from dashboard.i18n import t
from layouts import admin, command_center, data_status, districts, emergency, service, trade
from layouts.components import current_lang, page_header


class Page(NamedTuple):
    """One page of the app."""

    module: str
    path: str
    key: str
    layout: Callable[..., Any]


PAGES = (
    Page("command_center", "/", "command", command_center.layout),
    Page("trade", "/trade", "trade", trade.layout),
    Page("districts", "/districts", "districts", districts.layout),
    Page("emergency", "/emergency", "emergency", emergency.layout),
    Page("service", "/service", "service", service.layout),
    Page("data_status", "/data", "data", data_status.layout),
    Page("admin", "/admin", "admin", admin.layout),
)


def _title(key: str) -> Callable[..., str]:
    def title(**_path: Any) -> str:
        lang = current_lang()
        return f"{t(f'page.{key}.name', lang)} · {t('app.name', lang)}"

    return title


def can_open(key: str) -> bool:
    """Whether the signed-in user may open page `key` (`dashboard.auth.User.can_open`)."""
    from flask_login import current_user

    if not flask.has_request_context() or not current_user.is_authenticated:
        return False
    return bool(current_user.can_open(key))


def no_access(lang: str) -> html.Div:
    """What a page shows to a user whose role does not include it."""
    return html.Div(
        className="planned-page",
        children=[
            page_header(t("access.denied", lang), t("access.denied.lead", lang)),
        ],
    )


def _guarded(page: Page, refresh_seconds: int) -> Callable[..., Any]:
    def layout(**query: Any) -> Any:
        if not can_open(page.key):
            return no_access(current_lang())
        return page.layout(**{**query, "refresh_seconds": refresh_seconds})

    return layout


def register_pages(refresh_seconds: int = 10) -> None:
    """Register every page in `PAGES` with Dash Pages (after the app is created); each
    layout first checks that the signed-in user's role includes the page."""
    for order, page in enumerate(PAGES):
        dash.register_page(
            page.module,
            path=page.path,
            name=t(f"page.{page.key}.name", "en"),
            title=_title(page.key),
            order=order,
            layout=_guarded(page, refresh_seconds),
            name_key=f"page.{page.key}.name",
            page_key=page.key,
        )


def validation_layout(shell: Any) -> html.Div:
    """Every page's full layout plus the shell, for Dash's callback validation.

    Dash builds its validation layout by calling each page's layout on the first request;
    ours check the signed-in user and would hide the ids of pages the first visitor may
    not open, so the app replaces it with this one (every page, unguarded).
    """
    return html.Div([page.layout() for page in PAGES] + [shell])
