"""Hand-made contract rows for tests (independent of the generator under test)."""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

from dashboard.contract import FEEDS

BASE = datetime(2026, 3, 2, 8, 0)  # a Monday, Beijing time
PORT_OFFICES = ["0101", "0102", "0202", "0207", "0217", "0401", "0402", "7901", "7903"]
DECLARE_OFFICES = ["0101", "0104", "0201", "0202", "0210", "0401", "7901", "7905"]


def iso(ts: datetime | None) -> str:
    """Offset-aware ISO string, as districts send it."""
    return "" if ts is None else ts.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def declaration(
    serial: int,
    *,
    declared: datetime | None = None,
    hours: float = 5.0,
    office: str = "0202",
    port: str = "0202",
    ie: str = "I",
    lane: str = "GREEN",
    status: str = "RELEASED",
    value: float = 10000.0,
    currency: str = "USD",
    trade_mode: str = "0110",
    hs: str = "87",
) -> dict[str, str]:
    """One valid declaration row; `hours` is accepted -> released."""
    declared = declared or BASE + timedelta(minutes=17 * serial)
    accepted = declared + timedelta(minutes=2)
    released = accepted + timedelta(hours=hours) if status == "RELEASED" else None
    year = declared.year
    return {
        "entry_id": f"{office}{year}{'1' if ie == 'I' else '0'}{serial:09d}",
        "ie_flag": ie,
        "declare_customs_code": office,
        "ie_port_code": port,
        "trade_mode": trade_mode,
        "transport_mode": "2",
        "hs_chapter": hs,
        "enterprise_uscc": "91120116MA05XXXX1B",
        "currency": currency,
        "declared_value": f"{value:.2f}",
        "risk_lane": lane,
        "inspection_flag": "true" if lane == "RED" else "false",
        "status": status,
        "ts_arrival": iso(declared - timedelta(hours=3)),
        "ts_declared": iso(declared),
        "ts_accepted": iso(accepted),
        "ts_released": iso(released),
    }


def queue_obs(
    port: str, at: datetime, *, wait: float = 12.0, vehicles: int = 30, direction: str = "IN"
) -> dict[str, str]:
    """One valid queue observation."""
    return {
        "port_id": port,
        "observed_at": iso(at),
        "direction": direction,
        "lane_type": "STANDARD",
        "lanes_open": "4",
        "lanes_max": "8",
        "vehicles_waiting": str(vehicles),
        "wait_minutes": f"{wait:g}",
        "operational_status": "OPEN",
        "measurement_method": "RFID",
    }


def incident(n: int, *, title: str = "Fog closes gates") -> dict[str, str]:
    """One valid, resolved incident at Xingang."""
    reported = BASE + timedelta(hours=n)
    return {
        "incident_id": f"INC-0200-{n:05d}",
        "district_code": "0200",
        "port_id": "TJ-XG",
        "category": "SEVERE_WEATHER",
        "severity": "III",
        "status": "RESOLVED",
        "reported_at": iso(reported),
        "acknowledged_at": iso(reported + timedelta(minutes=9)),
        "resolved_at": iso(reported + timedelta(hours=6)),
        "team_id": "ERT-BTH",
        "lead_member_id": "ERT-BTH-M01",
        "title": title,
    }


def assignment(
    incident_id: str,
    member: str,
    start: datetime,
    end: datetime | None,
    *,
    district: str = "0200",
    task: str = "ON_SCENE",
) -> dict[str, str]:
    """One work spell of a member on an incident (`end` None: still on it)."""
    return {
        "incident_id": incident_id,
        "district_code": district,
        "member_id": member,
        "task": task,
        "assigned_at": iso(start),
        "released_at": iso(end),
    }


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    columns: list[str] | None = None,
) -> Path:
    """Write rows as CSV with the given encoding (e.g. utf-8-sig, gb18030)."""
    columns = columns or list(rows[0])
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows as JSON Lines."""
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def columns(feed: str) -> list[str]:
    """Contract columns of a feed."""
    return FEEDS[feed].columns
