"""Enterprise Service callbacks: server time and response size per callback (DESIGN.md
section 4: every interactive callback p95 under 50 ms; one figure's JSON under 150 KB).

Replays each server callback of the Enterprise Service page (`/service`) (or only those
named by --only, e.g. `--only update_outcomes`) as real POST
requests to `/_dash-update-component` through Flask's test client, signed in as a
leadership account (`bench.service`, created when missing: the only write this bench makes,
with its sessions and audit rows). Request bodies come from the app's own
`/_dash-dependencies` and the rendered page's initial values (helpers shared with
`bench/command_center_bench.py`). Each scenario sets the filters (district, channel,
period in weeks) and fires the callback as if the district filter had changed.

Two regimes, each on its own app instance:
    cold  cache_type NullCache: every request runs every query.
    warm  SimpleCache on an unchanging database: after one priming request, requests hit
          the memoized facades.

Usage:
    python bench/service_bench.py [--database-url URL] [--reps 30] [--regimes cold,warm]
        [--out bench/results/service.jsonl] [--today 2026-11-25] [--only NAME,...]

Without --database-url it uses a private copy of data/customs.db. --today fixes the date the
period ends at (default: today, Beijing time), for databases whose data end earlier.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
import command_center_bench as ccb  # noqa: E402

ROOT = ccb.ROOT
BENCH_USER, BENCH_PASSWORD = "bench.service", "bench service passphrase 2026"
DISTRICT, CHANNEL, PERIOD = "svc-district-dropdown", "svc-channel-dropdown", "svc-period-radio"
# (district, channel, weeks): the default view, one district and channel over a year, and
# every district over two years.
VIEWS = (("all", "all", 26), ("0200", "HOTLINE_12360", 52), ("all", "all", 104))


def signed_in_client(app: Any) -> Any:
    """A test client signed in as the bench's leadership account (created when missing)."""
    import re

    from dashboard import auth

    engine = app.server.extensions["dashboard.engine"].get()
    if BENCH_USER not in set(auth.list_users(engine)["username"]):
        auth.add_user(engine, BENCH_USER, "leadership", BENCH_PASSWORD, actor="bench")
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, "no sign-in form"
    form = {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrf": token.group(1)}
    assert client.post("/login", data=form).status_code == 302, "bench sign-in failed"
    return client


@dataclass
class Scenario:
    """One callback with one filter setting."""

    dep: dict[str, Any]
    view: tuple[str, str, int]
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    port: None = None

    @property
    def label(self) -> str:
        return f"{self.dep['name']}:{'/'.join(map(str, self.view))}"

    def body(self, _tick: int) -> dict[str, Any]:
        return ccb.request_body(self.dep, self.values, [f"{DISTRICT}.value"])

    def feed_back(self, payload: dict[str, Any]) -> None:
        """Nothing to keep: the page's callbacks write no state they read."""


def scenarios(deps: list[dict[str, Any]], base: dict) -> list[Scenario]:
    """Every page callback for every view in `VIEWS`."""
    out = []
    for dep in deps:
        for view in VIEWS:
            values = dict(base)
            values[(DISTRICT, "value")], values[(CHANNEL, "value")] = view[0], view[1]
            values[(PERIOD, "value")] = view[2]
            out.append(Scenario(dep, view, values))
    return out


def run_regime(
    database_url: str, regime: str, reps: int, only: tuple[str, ...] = ()
) -> tuple[list[dict], dict]:
    """Every scenario on a fresh app of `regime` ("cold": NullCache, "warm": SimpleCache)."""
    cache_type = {"cold": "NullCache", "warm": "SimpleCache"}[regime]
    app = ccb.build_app(database_url, cache_type)
    import callbacks

    counter = ccb.StatementCounter(callbacks.engine(app.server))
    client = signed_in_client(app)
    deps = client.get("/_dash-dependencies").get_json()
    base = ccb.page_values(client, "/service")
    chosen = [d for d in ccb.page_callbacks(app, deps, base) if d["output"].find("svc-") >= 0]
    if only:
        chosen = [d for d in chosen if d["name"] in only]
    results = []
    for sc in scenarios(chosen, base):
        res = ccb.run_scenario(client, sc, reps, counter)  # type: ignore[arg-type]
        res.update(regime=regime, cache_type=cache_type, view="/".join(map(str, sc.view)))
        results.append(res)
    facts = database_facts(app)
    app.server.extensions[callbacks.EXT_ENGINE].dispose()
    return results, facts


def database_facts(app: Any) -> dict[str, Any]:
    """Engine, declaration and inquiry row counts, newest inquiry."""
    from sqlalchemy import func, select

    import callbacks
    from dashboard import schema

    facts = ccb.database_facts(app)
    engine = callbacks.engine(app.server)
    with engine.connect() as conn:
        q = schema.inquiries
        facts["inquiries"] = int(conn.execute(select(func.count()).select_from(q)).scalar_one())
        facts["newest_inquiry"] = str(conn.execute(select(func.max(q.c.received_at))).scalar())
    return facts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="database (default: a private copy of the demo DB)")
    p.add_argument("--reps", type=int, default=30, help="timed requests per scenario")
    p.add_argument("--regimes", default="cold,warm", help="comma list of cold, warm")
    p.add_argument("--today", type=date.fromisoformat, help="date the period ends at")
    p.add_argument("--out", type=Path, help="append one JSON line per result to this file")
    p.add_argument("--only", default="", help="comma list of callback names (default: all)")
    args = p.parse_args(argv)
    if args.reps < 1:
        p.error("--reps must be at least 1")
    sys.path.insert(0, str(ROOT))
    load_before = ccb.machine_info()["loadavg"]
    results: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="svcbench-") as tmp:
        url = args.database_url or ccb.private_sqlite_copy(ccb.DEMO_DB, Path(tmp))
        now = None if args.today is None else datetime.combine(args.today, datetime.min.time())
        patch = mock.patch("callbacks.service.beijing_now", return_value=now) if now else None
        if patch:
            patch.start()
        try:
            for regime in [r.strip() for r in args.regimes.split(",") if r.strip()]:
                only = tuple(n.strip() for n in args.only.split(",") if n.strip())
                part, facts = run_regime(url, regime, args.reps, only)
                results.extend(part)
        finally:
            if patch:
                patch.stop()
    ccb.print_table(results, facts)
    print(f"# inquiries: {facts.get('inquiries', 0):,}, newest {facts.get('newest_inquiry')}")
    if args.out:
        common = {
            "bench": "service",
            **facts,
            "database": "demo copy" if not args.database_url else url.split("@")[-1],
            "machine": ccb.machine_info(),
            "loadavg_before": load_before,
            "versions": ccb.versions(),
            "date": datetime.now().isoformat(timespec="seconds"),
            "commit": ccb.git_commit(),
            "command": "python bench/service_bench.py " + " ".join(sys.argv[1:]),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps({**common, **r}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
