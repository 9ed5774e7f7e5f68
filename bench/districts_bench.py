"""District Analysis callbacks: server time and response size per callback (DESIGN.md
section 4: every interactive callback p95 under 50 ms at 10 M declarations; one figure's
JSON under 150 KB; the table's page 200 no more than twice page 1).

Replays each server callback of `/districts` as real POST requests to
`/_dash-update-component` through Flask's test client, signed in as an analyst account the
bench creates ("bench.analyst"; the only writes: that user, its session, audit rows).
Bodies are built as the browser's renderer builds them, for four filter states: the whole
region, one district, and one district with one port (default 3 months), and the whole region
over 24 months (the longest period the page offers).

Table paging: the table is keyset-paged, so page 200 is reached the way a person reaches it,
by 199 "next" requests, each carrying the cursor stack the previous response returned.
The bench walks there once per state, then times `reps` requests of page 1 (filters changed)
and `reps` requests of page 200 (the "next" click on page 199, same cursor each time).

Two regimes, each on its own app instance:
    cold  NullCache: every request runs every query.
    warm  SimpleCache: after one priming request, memoized facades answer (the table and
          the detail are never cached, so they cost the same in both).

Usage:
    python bench/districts_bench.py --database-url URL [--reps 30] [--regimes cold,warm]
        [--district 0200] [--port TJ-XG] [--out bench/results/districts.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import command_center_bench as ccb  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "districts.jsonl"
BENCH_USER, BENCH_PASSWORD = "bench.analyst", "bench passphrase 2026"
P = "dist-"
LANG = {"id": "shell-lang-store", "property": "data", "value": "zh"}


def _ids() -> Any:
    from layouts import ids

    return ids.Districts


def signed_in_client(app: Any) -> Any:
    """A test client signed in as the bench's analyst (created when missing)."""
    import re

    from dashboard import auth

    engine = app.server.extensions["dashboard.engine"].get()
    if BENCH_USER not in set(auth.list_users(engine)["username"]):
        auth.add_user(engine, BENCH_USER, "analyst", BENCH_PASSWORD, actor="bench")
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, "no sign-in form"
    form = {"username": BENCH_USER, "password": BENCH_PASSWORD, "csrf": token.group(1)}
    assert client.post("/login", data=form).status_code == 302, "bench sign-in failed"
    client.get("/")
    return client


def body(outputs: list[tuple[str, str]], inputs: list[Any], state: list[Any]) -> dict[str, Any]:
    """A callback request; the first input is the one that changed."""
    out = [{"id": i, "property": p} for i, p in outputs]
    first = inputs[0]
    return {
        "output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": out if len(outputs) > 1 else out[0],
        "inputs": inputs,
        "state": state,
        "changedPropIds": [f"{first['id']}.{first['property']}"],
    }


def _prop(cid: str, prop: str, value: Any) -> dict[str, Any]:
    return {"id": cid, "property": prop, "value": value}


