"""Demo data: fill an empty database with realistic history, and top it up on later starts.

`ensure_demo_data` generates `settings.demo_history_days` of history up to now (Beijing
time) at `settings.demo_scale`, one month at a time: each month's feeds are written as
contract CSV files into a temporary folder under data/feeds/ and loaded through the same
`ingest_file` path as real district feeds (source "generator"), then deleted. After each
month the watermark `demo_generated_until` in app_meta moves forward, so an interrupted
first start resumes where it stopped and a later start only tops up the gap to now. The
seed and scale are recorded with it, so top-ups (and the live simulator, which advances
the same watermark) continue the same synthetic world.
"""

from __future__ import annotations

import secrets
import shutil
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from dashboard import auth, db
from dashboard.config import DATA_DIR, Settings
from dashboard.gen_common import to_wall
from dashboard.gen_enterprises import register
from dashboard.generate import DEFAULT_SEED, generate_feed, write_feed
from dashboard.ingest import beijing_now, ingest_file
from dashboard.queries import demo_state

WATERMARK_KEY = "demo_generated_until"
SEED_KEY = "demo_seed"
SCALE_KEY = "demo_scale"
FEEDS_DIR = DATA_DIR / "feeds"
# Load order: the register first (declarations name its firms), then the period's feeds.
# Attendance after trainings: each row must name a stored training.
PERIOD_FEEDS = (
    "declarations",
    "queue_observations",
    "incidents",
    "incident_assignments",
    "inquiries",
    "trainings",
    "training_attendance",
)


def demo_world(engine: Engine, settings: Settings) -> tuple[int, float, datetime | None]:
    """Seed, scale and watermark of the demo data in this database.

    Values recorded in app_meta win over the settings, so that later runs extend the same
    synthetic world. The seed comes from `settings.extra["demo_seed"]` or DEFAULT_SEED.

    Returns:
        (seed, scale, generated-until or None when no demo data was generated yet).
    """
    with engine.connect() as conn:
        until = db.get_meta(conn, WATERMARK_KEY)
        seed = db.get_meta(conn, SEED_KEY)
        scale = db.get_meta(conn, SCALE_KEY)
    return (
        int(seed) if seed else int(settings.extra.get("demo_seed", DEFAULT_SEED)),
        float(scale) if scale else float(settings.demo_scale),
        datetime.fromisoformat(until) if until else None,
    )


def record_watermark(engine: Engine, until: datetime, seed: int, scale: float) -> None:
    """Store how far synthetic data has been generated (one write transaction)."""
    with db.write_transaction(engine) as conn:
        db.set_meta(conn, WATERMARK_KEY, until.isoformat())
        db.set_meta(conn, SEED_KEY, str(seed))
        db.set_meta(conn, SCALE_KEY, repr(scale))


