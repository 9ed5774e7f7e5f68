"""Fast bulk writes of typed fact rows, for SQLite (executemany) and PostgreSQL (COPY).

Kept apart from ingest's bookkeeping because this is the one place that knows how each
driver wants its values: SQLite gets timestamps as 'YYYY-MM-DD HH:MM:SS' text
(schema.SQLITE_TS_FORMAT, the exact form SQLAlchemy writes and compares), PostgreSQL gets
a binary-safe COPY stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, tuple_
from sqlalchemy.engine import Connection

from dashboard.schema import SQLITE_TS_FORMAT

DELETE_CHUNK = 2000


def row_hashes(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """A 64-bit content hash per row over the contract columns (signed, for BIGINT)."""
    present = [c for c in columns if c in frame]
    hashed = pd.util.hash_pandas_object(frame[present], index=False)
    return pd.Series(hashed.to_numpy().view(np.int64), index=frame.index)


def _sqlite_ts(values: pd.Series) -> np.ndarray:
    """Text timestamps in schema.SQLITE_TS_FORMAT (None for NaT)."""
    text = values.dt.strftime(SQLITE_TS_FORMAT)
    return text.astype(object).where(values.notna(), None).to_numpy()


def _nullable(values: pd.Series, missing: pd.Series) -> np.ndarray:
    """Object array of `values` with None where `missing` is true (drivers want None)."""
    return values.astype(object).where(~missing, None).to_numpy()


def _columns(conn: Connection, table: Table, frame: pd.DataFrame) -> list[np.ndarray]:
    sqlite = conn.dialect.name == "sqlite"
    out: list[np.ndarray] = []
    for col in table.columns:
        if col.name not in frame:
            out.append(np.full(len(frame), None, dtype=object))
            continue
        series = frame[col.name]
        kind = col.type.python_type.__name__
        if kind == "datetime" and sqlite:
            out.append(_sqlite_ts(series))
        elif kind == "datetime":
            out.append(_nullable(series.astype("datetime64[us]"), series.isna()))
        elif kind == "bool":
            out.append(_nullable(series.astype(object).map(bool), series.isna()))
        elif kind == "int":
            num = pd.to_numeric(series)
            out.append(_nullable(num.round().astype("Int64"), num.isna()))
        elif kind == "float":
            num = pd.to_numeric(series)
            out.append(_nullable(num.astype(float), num.isna()))
        else:
            out.append(_nullable(series, series.isna()))
    return out


def bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Insert every row of `frame` (columns named as in `table`; missing ones are NULL)."""
    if frame.empty:
        return
    columns = _columns(conn, table, frame)
    rows = list(zip(*columns, strict=True))
    names = [c.name for c in table.columns]
    if conn.dialect.name == "postgresql":
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur:
            with cur.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" for _ in names)
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", rows)


def delete_keys(conn: Connection, table: Table, key: Sequence[str], keys: pd.DataFrame) -> None:
    """Delete the rows whose key columns match a row of `keys`."""
    for start in range(0, len(keys), DELETE_CHUNK):
        part = keys.iloc[start : start + DELETE_CHUNK]
        if len(key) == 1:
            cond = table.c[key[0]].in_(part[key[0]].tolist())
        else:
            values = [
                tuple(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row)
                for row in part.itertuples(index=False)
            ]
            cond = tuple_(*[table.c[k] for k in key]).in_(values)
        conn.execute(delete(table).where(cond))
