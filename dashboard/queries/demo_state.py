"""What the demo loader and the live simulator need to know about stored data.

Kept here because SQL lives only in dashboard/queries (and ingest/rollups): which
declarations may still change, which incident/inquiry ids exist, whether any declaration
is stored at all.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, and_, not_, or_, select

from dashboard import schema

OPEN_ENDED = ("RELEASED_GUARANTEE", "CLOSED", "REJECTED", "CANCELLED")


def in_process_declarations(engine: Engine, since: datetime, closing: datetime) -> pd.DataFrame:
    """Declarations lodged since `since` that may still change.

    Those not yet released and not ended, plus exports released after `closing` (they are
    closed a few days after release).

    Returns:
        Columns entry_id and ts_declared.
    """
    d = schema.declarations
    query = select(d.c.entry_id, d.c.ts_declared).where(
        d.c.ts_declared >= since,
        d.c.status.not_in(OPEN_ENDED),
        not_(and_(d.c.status == "RELEASED", or_(d.c.ie_flag == "I", d.c.ts_released < closing))),
    )
    with engine.connect() as conn:
        rows = conn.execute(query).fetchall()
    return pd.DataFrame(rows, columns=["entry_id", "ts_declared"])


def stored_ids(engine: Engine, feed: str, since: datetime) -> set[str]:
    """Ids of the incidents or inquiries stored since `since`."""
    key, time_col = {
        "incidents": ("incident_id", "reported_at"),
        "inquiries": ("inquiry_id", "received_at"),
    }[feed]
    table = schema.FACT_TABLES[feed]
    with engine.connect() as conn:
        rows = conn.execute(select(table.c[key]).where(table.c[time_col] >= since))
        return {r[0] for r in rows}


def has_declarations(engine: Engine) -> bool:
    """True when at least one declaration is stored."""
    with engine.connect() as conn:
        return conn.execute(select(schema.declarations.c.entry_id).limit(1)).first() is not None
