"""Users page callbacks: list users and audit events, add, disable and enable users.

Every change goes through `dashboard.auth` with the signed-in admin as the actor (the
security middleware already refused these callbacks to other roles); refusals come back
as the page's message, in the admin's language where the catalog has it.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate
from flask_login import current_user

import callbacks
from dashboard import audit, auth
from dashboard.i18n import district_names, format_ts, normalise_lang, t
from layouts import ids

A = ids.Admin


def _require_admin() -> None:
    """Defence in depth: the middleware already refuses these callbacks to other roles."""
    if not current_user.is_authenticated or not current_user.can_open("admin"):
        raise PreventUpdate


def user_rows(
    _version: Any, _n: Any, lang: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Users and the latest audit events as grid rows."""
    _require_admin()
    lang = normalise_lang(lang)
    engine = callbacks.engine()
    names = district_names(lang)
    users = [
        {
            "username": r.username,
            "display_name": r.display_name,
            "role_label": t(f"user.role.{r.role}", lang),
            "districts_label": "、".join(names.get(d, d) for d in r.districts.split(";") if d)
            or t("cc.view.all", lang),
            "active_label": t("admin.active" if r.active else "admin.inactive", lang),
            "created_at": format_ts(r.created_at),
        }
        for r in auth.list_users(engine).itertuples(index=False)
    ]
    events = audit.audit_events(engine, limit=100)
    trail = [
        {
            "at_utc": format_ts(r.at_utc),
            "actor": r.actor,
            "action": r.action,
            "outcome": r.outcome,
            "target": r.target,
            "ip": r.ip,
        }
        for r in events.itertuples(index=False)
    ]
    return users, trail


def add_user(
    _n: Any,
    name: Any,
    display: Any,
    role: Any,
    districts: Any,
    password: Any,
    version: Any,
    lang: Any,
) -> tuple[str, Any, Any]:
    """Add a user from the form; the password field is cleared either way."""
    _require_admin()
    lang = normalise_lang(lang)
    if not all(isinstance(v, str) for v in (name, role, password)):
        return t("admin.incomplete", lang), no_update, ""
    picked = (
        districts
        if isinstance(districts, list) and all(isinstance(d, str) for d in districts)
        else []
    )
    try:
        user = auth.add_user(
            callbacks.engine(),
            name,
            role,
            password,
            districts=picked,
            display_name=display if isinstance(display, str) else "",
            actor=current_user.username,
        )
    except auth.AuthError as exc:
        return str(exc), no_update, ""
    return t("admin.added", lang, name=user.username), _bump(version), ""  # fmt: skip


def change_active(_off: Any, _on: Any, selected: Any, version: Any, lang: Any) -> tuple[str, Any]:
    """Disable or enable the selected user (never oneself)."""
    _require_admin()
    lang = normalise_lang(lang)
    if not isinstance(selected, list) or len(selected) != 1 or not isinstance(selected[0], dict):
        return t("admin.select", lang), no_update
    name = selected[0].get("username")
    if not isinstance(name, str):
        raise PreventUpdate
    active = ctx.triggered_id == A.ENABLE
    if not active and name == current_user.username:
        return t("admin.self", lang), no_update
    try:
        auth.set_active(callbacks.engine(), name, active, actor=current_user.username)
    except auth.AuthError as exc:
        return str(exc), no_update
    return t("admin.changed", lang, name=name), _bump(version)


def _bump(version: Any) -> int:
    return (version if isinstance(version, int) else 0) + 1


def register(app: Dash) -> None:
    """Wire the Users page callbacks on `app`."""
    lang = State(ids.Shell.LANG, "data")
    app.callback(
        Output(A.USERS_GRID, "rowData"), Output(A.AUDIT_GRID, "rowData"),
        Input(A.VERSION, "data"), Input(ids.Shell.REFRESH_INTERVAL, "n_intervals"), lang,
    )(user_rows)  # fmt: skip
    app.callback(
        Output(A.MESSAGE, "children"), Output(A.VERSION, "data"), Output(A.PASSWORD, "value"),
        Input(A.ADD, "n_clicks"),
        State(A.NAME, "value"), State(A.DISPLAY, "value"), State(A.ROLE, "value"),
        State(A.DISTRICTS, "value"), State(A.PASSWORD, "value"), State(A.VERSION, "data"), lang,
        prevent_initial_call=True,
    )(add_user)  # fmt: skip
    app.callback(
        Output(A.MESSAGE, "children", allow_duplicate=True),
        Output(A.VERSION, "data", allow_duplicate=True),
        Input(A.DISABLE, "n_clicks"), Input(A.ENABLE, "n_clicks"),
        State(A.USERS_GRID, "selectedRows"), State(A.VERSION, "data"), lang,
        prevent_initial_call=True,
    )(change_active)  # fmt: skip
