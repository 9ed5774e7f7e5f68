"""A small, realistic feed history for app, query and browser tests, loaded through ingest.

`seed_feeds(engine, now)` leaves the four districts in known freshness states (Beijing
fresh, Tianjin late, Shijiazhuang stale, Chengdu fresh only thanks to a queue observation,
its newest declaration being 32 minutes old) and quarantines a known set of bad rows (11
by default, over three batches), including hostile HTML in a raw row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from dashboard.ingest import BatchResult, ingest_records
from tests.factories import declaration, queue_obs

HOSTILE = '<img src=x onerror="window.__pwned=1"><b>bold</b>'
EXPECTED_STATES = {"0100": "fresh", "0200": "late", "0400": "stale", "7900": "fresh"}


@dataclass
class Seeded:
    """What `seed_feeds` loaded."""

    batches: list[BatchResult]

    @property
    def quarantined(self) -> int:
        """Quarantined rows over all batches."""
        return sum(b.quarantined for b in self.batches)


def _decl(serial: int, office: str, declared: datetime, **kw: object) -> dict[str, str]:
    return declaration(serial, declared=declared, office=office, port=office, hours=0.5, **kw)


def seed_feeds(engine: Engine, now: datetime, *, bad_rows: int = 7) -> Seeded:
    """Load declarations and queue observations (with `bad_rows` bad ones) through ingest.

    Args:
        engine: database with the schema created.
        now: the Beijing time the data is "current" at.
        bad_rows: how many extra bad declarations (unknown trade mode) to quarantine.

    Returns:
        The batch results, newest last.
    """
    hour = now - timedelta(hours=1)
    good = [
        _decl(1, "0101", now - timedelta(minutes=3), status="ACCEPTED"),
        _decl(2, "0101", hour),
        _decl(3, "0202", now - timedelta(minutes=25), status="ACCEPTED"),
        _decl(4, "0202", hour - timedelta(hours=1)),
        _decl(5, "0401", now - timedelta(hours=3)),
    ]
    bad = [_decl(100 + i, "0202", hour, trade_mode="0999") for i in range(bad_rows)]
    hostile = _decl(99, "0101", hour)
    hostile["enterprise_uscc"] = HOSTILE
    for row in good + bad + [hostile]:
        if row["status"] != "RELEASED":
            row["ts_released"] = ""
    results = [
        ingest_records(
            engine,
            "declarations",
            good + bad + [hostile],
            name="declarations_20261125.csv",
            source="api",
            now=now,
        )
    ]
    later = [_decl(200 + i, "7901", now - timedelta(minutes=30 + i)) for i in range(3)]
    later[0]["declared_value"] = "-5"  # negative value
    later[1]["ts_declared"] = "yesterday"  # not a timestamp
    results.append(
        ingest_records(
            engine, "declarations", later, name="cd_0900.csv", source="simulator", now=now
        )
    )
    obs = [
        queue_obs("CTU", now - timedelta(minutes=2)),
        queue_obs("TJ-XG", now - timedelta(minutes=40)),
    ]
    broken = queue_obs("CD-RAIL", now - timedelta(minutes=5))
    broken["lanes_open"] = "12"  # more lanes open than the port has
    results.append(
        ingest_records(
            engine,
            "queue_observations",
            [*obs, broken],
            name="queues_1200.jsonl",
            source="simulator",
            now=now,
        )
    )
    return Seeded(results)
