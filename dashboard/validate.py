"""Row validation against the contract, vectorised with pandas.

`validate(feed, frame, now)` takes the raw string cells of one chunk of a feed file and
returns the rows that pass, typed and normalised (codes zero-padded, timestamps converted
to naive Beijing time, derived columns added), and the rows that fail, each with every
reason that applies, phrased so that a person can fix the source ("trade_mode 0999 is not
a known trade mode code"). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from dashboard.contract import ENDED_STATUSES, RELEASED_STATUSES, Feed, Field
from dashboard.reference import CODE_WIDTHS, Reference, load_reference

TRUE = {"true", "1", "y", "yes", "t", "是"}
FALSE = {"false", "0", "n", "no", "f", "否"}
TZ = "Asia/Shanghai"
EARLIEST = pd.Timestamp("2000-01-01")
FUTURE_SLACK = timedelta(minutes=10)
OFFSET_RE = r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$"


Message = str | Callable[[pd.Series], pd.Series]


def _text(*parts: str | pd.Series) -> Callable[[pd.Series], pd.Series]:
    """A lazy message: literal parts and column values (cut to 60 characters) concatenated."""

    def build(mask: pd.Series) -> pd.Series:
        out = pd.Series("", index=mask.index[mask.to_numpy()], dtype=object)
        for part in parts:
            if isinstance(part, pd.Series):
                out = out + part[mask].astype(object).fillna("").astype(str).str.slice(0, 60)
            else:
                out = out + part
        return out

    return build


@dataclass
class Checked:
    """Result of validating one chunk: typed good rows and bad rows with reasons."""

    good: pd.DataFrame
    bad_index: pd.Index
    bad_reasons: pd.Series


class _Reasons:
    """Accumulates per-row reasons without Python loops over rows."""

    def __init__(self, index: pd.Index) -> None:
        self.text = pd.Series("", index=index, dtype=object)

    def add(self, mask: pd.Series, message: Message) -> None:
        """Add `message` to the rows where `mask` is true.

        `message` is a string or a function of the masked row positions returning one string
        per row; it is only built for failing rows, so valid chunks pay nothing for it.
        """
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        msg = message(mask) if callable(message) else message
        if isinstance(msg, pd.Series):
            msg = msg.astype(object).to_numpy()
        current = self.text[mask].to_numpy()
        self.text.loc[mask] = np.where(current == "", msg, current + "; " + msg)

    @property
    def bad(self) -> pd.Series:
        return self.text != ""


def parse_timestamps(values: pd.Series) -> pd.Series:
    """ISO-8601 strings -> naive Beijing datetimes (NaT where unparseable or empty).

    Values with an offset (`+08:00`, `Z`, ...) are converted to Beijing time; values
    without one are taken as Beijing time already.
    """
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    present = values != ""
    aware = present & values.str.contains(OFFSET_RE, regex=True)
    naive = present & ~aware
    if aware.any():
        parsed = pd.to_datetime(values[aware], format="ISO8601", utc=True, errors="coerce")
        out.loc[aware] = parsed.dt.tz_convert(TZ).dt.tz_localize(None).astype("datetime64[us]")
    if naive.any():
        try:
            parsed = pd.to_datetime(values[naive], format="ISO8601", errors="coerce")
            out.loc[naive] = parsed.astype("datetime64[us]")
        except (TypeError, ValueError):  # an offset form we do not recognise: parse one by one
            out.loc[naive] = [_one_naive(v) for v in values[naive]]
    return out.dt.floor("s")


def _one_naive(value: str) -> pd.Timestamp:
    """One timestamp without a recognised offset; NaT unless it parses as naive."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return pd.NaT
    return pd.NaT if ts.tzinfo is not None else ts


def _normalise_code(field: Field, values: pd.Series) -> pd.Series:
    width = CODE_WIDTHS.get(field.codes or "", 0)
    values = values.str.upper()
    if width:
        numeric = values.str.fullmatch(r"\d+")
        values = values.where(~numeric, values.str.zfill(width))
    return values


