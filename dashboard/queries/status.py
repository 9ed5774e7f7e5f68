"""Feed status per feed and district: row counts and newest timestamps (CLI `status`)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select

from dashboard import schema


def feed_status(engine: Engine) -> pd.DataFrame:
    """One row per (feed, district): rows, newest_ts, last_loaded_at, last_batch_id.

    Args:
        engine: the database.

    Returns:
        DataFrame ordered by feed and district.
    """
    wm = schema.feed_watermarks
    query = select(
        wm.c.feed,
        wm.c.district_code,
        wm.c.rows,
        wm.c.newest_ts,
        wm.c.last_loaded_at,
        wm.c.last_batch_id,
    ).order_by(wm.c.feed, wm.c.district_code)
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))
