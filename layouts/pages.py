"""The page table: every page's path, translated name and layout, registered with Dash.

`register_pages()` is called by the app factory after the Dash app exists (Dash Pages
refuses registration before that). Navigation is built from `dash.page_registry`, whose
entries carry the catalog key of their name (`name_key`) so the shell can translate it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import dash

from dashboard.i18n import t
from layouts import command_center, data_status, districts, emergency, service, trade
from layouts.components import current_lang


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
)


def _title(key: str) -> Callable[..., str]:
    def title(**_path: Any) -> str:
        lang = current_lang()
        return f"{t(f'page.{key}.name', lang)} · {t('app.name', lang)}"

    return title


def register_pages() -> None:
    """Register every page in `PAGES` with Dash Pages (after the app is created)."""
    for order, page in enumerate(PAGES):
        dash.register_page(
            page.module,
            path=page.path,
            name=t(f"page.{page.key}.name", "en"),
            title=_title(page.key),
            order=order,
            layout=page.layout,
            name_key=f"page.{page.key}.name",
        )
