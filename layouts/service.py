"""Enterprise Service (/service): inquiries, first-contact resolution, training.

Not built yet (a later issue): the page shows a translated notice naming what it will show,
and no figures or numbers until real queries back them.
"""

from __future__ import annotations

from typing import Any

from dash import html

from layouts.components import current_lang, planned_page


def layout(**_query: Any) -> html.Div:
    """The page body in the request's language."""
    return planned_page("page.service.name", "page.service.planned", current_lang())