def _check_field(
    field: Field, raw: pd.Series, reasons: _Reasons, ref: Reference, now: datetime
) -> pd.Series:
    """Validate and type one column; returns the typed column (invalid cells undefined)."""
    empty = raw == ""
    if not field.nullable:
        reasons.add(empty, f"{field.name} is empty but required")
    if field.kind == "str":
        if field.pattern:
            bad = ~empty & ~raw.str.fullmatch(field.pattern)
            reasons.add(
                bad,
                _text(field.name, " '", raw, f"' does not match the format {field.pattern}"),
            )
        return raw.where(~empty, None)
    if field.kind == "code":
        values = _normalise_code(field, raw)
        allowed = ref.code_set(field.codes or "")
        bad = ~empty & ~values.isin(allowed)
        label = (field.codes or "").replace("_", " ")
        reasons.add(bad, _text(field.name, " ", raw, f" is not a known {label} code"))
        return values.where(~empty, None)
    if field.kind in {"int", "float"}:
        nums = pd.to_numeric(raw.where(~empty, None), errors="coerce").astype("float64")
        reasons.add(~empty & nums.isna(), _text(field.name, " '", raw, "' is not a number"))
        if field.kind == "int":
            frac = ~nums.isna() & (nums % 1 != 0)
            reasons.add(frac, _text(field.name, " ", raw, " is not a whole number"))
        lo = -np.inf if field.min is None else field.min
        hi = np.inf if field.max is None else field.max
        out_of_range = ~nums.isna() & ((nums < lo) | (nums > hi))
        unit = f" {field.unit}" if field.unit else ""
        reasons.add(
            out_of_range,
            _text(field.name, " ", raw, f" is outside the allowed range {lo:g} to {hi:g}{unit}"),
        )
        return nums
    if field.kind == "bool":
        low = raw.str.lower()
        reasons.add(
            ~empty & ~low.isin(TRUE | FALSE),
            _text(field.name, " '", raw, "' is not true/false"),
        )
        return low.isin(TRUE)
    # timestamps
    ts = parse_timestamps(raw)
    reasons.add(
        ~empty & ts.isna(),
        _text(field.name, " '", raw, "' is not an ISO-8601 timestamp"),
    )
    limit = pd.Timestamp(now) + FUTURE_SLACK
    reasons.add(
        ts.notna() & (ts > limit),
        _text(
            field.name,
            " ",
            raw,
            " is in the future (now ",
            pd.Timestamp(now).isoformat(),
            " Beijing time)",
        ),
    )
    reasons.add(ts.notna() & (ts < EARLIEST), _text(field.name, " ", raw, " is before 2000"))
    return ts


def _order(reasons: _Reasons, typed: pd.DataFrame, earlier: str, later: str) -> None:
    a, b = typed[earlier], typed[later]
    bad = a.notna() & b.notna() & (b < a)
    reasons.add(bad, f"{later} is before {earlier}")


def validate(
    feed: Feed, frame: pd.DataFrame, now: datetime, ref: Reference | None = None
) -> Checked:
    """Validate one chunk of raw string cells against `feed`.

    Args:
        feed: the contract feed.
        frame: one column per file column, all strings ('' for empty); optional contract
            columns may be absent.
        now: current Beijing time (naive); later timestamps are rejected.
        ref: reference tables (the files under data/reference by default).

    Returns:
        Checked with the typed good rows (contract + derived columns) and the bad rows'
        index and reasons.
    """
    ref = ref or load_reference()
    reasons = _Reasons(frame.index)
    typed = pd.DataFrame(index=frame.index)
    for field in feed.fields:
        raw = (
            frame[field.name].str.strip()
            if field.name in frame
            else pd.Series("", index=frame.index, dtype=object)
        )
        typed[field.name] = _check_field(field, raw, reasons, ref, now)
    CROSS_CHECKS[feed.name](typed, reasons, ref)
    bad = reasons.bad
    good = typed[~bad].copy()
    if not good.empty:
        DERIVE[feed.name](good, ref)
    return Checked(good=good, bad_index=frame.index[bad.to_numpy()], bad_reasons=reasons.text[bad])


# --- feed-specific rules -------------------------------------------------------------------
def _declarations_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    eid = t["entry_id"].fillna("")
    has_id = eid.str.len() == 18
    prefix_bad = (
        has_id
        & t["declare_customs_code"].notna()
        & (eid.str.slice(0, 4) != t["declare_customs_code"])
    )
    r.add(
        prefix_bad,
        _text(
            "entry_id ",
            eid,
            " does not start with declare_customs_code ",
            t["declare_customs_code"].fillna(""),
        ),
    )
    flag_digit = t["ie_flag"].map({"I": "1", "E": "0"})
    r.add(
        has_id & flag_digit.notna() & (eid.str.slice(8, 9) != flag_digit),
        _text("entry_id ", eid, " has I/E digit (9th) that contradicts ie_flag ", t["ie_flag"]),
    )
    for a, b in [
        ("ts_declared", "ts_accepted"),
        ("ts_accepted", "ts_released"),
        ("ts_arrival", "ts_released"),
        ("ts_accepted", "ts_reviewed"),
        ("ts_accepted", "ts_inspection_ordered"),
        ("ts_inspection_ordered", "ts_inspection_done"),
        ("ts_inspection_done", "ts_released"),
        ("ts_reviewed", "ts_released"),
        ("ts_duty_paid", "ts_released"),
    ]:
        _order(r, t, a, b)
    released = t["status"].isin(RELEASED_STATUSES)
    r.add(
        released & t["ts_released"].isna(),
        _text("status ", t["status"].fillna(""), " needs ts_released"),
    )
    r.add(
        ~released & t["status"].notna() & t["ts_released"].notna(),
        _text("ts_released is set but status ", t["status"].fillna(""), " is not a release"),
    )
    r.add(
        t["inspection_flag"] & (t["risk_lane"] != "RED"),
        _text("inspection_flag is true but risk_lane is ", t["risk_lane"].fillna(""), " (not RED)"),
    )
    r.add(
        ~t["inspection_flag"] & (t["risk_lane"] == "RED"),
        "risk_lane RED means an examination was ordered, but inspection_flag is false",
    )


