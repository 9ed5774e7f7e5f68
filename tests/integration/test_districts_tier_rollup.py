"""Declarations by credit tier (`rollup_decl_tier_monthly`) equal the same aggregate over the
raw declarations joined to the register as it stands, on SQLite and PostgreSQL: after
declarations of registered and unregistered firms, after an enterprises batch that
registers firms and changes a tier, after interleaved random batches of both feeds, and
after `rebuild`; the page's tier query reads the same numbers."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select

from dashboard import rollups, schema
from dashboard.ingest import ingest_records
from dashboard.queries import districts as q
from dashboard.queries.districts import Slice
from tests.conftest import NOW
from tests.factories import BASE, declaration

FIRMS = ["91120116MA05XXXX1B", "91110105MA01ABCD2C", "91440300MA5XXXXX9Z"]
TIERS = ["ADVANCED_CERTIFIED", "GENERAL_CERTIFIED", "GENERAL_CREDIT", "DISHONEST"]
KEYS = ["month", "declare_district", "credit_tier"]


def _decl(serial: int, minutes: int, firm: int, inspected: bool, office: str) -> dict[str, str]:
    row = declaration(
        serial, declared=BASE + timedelta(minutes=minutes), office=office, port=office
    )
    row["enterprise_uscc"] = FIRMS[firm]
    if inspected:
        row["inspection_flag"] = "true"
    return row


def _firm(firm: int, tier: str) -> dict[str, str]:
    return {
        "enterprise_uscc": FIRMS[firm],
        "home_district": "0200",
        "credit_tier": tier,
        "registered_at": "2020-01-01T00:00:00+08:00",
    }


def tiers(engine: Engine, s: Slice, scope: tuple[str, ...] | None) -> pd.DataFrame:
    """The page's tier read as a frame indexed by tier."""
    rows = q.tier_inspection(engine, s, scope)
    frame = pd.DataFrame(rows, columns=["credit_tier", "declared_n", "inspected_n"])
    return frame.set_index("credit_tier")


def _load(engine: Engine, feed: str, records: list[dict[str, str]], name: str) -> None:
    ingest_records(engine, feed, records, name=name, source="test", now=NOW)


def _frame(engine: Engine, table: schema.Table) -> pd.DataFrame:
    with engine.connect() as conn:
        res = conn.execute(select(table))
        return pd.DataFrame(res.fetchall(), columns=list(res.keys()))


def expected(engine: Engine) -> pd.DataFrame:
    """The tier aggregate computed from the raw declarations and the register."""
    raw = _frame(engine, schema.declarations)
    register = _frame(engine, schema.enterprises)
    tiers = dict(zip(register["enterprise_uscc"], register["credit_tier"], strict=True))
    raw["credit_tier"] = raw["enterprise_uscc"].map(tiers).fillna("")
    raw["month"] = pd.to_datetime(raw["ts_declared"]).dt.to_period("M").dt.start_time.dt.date
    raw["inspected"] = raw["inspection_flag"].fillna(False).astype(int)
    return raw.groupby(KEYS, as_index=False).agg(
        declared_n=("entry_id", "size"), inspected_n=("inspected", "sum")
    )


def check(engine: Engine) -> None:
    """The rollup (zero rows left out) equals the raw aggregate."""
    got = _frame(engine, schema.rollup_decl_tier_monthly)
    got["month"] = pd.to_datetime(got["month"]).dt.date
    got = got[(got["declared_n"] != 0) | (got["inspected_n"] != 0)]
    want = expected(engine)

    def rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
        cols = [*KEYS, "declared_n", "inspected_n"]
        return sorted(
            (r.month, r.declare_district, r.credit_tier, int(r.declared_n), int(r.inspected_n))
            for r in frame[cols].itertuples()
        )

    assert rows(got) == rows(want)


def test_tier_change_moves_counts_and_rebuild_agrees(engine: Engine) -> None:
    _load(engine, "enterprises", [_firm(0, "GENERAL_CREDIT")], "e1")
    decls = [_decl(i, i * 601, i % 3, i % 4 == 0, ["0202", "0101"][i % 2]) for i in range(1, 40)]
    _load(engine, "declarations", decls, "d1")
    check(engine)  # firm 0 registered before its declarations, firms 1 and 2 not at all
    first = Slice(date(BASE.year, BASE.month, 1), date(BASE.year, BASE.month, 1))
    before = tiers(engine, first, None)
    assert set(before.index) == {"GENERAL_CREDIT", ""}
    # firm 0 is downgraded, firm 1 registers: both move their history, firm 2 stays ""
    _load(engine, "enterprises", [_firm(0, "DISHONEST"), _firm(1, "ADVANCED_CERTIFIED")], "e2")
    check(engine)
    after = tiers(engine, first, None)
    assert "GENERAL_CREDIT" not in set(after.index[after["declared_n"] > 0])
    assert after.loc["DISHONEST", "declared_n"] == before.loc["GENERAL_CREDIT", "declared_n"]
    assert after["declared_n"].sum() == before["declared_n"].sum()
    # a corrected declaration (firm 2 -> firm 0, now inspected) and the same register again
    fixed = _decl(3, 3 * 601, 0, True, "0101")
    _load(engine, "declarations", [fixed], "d2")
    _load(engine, "enterprises", [_firm(0, "DISHONEST"), _firm(1, "ADVANCED_CERTIFIED")], "e3")
    check(engine)
    scoped = tiers(engine, first, ("0100",))
    raw = expected(engine)
    part = raw[(raw["declare_district"] == "0100") & (raw["month"] == first.first)]
    scoped = scoped[scoped["declared_n"] > 0]  # a tier emptied by a move keeps a zero row
    assert scoped["declared_n"].astype(int).to_dict() == dict(
        zip(part["credit_tier"], part["declared_n"].astype(int), strict=True)
    )
    with engine.begin() as conn:
        conn.execute(delete(schema.rollup_decl_tier_monthly))
    rollups.rebuild(engine, ["declarations"])
    check(engine)


firm_batch = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(TIERS)), min_size=1, max_size=3)
decl_batch = st.lists(
    st.tuples(
        st.integers(1, 15),  # serial: repeats update a declaration (possibly to another firm)
        st.integers(0, 60 * 24 * 70),  # minutes after BASE: several months
        st.integers(0, 2),
        st.booleans(),
        st.sampled_from(["0202", "0101", "7901"]),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.one_of(firm_batch, decl_batch), min_size=1, max_size=5))
def test_tier_rollup_equals_raw_after_any_batches(engine: Engine, batches: list) -> None:  # type: ignore[type-arg]
    with engine.begin() as conn:
        for table in (
            schema.declarations,
            schema.enterprises,
            *rollups.FEED_ROLLUPS["declarations"],
        ):
            conn.execute(delete(table))
    for i, batch in enumerate(batches):
        if len(batch[0]) == 2:
            last = {firm: tier for firm, tier in batch}  # one row per key in a batch
            _load(engine, "enterprises", [_firm(f, t) for f, t in last.items()], f"e{i}")
        else:
            _load(engine, "declarations", [_decl(*row) for row in batch], f"d{i}")
        check(engine)
    rollups.rebuild(engine, ["declarations"])
    check(engine)
