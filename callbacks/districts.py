"""Callbacks of the District Analysis (/districts) page."""

from __future__ import annotations

from dash import Dash


def register(app: Dash) -> None:
    """Wire the page's callbacks on `app`."""
    del app
