"""Render docs/data-contract.md from the contract and the reference code tables.

The document is generated, so that it can never drift from what the ingester enforces;
`tests/unit/test_contract.py` fails when the committed file is out of date.
"""

from __future__ import annotations

import json

from dashboard.contract import FEEDS, Feed, Field
from dashboard.reference import Reference, load_reference

INTRO = """# Data contract / 数据接口规范

Generated from `dashboard/contract.py` by `python -m dashboard contract-doc`; do not edit by
hand. This file is the authority for what district systems send.

## Files / 文件
- One feed per file: CSV (comma-separated, header row first; UTF-8 with or without BOM, or
  GB18030 — detected) or JSON Lines (`.jsonl`, one JSON object per line, UTF-8).
- Column names exactly as below; extra columns are ignored; optional columns may be left out.
- Timestamps: ISO-8601. With an offset (`2025-03-03T09:02:00+08:00`, `...Z`) they are
  converted to Beijing time; without one they are taken as Beijing time (Asia/Shanghai,
  UTC+8, no daylight saving). Timestamps more than 10 minutes in the future are refused.
- Codes are matched exactly; numeric codes that lost leading zeros in a spreadsheet
  (`110` for trade mode `0110`, `101` for office `0101`, `7` for HS chapter `07`) are padded.
- Booleans: `true/false`, `1/0`, `yes/no`, `Y/N`, `是/否`.
- Values in USD: declared values are converted with the indicative reference rates in
  `data/reference/codes.csv` (`currency` rows, USD per unit).

## Load behaviour / 入库规则
`python -m dashboard ingest FEED FILE...` loads each file as one batch in one transaction and
prints `{"feed","file","rows_read","accepted","updated","duplicates","quarantined","batch_id"}`.
- rows_read = accepted + updated + duplicates + quarantined, always.
- A row failing any rule below is quarantined whole with its line number and every reason;
  the rest of the file loads. Stewards see them on the Data Status page.
- The key identifies a record: a known key with identical content is a duplicate (nothing
  changes); with different content it replaces the record (an update, rollups follow).
- A whole-file problem (unknown feed, not CSV/JSON Lines, undecodable bytes, missing required
  columns, over the size limit) exits with status 2 and one message; nothing is written.
"""

RULES = {
    "declarations": [
        "entry_id starts with declare_customs_code; its 9th digit is 1 for imports, 0 for exports",
        "ts_declared <= ts_accepted <= ts_released; ts_arrival <= ts_released; review, duty and "
        "inspection times lie between acceptance and release",
        "status RELEASED / RELEASED_GUARANTEE / CLOSED needs ts_released; other statuses must "
        "not have one",
        "inspection_flag is true exactly when risk_lane is RED",
        "derived on load: declaring district, port and port district, cross_district, value in "
        "USD, overall clearance hours (arrival to release, 整体通关时间) and customs clearance "
        "hours (acceptance to release, 海关通关时间)",
    ],
    "queue_observations": [
        "lanes_open <= lanes_max; a CLOSED crossing has 0 lanes open",
        "wait_minutes is the time from the end of the queue to the inspection point",
    ],
    "incidents": [
        "port_id, when given, lies in district_code; team_id covers district_code; the lead "
        "member belongs to team_id",
        "reported <= acknowledged <= dispatched <= mitigated <= resolved",
        "status RESOLVED / CLOSED needs resolved_at, other statuses must not have one",
        "title is plain text (never rendered as HTML)",
    ],
    "inquiries": ["received <= first response <= resolved"],
    "trainings": ["enterprises_trained <= participants; 0 for a STAFF audience"],
    "enterprises": ["one row per enterprise; a later row with the same USCC updates it"],
    "training_attendance": [
        "one row per enterprise and training; a session's rows should number its "
        "enterprises_trained",
        "training_id must name a stored training held by district_code, and enterprise_uscc "
        "an enterprise in the register: send the trainings and enterprises feeds first, else "
        "the row is quarantined with the reason",
    ],
    "incident_assignments": [
        "one row per work spell of a member on an incident; released_at >= assigned_at, empty "
        "while the member is still on it",
        "incident_id must name a stored incident of district_code (send the incidents feed "
        "first), and member_id a member of the team that covers that district",
    ],
}


def _allowed(field: Field, ref: Reference) -> str:
    if field.kind == "code" and field.codes:
        try:
            names_zh = ref.names(field.codes, "zh")
            names_en = ref.names(field.codes, "en")
        except KeyError:
            names_zh, names_en = {}, {}
        codes = sorted(ref.code_set(field.codes))
        if field.codes in {"port_office", "office"}:
            names_zh, names_en = ref.names("office", "zh"), ref.names("office", "en")
        if len(codes) > 30:
            return f"{len(codes)} codes, see `data/reference/` ({field.codes})"
        return "<br>".join(
            f"`{c}` {names_zh.get(c, '')} {names_en.get(c, '')}".rstrip() for c in codes
        )
    if field.pattern:
        known = f"; a stored `{field.references}` record" if field.references else ""
        return f"pattern `{field.pattern}`{known}"
    if field.min is not None or field.max is not None:
        return f"{field.min:g} to {field.max:g}"
    return ""


def _feed_section(feed: Feed, ref: Reference) -> str:
    lines = [
        f"## `{feed.name}` — {feed.zh} / {feed.en}",
        "",
        f"Key: `{', '.join(feed.key)}`. Freshness from `{feed.time_field}` per "
        f"`{feed.district_field}`.",
        "",
        "| field | type | required | empty allowed | unit | 说明 | description | allowed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in feed.fields:
        lines.append(
            f"| `{f.name}` | {f.kind} | {'yes' if f.required else 'optional'} | "
            f"{'yes' if f.nullable else 'no'} | {f.unit} | {f.zh} | {f.en} | "
            f"{_allowed(f, ref)} |"
        )
    lines += [
        "",
        "Rules:",
        *[f"- {r}" for r in RULES.get(feed.name, [])],
        "",
        "Example row (JSON Lines form):",
        "",
        "```json",
        json.dumps({f.name: f.example for f in feed.fields if f.example}, ensure_ascii=False),
        "```",
        "",
    ]
    return "\n".join(lines)


def render() -> str:
    """The whole contract document as Markdown."""
    ref = load_reference()
    return INTRO + "\n" + "\n".join(_feed_section(f, ref) for f in FEEDS.values())
