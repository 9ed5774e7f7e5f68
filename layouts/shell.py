"""The frame around every page: header, Beijing clock, district freshness, navigation.

`layout()` is the app layout (a function, so each request gets its own language). It reads
the language cookie only; the clock is drawn in the browser and the freshness badges are
filled by `callbacks.shell` on the refresh interval.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import flask
from dash import dcc, html
from flask_login import current_user

from dashboard.i18n import t
from dashboard.security import csrf_token
from layouts import ids
from layouts.components import current_lang
from layouts.pages import can_open


def other_lang(lang: str) -> str:
    """The language the switch offers."""
    return "en" if lang == "zh" else "zh"


def nav(lang: str) -> html.Nav:
    """Links to every registered page, labelled in `lang`, in registry order."""
    links = [
        dbc.NavLink(
            t(page["name_key"], lang),
            href=dash.get_relative_path(page["path"]),
            active="exact",
            className="px-3",
        )
        for page in dash.page_registry.values()
        if "name_key" in page and can_open(page["page_key"])
    ]
    return html.Nav(
        dbc.Nav(links, id=ids.Shell.NAV, pills=True, className="shell-nav"),
        **{"aria-label": t("nav.label", lang)},
    )


def header(lang: str) -> html.Header:
    """Product name, clock, per-district freshness and the language switch."""
    other = other_lang(lang)
    return html.Header(
        className="shell-header",
        children=[
            html.Div(
                className="shell-brand",
                children=[
                    html.Span(t("app.name", lang), className="shell-title"),
                    html.Span(t("app.region", lang), className="shell-region"),
                ],
            ),
            html.Div(
                className="shell-status",
                children=[
                    html.Div(
                        className="shell-freshness",
                        children=[
                            html.Span(t("freshness.label", lang), className="shell-label"),
                            html.Div(id=ids.Shell.FRESHNESS, className="shell-badges"),
                        ],
                    ),
                    html.Div(
                        className="shell-clock",
                        children=[
                            html.Span(t("clock.label", lang), className="shell-label"),
                            html.Span("--:--:--", id=ids.Shell.CLOCK, className="shell-clock-time"),
                        ],
                    ),
                    html.A(
                        t("lang.switch", lang),
                        id=ids.Shell.LANG_LINK,
                        className="shell-lang",
                        href=dash.get_relative_path(f"/lang/{other}"),
                        hrefLang=other,
                        title=t("lang.switch.title", lang),
                    ),
                    user_box(lang),
                ],
            ),
        ],
    )


def user_box(lang: str) -> html.Div:
    """Who is signed in (name and role) and the sign-out button (a POST form with the
    session's form token)."""
    if not flask.has_request_context() or not current_user.is_authenticated:
        return html.Div(className="shell-user")
    return html.Div(
        className="shell-user",
        children=[
            html.Span(
                f"{current_user.display_name} · {t(f'user.role.{current_user.role}', lang)}",
                id=ids.Shell.USER,
            ),
            html.Form(
                method="POST",
                action=dash.get_relative_path("/logout"),
                children=[
                    dcc.Input(type="hidden", name="csrf", value=csrf_token()),
                    html.Button(
                        t("user.logout", lang),
                        type="submit",
                        id=ids.Shell.LOGOUT,
                        className="shell-logout",
                    ),
                ],
            ),
        ],
    )


def layout(refresh_seconds: int = 10) -> html.Div:
    """The app layout: stores, intervals, header, navigation and the page container.

    Args:
        refresh_seconds: how often live panels refresh (settings.refresh_seconds).
    """
    lang = current_lang()
    children: list[Any] = [
        dcc.Location(id=ids.Shell.URL, refresh=False),
        dcc.Store(id=ids.Shell.LANG, data=lang),
        dcc.Interval(id=ids.Shell.CLOCK_INTERVAL, interval=1000),
        dcc.Interval(id=ids.Shell.REFRESH_INTERVAL, interval=refresh_seconds * 1000),
        header(lang),
        html.Div(nav(lang), className="shell-navbar"),
        dbc.Alert(
            id=ids.Shell.ERROR,
            is_open=False,
            dismissable=True,
            color="danger",
            duration=20000,
            className="shell-error m-3 mb-0",
        ),
        html.Main(dash.page_container, className="shell-main"),
    ]
    return html.Div(children, className="app-shell", lang="zh-CN" if lang == "zh" else "en")
