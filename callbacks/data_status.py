"""Data Status callbacks: freshness grid, batches grid, keyset-paged quarantine grid.

Paging state lives in the client store `ids.DataStatus.CURSOR` as
`{"feed", "batch", "stack"}`: the stack holds the last quarantine_id of every page before
the current one, so "next" pushes the current page's last id and "previous" pops. Every
value from the browser is validated against allow-lists before it reaches a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

import callbacks
from dashboard.contract import FEEDS
from dashboard.figures.feeds import batch_options, batch_rows, freshness_rows, quarantine_rows
from dashboard.i18n import beijing_now, normalise_lang, t
from dashboard.queries import feeds
from layouts import ids
from layouts.data_status import freshness_matrix

BATCH_LIMIT = 100
MAX_PAGES = 10_000
_ID_MAX = 2**63 - 1


@dataclass(frozen=True)
class Cursor:
    """Validated paging state: filters and the stack of previous pages' last ids."""

    feed: str | None
    batch: int | None
    stack: tuple[int, ...]

    def as_data(self) -> dict[str, Any]:
        """The store representation."""
        return {"feed": self.feed, "batch": self.batch, "stack": list(self.stack)}


def valid_id(value: Any) -> int | None:
    """A positive database id, or None for anything else (bools, strings, floats)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _ID_MAX:
        return value
    return None


def valid_feed(value: Any) -> str | None:
    """A contract feed name, or None."""
    return value if isinstance(value, str) and value in FEEDS else None


def parse_cursor(data: Any) -> Cursor:
    """The cursor in the client store, validated; the first page for anything malformed."""
    if not isinstance(data, dict):
        return Cursor(None, None, ())
    raw = data.get("stack")
    found = [valid_id(v) for v in raw] if isinstance(raw, list) and len(raw) <= MAX_PAGES else []
    stack = tuple(v for v in found if v is not None) if None not in found else ()
    return Cursor(valid_feed(data.get("feed")), valid_id(data.get("batch")), stack)


def next_cursor(trigger: Any, data: Any, feed: Any, batch: Any, page_info: Any) -> Cursor:
    """The cursor after a pager click or a filter change.

    Args:
        trigger: id of what fired (first/previous/next button, or a filter).
        data: the current cursor store.
        feed: feed filter value.
        batch: batch filter value.
        page_info: `{"last_id", "has_more"}` of the page on screen.

    Raises:
        PreventUpdate: when nothing changes.
    """
    cur = parse_cursor(data)
    feed, batch = valid_feed(feed), valid_id(batch)
    if (feed, batch) != (cur.feed, cur.batch) or trigger == ids.DataStatus.FIRST_BUTTON:
        return Cursor(feed, batch, ())
    info = page_info if isinstance(page_info, dict) else {}
    last_id = valid_id(info.get("last_id"))
    if trigger == ids.DataStatus.NEXT_BUTTON and info.get("has_more") is True and last_id:
        if len(cur.stack) < MAX_PAGES:
            return Cursor(feed, batch, (*cur.stack, last_id))
    if trigger == ids.DataStatus.PREV_BUTTON and cur.stack:
        return Cursor(feed, batch, cur.stack[:-1])
    raise PreventUpdate


def navigate(
    _first: Any, _prev: Any, _next: Any, feed: Any, batch: Any, data: Any, page_info: Any
) -> dict[str, Any]:
    """Fires on a pager click or filter change: the new cursor for the quarantine grid."""
    return next_cursor(ctx.triggered_id, data, feed, batch, page_info).as_data()


def update_quarantine(data: Any, _n: Any, lang: Any) -> tuple[Any, ...]:
    """Fires when the cursor changes and on refresh: one page of quarantined rows."""
    cur, lang = parse_cursor(data), normalise_lang(lang)
    size, engine = callbacks.settings().page_size, callbacks.engine()
    frame = feeds.cached_quarantine_page(
        engine,
        feed=cur.feed,
        batch_id=cur.batch,
        after_id=cur.stack[-1] if cur.stack else None,
        limit=size + 1,
    )
    has_more = len(frame) > size
    rows = quarantine_rows(frame.head(size), lang)
    total = feeds.cached_quarantine_count(engine, feed=cur.feed, batch_id=cur.batch)
    label = (
        t("data.page.label", lang, page=len(cur.stack) + 1, size=size, total=f"{total:,}")
        if rows
        else t("data.page.empty", lang)
    )
    info = {"last_id": rows[-1]["quarantine_id"] if rows else None, "has_more": has_more}
    first_page = not cur.stack
    return rows, label, first_page, first_page, not has_more, info


def update_freshness(_n: Any, lang: Any) -> tuple[Any, str]:
    """Fires on load and every refresh: freshness per district and feed."""
    lang, cfg = normalise_lang(lang), callbacks.settings()
    frame = feeds.cached_feed_freshness(
        callbacks.engine(), beijing_now(), cfg.freshness_late_minutes, cfg.freshness_stale_minutes
    )
    note = t(
        "data.freshness.note",
        lang,
        late=cfg.freshness_late_minutes,
        stale=cfg.freshness_stale_minutes,
    )
    return freshness_matrix(freshness_rows(frame, lang), lang), note


def update_batches(_n: Any, lang: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fires on load and every refresh: recent batches and the batch filter's options."""
    lang = normalise_lang(lang)
    frame = feeds.cached_recent_batches(callbacks.engine(), BATCH_LIMIT)
    return batch_rows(frame, lang), batch_options(frame, lang)


