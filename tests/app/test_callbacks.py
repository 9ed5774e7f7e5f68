"""Callback helpers as plain functions: input validation, keyset cursor moves, safe redirects."""

from __future__ import annotations

from typing import Any

import pytest
from dash.exceptions import PreventUpdate

from callbacks.data_status import (
    Cursor,
    next_cursor,
    parse_cursor,
    select_batch,
    show_raw,
    valid_id,
)
from callbacks.shell import safe_next
from layouts import ids

D = ids.DataStatus
INFO = {"last_id": 40, "has_more": True}


@pytest.mark.parametrize("value", [None, 0, -1, True, "3", 3.0, 2**63, [1]])
def test_valid_id_rejects_non_ids(value: Any) -> None:
    assert valid_id(value) is None


def test_parse_cursor() -> None:
    assert parse_cursor({"feed": "declarations", "batch": 3, "stack": [90, 40]}) == Cursor(
        "declarations", 3, (90, 40)
    )
    assert parse_cursor(None) == Cursor(None, None, ())
    assert parse_cursor({"feed": "x", "batch": "3", "stack": [90, "40"]}) == Cursor(None, None, ())
    assert parse_cursor({"stack": list(range(1, 20_000))}).stack == ()


def test_next_and_previous_walk_the_stack() -> None:
    start = {"feed": None, "batch": None, "stack": []}
    second = next_cursor(D.NEXT_BUTTON, start, None, None, INFO)
    assert second.stack == (40,)
    third = next_cursor(
        D.NEXT_BUTTON, second.as_data(), None, None, {"last_id": 20, "has_more": True}
    )
    assert third.stack == (40, 20)
    assert next_cursor(D.PREV_BUTTON, third.as_data(), None, None, INFO).stack == (40,)
    assert next_cursor(D.FIRST_BUTTON, third.as_data(), None, None, INFO).stack == ()


def test_next_needs_a_next_page() -> None:
    with pytest.raises(PreventUpdate):
        next_cursor(D.NEXT_BUTTON, None, None, None, {"last_id": 40, "has_more": False})
    with pytest.raises(PreventUpdate):
        next_cursor(D.NEXT_BUTTON, None, None, None, {"last_id": "40", "has_more": True})
    with pytest.raises(PreventUpdate):
        next_cursor(D.PREV_BUTTON, None, None, None, INFO)


def test_filter_change_goes_back_to_first_page() -> None:
    deep = {"feed": None, "batch": None, "stack": [40, 20]}
    moved = next_cursor(D.FEED_FILTER, deep, "declarations", None, INFO)
    assert moved == Cursor("declarations", None, ())
    assert next_cursor(D.BATCH_FILTER, deep, None, 7, INFO) == Cursor(None, 7, ())
    # unknown feeds and forged batch ids count as "no filter"
    with pytest.raises(PreventUpdate):
        next_cursor(D.FEED_FILTER, deep, "drop table", "7", INFO)


def test_row_selection_helpers() -> None:
    assert select_batch([{"batch_id": 12}]) == 12
    for bad in (None, [], [{"batch_id": "12"}], [{"batch_id": 1}, {"batch_id": 2}], ["x"]):
        with pytest.raises(PreventUpdate):
            select_batch(bad)
    raw = '<img src=x onerror="alert(1)">'
    assert show_raw([{"raw": raw}], "en") == raw  # returned as text; Pre renders it escaped
    assert show_raw(None, "en") == "Click a row to see it in full."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/data", "/data"),
        ("/data?feed=x", "/data?feed=x"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("data", "/"),
        ("//evil.example", "/"),
        ("https://evil.example/data", "/"),
        ("/\\evil.example", "/"),
        ("/%5C%5Cevil", "/%5C%5Cevil"),
    ],
)
def test_safe_next(value: str | None, expected: str) -> None:
    assert safe_next(value, "/") == expected
