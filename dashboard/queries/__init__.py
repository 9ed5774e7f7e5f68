"""Queries: the only place SQL lives. One module per subject (feeds, trade, queues, ...).

Every query function takes the caller's `Engine` or `Connection` first and returns a pandas
DataFrame with documented columns; statements are SQLAlchemy Core `select()` with bound
parameters. Cached facades (Flask-Caching `memoize`) sit next to the queries they wrap
and memoize on primitive arguments plus the database's `data_version`.

This package module holds what all subjects share: reading a statement into a DataFrame,
the caller's district scope, and `EngineProvider`, the per-process lazy engine the app
factory stores on the server.

Scope: every query over district data takes `scope`, the district codes the caller may
see as a sorted tuple, or None for every district. It is applied here, in SQL, never
taken from a callback input; facades pass it into their cache keys.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, Select, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import Executable

from dashboard.config import Settings

Bind = Engine | Connection
Scope = tuple[str, ...] | None
# What a query raises when the database is unreachable or fails: callers that must keep a
# panel showing its last good data catch these (and only these).
QUERY_ERRORS: tuple[type[Exception], ...] = (SQLAlchemyError, OSError)
__all__ = [
    "Bind",
    "QUERY_ERRORS",
    "Engine",
    "EngineProvider",
    "Scope",
    "connect",
    "in_scope",
    "read_frame",
    "read_ints",
    "read_tuples",
    "hour_keys",
    "scoped",
]


def in_scope(column: ColumnElement[str], scope: Scope) -> ColumnElement[bool]:
    """The condition "`column` is a district the caller may see" (always true for None).

    Args:
        column: a district-code column.
        scope: sorted district codes, or None for every district.

    Returns:
        A boolean SQL expression; an empty scope matches nothing.
    """
    if scope is None:
        return true()
    return column.in_(list(scope))


def narrow(scope: Scope, district: str | None) -> Scope:
    """The districts to query: `district` if the caller may see it, else nothing more than the
    scope (an out-of-scope district gives an empty scope, never a wider one)."""
    if district is None:
        return scope
    if scope is None or district in scope:
        return (district,)
    return ()


def scoped(stmt: Select[Any], column: ColumnElement[str], scope: Scope) -> Select[Any]:
    """`stmt` limited to the districts in `scope` (unchanged for None)."""
    return stmt if scope is None else stmt.where(in_scope(column, scope))


@contextmanager
def connect(bind: Bind) -> Iterator[Connection]:
    """A connection for `bind`: a new one for an Engine (closed after), else `bind` itself.

    Args:
        bind: an Engine, or a Connection the caller owns (e.g. inside a transaction).

    Yields:
        A Connection to run statements on.
    """
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        yield conn


def read_frame(bind: Bind, statement: Executable, columns: list[str] | None = None) -> pd.DataFrame:
    """Run `statement` and return its rows as a DataFrame (column names from the result).

    Args:
        bind: Engine or Connection.
        statement: a Core select.
        columns: column names to use when the result is empty and has no keys.

    Returns:
        One row per result row.
    """
    with connect(bind) as conn:
        result = conn.execute(statement)
        keys = list(result.keys()) or (columns or [])
        rows = result.all()
    return pd.DataFrame([tuple(r) for r in rows], columns=keys)


def read_tuples(bind: Bind, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """Run a statement and return its rows as plain tuples, straight from the driver.

    For reads where SQLAlchemy's result rows and pandas' frames would cost more than the
    query itself (tens of thousands of histogram buckets, or a few hundred sums turned
    into a figure): the statement runs through SQLAlchemy as usual (compiled-statement
    cache, bound parameters, expanded IN lists), only the fetch reads the driver's cursor,
    so values come as the driver gives them (SQLite dates as ISO text).
    """
    with connect(bind) as conn:
        result = conn.execute(statement)
        try:
            return list(result.cursor.fetchall())
        finally:
            result.close()


def read_ints(bind: Bind, statement: Select[Any]) -> np.ndarray:
    """`read_tuples` of a statement whose columns are all integers, as one int64 array
    (rows x columns)."""
    width = len(statement.selected_columns)
    return np.array(read_tuples(bind, statement), dtype=np.int64).reshape(-1, width)


def hour_keys(windows: list[tuple[datetime, datetime]]) -> list[datetime]:
    """Every whole hour in the `[start, end)` windows (starts on the hour), in order.

    Hourly rollups are keyed by the hour, so a statement can ask for exactly these keys
    (`hour IN (...)`: one index lookup each, in one statement) instead of several ranges.
    """
    hours: list[datetime] = []
    for start, end in windows:
        at = start.replace(minute=0, second=0, microsecond=0)
        while at < end:
            hours.append(at)
            at += timedelta(hours=1)
    return sorted(set(hours))


class EngineProvider:
    """Creates the process's engine on first use, and again in a forked child.

    The app factory stores one provider on the Flask server; nothing connects at import or
    while the app is being built, and under `gunicorn --preload` every worker gets its own
    pool instead of sharing sockets inherited from the master.
    """

    def __init__(self, settings: Settings) -> None:
        """Remember the settings; the engine is made by the first `get()`."""
        self._settings = settings
        self._engine: Engine | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def get(self) -> Engine:
        """The engine of this process (created on the first call).

        Returns:
            An Engine for `settings.database_url`.
        """
        with self._lock:
            if self._engine is None or self._pid != os.getpid():
                if self._engine is not None:
                    # Inherited from the parent: drop its pool without closing its sockets.
                    self._engine.dispose(close=False)
                from dashboard import db

                self._engine = db.engine_from_settings(self._settings)
                self._pid = os.getpid()
            return self._engine

    def dispose(self) -> None:
        """Close the pool (tests and shutdown)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def __repr__(self) -> str:
        return f"EngineProvider({self._settings.database_url.split('@')[-1]!r})"