def _queue_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    r.add(
        t["lanes_open"] > t["lanes_max"],
        _text(
            "lanes_open ",
            t["lanes_open"].astype(str),
            " exceeds lanes_max ",
            t["lanes_max"].astype(str),
        ),
    )
    r.add(
        (t["operational_status"] == "CLOSED") & (t["lanes_open"] > 0),
        _text("operational_status CLOSED but lanes_open is ", t["lanes_open"].astype(str)),
    )


def _incident_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    port_d = t["port_id"].map(ref.port_district())
    r.add(
        port_d.notna() & t["district_code"].notna() & (port_d != t["district_code"]),
        _text(
            "port_id ",
            t["port_id"].fillna(""),
            " is not in district ",
            t["district_code"].fillna(""),
        ),
    )
    covers = ref.team_districts()
    covered = [
        d in covers.get(team, frozenset())
        for team, d in zip(t["team_id"], t["district_code"], strict=True)
    ]
    r.add(
        t["team_id"].notna() & t["district_code"].notna() & ~pd.Series(covered, index=t.index),
        _text(
            "team ",
            t["team_id"].fillna(""),
            " does not cover district ",
            t["district_code"].fillna(""),
        ),
    )
    member_team = t["lead_member_id"].map(ref.member_team())
    r.add(
        member_team.notna() & (member_team != t["team_id"]),
        _text(
            "lead_member_id ",
            t["lead_member_id"].fillna(""),
            " is not a member of ",
            t["team_id"].fillna(""),
        ),
    )
    for a, b in [
        ("reported_at", "acknowledged_at"),
        ("acknowledged_at", "dispatched_at"),
        ("dispatched_at", "mitigated_at"),
        ("mitigated_at", "resolved_at"),
        ("reported_at", "resolved_at"),
    ]:
        _order(r, t, a, b)
    resolved = t["status"].isin({"RESOLVED", "CLOSED"})
    r.add(
        resolved & t["resolved_at"].isna(),
        _text("status ", t["status"].fillna(""), " needs resolved_at"),
    )
    r.add(
        ~resolved & t["resolved_at"].notna(),
        _text("resolved_at is set but status is ", t["status"].fillna("")),
    )


def _inquiry_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    for a, b in [
        ("received_at", "first_response_at"),
        ("first_response_at", "resolved_at"),
        ("received_at", "resolved_at"),
    ]:
        _order(r, t, a, b)


def _training_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    r.add(t["enterprises_trained"] > t["participants"], "enterprises_trained exceeds participants")
    r.add(
        (t["audience"] == "STAFF") & (t["enterprises_trained"] > 0),
        "audience STAFF but enterprises_trained is above 0",
    )


def _assignment_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    r.add(t["released_at"] < t["assigned_at"], "released_at is before assigned_at")
    covers = ref.team_districts()
    team = t["member_id"].map(ref.member_team())
    covered = [
        d in covers.get(str(m), frozenset()) for m, d in zip(team, t["district_code"], strict=True)
    ]
    r.add(
        team.notna() & t["district_code"].notna() & ~pd.Series(covered, index=t.index),
        _text(
            "member ",
            t["member_id"].fillna(""),
            " is on a team that does not cover district ",
            t["district_code"].fillna(""),
        ),
    )


def _no_rules(t: pd.DataFrame, r: _Reasons, ref: Reference) -> None:
    return None


CROSS_CHECKS = {
    "declarations": _declarations_rules,
    "queue_observations": _queue_rules,
    "incidents": _incident_rules,
    "inquiries": _inquiry_rules,
    "trainings": _training_rules,
    "enterprises": _no_rules,
    "training_attendance": _no_rules,  # its references are checked on load (dashboard.ingest)
    "incident_assignments": _assignment_rules,
}


# --- derived columns -------------------------------------------------------------------------
def _hours(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.total_seconds() / 3600.0


def _derive_declarations(t: pd.DataFrame, ref: Reference) -> None:
    t["declare_district"] = t["declare_customs_code"].map(ref.office_district())
    t["port_id"] = t["ie_port_code"].map(ref.office_port())
    t["port_district"] = t["port_id"].map(ref.port_district())
    t["cross_district"] = t["declare_district"] != t["port_district"]
    t["value_usd"] = (t["declared_value"] * t["currency"].map(ref.usd_rates())).round(2)
    t["overall_h"] = _hours(t["ts_released"], t["ts_arrival"])
    t["customs_h"] = _hours(t["ts_released"], t["ts_accepted"])
    t.loc[t["status"].isin(ENDED_STATUSES), ["overall_h", "customs_h"]] = np.nan


def _derive_queue(t: pd.DataFrame, ref: Reference) -> None:
    t["district_code"] = t["port_id"].map(ref.port_district())


def _derive_nothing(t: pd.DataFrame, ref: Reference) -> None:
    return None


DERIVE = {
    "declarations": _derive_declarations,
    "queue_observations": _derive_queue,
    "incidents": _derive_nothing,
    "inquiries": _derive_nothing,
    "trainings": _derive_nothing,
    "enterprises": _derive_nothing,
    "training_attendance": _derive_nothing,
    "incident_assignments": _derive_nothing,
}
