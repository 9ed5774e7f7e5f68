"""Emergency Response callbacks: server time and response size per callback (DESIGN.md
section 4: every interactive callback p95 under 50 ms; one figure's JSON under 150 KB).

Replays each server callback of the Emergency Response page (`/emergency`: overview with the
open incidents by SLA risk, SLA attainment, workload, trends, the incident detail) as real
POST requests to `/_dash-update-component` through Flask's test client, signed in as a
command-centre account (`bench.emergency`, created when missing: the only write this bench
makes, with its sessions and audit rows). Bodies come from the app's own
`/_dash-dependencies` and the rendered page (helpers of `bench/command_center_bench.py`).
Each view sets the filters (district, severities, category, period in weeks); the incident
detail opens the newest incident at a port (the heaviest detail: it reads the declarations
in process at the port).

Regimes: cold (NullCache: every query runs) and warm (SimpleCache on an unchanging
database). Usage:
    python bench/emergency_bench.py [--database-url URL] [--reps 30] [--regimes cold,warm]
        [--out bench/results/emergency.jsonl]
Without --database-url it uses a private copy of data/customs.db.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import command_center_bench as ccb  # noqa: E402

ROOT = ccb.ROOT
USER = "bench.emergency"
DISTRICT, SEVERITY = "em-district-dropdown", "em-severity-checklist"
CATEGORY, PERIOD, INCIDENT = "em-category-dropdown", "em-period-radio", "em-incident-store"
# (district, severities, category, weeks): the default view, Tianjin's severe incidents over a
# year, and the whole region over a year.
VIEWS: tuple[tuple[str, tuple[str, ...], str, int], ...] = (
    ("all", (), "all", 13),
    ("0200", ("I", "II", "III"), "all", 52),
    ("all", (), "all", 52),
)


@dataclass
class Scenario:
    """One callback with one filter setting (and the incident opened)."""

    dep: dict[str, Any]
    view: tuple[Any, ...]
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    port: None = None

    @property
    def label(self) -> str:
        return f"{self.dep['name']}:{self.view_text}"

    @property
    def view_text(self) -> str:
        d, sev, cat, weeks = self.view
        return f"{d}/{','.join(sev) or 'all'}/{cat}/{weeks}"

    def body(self, _tick: int) -> dict[str, Any]:
        changed = INCIDENT if self.dep["name"] == "show_incident" else DISTRICT
        return ccb.request_body(
            self.dep, self.values, [f"{changed}.{'data' if changed == INCIDENT else 'value'}"]
        )

    def feed_back(self, payload: dict[str, Any]) -> None:
        """Nothing to keep: the page's callbacks write no state they read."""


def newest_port_incident(app: Any) -> str:
    """The id of the newest incident at a port ("" when there is none)."""
    from sqlalchemy import select

    import callbacks
    from dashboard import schema

    i = schema.incidents.c
    stmt = select(i.incident_id).where(i.port_id.is_not(None), i.port_id != "")
    with callbacks.engine(app.server).connect() as conn:
        found = conn.execute(stmt.order_by(i.reported_at.desc()).limit(1)).scalar()
    return str(found or "")


def scenarios(deps: list[dict[str, Any]], base: dict, incident: str) -> list[Scenario]:
    """Every page callback for every view (the detail once: it does not read the filters)."""
    out = []
    for dep in deps:
        views = VIEWS[:1] if dep["name"] in ("show_incident", "pick_incident") else VIEWS
        for view in views:
            values = dict(base)
            values[(DISTRICT, "value")], values[(SEVERITY, "value")] = view[0], list(view[1])
            values[(CATEGORY, "value")], values[(PERIOD, "value")] = view[2], view[3]
            values[(INCIDENT, "data")] = incident
            out.append(Scenario(dep, view, values))
    return out


def run_regime(database_url: str, regime: str, reps: int) -> tuple[list[dict], dict]:
    """Every scenario on a fresh app of `regime` ("cold": NullCache, "warm": SimpleCache)."""
    cache_type = {"cold": "NullCache", "warm": "SimpleCache"}[regime]
    app = ccb.build_app(database_url, cache_type)
    import callbacks

    counter = ccb.StatementCounter(callbacks.engine(app.server))
    client = ccb.signed_in_client(app, USER, "command")
    deps = client.get("/_dash-dependencies").get_json()
    base = ccb.page_values(client, "/emergency")
    chosen = [
        d
        for d in ccb.page_callbacks(app, deps, base)
        if d["output"].find("em-") >= 0 and d["name"] != "pick_incident"
    ]
    incident = newest_port_incident(app)
    results = []
    for sc in scenarios(chosen, base, incident):
        res = ccb.run_scenario(client, sc, reps, counter)  # type: ignore[arg-type]
        res.update(regime=regime, cache_type=cache_type, view=sc.view_text, incident=incident)
        results.append(res)
    facts = ccb.database_facts(app)
    app.server.extensions[callbacks.EXT_ENGINE].dispose()
    return results, facts


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="database (default: a private copy of the demo DB)")
    p.add_argument("--reps", type=int, default=30, help="timed requests per scenario")
    p.add_argument("--regimes", default="cold,warm", help="comma list of cold, warm")
    p.add_argument("--out", type=Path, help="append one JSON line per result to this file")
    args = p.parse_args(argv)
    if args.reps < 1:
        p.error("--reps must be at least 1")
    sys.path.insert(0, str(ROOT))
    load_before = ccb.machine_info()["loadavg"]
    results: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="embench-") as tmp:
        url = args.database_url or ccb.private_sqlite_copy(ccb.DEMO_DB, Path(tmp))
        for regime in [r.strip() for r in args.regimes.split(",") if r.strip()]:
            part, facts = run_regime(url, regime, args.reps)
            results.extend(part)
    ccb.print_table(results, facts)
    if args.out:
        database = "demo copy" if not args.database_url else url.split("@")[-1]
        ccb.record(args.out, "emergency", facts, database, load_before, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
