"""The Users page's callbacks through `/_dash-update-component`: an admin adds, disables
and enables accounts, refusals come back as the page's message, and all is audited."""

from __future__ import annotations

import json

from dash import Dash
from flask.testing import FlaskClient

from dashboard import audit, auth
from layouts import ids
from tests.app.conftest import PASSWORD
from tests.app.dashcall import call, sign_in

A, S = ids.Admin, ids.Shell
ADD_OUT = [(A.MESSAGE, "children"), (A.VERSION, "data"), (A.PASSWORD, "value")]


def _add(client: FlaskClient, name: str, role: str, districts: list[str], password: str) -> dict:
    return call(
        client,
        ADD_OUT,
        [(A.ADD, "n_clicks", 1)],
        [(A.NAME, "value", name), (A.DISPLAY, "value", "Wang"), (A.ROLE, "value", role),
         (A.DISTRICTS, "value", districts), (A.PASSWORD, "value", password),
         (A.VERSION, "data", 3), (S.LANG, "data", "en")],
    )  # fmt: skip


def _toggle_outputs(client: FlaskClient) -> list[tuple[str, str]]:
    """The disable/enable callback's outputs as registered (allow_duplicate adds a hash)."""
    deps = client.get("/_dash-dependencies").get_json()
    output = next(d["output"] for d in deps if "admin-message-text.children@" in d["output"])
    return [tuple(o.split(".", 1)) for o in output.strip(".").split("...")]  # type: ignore[misc]


def _toggle(client: FlaskClient, button: str, name: str) -> dict:
    outputs = _toggle_outputs(client)
    response = call(
        client,
        outputs,
        [(button, "n_clicks", 1), (A.ENABLE if button == A.DISABLE else A.DISABLE, "n_clicks", 0)],
        [(A.USERS_GRID, "selectedRows", [{"username": name}]), (A.VERSION, "data", 4),
         (S.LANG, "data", "en")],
    )  # fmt: skip
    return {key.split("@")[0]: value for key, value in response.items()}


def test_admin_adds_disables_and_enables(client: FlaskClient, dash_app: Dash) -> None:
    added = _add(client, "wang.fang", "analyst", ["0200"], "a long new passphrase")
    assert added[A.MESSAGE]["children"] == "User wang.fang added"
    assert added[A.VERSION]["data"] == 4 and added[A.PASSWORD]["value"] == ""
    weak = _add(client, "li.ming", "analyst", [], "short")
    assert "at least 12 characters" in weak[A.MESSAGE]["children"] and A.VERSION not in weak
    forged = _add(client, "li.ming", "superuser", ["9999"], "a long new passphrase")
    assert "unknown role" in forged[A.MESSAGE]["children"]

    fresh = dash_app.server.test_client()
    assert sign_in(fresh, "wang.fang", "a long new passphrase").status_code == 302
    assert (
        _toggle(client, A.DISABLE, "wang.fang")[A.MESSAGE]["children"] == "User wang.fang updated"
    )
    assert fresh.get("/_dash-layout").status_code == 401  # its session ended at once
    assert "cannot disable your own" in _toggle(client, A.DISABLE, "admin")[A.MESSAGE]["children"]
    _toggle(client, A.ENABLE, "wang.fang")
    engine = dash_app.server.extensions["dashboard.engine"].get()
    users = auth.list_users(engine).set_index("username")
    assert bool(users.loc["wang.fang", "active"]) and users.loc["wang.fang", "districts"] == "0200"
    actions = list(audit.audit_events(engine, limit=10)["action"])
    assert {"user_add", "user_disable", "user_enable"} <= set(actions)


def test_users_grid_lists_accounts_without_hashes(client: FlaskClient) -> None:
    response = call(
        client,
        [(A.USERS_GRID, "rowData"), (A.AUDIT_GRID, "rowData")],
        [(A.VERSION, "data", 0), (S.REFRESH_INTERVAL, "n_intervals", 1)],
        [(S.LANG, "data", "zh")],
    )
    text = json.dumps(response, ensure_ascii=False)
    assert "tianjin" in text and "天津" in text and "scrypt" not in text and PASSWORD not in text
