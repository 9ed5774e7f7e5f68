"""Feed queries on SQLite and real PostgreSQL: freshness, batches, keyset-paged quarantine.

Data is loaded through `dashboard.ingest` (never written to fact tables directly).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import Engine

from dashboard.cache import cache, init_cache
from dashboard.config import Settings
from dashboard.contract import FEEDS
from dashboard.ingest import ingest_records
from dashboard.queries import feeds
from tests.app.seed import EXPECTED_STATES, HOSTILE, seed_feeds
from tests.factories import declaration

NOW = datetime(2026, 11, 25, 12, 0)


def test_empty_database(engine: Engine) -> None:
    assert feeds.data_version(engine) == "0"
    assert feeds.recent_batches(engine, 10).empty
    assert feeds.quarantine_page(engine, feed=None, batch_id=None, after_id=None, limit=10).empty
    districts = feeds.district_freshness(engine, NOW)
    assert list(districts["district_code"]) == ["0100", "0200", "0400", "7900"]
    assert set(districts["state"]) == {"none"}
    fresh = feeds.feed_freshness(engine, NOW)
    assert len(fresh) == 4 * len(FEEDS) and (fresh["rows"] == 0).all()


def test_freshness_states_per_district(engine: Engine) -> None:
    seed_feeds(engine, NOW)
    out = feeds.district_freshness(engine, NOW, late_minutes=15, stale_minutes=60)
    assert dict(zip(out["district_code"], out["state"], strict=True)) == EXPECTED_STATES
    ages = dict(zip(out["district_code"], out["age_minutes"], strict=True))
    assert ages["0100"] == pytest.approx(3) and ages["0400"] == pytest.approx(180)
    # thresholds come from the caller
    relaxed = feeds.district_freshness(engine, NOW, late_minutes=300, stale_minutes=600)
    assert set(relaxed["state"]) == {"fresh"}


def test_district_uses_newest_of_declarations_and_queues(engine: Engine) -> None:
    seed_feeds(engine, NOW)
    per_feed = feeds.feed_freshness(engine, NOW).set_index(["district_code", "feed"])
    assert per_feed.loc[("7900", "declarations"), "state"] == "late"  # 32 min
    assert per_feed.loc[("7900", "queue_observations"), "state"] == "fresh"  # 2 min
    district = feeds.district_freshness(engine, NOW).set_index("district_code")
    assert district.loc["7900", "newest_ts"] == NOW - timedelta(minutes=2)
    assert district.loc["7900", "state"] == "fresh"


def test_feed_freshness_rows(engine: Engine) -> None:
    seed_feeds(engine, NOW)
    out = feeds.feed_freshness(engine, NOW).set_index(["district_code", "feed"])
    tianjin = out.loc[("0200", "declarations")]
    assert tianjin["rows"] == 2 and tianjin["state"] == "late"
    assert tianjin["newest_ts"] == NOW - timedelta(minutes=25)
    assert out.loc[("0200", "queue_observations"), "state"] == "late"  # 40 min
    assert out.loc[("0100", "queue_observations"), "state"] == "none"
    assert out.loc[("0200", "incidents"), "state"] == "event"
    assert list(out.columns) == feeds.FRESHNESS_COLUMNS[2:]


def test_recent_batches_and_data_version(engine: Engine) -> None:
    seeded = seed_feeds(engine, NOW)
    out = feeds.recent_batches(engine, 10)
    assert list(out["batch_id"]) == sorted((b.batch_id for b in seeded.batches), reverse=True)
    first = out.set_index("batch_id").loc[seeded.batches[0].batch_id]
    assert (first["rows_read"], first["accepted"], first["quarantined"]) == (13, 5, 8)
    assert first["source"] == "api" and first["file_name"] == "declarations_20261125.csv"
    assert feeds.data_version(engine) == str(seeded.batches[-1].batch_id)
    assert len(feeds.recent_batches(engine, 1)) == 1


def test_quarantine_rows_keep_reason_line_and_raw(engine: Engine) -> None:
    seed_feeds(engine, NOW)
    page = feeds.quarantine_page(
        engine, feed="declarations", batch_id=None, after_id=None, limit=50
    )
    assert len(page) == 10
    reasons = " | ".join(page["reason"])
    assert "trade_mode 0999 is not a known trade mode code" in reasons
    hostile = page[page["raw"].str.contains("onerror", regex=False)]
    assert len(hostile) == 1 and HOSTILE.replace('"', '\\"') in hostile["raw"].iloc[0]
    assert (page["line_no"] > 0).all()


def test_keyset_paging_has_no_repeats_or_gaps(engine: Engine) -> None:
    seed_feeds(engine, NOW, bad_rows=40)
    everything = feeds.quarantine_page(engine, feed=None, batch_id=None, after_id=None, limit=500)
    for filters in (
        {"feed": None, "batch_id": None},
        {"feed": "declarations", "batch_id": 1},
        {"feed": None, "batch_id": 2},
        {"feed": "queue_observations", "batch_id": None},
    ):
        expected = everything
        if filters["batch_id"] is not None:
            expected = expected[expected["batch_id"] == filters["batch_id"]]
        if filters["feed"] is not None:
            expected = expected[expected["feed"] == filters["feed"]]
        seen: list[int] = []
        after = None
        while True:
            page = feeds.quarantine_page(engine, after_id=after, limit=7, **filters)
            if page.empty:
                break
            assert len(page) <= 7
            seen += [int(v) for v in page["quarantine_id"]]
            after = int(page["quarantine_id"].iloc[-1])
        assert seen == sorted(seen, reverse=True)
        assert len(seen) == len(set(seen))
        assert seen == [int(v) for v in expected["quarantine_id"]]
        assert feeds.quarantine_count(engine, **filters) == len(seen)


def test_limits_are_clamped(engine: Engine) -> None:
    seed_feeds(engine, NOW, bad_rows=3)
    assert len(feeds.recent_batches(engine, 0)) == 1
    assert (
        len(feeds.quarantine_page(engine, feed=None, batch_id=None, after_id=None, limit=-5)) == 1
    )


def test_cached_facades_follow_the_data_version(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = feeds.recent_batches

    def counting(bind: Engine, limit: int) -> object:
        calls.append(limit)
        return real(bind, limit)

    monkeypatch.setattr(feeds, "recent_batches", counting)
    server = Flask(__name__)
    init_cache(server, Settings(cache_type="SimpleCache"))
    with server.app_context():
        seed_feeds(sqlite_engine, NOW)
        before = feeds.cached_recent_batches(sqlite_engine, 10)
        again = feeds.cached_recent_batches(sqlite_engine, 10)
        assert calls == [10] and again.equals(before)  # second call served from the cache
        count = feeds.cached_quarantine_count(sqlite_engine, feed=None, batch_id=None)
        bad = declaration(900, declared=NOW - timedelta(hours=2), trade_mode="0999")
        ingest_records(sqlite_engine, "declarations", [bad], name="late.csv", source="cli", now=NOW)
        after = feeds.cached_recent_batches(sqlite_engine, 10)
        assert len(after) == len(before) + 1 and calls == [10, 10]
        assert feeds.cached_quarantine_count(sqlite_engine, feed=None, batch_id=None) == count + 1
        page = feeds.cached_quarantine_page(
            sqlite_engine, feed=None, batch_id=None, after_id=None, limit=1
        )
        assert "0999" in page["reason"].iloc[0]
        states = feeds.cached_district_freshness(sqlite_engine, NOW, 15, 60)
        assert dict(zip(states["district_code"], states["state"], strict=True)) == EXPECTED_STATES
        assert len(feeds.cached_feed_freshness(sqlite_engine, NOW, 15, 60)) == 4 * len(FEEDS)
        cache.clear()


@pytest.mark.redis
def test_cached_facades_share_results_through_redis(
    sqlite_engine: Engine, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two app instances (think: two gunicorn workers) share one memoized result."""
    import redis

    calls: list[int] = []
    real = feeds.recent_batches

    def counting(bind: Engine, limit: int) -> object:
        calls.append(limit)
        return real(bind, limit)

    monkeypatch.setattr(feeds, "recent_batches", counting)
    seed_feeds(sqlite_engine, NOW)
    settings = Settings(cache_type="RedisCache", cache_redis_url=redis_url)
    first, second = Flask("worker1"), Flask("worker2")
    init_cache(first, settings)
    init_cache(second, settings)
    with first.app_context():
        a = feeds.cached_recent_batches(sqlite_engine, 10)
    with second.app_context():
        b = feeds.cached_recent_batches(sqlite_engine, 10)
    assert calls == [10] and a.equals(b)
    assert redis.Redis.from_url(redis_url).keys("customs:*")
