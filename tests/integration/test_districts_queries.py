"""District Analysis rollup reads equal the same aggregates over raw rows (SQLite and
PostgreSQL): inspection rate by credit tier (joined to the register), by trade mode, and
declarations by weekday x hour, within the caller's scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, select

from dashboard import schema
from dashboard.ingest import ingest_records
from dashboard.queries import districts as q
from dashboard.queries.districts import Slice
from tests.conftest import NOW
from tests.factories import BASE, declaration

FIRMS = {"91120116MA05XXXX1B": "ADVANCED_CERTIFIED", "91110105MA01ABCD2C": "DISHONEST"}
MARCH = Slice(date(BASE.year, BASE.month, 1), date(BASE.year, BASE.month, 1))


def _seed(engine: Engine) -> pd.DataFrame:
    rows = []
    for i in range(1, 61):
        office = "0202" if i % 3 else "0101"
        lane, mode = ("RED" if i % 4 == 0 else "GREEN"), ["0110", "0615"][i % 2]
        declared = BASE + timedelta(hours=5 * i)
        row = declaration(
            i, declared=declared, office=office, port=office, lane=lane, trade_mode=mode
        )
        row["enterprise_uscc"] = list(FIRMS)[i % 2] if i % 5 else "91440300MA5XXXXX9Z"
        rows.append(row)
    ingest_records(engine, "declarations", rows, name="a", source="t", now=NOW)
    with engine.begin() as conn:
        for uscc, tier in FIRMS.items():
            conn.execute(
                schema.enterprises.insert().values(
                    enterprise_uscc=uscc, home_district="0200", credit_tier=tier,
                    registered_at=datetime(2020, 1, 1), row_hash=1, batch_id=1,
                )
            )  # fmt: skip
        res = conn.execute(select(schema.declarations))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def test_tier_mode_and_weekhour_equal_raw(engine: Engine) -> None:
    raw = _seed(engine)
    raw["tier"] = raw["enterprise_uscc"].map(FIRMS).fillna("")
    for scope in (None, ("0100",)):
        part = raw if scope is None else raw[raw["declare_district"].isin(scope)]
        got = q.tier_inspection(engine, MARCH, scope).set_index("credit_tier")
        want = part.groupby("tier").agg(d=("entry_id", "size"), i=("inspection_flag", "sum"))
        assert sorted(got.index) == sorted(want.index)
        for tier, w in want.iterrows():
            got_pair = (int(got.loc[tier, "declared_n"]), int(got.loc[tier, "inspected_n"]))
            assert got_pair == (int(w["d"]), int(w["i"]))
        modes = q.trade_mode_inspection(engine, MARCH, scope).set_index("trade_mode")
        want_modes = part.groupby("trade_mode").agg(
            d=("entry_id", "size"), i=("inspection_flag", "sum")
        )
        assert modes["declared_n"].astype(int).to_dict() == want_modes["d"].to_dict()
        assert modes["inspected_n"].astype(int).to_dict() == want_modes["i"].astype(int).to_dict()
        ts = pd.to_datetime(part["ts_declared"])
        want_week = part.groupby([ts.dt.day_of_week, ts.dt.hour]).size()
        week = q.week_hours(engine, MARCH, scope)
        got_week = week.set_index(["weekday", "hour_of_day"])["declared_n"]
        assert {k: int(v) for k, v in got_week.items() if v} == {
            k: int(v) for k, v in want_week.items()
        }
