"""Users (/admin), for admins: the accounts with their roles and districts, adding and
disabling accounts, and the latest audit events. Rows come from `callbacks.admin`."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.auth import ROLES
from dashboard.i18n import district_names, t
from layouts import ids
from layouts.components import current_lang, grid, page_header, section

A = ids.Admin


def _col(field: str, key: str, lang: str, **extra: Any) -> dict[str, Any]:
    return {"field": field, "headerName": t(key, lang), **extra}


def _form(lang: str) -> html.Div:
    roles = [{"label": t(f"user.role.{r}", lang), "value": r} for r in ROLES]
    districts = [{"label": n, "value": c} for c, n in district_names(lang).items()]
    field = "mb-2"
    return html.Div(
        className="admin-form",
        children=[
            dbc.Label(t("admin.name", lang), html_for=A.NAME),
            dbc.Input(id=A.NAME, maxLength=32, className=field, autoComplete="off"),
            dbc.Label(t("admin.display", lang), html_for=A.DISPLAY),
            dbc.Input(id=A.DISPLAY, maxLength=80, className=field),
            dbc.Label(t("admin.role", lang), html_for=A.ROLE),
            dcc.Dropdown(id=A.ROLE, options=roles, value="analyst", clearable=False,
                         className=field),
            dbc.Label(t("admin.districts", lang), html_for=A.DISTRICTS),
            dcc.Dropdown(id=A.DISTRICTS, options=districts, multi=True, className=field),
            dbc.Label(t("admin.password", lang), html_for=A.PASSWORD),
            dbc.Input(id=A.PASSWORD, type="password", maxLength=128, className=field,
                      autoComplete="new-password"),
            dbc.Button(t("admin.add.button", lang), id=A.ADD, color="primary", className="mt-1"),
        ],
    )  # fmt: skip


def layout(**_query: Any) -> html.Div:
    """The page body in the request's language."""
    lang = current_lang()
    users = [
        _col("username", "admin.name", lang, checkboxSelection=True, minWidth=140),
        _col("display_name", "admin.display", lang, minWidth=140),
        _col("role_label", "admin.role", lang),
        _col("districts_label", "admin.districts", lang, minWidth=160),
        _col("active_label", "admin.col.active", lang),
        _col("created_at", "admin.col.created", lang, minWidth=150),
    ]
    audit = [
        _col("at_utc", "admin.col.at", lang, minWidth=150),
        _col("actor", "admin.col.actor", lang),
        _col("action", "admin.col.action", lang),
        _col("outcome", "admin.col.outcome", lang),
        _col("target", "admin.col.target", lang, minWidth=140),
        _col("ip", "admin.col.ip", lang),
    ]
    return html.Div(
        [
            dcc.Store(id=A.VERSION, data=0),
            page_header(t("page.admin.name", lang), t("admin.subtitle", lang)),
            html.Div(id=A.MESSAGE, className="admin-message mb-2", role="status"),
            dbc.Row(
                [
                    dbc.Col(
                        section(
                            t("admin.users", lang),
                            grid(A.USERS_GRID, users, lang, height=320, row_id="username",
                                 rowSelection="single"),
                            html.Div(
                                [
                                    dbc.Button(t("admin.disable", lang), id=A.DISABLE,
                                               color="outline-danger", size="sm", className="me-2"),
                                    dbc.Button(t("admin.enable", lang), id=A.ENABLE,
                                               color="outline-secondary", size="sm"),
                                ],
                                className="mt-2",
                            ),
                        ),
                        lg=8,
                    ),
                    dbc.Col(section(t("admin.add", lang), _form(lang)), lg=4),
                ]
            ),
            section(t("admin.audit", lang), grid(A.AUDIT_GRID, audit, lang, height=360)),
        ]
    )  # fmt: skip
