"""Rows for the Data Status grids and the shell's freshness badges (display text, no HTML).

Every value is returned as plain text or a number; the grids render cell values as text,
so quarantined raw rows (hostile input) are shown exactly as received and never parsed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.i18n import (
    district_names,
    feed_name,
    format_age,
    format_ts,
    format_ts_short,
    label_or,
    t,
)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _age(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 1)


def freshness_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows for feed freshness per district and feed.

    Args:
        frame: `queries.feeds.feed_freshness` output.
        lang: "zh" or "en".

    Returns:
        Dicts with row_id, district, feed, rows, newest, last_load (full timestamps),
        newest_short, last_load_short ("MM-DD HH:MM"), age, age_minutes, state (code) and
        state_label.
    """
    names = district_names(lang)
    return [
        {
            "row_id": f"{r['district_code']}-{r['feed']}",
            "district": names.get(r["district_code"], r["district_code"]),
            "district_code": r["district_code"],
            "feed": feed_name(r["feed"], lang),
            "feed_code": r["feed"],
            "rows": _int(r["rows"]) or 0,
            "newest": format_ts(r["newest_ts"]),
            "last_load": format_ts(r["last_loaded_at"]),
            "newest_short": format_ts_short(r["newest_ts"]),
            "last_load_short": format_ts_short(r["last_loaded_at"]),
            "age": format_age(_age(r["age_minutes"]), lang),
            "age_minutes": _age(r["age_minutes"]),
            "state": r["state"],
            "state_label": t(f"state.{r['state']}", lang),
        }
        for r in _records(frame)
    ]


def batch_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows for recent ingest batches.

    Args:
        frame: `queries.feeds.recent_batches` output.
        lang: "zh" or "en".

    Returns:
        Dicts with batch_id, feed, feed_code, file_name, source, the counts and finished.
    """
    counts = ("rows_read", "accepted", "updated", "duplicates", "quarantined")
    return [
        {
            "batch_id": int(r["batch_id"]),
            "feed": feed_name(r["feed"], lang),
            "feed_code": r["feed"],
            "file_name": r["file_name"] or "",
            "source": label_or(f"source.{r['source']}", lang, r["source"] or ""),
            **{c: _int(r[c]) for c in counts},
            "finished": format_ts(
                r["finished_at"] if pd.notna(r["finished_at"]) else r["started_at"]
            ),
        }
        for r in _records(frame)
    ]


def quarantine_rows(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Grid rows for quarantined rows: the reason and the raw row exactly as received.

    Args:
        frame: `queries.feeds.quarantine_page` output.
        lang: "zh" or "en".

    Returns:
        Dicts with quarantine_id, batch_id, feed, line_no, reason and raw.
    """
    return [
        {
            "quarantine_id": int(r["quarantine_id"]),
            "batch_id": int(r["batch_id"]),
            "feed": feed_name(r["feed"], lang) if r["feed"] else "",
            "line_no": _int(r["line_no"]),
            "reason": str(r["reason"]),
            "raw": str(r["raw"]),
        }
        for r in _records(frame)
    ]


def batch_options(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Dropdown options for the batch filter: "#12 · 报关单 · file.csv (3)".

    Args:
        frame: `queries.feeds.recent_batches` output.
        lang: "zh" or "en".

    Returns:
        Options with label and integer value.
    """
    options = []
    for r in _records(frame):
        parts = [f"#{int(r['batch_id'])}", feed_name(r["feed"], lang), r["file_name"] or ""]
        label = " · ".join(parts) + f" ({_int(r['quarantined']) or 0})"
        options.append({"label": label, "value": int(r["batch_id"])})
    return options


def district_badges(frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """What each district's freshness badge says.

    Args:
        frame: `queries.feeds.district_freshness` output.
        lang: "zh" or "en".

    Returns:
        Dicts with code, text ("天津 · 3 分钟前"), state, state_label and title (tooltip).
    """
    names = district_names(lang)
    out = []
    for r in _records(frame):
        name = names.get(r["district_code"], r["district_code"])
        out.append(
            {
                "code": r["district_code"],
                "text": f"{name} · {format_age(_age(r['age_minutes']), lang)}",
                "state": r["state"],
                "state_label": t(f"state.{r['state']}", lang),
                "title": t(
                    "freshness.title",
                    lang,
                    newest=format_ts(r["newest_ts"]) or "—",
                    loaded=format_ts(r["last_loaded_at"]) or "—",
                ),
            }
        )
    return out
