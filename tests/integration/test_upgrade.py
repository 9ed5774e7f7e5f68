"""Schema upgrades on SQLite and PostgreSQL: raw rows are kept, and only the rollup tables
that are new, changed in shape or marked with a new revision are rebuilt; the others keep
their rows as they are (a rebuild at 10 M declarations takes tens of minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text, update

from dashboard import db, rollups, schema
from dashboard.ingest import ingest_records
from tests.conftest import NOW
from tests.factories import declaration


def _read(engine: Engine, table: schema.Table) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(table).order_by(*table.primary_key.columns))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def _as_version_11(engine: Engine) -> None:
    with engine.begin() as conn:
        db.set_meta(conn, "schema_version", "11")


@pytest.fixture
def loaded(engine: Engine) -> Iterator[Engine]:
    rows = [declaration(i, hours=3.0 * i, ie="IE"[i % 2]) for i in range(1, 40)]
    ingest_records(engine, "declarations", rows, name="a", source="test", now=NOW)
    yield engine


def _tamper(engine: Engine) -> None:
    """Mark one row of an unchanged rollup so that a rebuild of it would show."""
    t = schema.rollup_trade_mix
    with engine.begin() as conn:
        conn.execute(update(t).values(released_n=999_999))


def _tampered(engine: Engine) -> bool:
    t = schema.rollup_trade_mix
    with engine.connect() as conn:
        return bool(conn.scalar(select(func.count()).where(t.c.released_n == 999_999)))


def test_upgrade_builds_a_new_rollup_and_keeps_the_others(loaded: Engine) -> None:
    engine = loaded
    before = _read(engine, schema.rollup_trade_pct)
    assert len(before) > 0
    schema.rollup_trade_pct.drop(engine)  # the table did not exist in version 11
    _tamper(engine)
    _as_version_11(engine)
    assert rollups.stale_rollups(engine) == [schema.rollup_trade_pct]

    db.create_schema(engine)

    pd.testing.assert_frame_equal(_read(engine, schema.rollup_trade_pct), before)
    assert _tampered(engine), "an unchanged rollup was rebuilt"
    with engine.connect() as conn:
        assert db.get_meta(conn, "schema_version") == str(schema.SCHEMA_VERSION)
    assert rollups.stale_rollups(engine) == []


def test_upgrade_rebuilds_a_rollup_whose_columns_changed(loaded: Engine) -> None:
    engine = loaded
    before = _read(engine, schema.rollup_trade_pct)
    schema.rollup_trade_pct.drop(engine)
    with engine.begin() as conn:  # an older shape of the table, with other columns
        conn.execute(
            text(
                "CREATE TABLE rollup_trade_pct (grain VARCHAR(1), districts VARCHAR(32), "
                "period DATE, ie_flag VARCHAR(1), p50 FLOAT, "
                "PRIMARY KEY (grain, districts, period, ie_flag))"
            )
        )
    _tamper(engine)
    _as_version_11(engine)

    db.create_schema(engine)

    pd.testing.assert_frame_equal(_read(engine, schema.rollup_trade_pct), before)
    assert _tampered(engine)


def test_a_new_revision_rebuilds_that_rollup(
    loaded: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = loaded
    _tamper(engine)
    monkeypatch.setitem(schema.rollup_trade_mix.info, "revision", 2)
    _as_version_11(engine)
    assert rollups.stale_rollups(engine) == [schema.rollup_trade_mix]

    db.create_schema(engine)

    assert not _tampered(engine), "the revised rollup was not rebuilt"
    with engine.connect() as conn:
        assert db.get_meta(conn, "revision:rollup_trade_mix") == "2"
    assert rollups.stale_rollups(engine) == []


def test_without_a_version_change_nothing_is_rebuilt(loaded: Engine) -> None:
    _tamper(loaded)
    db.create_schema(loaded)
    assert _tampered(loaded)


def test_rebuild_of_some_tables_leaves_the_others(loaded: Engine) -> None:
    """Pages of 7 raw rows: after the first, builders of other tables are skipped, and
    the rebuilt tables (and the derived percentiles) come out the same."""
    engine = loaded
    targets = [schema.rollup_trade_hist, schema.rollup_decl_daily]
    before = {t.name: _read(engine, t) for t in [*targets, schema.rollup_trade_pct]}
    with engine.begin() as conn:
        for table in [*targets, schema.rollup_trade_pct]:
            conn.execute(table.delete())
    _tamper(engine)

    rollups.rebuild(engine, ["declarations"], chunk_rows=7, tables=targets)

    for name, frame in before.items():
        table = schema.metadata.tables[name]
        pd.testing.assert_frame_equal(_read(engine, table), frame, check_dtype=False)
    assert _tampered(engine)


def test_rebuild_recomputes_the_rollups_derived_from_it(loaded: Engine) -> None:
    """Trained firms' outcomes and stored percentiles are recomputed from the rebuilt
    rollups: a stray row in either is gone afterwards."""
    engine = loaded
    trained, pct = schema.rollup_service_trained_monthly, schema.rollup_trade_pct
    with engine.begin() as conn:
        conn.execute(trained.insert().values(month=date(2020, 1, 1), district_code="0100"))
        conn.execute(
            pct.insert().values(grain="D", districts="*", period=date(2020, 1, 1), ie_flag="I")
        )

    rollups.rebuild(engine, ["declarations"])

    with engine.connect() as conn:
        for table in (trained, pct):
            when = table.c.month if table is trained else table.c.period
            stray = conn.scalar(select(func.count()).where(when == date(2020, 1, 1)))
            assert stray == 0, table.name
