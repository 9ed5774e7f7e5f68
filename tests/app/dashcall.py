"""Posting a callback to `/_dash-update-component` the way the browser does."""

from __future__ import annotations

import json
import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

Prop = tuple[str, str, Any]


def post(
    client: FlaskClient,
    outputs: list[tuple[str, str]],
    inputs: list[Prop],
    state: list[Prop] | tuple[Prop, ...] = (),
) -> TestResponse:
    """POST one callback request; the first input is the one that changed."""

    def prop(spec: Prop) -> dict[str, Any]:
        return {"id": spec[0], "property": spec[1], "value": spec[2]}

    out = [{"id": i, "property": p} for i, p in outputs]
    body = {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": out if len(outputs) > 1 else out[0],
        "inputs": [prop(s) for s in inputs],
        "state": [prop(s) for s in state],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    client.get("/")  # Dash Pages registers its callbacks on the first request
    return client.post("/_dash-update-component", json=body)


def call(
    client: FlaskClient,
    outputs: list[tuple[str, str]],
    inputs: list[Prop],
    state: list[Prop] | tuple[Prop, ...] = (),
) -> dict[str, Any]:
    """POST one callback request, expect 200, and return the `response` mapping."""
    response = post(client, outputs, inputs, state)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(json.loads(response.get_data(as_text=True))["response"])


def sign_in(client: FlaskClient, username: str, password: str) -> TestResponse:
    """Sign in through the form (reading its CSRF token), as a person would."""
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the sign-in form has no CSRF token"
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": match.group(1)},
    )
