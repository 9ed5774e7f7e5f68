"""A live queue picture for the Command Center browser tests, loaded through ingest.

`seed_live(engine, now)` ingests queue observations (one every 30 minutes over the last
five hours, so the board has sparklines and trends) for a few ports of each district:

- Beijing, Tianjin and Chengdu are fresh (newest observation 2 minutes old);
- Shijiazhuang (0400) sent nothing for three hours, so it is stale (> 60 minutes);
- Beijing Capital Airport (PEK) is congested: its wait climbs to 125 minutes (>= 90),
  which raises a wait alarm; Tianjin Port Xingang is busy (45 minutes).

`seed_port_history(engine, now)` adds, for the port detail's clearance chart, releases at
Beijing Capital Airport on each of the last 14 days and two incidents there: a port
congestion (level III) still open since 20 hours ago, and a resolved outage (level IV)
five days ago.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine

from dashboard.ingest import BatchResult, ingest_records
from tests.factories import declaration, incident, iso, queue_obs

STALE_DISTRICT = "0400"
CONGESTED_PORT = "PEK"
# port -> (district, wait minutes now, vehicles now)
FRESH_PORTS = {
    "PEK": ("0100", 125.0, 180),
    "PKX": ("0100", 14.0, 25),
    "TJ-XG": ("0200", 45.0, 90),
    "TSN": ("0200", 8.0, 12),
    "CTU": ("7900", 11.0, 20),
    "TFU": ("7900", 6.0, 10),
}
STALE_PORTS = {"SJW": ("0400", 20.0, 30), "HB-HH": ("0400", 35.0, 60)}
HISTORY_STEPS = 10  # observations every 30 minutes before the newest one
FRESH_AGE = timedelta(minutes=2)
STALE_AGE = timedelta(hours=3)


def _series(port: str, newest: datetime, wait: float, vehicles: int) -> list[dict[str, str]]:
    """Observations of one port, oldest first, rising linearly to (wait, vehicles)."""
    rows = []
    for step in range(HISTORY_STEPS, -1, -1):
        share = 1.0 - step / (HISTORY_STEPS + 2)
        rows.append(
            queue_obs(
                port,
                newest - timedelta(minutes=30 * step),
                wait=round(wait * share),
                vehicles=round(vehicles * share),
            )
        )
    return rows


def seed_live(engine: Engine, now: datetime) -> BatchResult:
    """Ingest the queue picture described in the module docstring, as one batch.

    Args:
        engine: database with the schema created.
        now: the Beijing time the data is "current" at.

    Returns:
        The batch result (every row accepted).
    """
    rows: list[dict[str, str]] = []
    for port, (_district, wait, vehicles) in FRESH_PORTS.items():
        rows += _series(port, now - FRESH_AGE, wait, vehicles)
    for port, (_district, wait, vehicles) in STALE_PORTS.items():
        rows += _series(port, now - STALE_AGE, wait, vehicles)
    result = ingest_records(
        engine, "queue_observations", rows, name="queues_live.jsonl", source="simulator", now=now
    )
    assert result.quarantined == 0, "the live seed must be valid"
    return result


HISTORY_PORT = "PEK"
OPEN_INCIDENT = "INC-0100-00901"


def seed_port_history(engine: Engine, now: datetime) -> None:
    """Ingest the releases and incidents at `HISTORY_PORT` described in the module docstring."""
    rows = []
    for day in range(14):
        for k in range(12):
            hours = 2.0 + k * (1.5 + 0.1 * day)  # the spread grows towards the past
            released = now - timedelta(days=day, hours=1 + k)
            declared = released - timedelta(hours=hours, minutes=2)
            rows.append(
                declaration(9000 + 20 * day + k, declared=declared, hours=hours, office="0101",
                            port="0101")
            )  # fmt: skip
    result = ingest_records(engine, "declarations", rows, name="pek.csv", source="t", now=now)
    assert result.quarantined == 0, result
    congestion = {
        **incident(901),
        "incident_id": OPEN_INCIDENT,
        "district_code": "0100",
        "port_id": HISTORY_PORT,
        "category": "PORT_CONGESTION",
        "status": "ACK",
        "reported_at": iso(now - timedelta(hours=20)),
        "acknowledged_at": iso(now - timedelta(hours=19)),
        "resolved_at": "",
    }
    outage = {
        **incident(902),
        "incident_id": "INC-0100-00902",
        "district_code": "0100",
        "port_id": HISTORY_PORT,
        "category": "SYSTEM_OUTAGE",
        "severity": "IV",
        "reported_at": iso(now - timedelta(days=5, hours=2)),
        "acknowledged_at": iso(now - timedelta(days=5, hours=1)),
        "resolved_at": iso(now - timedelta(days=4, hours=12)),
    }
    batch = ingest_records(engine, "incidents", [congestion, outage], name="i", source="t", now=now)
    assert batch.accepted == 2, batch
