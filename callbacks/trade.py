"""Callbacks of the Trade Trends (/trade) page."""

from __future__ import annotations

from dash import Dash


def register(app: Dash) -> None:
    """Wire the page's callbacks on `app`."""
    del app
