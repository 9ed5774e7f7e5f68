"""The Trade Trends page state: what the controls and the URL hold, checked against
allow-lists, and the `TradeView` the queries get. Pure: no database, no Dash.

The same rules read a bookmarked URL (lenient: a bad value falls back to its default and
the page says so) and a callback's inputs (strict: a value no control can produce is a
forged request and raises `InvalidState`, which the callback audits).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Final
from urllib.parse import urlencode

from dashboard.periods import (
    GRANULARITIES,
    MAX_RANGE_DAYS,
    PRESETS,
    fit_granularity,
    preset_range,
)
from dashboard.trade import CURRENCIES, DIMENSIONS, DIRECTIONS, TradeView

EARLIEST: Final = date(2000, 1, 1)


class InvalidState(ValueError):
    """A value that no control of the page can produce; the field is the message."""


@dataclass(frozen=True)
class TradeState:
    """Everything a Trade Trends URL can say."""

    preset: str = "12m"
    start: date | None = None  # only for the custom preset
    end: date | None = None
    districts: tuple[str, ...] = ()  # () = every district the user may see
    direction: str = "IE"
    currency: str = "USD"
    granularity: str = "month"
    dimension: str = "hs_section"

    def dates(self, today: date) -> tuple[date, date]:
        """The range shown: the preset's days ending today, or the custom days."""
        if self.preset == "custom" and self.start and self.end:
            return self.start, self.end
        return preset_range(self.preset if self.preset != "custom" else "12m", today)

    def view(self, today: date) -> TradeView:
        """The validated view for queries (granularity fitted to the range)."""
        start, end = self.dates(today)
        return TradeView(
            start=start,
            end=end,
            granularity=fit_granularity(start, end, self.granularity),
            districts=self.districts or None,
            direction=self.direction,
        )

    def query_string(self) -> str:
        """The URL query string of this state ("?preset=ytd&dir=I..."), defaults omitted."""
        default = TradeState()
        pairs: list[tuple[str, str]] = []
        if self.preset != default.preset:
            pairs.append(("preset", self.preset))
        if self.preset == "custom" and self.start and self.end:
            pairs += [("start", self.start.isoformat()), ("end", self.end.isoformat())]
        if self.districts:
            pairs.append(("districts", ",".join(self.districts)))
        for key, name in (
            ("direction", "dir"),
            ("currency", "cur"),
            ("granularity", "g"),
            ("dimension", "mix"),
        ):
            if getattr(self, key) != getattr(default, key):
                pairs.append((name, getattr(self, key)))
        return "?" + urlencode(pairs) if pairs else ""

    def to_store(self) -> dict[str, Any]:
        """JSON for the page's state store."""
        return {
            "preset": self.preset,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "districts": list(self.districts),
            "direction": self.direction,
            "currency": self.currency,
            "granularity": self.granularity,
            "dimension": self.dimension,
        }


def _choice(value: Any, allowed: Iterable[str], field: str) -> str:
    if isinstance(value, str) and value in allowed:
        return value
    raise InvalidState(field)


def _day(value: Any, field: str) -> date:
    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            raise InvalidState(field) from None
        if EARLIEST <= day <= date(2100, 1, 1):
            return day
    raise InvalidState(field)


def _districts(value: Any, allowed: frozenset[str]) -> tuple[str, ...]:
    if value is None or value == "" or value == []:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or len(items) > len(allowed):
        raise InvalidState("districts")
    if not all(isinstance(d, str) and d in allowed for d in items):
        raise InvalidState("districts")
    return tuple(sorted(set(items)))


def strict(raw: Mapping[str, Any], allowed_districts: frozenset[str], today: date) -> TradeState:
    """The state for raw control values; raises InvalidState on anything off the lists.

    Args:
        raw: keys preset, start, end, districts (list or comma text), direction, currency,
            granularity, dimension (missing keys take their defaults).
        allowed_districts: the districts the signed-in user may see.
        today: the current Beijing day (a custom range may not end after it).
    """
    d = TradeState()
    preset = _choice(raw.get("preset", d.preset), PRESETS, "preset")
    start = end = None
    if preset == "custom":
        start, end = _day(raw.get("start"), "start"), _day(raw.get("end"), "end")
        end = min(end, today)
        if start > end or (end - start) > timedelta(days=MAX_RANGE_DAYS):
            raise InvalidState("range")
    return TradeState(
        preset=preset,
        start=start,
        end=end,
        districts=_districts(raw.get("districts"), allowed_districts),
        direction=_choice(raw.get("direction", d.direction), DIRECTIONS, "direction"),
        currency=_choice(raw.get("currency", d.currency), CURRENCIES, "currency"),
        granularity=_choice(raw.get("granularity", d.granularity), GRANULARITIES, "granularity"),
        dimension=_choice(raw.get("dimension", d.dimension), DIMENSIONS, "dimension"),
    )


URL_KEYS: Final = {
    "preset": "preset",
    "start": "start",
    "end": "end",
    "districts": "districts",
    "dir": "direction",
    "cur": "currency",
    "g": "granularity",
    "mix": "dimension",
}


def from_url(
    query: Mapping[str, Any], allowed_districts: frozenset[str], today: date
) -> tuple[TradeState, list[str]]:
    """The state a bookmarked URL asks for; bad values fall back to their defaults.

    Returns:
        The state and the names of the fields that were refused (empty when all were good).
    """
    raw = {field: query[key] for key, field in URL_KEYS.items() if key in query}
    checks: dict[str, Callable[[Any], Any]] = {
        "preset": lambda v: _choice(v, PRESETS, "preset"),
        "districts": lambda v: _districts(v, allowed_districts),
        "direction": lambda v: _choice(v, DIRECTIONS, "direction"),
        "currency": lambda v: _choice(v, CURRENCIES, "currency"),
        "granularity": lambda v: _choice(v, GRANULARITIES, "granularity"),
        "dimension": lambda v: _choice(v, DIMENSIONS, "dimension"),
    }
    state, refused = TradeState(), []
    for field, check in checks.items():
        if field in raw:
            try:
                state = replace(state, **{field: check(raw[field])})
            except InvalidState:
                refused.append(field)
    if state.preset == "custom":
        try:
            dates = {k: raw.get(k) for k in ("start", "end")}
            custom = strict({"preset": "custom", **dates}, allowed_districts, today)
            state = replace(state, start=custom.start, end=custom.end)
        except InvalidState:
            refused.append("range")
            state = replace(state, preset=TradeState().preset)
    return state, refused
