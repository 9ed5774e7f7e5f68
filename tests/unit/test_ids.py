"""Component ids: unique across the app, kebab-case, and never spelled outside layouts/ids.py."""

from __future__ import annotations

import re
from pathlib import Path

from layouts import ids

ROOT = Path(__file__).resolve().parents[2]


def test_ids_are_unique() -> None:
    values = ids.all_ids()
    assert values, "no ids found"
    assert len(values) == len(set(values)), sorted(v for v in values if values.count(v) > 1)


def test_ids_are_kebab_case_with_page_prefix() -> None:
    prefixes = {ids.Shell: "shell-", ids.DataStatus: "data-"}
    for cls, prefix in prefixes.items():
        for name, value in vars(cls).items():
            if name.isupper():
                assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", value), value
                assert value.startswith(prefix), (cls.__name__, value)


def test_no_id_literal_outside_ids_module() -> None:
    values = set(ids.all_ids())
    for folder in ("layouts", "callbacks"):
        for path in (ROOT / folder).glob("*.py"):
            if path.name == "ids.py":
                continue
            text = path.read_text(encoding="utf-8")
            found = [v for v in values if f'"{v}"' in text or f"'{v}'" in text]
            assert not found, f"{path.name} spells ids {found}; use layouts.ids"
