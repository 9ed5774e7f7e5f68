"""The database schema (SQLAlchemy Core tables) for SQLite and PostgreSQL.

Reference tables copied from data/reference/, the fact tables that feeds fill, ingest
bookkeeping, and the rollup tables that `dashboard.rollups` keeps current. All timestamps
are naive Beijing time (Asia/Shanghai, UTC+8 all year, no DST), to the second.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    bindparam,
)
from sqlalchemy.dialects import sqlite

from dashboard.contract import ENDED_STATUSES

# Bump on any change of a table. An upgrade keeps the raw rows and rebuilds only the rollup
# tables that are new or whose columns or key changed (`rollups.stale_rollups`); a rollup
# whose meaning changes without a column change (a builder's rule, a bucket width) must say
# so with a higher `info={"revision": n}` on its table.
SCHEMA_VERSION = 15
metadata = MetaData()
# Timestamps are kept to the second. On SQLite they are text in exactly this form, so that
# the bulk loader, SQLAlchemy's bound parameters and SQLite's text comparison all agree.
SQLITE_TS_FORMAT = "%Y-%m-%d %H:%M:%S"
Timestamp = DateTime().with_variant(
    sqlite.DATETIME(
        storage_format="%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d",
        regexp=r"(\d+)-(\d+)-(\d+) (\d+):(\d+):(\d+)",
    ),
    "sqlite",
)


def _code(name: str, length: int = 24, **kw: Any) -> Column[Any]:
    return Column(name, String(length), **kw)


# --- reference tables (copied from data/reference/) -------------------------------------
districts = Table(
    "districts",
    metadata,
    _code("district_code", 4, primary_key=True),
    Column("name_zh", String(40)),
    Column("name_en", String(60)),
    Column("province_zh", String(20)),
    Column("province_en", String(30)),
    _code("region_group", 12),
    Column("integration_start", String(10)),
    Column("hq_lat", Float),
    Column("hq_lon", Float),
    _code("emergency_team_id", 12),
)
offices = Table(
    "offices",
    metadata,
    _code("office_code", 4, primary_key=True),
    _code("district_code", 4),
    Column("name_zh", String(40)),
    Column("name_en", String(80)),
    _code("port_id", 12),
    Column("code_verified", Boolean),
)
ports = Table(
    "ports",
    metadata,
    _code("port_id", 12, primary_key=True),
    _code("office_code", 4),
    _code("district_code", 4),
    Column("name_zh", String(40)),
    Column("name_en", String(80)),
    _code("port_type", 16),
    Column("lat", Float),
    Column("lon", Float),
    Column("lanes_max", Integer),
    _code("primary_transport", 2),
    Column("hours", String(12)),
    Column("coords_verified", Boolean),
)
code_names = Table(
    "code_names",
    metadata,
    _code("code_table", 32, primary_key=True),
    _code("code", 32, primary_key=True),
    Column("name_zh", String(60)),
    Column("name_en", String(80)),
    Column("extra", String(32)),
)
hs_chapters = Table(
    "hs_chapters",
    metadata,
    _code("chapter", 2, primary_key=True),
    _code("section", 6),
    Column("name_zh", String(60)),
    Column("name_en", String(80)),
)
teams = Table(
    "teams",
    metadata,
    _code("team_id", 12, primary_key=True),
    Column("name_zh", String(40)),
    Column("name_en", String(80)),
    Column("base_zh", String(40)),
    Column("base_en", String(60)),
    Column("lat", Float),
    Column("lon", Float),
    Column("coverage_districts", String(40)),
    Column("shift_pattern", String(20)),
)
members = Table(
    "members",
    metadata,
    _code("member_id", 16, primary_key=True),
    _code("team_id", 12),
    Column("name_zh", String(20)),
    Column("name_en", String(40)),
    _code("home_district", 4),
    _code("role", 24),
    _code("shift", 2),
    Column("seniority_years", Integer),
)
REFERENCE_FILES = {
    districts: "districts.csv",
    offices: "offices.csv",
    ports: "ports.csv",
    code_names: "codes.csv",
    hs_chapters: "hs_chapters.csv",
    teams: "teams.csv",
    members: "members.csv",
}


def _loaded(*extra: Column[Any]) -> tuple[Column[Any], ...]:
    """Columns every fact table carries: content hash and the batch that last wrote it."""
    return (
        *extra,
        Column("row_hash", BigInteger, nullable=False),
        Column("batch_id", Integer, nullable=False),
    )


# --- facts ----------------------------------------------------------------------------------
declarations = Table(
    "declarations",
    metadata,
    _code("entry_id", 18, primary_key=True),
    _code("ie_flag", 1),
    _code("declare_customs_code", 4),
    _code("ie_port_code", 4),
    _code("trade_mode", 4),
    _code("transport_mode", 1),
    _code("hs_chapter", 2),
    _code("enterprise_uscc", 18),
    _code("currency", 3),
    Column("declared_value", Float),
    _code("risk_lane", 6),
    Column("inspection_flag", Boolean),
    _code("status", 20),
    Column("ts_arrival", Timestamp),
    Column("ts_declared", Timestamp, nullable=False),
    Column("ts_accepted", Timestamp),
    Column("ts_released", Timestamp),
    Column("ts_reviewed", Timestamp),
    Column("ts_duty_paid", Timestamp),
    Column("ts_inspection_ordered", Timestamp),
    Column("ts_inspection_done", Timestamp),
    _code("inspection_method", 8),
    _code("inspection_result", 20),
    _code("trade_country", 2),
    Column("gross_weight_kg", Float),
    # derived at ingest
    _code("declare_district", 4),
    _code("port_id", 12),
    _code("port_district", 4),
    Column("cross_district", Boolean),
    Column("value_usd", Float),
    Column("overall_h", Float),
    Column("customs_h", Float),
    *_loaded(),
    sqlite_with_rowid=False,  # clustered on entry_id: no separate key index to maintain
)
Index("ix_declarations_ts", declarations.c.ts_declared, declarations.c.entry_id)
Index("ix_declarations_port_ts", declarations.c.port_id, declarations.c.ts_declared)
# Declarations in process (not released, not ended): a small partial index, so the live
# "in process" count never reads history. Queries must repeat `IN_PROCESS` word for word
# (with literal values) for SQLite and PostgreSQL to use it.
IN_PROCESS = and_(
    declarations.c.ts_released.is_(None),
    declarations.c.status.not_in(
        bindparam("ended", sorted(ENDED_STATUSES), expanding=True, literal_execute=True)
    ),
)
# District Analysis table: keyset pages by district over (ts_declared, entry_id).
Index(
    "ix_declarations_district_ts",
    declarations.c.declare_district,
    declarations.c.ts_declared,
    declarations.c.entry_id,
)
Index(
    "ix_declarations_in_process",
    declarations.c.declare_district,
    sqlite_where=IN_PROCESS,
    postgresql_where=IN_PROCESS,
)

queue_observations = Table(
    "queue_observations",
    metadata,
    _code("port_id", 12, primary_key=True),
    Column("observed_at", Timestamp, primary_key=True),
    _code("direction", 3, primary_key=True),
    _code("lane_type", 16, primary_key=True),
    Column("lanes_open", Integer),
    Column("lanes_max", Integer),
    Column("vehicles_waiting", Integer),
    Column("wait_minutes", Float),
    _code("operational_status", 16),
    _code("measurement_method", 12),
    _code("district_code", 4),
    *_loaded(),
)
Index("ix_queue_obs_time", queue_observations.c.observed_at)

incidents = Table(
    "incidents",
    metadata,
    _code("incident_id", 40, primary_key=True),
    _code("district_code", 4),
    _code("port_id", 12),
    _code("category", 32),
    _code("severity", 3),
    _code("status", 12),
    Column("reported_at", Timestamp, nullable=False),
    Column("acknowledged_at", Timestamp),
    Column("dispatched_at", Timestamp),
    Column("mitigated_at", Timestamp),
    Column("resolved_at", Timestamp),
    _code("team_id", 12),
    _code("lead_member_id", 16),
    Column("title", Text),
    Column("affected_vehicles", Integer),
    *_loaded(),
)
Index("ix_incidents_reported", incidents.c.reported_at)

inquiries = Table(
    "inquiries",
    metadata,
    _code("inquiry_id", 40, primary_key=True),
    _code("channel", 24),
    _code("category", 24),
    _code("topic", 24),
    _code("district_code", 4),
    _code("first_contact_unit", 4),
    Column("received_at", Timestamp, nullable=False),
    Column("first_response_at", Timestamp),
    Column("resolved_at", Timestamp),
    Column("resolved_first_contact", Boolean),
    Column("published_qa", Boolean),
    _code("escalated_incident_id", 40),
    _code("enterprise_uscc", 18),
    *_loaded(),
)
Index("ix_inquiries_received", inquiries.c.received_at)
# Escalated inquiries (a few per hundred), newest first for the Enterprise Service page.
# Queries must repeat `ESCALATED` for SQLite and PostgreSQL to use the partial index.
ESCALATED = inquiries.c.escalated_incident_id.is_not(None)
Index(
    "ix_inquiries_escalated",
    inquiries.c.received_at,
    sqlite_where=ESCALATED,
    postgresql_where=ESCALATED,
)

trainings = Table(
    "trainings",
    metadata,
    _code("training_id", 40, primary_key=True),
    _code("type", 24),
    _code("audience", 12),
    _code("district_code", 4),
    Column("start_at", Timestamp, nullable=False),
    Column("duration_h", Float),
    Column("participants", Integer),
    Column("enterprises_trained", Integer),
    _code("team_id", 12),
    *_loaded(),
)

enterprises = Table(
    "enterprises",
    metadata,
    _code("enterprise_uscc", 18, primary_key=True),
    _code("home_district", 4),
    _code("credit_tier", 24),
    Column("registered_at", Timestamp, nullable=False),
    *_loaded(),
)

# One row per enterprise at a training (the contract's `training_attendance` feed); the
# Enterprise Service page reads each firm's first attendance (the index covers it).
training_attendance = Table(
    "training_attendance",
    metadata,
    _code("training_id", 40, primary_key=True),
    _code("enterprise_uscc", 18, primary_key=True),
    _code("district_code", 4),
    Column("attended_at", Timestamp, nullable=False),
    *_loaded(),
)
Index(
    "ix_training_attendance_firm",
    training_attendance.c.enterprise_uscc,
    training_attendance.c.attended_at,
)

# Work spells of team members on incidents (the contract's `incident_assignments` feed):
# the Emergency Response page reads a week's spells by time (workload) and one incident's.
incident_assignments = Table(
    "incident_assignments",
    metadata,
    _code("incident_id", 40, primary_key=True),
    _code("member_id", 16, primary_key=True),
    Column("assigned_at", Timestamp, primary_key=True),
    _code("district_code", 4),
    _code("task", 24),
    Column("released_at", Timestamp),
    *_loaded(),
)
Index(
    "ix_incident_assignments_time",
    incident_assignments.c.assigned_at,
    incident_assignments.c.released_at,
)
Index("ix_incident_assignments_open", incident_assignments.c.released_at)

FACT_TABLES: dict[str, Table] = {
    "declarations": declarations,
    "queue_observations": queue_observations,
    "incidents": incidents,
    "inquiries": inquiries,
    "trainings": trainings,
    "enterprises": enterprises,
    "training_attendance": training_attendance,
    "incident_assignments": incident_assignments,
}

# --- ingest bookkeeping -------------------------------------------------------------------
ingest_batches = Table(
    "ingest_batches",
    metadata,
    Column("batch_id", Integer, primary_key=True, autoincrement=True),
    _code("feed", 24, nullable=False),
    Column("file_name", String(255)),
    _code("file_sha256", 64),
    _code("source", 16),
    _code("encoding", 16),
    Column("rows_read", Integer),
    Column("accepted", Integer),
    Column("updated", Integer),
    Column("duplicates", Integer),
    Column("quarantined", Integer),
    Column("started_at", Timestamp),
    Column("finished_at", Timestamp),
)
quarantine = Table(
    "quarantine",
    metadata,
    Column("quarantine_id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", Integer, nullable=False),
    _code("feed", 24),
    Column("line_no", Integer),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
)
Index("ix_quarantine_batch", quarantine.c.batch_id, quarantine.c.quarantine_id)
feed_watermarks = Table(
    "feed_watermarks",
    metadata,
    _code("feed", 24, primary_key=True),
    _code("district_code", 4, primary_key=True),
    Column("rows", BigInteger, nullable=False),
    Column("newest_ts", Timestamp),
    Column("last_batch_id", Integer),
    Column("last_loaded_at", Timestamp),
)
app_meta = Table(
    "app_meta",
    metadata,
    _code("key", 64, primary_key=True),
    Column("value", Text),
)

# --- access control (dashboard.auth, dashboard.tokens) --------------------------------------
users = Table(
    "users",
    metadata,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(80)),
    _code("role", 16, nullable=False),
    Column("districts", String(64), nullable=False, default=""),  # "" = every district
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
)
# Server-side sessions: the browser holds a random token, the table its SHA-256. Logout,
# disabling the user or a timeout ends the session here, whatever the cookie says.
user_sessions = Table(
    "user_sessions",
    metadata,
    _code("session_hash", 64, primary_key=True),
    Column("user_id", Integer, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("last_seen", Timestamp, nullable=False),
    Column("ended_at", Timestamp),
    Column("end_reason", String(16)),
)
Index("ix_user_sessions_user", user_sessions.c.user_id)
# Audit trail; times in UTC (naive), unlike the data, so logs line up with other systems.
audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True, autoincrement=True),
    Column("at_utc", Timestamp, nullable=False),
    Column("actor", String(80), nullable=False),
    _code("action", 32, nullable=False),
    _code("outcome", 16, nullable=False),
    Column("target", String(120)),
    Column("ip", String(64)),
    Column("detail", Text),
)
Index("ix_audit_action_time", audit_log.c.action, audit_log.c.at_utc)
Index("ix_audit_actor_time", audit_log.c.actor, audit_log.c.at_utc)
# Per-district ingest API tokens (SHA-256 at rest; revocable).
ingest_tokens = Table(
    "ingest_tokens",
    metadata,
    Column("token_id", Integer, primary_key=True, autoincrement=True),
    _code("district_code", 4, nullable=False),
    Column("label", String(80)),
    _code("token_hash", 64, nullable=False, unique=True),
    Column("created_at", Timestamp, nullable=False),
    Column("created_by", String(64)),
    Column("revoked_at", Timestamp),
)

# --- rollups (kept current by dashboard.rollups inside each ingest transaction) -------------
_DECL_KEYS = ("declare_district", "port_id", "ie_flag")


def _rollup(
    name: str,
    time_col: Column[Any],
    keys: tuple[str, ...],
    measures: dict[str, type[Integer] | type[Float]],
) -> Table:
    cols: list[Column[Any]] = [time_col]
    cols += [
        Column(k, Integer, primary_key=True, autoincrement=False)
        if k == "bucket"
        else _code(k, 32, primary_key=True)
        for k in keys
    ]
    cols += [Column(m, t, nullable=False, default=0) for m, t in measures.items()]
    return Table(name, metadata, *cols)


rollup_decl_daily = _rollup(
    "rollup_decl_daily",
    Column("day", Date, primary_key=True),
    _DECL_KEYS,
    {
        "declared_n": Integer,
        "declared_value_usd": Float,
        "inspected_n": Integer,
        "red_n": Integer,
        "live_n": Integer,  # declared and not ended without release (see the hourly rollup)
        "released_n": Integer,
        "released_value_usd": Float,
        "overall_h_sum": Float,
        "overall_n": Integer,
        "customs_h_sum": Float,
        "customs_n": Integer,
    },
)
rollup_decl_hourly = _rollup(
    "rollup_decl_hourly",
    Column("hour", Timestamp, primary_key=True),
    _DECL_KEYS,
    # live_n: declared in the hour and not ended without release (rejected, cancelled); with
    # released_n it gives the in-process stock at any past hour from the current count.
    {"declared_n": Integer, "declared_value_usd": Float, "released_n": Integer, "live_n": Integer},
)
rollup_decl_mode_monthly = _rollup(
    "rollup_decl_mode_monthly",
    Column("month", Date, primary_key=True),
    (*_DECL_KEYS, "trade_mode", "transport_mode"),
    {"declared_n": Integer, "declared_value_usd": Float, "inspected_n": Integer},
)
rollup_decl_hs_monthly = _rollup(
    "rollup_decl_hs_monthly",
    Column("month", Date, primary_key=True),
    ("declare_district", "port_district", "ie_flag", "hs_chapter"),
    {"declared_n": Integer, "declared_value_usd": Float},
)
rollup_clearance_hist = _rollup(
    "rollup_clearance_hist",
    Column("day", Date, primary_key=True),
    (*_DECL_KEYS, "risk_lane", "bucket"),
    {"overall_n": Integer, "customs_n": Integer},
)
rollup_queue_hourly = _rollup(
    "rollup_queue_hourly",
    Column("hour", Timestamp, primary_key=True),
    ("port_id", "direction", "lane_type"),
    {
        "obs_n": Integer,
        "wait_minutes_sum": Float,
        "vehicles_sum": Integer,
        "lanes_open_sum": Integer,
        "lanes_max_sum": Integer,
    },
)
rollup_incident_daily = _rollup(
    "rollup_incident_daily",
    Column("day", Date, primary_key=True),
    ("district_code", "port_id", "category", "severity"),
    {
        "reported_n": Integer,
        "acknowledged_n": Integer,
        "ack_minutes_sum": Float,
        "resolved_n": Integer,
        "resolve_hours_sum": Float,
    },
)
rollup_inquiry_daily = _rollup(
    "rollup_inquiry_daily",
    Column("day", Date, primary_key=True),
    ("district_code", "channel", "category", "topic"),
    {
        "received_n": Integer,
        "first_contact_n": Integer,
        "published_n": Integer,
        "responded_n": Integer,
        "response_hours_sum": Float,
        "resolved_n": Integer,
        "resolve_hours_sum": Float,
    },
)
rollup_training_monthly = _rollup(
    "rollup_training_monthly",
    Column("month", Date, primary_key=True),
    ("district_code", "type"),
    {
        "sessions_n": Integer,
        "participants_sum": Integer,
        "enterprises_sum": Integer,
        "hours_sum": Float,
    },
)

# --- District Analysis rollups (upkeep: dashboard.rollups_districts) -----------------------
# Clearance stages (WCO Time Release Study) of released declarations, by release month:
# one histogram (dashboard.histogram buckets) per stage, risk lane and inspection method.
# Read for one port (the district views read the district cube below): keyed by the port
# first, then the stage before the month, and clustered on the key in SQLite (WITHOUT
# ROWID), so that one stage of a port's months (of one declaring district, one direction)
# is one range read in place: the overall stage (KPIs, clearance histogram) reads an eighth
# of the port's rows, the waterfall six eighths.
rollup_stage_monthly = Table(
    "rollup_stage_monthly",
    metadata,
    *(_code(k, 32, primary_key=True) for k in ("port_id", "declare_district", "ie_flag", "stage")),
    Column("month", Date, primary_key=True),
    *(_code(k, 32, primary_key=True) for k in ("risk_lane", "inspection_method")),
    Column("bucket", Integer, primary_key=True, autoincrement=False),
    Column("n", Integer, nullable=False, default=0),
    sqlite_with_rowid=False,
)


# The tables below hold every row twice more, summed: under declare_district "*" (every
# district) and under ie_flag "*" (both directions), so that the common views (the whole
# region, one district, either direction) read exactly their rows instead of summing
# districts and directions; a caller limited to some districts sums its districts' rows.
# Keyed (district, direction, month, ...) and clustered on the key in SQLite (WITHOUT
# ROWID): one view's months are one range read in place.
DIST_ALL = "*"
# The grains of the graded district cubes (the stage histograms and port clearance, the
# page's largest reads): M (period = the 1st of the month), Q (of the quarter), Y (1
# January). A range of months is read as whole years and quarters plus the months at its
# edges (`periods.month_cover`): 24 months read at most 7 periods' rows instead of 24.
DISTRICT_GRAINS = ("M", "Q", "Y")


def _district_cube(
    name: str, keys: tuple[str, ...], measures: dict[str, Any], *, graded: bool = False
) -> Table:
    """A monthly rollup keyed by (declare_district, ie_flag, month, *keys), "*" rows included;
    `graded`: keyed by (grain, declare_district, ie_flag, period, *keys) instead, with the
    rows of every `DISTRICT_GRAINS` grain (as the trade rollups keep `TRADE_GRAINS`)."""

    def key(k: str) -> Column[Any]:
        if k in ("bucket", "weekday", "hour_of_day"):
            return Column(k, Integer, primary_key=True, autoincrement=False)
        return _code(k, 32, primary_key=True)

    lead = [_code("grain", 1, primary_key=True)] if graded else []
    return Table(
        name,
        metadata,
        *lead,
        _code("declare_district", 32, primary_key=True),
        _code("ie_flag", 32, primary_key=True),
        Column("period" if graded else "month", Date, primary_key=True),
        *(key(k) for k in keys),
        *(Column(m, t, nullable=False, default=0) for m, t in measures.items()),
        sqlite_with_rowid=False,
    )


# The stage histograms without the port: region and district views of the waterfall, the
# KPIs and the clearance-time histogram (graded; the name predates the Q and Y grains).
rollup_stage_district_monthly = _district_cube(
    "rollup_stage_district_monthly",
    ("stage", "risk_lane", "inspection_method", "bucket"),
    {"n": Integer},
    graded=True,
)
# Arrival -> release time (stage "overall") by port: the ports compared (graded, as above).
rollup_port_clearance_monthly = _district_cube(
    "rollup_port_clearance_monthly", ("port_id", "bucket"), {"n": Integer}, graded=True
)
# Declarations, value and inspections by port and declaration month: the KPIs and ports.
rollup_decl_port_monthly = _district_cube(
    "rollup_decl_port_monthly",
    ("port_id",),
    {"declared_n": Integer, "declared_value_usd": Float, "inspected_n": Integer},
)
# Declarations and inspections by trade mode without the port (inspection rate by mode).
rollup_mode_district_monthly = _district_cube(
    "rollup_mode_district_monthly",
    ("trade_mode",),
    {"declared_n": Integer, "inspected_n": Integer},
)
# Declarations by Beijing weekday (0 = Monday) and hour of day without the port.
rollup_weekhour_district_monthly = _district_cube(
    "rollup_weekhour_district_monthly", ("weekday", "hour_of_day"), {"declared_n": Integer}
)
# Declarations by Beijing weekday (0 = Monday) and hour of day, by declaration month.
rollup_decl_weekhour_monthly = Table(
    "rollup_decl_weekhour_monthly",
    metadata,
    Column("month", Date, primary_key=True),
    *(_code(k, 32, primary_key=True) for k in _DECL_KEYS),
    Column("weekday", Integer, primary_key=True, autoincrement=False),
    Column("hour_of_day", Integer, primary_key=True, autoincrement=False),
    Column("declared_n", Integer, nullable=False, default=0),
)
# One port's months (the heatmap of a port).
_wh = rollup_decl_weekhour_monthly.c
Index(
    "ix_weekhour_port",
    _wh.port_id,
    _wh.month,
    _wh.weekday,
    _wh.hour_of_day,
    _wh.declared_n,
)
# Declarations and inspections by enterprise and declaration month; the page joins it to
# `enterprises` for the credit tier (the tier as it stands now, not at declaration time).
rollup_decl_enterprise_monthly = _rollup(
    "rollup_decl_enterprise_monthly",
    Column("month", Date, primary_key=True),
    ("declare_district", "enterprise_uscc"),
    {"declared_n": Integer, "inspected_n": Integer},
)
# One firm's months (an enterprises batch moves its counts to its new tier).
Index("ix_decl_enterprise_uscc", rollup_decl_enterprise_monthly.c.enterprise_uscc)
# Declarations and inspections by the declarant's credit tier as the register has it now
# ("" when not registered), by declaration month: declarations batches add to it, and an
# enterprises batch that registers a firm or changes its tier moves the firm's counts
# (`rollups_districts.tier_move_deltas`).
rollup_decl_tier_monthly = _rollup(
    "rollup_decl_tier_monthly",
    Column("month", Date, primary_key=True),
    ("declare_district", "credit_tier"),
    {"declared_n": Integer, "inspected_n": Integer},
)
# Queue waits by port and month (the ports comparison over months without hourly rows).
rollup_queue_monthly = _rollup(
    "rollup_queue_monthly",
    Column("month", Date, primary_key=True),
    ("port_id",),
    {"obs_n": Integer, "wait_minutes_sum": Float},
)

# --- Trade Trends rollups (upkeep: dashboard.rollups_trade) ----------------------------------
# Released declarations counted on their release day (customs statistics count trade when
# goods are released), at several grains so that any range reads few rows: `grain` is D
# (period = the day), W (the Monday of the ISO week), M (the 1st of the month), Q (the 1st
# of the quarter) or Y (1 January). The district comes before the period in each key and
# the SQLite tables are clustered on their key (WITHOUT ROWID), so a district's range is
# one sequential read.
TRADE_GRAINS = ("D", "W", "M", "Q", "Y")
ALL_DISTRICTS = "*"  # the clearance histogram also keeps every district summed under "*"


def _graded(
    name: str, lead: tuple[str, ...], keys: tuple[str, ...], measures: dict[str, Any]
) -> Table:
    """A rollup keyed by (grain, *lead, period, *keys): several time grains in one table."""

    def key(k: str) -> Column[Any]:
        if k == "bucket":
            return Column(k, Integer, primary_key=True, autoincrement=False)
        return _code(k, 32, primary_key=True)

    return Table(
        name,
        metadata,
        _code("grain", 1, primary_key=True),
        *(key(k) for k in lead),
        Column("period", Date, primary_key=True),
        *(key(k) for k in keys),
        *(Column(m, t, nullable=False, default=0) for m, t in measures.items()),
        sqlite_with_rowid=False,
    )


# Value and count by declaring district, port district and direction (grains D, W, M, Q).
rollup_trade = _graded(
    "rollup_trade",
    ("declare_district",),
    ("port_district", "ie_flag"),
    {"released_n": Integer, "released_value_usd": Float},
)
# Clearance-time histograms (overall: arrival to release; customs: accepted to release) by
# declaring district (and "*" for all) and direction (all grains).
rollup_trade_hist = _graded(
    "rollup_trade_hist",
    ("declare_district",),
    ("ie_flag", "bucket"),
    {"overall_n": Integer, "customs_n": Integer},
)
# Overall clearance time per (declaring district, port district) pair (grains M, Q, Y).
rollup_trade_od_hist = _graded(
    "rollup_trade_od_hist",
    ("declare_district",),
    ("port_district", "ie_flag", "bucket"),
    {"overall_n": Integer},
)
# Median and p90 clearance time per stored period and direction, for the whole region ("*")
# and for every set of declaring districts (codes joined by "+", e.g. "0100+0200"; see
# `rollups_trade.district_sets`). Percentiles do not add up, so these rows are recomputed from
# rollup_trade_hist for the periods a batch touches (`rollups_trade.refresh_percentiles`). A
# series of whole periods then reads one row per period and direction, not ~130 buckets.
rollup_trade_pct = Table(
    "rollup_trade_pct",
    metadata,
    _code("grain", 1, primary_key=True),
    _code("districts", 32, primary_key=True),
    Column("period", Date, primary_key=True),
    _code("ie_flag", 1, primary_key=True),
    *(
        col
        for metric in ("overall", "customs")
        for col in (
            Column(f"{metric}_n", Integer, nullable=False, default=0),
            Column(f"{metric}_p50_h", Float),  # NULL when the period has no such times
            Column(f"{metric}_p90_h", Float),
        )
    ),
    sqlite_with_rowid=False,
)
# Composition: one row per dimension (trade_mode, transport_mode, hs_chapter,
# partner_region) and code (grains M, Q, Y).
rollup_trade_mix = _graded(
    "rollup_trade_mix",
    ("dimension", "declare_district"),
    ("ie_flag", "code"),
    {"released_n": Integer, "released_value_usd": Float},
)


# --- Enterprise Service rollups (upkeep: dashboard.rollups_service) --------------------------
# Clustered on their key in SQLite (WITHOUT ROWID): the page reads long time ranges of them,
# and a range over the primary key then reads the rows in place instead of one lookup each.
def _clustered(
    name: str,
    time_col: Column[Any],
    keys: tuple[str, ...],
    measures: dict[str, type[Integer] | type[Float]],
) -> Table:
    table = _rollup(name, time_col, keys, measures)
    table.dialect_options["sqlite"]["with_rowid"] = False
    return table


# Weeks start on Monday; *_met_n count inquiries answered within their channel's
# working-day commitment (dashboard.workdays), computed once per row at ingest.
# rollup_service_weekly, _topic_monthly and _hist_monthly also hold region-wide rows under
# district_code REGION ("*"), the sum over all districts, read when the caller sees every
# district (a quarter of the rows to aggregate); scoped reads name their districts.
SERVICE_REGION = "*"
rollup_service_weekly = _clustered(
    "rollup_service_weekly",
    Column("week", Date, primary_key=True),
    ("district_code", "channel", "category", "topic"),
    {
        "received_n": Integer,
        "first_contact_n": Integer,
        "published_n": Integer,
        "escalated_n": Integer,
        "responded_n": Integer,
        "response_met_n": Integer,
        "resolved_n": Integer,
        "resolve_met_n": Integer,
    },
)
# The same measures by district and channel only (about 20 rows a week): totals over long
# periods by district or channel read this instead of the topic-level table.
rollup_service_weekly_channel = _clustered(
    "rollup_service_weekly_channel",
    Column("week", Date, primary_key=True),
    ("district_code", "channel"),
    {
        "received_n": Integer,
        "first_contact_n": Integer,
        "published_n": Integer,
        "escalated_n": Integer,
        "responded_n": Integer,
        "response_met_n": Integer,
        "resolved_n": Integer,
        "resolve_met_n": Integer,
    },
)
rollup_service_unit_monthly = _clustered(
    "rollup_service_unit_monthly",
    Column("month", Date, primary_key=True),
    ("district_code", "first_contact_unit", "channel"),
    {"received_n": Integer, "first_contact_n": Integer},
)
# Inquiries and published answers per topic and month (repeat questions over all history).
rollup_service_topic_monthly = _clustered(
    "rollup_service_topic_monthly",
    Column("month", Date, primary_key=True),
    ("district_code", "channel", "topic"),
    {"received_n": Integer, "published_n": Integer},
)
# Response and resolution times (hours from receipt) as log-spaced histogram buckets.
rollup_service_hist_monthly = _clustered(
    "rollup_service_hist_monthly",
    Column("month", Date, primary_key=True),
    ("district_code", "channel", "bucket"),
    {"response_n": Integer, "resolve_n": Integer},
)
# Declarations per enterprise, declaring district and year (Jan 1): how many enterprises
# declare in a district (training coverage) and their outcomes.
rollup_enterprise_yearly = _clustered(
    "rollup_enterprise_yearly",
    Column("year", Date, primary_key=True),
    ("declare_district", "enterprise_uscc"),
    {"declared_n": Integer, "returned_n": Integer, "cross_n": Integer},
)
# Trained against untrained enterprises on outcomes: per firm, month and district (the
# declaring district for declarations, the district asked for inquiries), keyed firm first so
# that the trained firms' months are read as one range each; only rows naming a firm. One
# table per feed (a rebuild of one feed must not wipe the other's counts), and each with its
# sum over all firms per month and district (the untrained figures are those sums minus the
# trained firms', a few rows a month instead of every firm's).
DECL_OUTCOMES = ("declared_n", "returned_n", "cross_n")


def _per_firm(name: str, measures: tuple[str, ...]) -> Table:
    return Table(
        name,
        metadata,
        _code("enterprise_uscc", 18, primary_key=True),
        Column("month", Date, primary_key=True),
        _code("district_code", 4, primary_key=True),
        *(Column(m, Integer, nullable=False, default=0) for m in measures),
        sqlite_with_rowid=False,
    )


rollup_service_firm_decl_monthly = _per_firm("rollup_service_firm_decl_monthly", DECL_OUTCOMES)
rollup_service_firm_inq_monthly = _per_firm("rollup_service_firm_inq_monthly", ("inquiries_n",))
rollup_service_decl_firms_monthly = _clustered(
    "rollup_service_decl_firms_monthly",
    Column("month", Date, primary_key=True),
    ("district_code",),
    dict.fromkeys(DECL_OUTCOMES, Integer),
)
rollup_service_inq_firms_monthly = _clustered(
    "rollup_service_inq_firms_monthly",
    Column("month", Date, primary_key=True),
    ("district_code",),
    {"inquiries_n": Integer},
)
# The trained firms' part of the sums above: per month and district, the outcomes of firms
# whose first training attendance was before the month began. Not additive (a firm moves
# into it when it first attends), so it is recomputed, inside each ingest transaction, for
# the months a batch touches (`rollups_service.refresh_trained`); the page then reads a few
# rows a month however many firms are trained.
rollup_service_trained_monthly = _clustered(
    "rollup_service_trained_monthly",
    Column("month", Date, primary_key=True),
    ("district_code",),
    {**dict.fromkeys(DECL_OUTCOMES, Integer), "inquiries_n": Integer},
)