def select_batch(selected: Any) -> int:
    """Fires when a batch row is clicked: filter the quarantined rows to that batch."""
    batch = valid_id(selected[0].get("batch_id")) if _one_row(selected) else None
    if batch is None:
        raise PreventUpdate
    return batch


def show_raw(selected: Any, lang: Any) -> str:
    """Fires when a quarantined row is clicked: its raw text (shown as text, never HTML)."""
    if not _one_row(selected):
        return t("data.raw.hint", normalise_lang(lang))
    raw = selected[0].get("raw")
    return raw if isinstance(raw, str) else no_update


def _one_row(selected: Any) -> bool:
    return isinstance(selected, list) and len(selected) == 1 and isinstance(selected[0], dict)


def register(app: Dash) -> None:
    """Wire the Data Status callbacks on `app`."""
    d, lang = ids.DataStatus, State(ids.Shell.LANG, "data")
    refresh = Input(ids.Shell.REFRESH_INTERVAL, "n_intervals")
    app.callback(
        Output(d.FRESHNESS_TABLE, "children"), Output(d.FRESHNESS_NOTE, "children"), refresh, lang
    )(update_freshness)
    app.callback(
        Output(d.BATCHES_GRID, "rowData"), Output(d.BATCH_FILTER, "options"), refresh, lang
    )(update_batches)
    app.callback(
        Output(d.BATCH_FILTER, "value"),
        Input(d.BATCHES_GRID, "selectedRows"),
        prevent_initial_call=True,
    )(select_batch)
    app.callback(
        Output(d.CURSOR, "data"),
        Input(d.FIRST_BUTTON, "n_clicks"),
        Input(d.PREV_BUTTON, "n_clicks"),
        Input(d.NEXT_BUTTON, "n_clicks"),
        Input(d.FEED_FILTER, "value"),
        Input(d.BATCH_FILTER, "value"),
        State(d.CURSOR, "data"),
        State(d.PAGE_INFO, "data"),
        prevent_initial_call=True,
    )(navigate)
    app.callback(
        Output(d.QUARANTINE_GRID, "rowData"),
        Output(d.PAGE_LABEL, "children"),
        Output(d.FIRST_BUTTON, "disabled"),
        Output(d.PREV_BUTTON, "disabled"),
        Output(d.NEXT_BUTTON, "disabled"),
        Output(d.PAGE_INFO, "data"),
        Input(d.CURSOR, "data"),
        refresh,
        lang,
    )(update_quarantine)
    app.callback(
        Output(d.RAW_DETAIL, "children"),
        Input(d.QUARANTINE_GRID, "selectedRows"),
        lang,
        prevent_initial_call=True,
    )(show_raw)