def chart_bodies(filters: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The page's filter-driven callbacks for one filter state."""
    D = _ids()
    f = _prop(D.FILTERS, "data", filters)
    return {
        "update_chips": body(
            [(D.CHIPS, "children"), (D.RANGE, "children"), (D.EXPORT, "href")], [f], [LANG]
        ),
        "update_kpis": body([(D.KPIS, "children")], [f], [LANG]),
        "update_ports": body([(D.PORTS, "figure")], [f], [LANG]),
        "update_stages": body([(D.WATERFALL, "figure"), (D.STAGES, "figure")], [f], [LANG]),
        "update_patterns": body([(D.HEATMAP, "figure"), (D.HIST, "figure")], [f], [LANG]),
        "update_rates": body([(D.MODE, "figure"), (D.TIER, "figure")], [f], [LANG]),
    }  # fmt: skip


TABLE_OUT = ["rowData", "pager", "page", "next", "prev"]


def table_body(filters: dict[str, Any], pager: dict[str, Any], trigger: str) -> dict[str, Any]:
    """The table callback: `trigger` is the filters store or the next button."""
    D = _ids()
    outputs = [(D.GRID, "rowData"), (D.PAGER, "data"), (D.PAGE, "children"),
               (D.NEXT, "disabled"), (D.PREV, "disabled")]  # fmt: skip
    inputs = {
        D.FILTERS: _prop(D.FILTERS, "data", filters),
        D.FIRST: _prop(D.FIRST, "n_clicks", None),
        D.PREV: _prop(D.PREV, "n_clicks", None),
        D.NEXT: _prop(D.NEXT, "n_clicks", 1),
    }
    ordered = [inputs[trigger], *(v for k, v in inputs.items() if k != trigger)]
    b = body(outputs, ordered, [_prop(D.PAGER, "data", pager), LANG])
    b["inputs"] = list(inputs.values())  # registered order; changedPropIds names the trigger
    return b


def filter_body(filters: dict[str, Any], port: str) -> dict[str, Any]:
    """The filter callback as fired by a click on a port bar."""
    D = _ids()
    outputs = [(D.FILTERS, "data"), (D.URL, "search"), (D.PORT, "options"),
               (D.DISTRICT, "value"), (D.PORT, "value")]  # fmt: skip
    inputs = [
        _prop(D.DISTRICT, "value", filters.get("district", "")),
        _prop(D.PORT, "value", ""),
        _prop(D.PERIOD, "value", "3m"),
        _prop(D.IE, "value", ""),
        _prop(D.SPLIT, "value", "lane"),
        _prop(D.SORT, "value", "newest"),
        _prop(D.PORTS, "clickData", {"points": [{"customdata": port}]}),
        *(_prop(g, "clickData", None) for g in (D.STAGES, D.HEATMAP, D.MODE, D.TIER)),
        [],
    ]
    b = body(outputs, inputs, [_prop(D.FILTERS, "data", filters), LANG])
    b["changedPropIds"] = [f"{D.PORTS}.clickData"]
    return b


def detail_body(entry_id: str) -> dict[str, Any]:
    """The detail callback for a clicked row."""
    D = _ids()
    cell = {"rowId": entry_id, "colId": "entry_id"}
    return body([(D.DETAIL, "children")], [_prop(D.GRID, "cellClicked", cell)], [LANG])


def timed(client: Any, make: Any, reps: int, counter: Any) -> tuple[dict[str, Any], Any]:
    """One priming request, then `reps` timed ones; stats and the last payload."""
    first, _cpu, response = ccb.post(client, make())
    payload = ccb.check(response)
    times, cpus, statements, sizes = [], [], [], []
    for _ in range(reps):
        n = counter.count
        seconds, cpu, response = ccb.post(client, make())
        payload = ccb.check(response)
        times.append(seconds * 1000)
        cpus.append(cpu * 1000)
        statements.append(counter.count - n)
        sizes.append(len(response.data))
    outputs = ccb.output_bytes(payload)
    figures = [v for k, v in outputs.items() if k.endswith(".figure")]
    return {
        "reps": reps,
        "first_ms": round(first * 1000, 2),
        "p50_ms": round(ccb.percentile(times, 50), 2),
        "p95_ms": round(ccb.percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "cpu_p50_ms": round(ccb.percentile(cpus, 50), 2),
        "sql_statements": int(ccb.percentile(statements, 50)),
        "response_bytes": int(ccb.percentile(sizes, 50)),
        "figure_bytes": max(figures) if figures else None,
    }, payload


def walk_to(client: Any, filters: dict[str, Any], page: int) -> dict[str, Any]:
    """The pager store on page `page - 1`, reached by "next" requests from page 1."""
    D = _ids()
    pager: dict[str, Any] = {"cursors": [None], "page": 1}
    payload = ccb.check(ccb.post(client, table_body(filters, pager, D.FILTERS))[2])
    pager = payload["response"][D.PAGER]["data"]
    while pager["page"] < page - 1:
        payload = ccb.check(ccb.post(client, table_body(filters, pager, D.NEXT))[2])
        new = payload["response"][D.PAGER]["data"]
        if new["page"] == pager["page"]:
            raise RuntimeError(f"the table ends before page {page}")
        pager = new
    return pager


def run_regime(
    url: str,
    regime: str,
    reps: int,
    states: dict[str, dict[str, Any]],
    port: str,
    deep: int = 200,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every scenario of one regime on a fresh app."""
    D = _ids()
    app = ccb.build_app(url, "NullCache" if regime == "cold" else "SimpleCache")
    facts = ccb.database_facts(app)
    client = signed_in_client(app)
    counter = ccb.StatementCounter(app.server.extensions["dashboard.engine"].get())
    results = []
    for view, filters in states.items():
        for name, b in chart_bodies(filters).items():
            stats, _ = timed(client, lambda b=b: b, reps, counter)
            results.append({"callback": name, "view": view, "regime": regime, **stats})
        stats, payload = timed(
            client,
            lambda f=filters: table_body(f, {"cursors": [None], "page": 1}, D.FILTERS),
            reps,
            counter,
        )
        results.append(
            {"callback": "update_table", "page": 1, "view": view, "regime": regime, **stats}
        )
        rows = payload["response"][D.GRID]["rowData"]
        pager = walk_to(client, filters, deep)
        stats, payload = timed(
            client, lambda f=filters, p=pager: table_body(f, p, D.NEXT), reps, counter
        )
        if payload["response"][D.PAGER]["data"]["page"] != deep:
            raise RuntimeError(f"the table of {view} ends before page {deep}")
        results.append(
            {"callback": "update_table", "page": deep, "view": view, "regime": regime, **stats}
        )
        if rows:
            stats, _ = timed(client, lambda e=rows[0]["entry_id"]: detail_body(e), reps, counter)
            results.append({"callback": "show_detail", "view": view, "regime": regime, **stats})
        stats, _ = timed(client, lambda f=filters: filter_body(f, port), reps, counter)
        results.append({"callback": "update_filters", "view": view, "regime": regime, **stats})
    app.server.extensions["dashboard.engine"].dispose()
    return results, facts


def print_table(results: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    """A readable summary (budget misses marked)."""
    print(f"{facts.get('engine')} {facts.get('declarations'):,} declarations")
    head = ("regime", "callback", "view", "p50", "p95", "max", "sql", "fig KB")
    print("{:6} {:18} {:14} {:>8} {:>8} {:>8} {:>4} {:>7}".format(*head))
    for r in results:
        name = r["callback"] + (f"[{r['page']}]" if "page" in r else "")
        mark = " !" if r["p95_ms"] > ccb.BUDGET_MS else ""
        fig = f"{r['figure_bytes'] / 1000:.1f}" if r.get("figure_bytes") else "-"
        print(f"{r['regime']:6} {name:18} {r['view']:14} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} "
              f"{r['max_ms']:8.2f} {r['sql_statements']:4d} {fig:>7}{mark}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="database (default: a private copy of the demo DB)")
    p.add_argument("--reps", type=int, default=30, help="timed requests per scenario")
    p.add_argument("--district", default="0200")
    p.add_argument("--port", default="TJ-XG")
    p.add_argument("--regimes", default="cold,warm")
    p.add_argument("--deep-page", type=int, default=200, help="the deep page timed (>= 2)")
    p.add_argument("--out", type=Path, help="append one JSON line per result to this file")
    args = p.parse_args(argv)
    states = {
        "region": {"period": "3m"},
        args.district: {"period": "3m", "district": args.district},
        f"{args.district}/{args.port}": {
            "period": "3m",
            "district": args.district,
            "port": args.port,
        },
        "region 24m": {"period": "24m"},  # the longest period the page offers
    }
    load_before = ccb.machine_info()["loadavg"]
    with tempfile.TemporaryDirectory(prefix="distbench-") as tmp:
        url = args.database_url or ccb.private_sqlite_copy(ccb.DEMO_DB, Path(tmp))
        results: list[dict[str, Any]] = []
        facts: dict[str, Any] = {}
        for regime in [r.strip() for r in args.regimes.split(",") if r.strip()]:
            part, facts = run_regime(url, regime, args.reps, states, args.port, args.deep_page)
            results.extend(part)
    print_table(results, facts)
    if args.out:
        common = {
            "bench": "districts",
            **facts,
            "database": "demo copy" if not args.database_url else url.split("@")[-1],
            "machine": ccb.machine_info(),
            "loadavg_before": load_before,
            "versions": ccb.versions(),
            "date": datetime.now().isoformat(timespec="seconds"),
            "commit": ccb.git_commit(),
            "command": "python bench/districts_bench.py "
            + " ".join(sys.argv[1:] if argv is None else argv),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with args.out.open("a", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps({**common, **r}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