def _months(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) cut at month boundaries."""
    out = []
    a = start
    while a < end:
        nxt = (
            a.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(days=32)
        ).replace(day=1)
        b = min(nxt, end)
        out.append((a, b))
        a = b
    return out


def ensure_demo_data(
    engine: Engine,
    settings: Settings,
    *,
    progress: Callable[[str], None] = print,
    now: datetime | None = None,
) -> None:
    """Generate and load demo history on an empty database, or top it up to now.

    Args:
        engine: the database, schema created.
        settings: demo_scale and demo_history_days are used (and extra["demo_seed"]).
        progress: receives one human-readable line per step ("generating 2025-03 ... 34%").
        now: current Beijing time (naive); the clock by default.
    """
    now = (now or beijing_now()).replace(microsecond=0)
    seed, scale, until = demo_world(engine, settings)
    if until is None:
        if demo_state.has_declarations(engine):
            progress("database already holds declarations; demo history not generated")
            return
        start = (now - timedelta(days=settings.demo_history_days)).replace(
            hour=0, minute=0, second=0
        )
        firms_since: datetime | None = None
    else:
        start, firms_since = until, until
    if start >= now:
        progress("demo data is up to date")
        return
    folder = FEEDS_DIR / f"demo-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    total = (now - start).total_seconds()
    rows = 0
    try:
        if until is not None:
            from dashboard.simulate import resend_changed  # imports this module

            progress(f"bringing records open at {until:%Y-%m-%d %H:%M} up to date")
            rows += resend_changed(engine, until, now)
        rows += _load_register(engine, folder, seed, scale, now, firms_since)
        months = _months(start, now)
        # One helper thread writes the next month's files while this one is loaded: the
        # numpy/Arrow work and SQLite's writes release the GIL, so two cores overlap.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-gen") as pool:
            pending = pool.submit(_write_month, folder, *months[0], seed, scale, now)
            for i, (a, b) in enumerate(months):
                files = pending.result()
                if i + 1 < len(months):
                    pending = pool.submit(_write_month, folder, *months[i + 1], seed, scale, now)
                progress(f"generating {a:%Y-%m} ... {(a - start).total_seconds() / total:.0%}")
                for feed, path in files:
                    rows += ingest_file(engine, feed, path, source="generator", now=now).accepted
                    path.unlink()
                record_watermark(engine, b, seed, scale)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if until is None:
        db.analyze(engine)  # planner statistics for the freshly filled tables
    progress(f"demo data loaded up to {now:%Y-%m-%d %H:%M} ... 100% ({rows:,} rows sent)")


def _write_month(
    folder: Path, start: datetime, end: datetime, seed: int, scale: float, now: datetime
) -> list[tuple[str, Path]]:
    """Generate one period's feeds and write them as contract CSV files."""
    files = []
    for feed in PERIOD_FEEDS:
        frame = generate_feed(feed, start, end, seed=seed, scale=scale, now=now)
        if len(frame):
            path = folder / f"{feed}-{start:%Y%m%d%H%M}.csv"
            write_feed(frame, path)
            files.append((feed, path))
    return files


def _load_register(
    engine: Engine, folder: Path, seed: int, scale: float, now: datetime, since: datetime | None
) -> int:
    """Load the enterprises registered before now (only those since `since` on top-ups)."""
    reg = register(seed, scale)
    frame = reg.frame(until_s=to_wall(now) + 1, since_s=None if since is None else to_wall(since))
    if frame.empty:
        return 0
    path = folder / "enterprises.csv"
    write_feed(frame, path)
    result = ingest_file(engine, "enterprises", path, source="generator", now=now)
    path.unlink()
    return result.accepted


__all__ = ["demo_world", "ensure_demo_data", "record_watermark"]


# --- demo sign-in ----------------------------------------------------------------------------
DEMO_ACCOUNTS_FILE = DATA_DIR / "demo-accounts.txt"
# (user name, role, districts, display name): one per role, and a district-scoped analyst.
DEMO_USERS = (
    ("command", "command", "", "指挥中心值班员"),
    ("leader", "leadership", "", "关领导"),
    ("analyst", "analyst", "", "数据分析员"),
    ("tianjin", "analyst", "0200", "天津关分析员"),
    ("admin", "admin", "", "系统管理员"),
)


def secret_key(engine: Engine) -> str:
    """The demo's session key, kept in its database so sign-ins survive restarts.

    A production deployment sets SECRET_KEY instead (see README).
    """
    with engine.begin() as conn:
        key = db.get_meta(conn, "demo_secret_key")
        if not key:
            key = secrets.token_urlsafe(32)
            db.set_meta(conn, "demo_secret_key", key)
    return key


def ensure_demo_accounts(
    engine: Engine, settings: Settings, progress: Callable[[str], None] = print
) -> None:
    """Create the demo accounts with random passwords when the database has no user yet,
    print them once and keep them in data/demo-accounts.txt (readable by the owner only).

    A database that already has users is left alone (and only the file is mentioned).
    """
    if auth.count_users(engine) > 0:
        if DEMO_ACCOUNTS_FILE.exists():
            progress(f"demo sign-in: see {DEMO_ACCOUNTS_FILE}")
        return
    lines = ["# Demo accounts of this database (user name, role, districts, password)"]
    for name, role, districts, display in DEMO_USERS:
        password = auth.new_password()
        auth.add_user(
            engine, name, role, password, districts=districts, display_name=display, actor="demo"
        )
        lines.append(f"{name}\t{role}\t{districts or 'all'}\t{password}")
    DEMO_ACCOUNTS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    DEMO_ACCOUNTS_FILE.chmod(0o600)
    progress("demo accounts created (also in " + str(DEMO_ACCOUNTS_FILE) + "):")
    for line in lines[1:]:
        progress("  " + line.replace("\t", "  "))
