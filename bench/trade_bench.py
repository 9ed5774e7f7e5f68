"""Trade Trends callbacks: server time and response size per callback and view (DESIGN.md
section 4: every interactive callback p95 under 50 ms at 10 million declarations; one
figure's JSON under 150 KB).

Replays each server callback of `/trade` (the state from the controls, the headline
cards, value, clearance, composition, integration with the district-pair matrix, and the
CSV export) as real POST requests to `/_dash-update-component` through Flask's test
client, signed in as a leadership account, for views from one day to five years. The
state each panel gets is the one the state callback returned for the view, as in the
browser. Regimes as in `command_center_bench.py`: cold (NullCache, every request runs
every query) and warm (SimpleCache, unchanging database). Every response must be HTTP 200
JSON without the shell's error alert or a "panel failed" status.

Usage:
    python bench/trade_bench.py --database-url URL [--reps 30] [--regimes cold,warm]
        [--views all|name,name] [--out bench/results/trade.jsonl]

The database is only read, apart from the bench account, its sessions and the audit log.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from command_center_bench import (  # noqa: E402
    BUDGET_FIGURE_BYTES,
    BUDGET_MS,
    DEMO_DB,
    StatementCounter,
    build_app,
    check,
    database_facts,
    git_commit,
    machine_info,
    output_bytes,
    percentile,
    post,
    private_sqlite_copy,
    signed_in_client,
    versions,
)

RESULTS = ROOT / "bench" / "results" / "trade.jsonl"
LANG = "shell-lang-store"
BENCH_LEADER = "bench.leader"


def views(today: date) -> dict[str, dict[str, Any]]:
    """Named control settings, from one day to five years (custom ranges end today)."""

    def custom(days: int, **extra: Any) -> dict[str, Any]:
        start = (today - timedelta(days=days - 1)).isoformat()
        return {"preset": "custom", "start": start, "end": today.isoformat(), **extra}

    return {
        "1d-day": custom(1, granularity="day"),
        "month-day": {"preset": "month", "granularity": "day"},
        "quarter-week": {"preset": "quarter", "granularity": "week"},
        "ytd-week": {"preset": "ytd", "granularity": "week"},
        "12m-month": {"preset": "12m"},
        "12m-month-0200": {"preset": "12m", "districts": ["0200"]},
        "12m-month-bth-import-cny": {
            "preset": "12m",
            "districts": ["0100", "0200", "0400"],
            "direction": "I",
            "currency": "CNY",
            "dimension": "hs_chapter",
        },
        "78w-week": custom(546, granularity="week"),
        "2y-week": custom(730, granularity="week"),
        "4y-month": custom(1461, granularity="month", dimension="hs_chapter"),
        "5y-month": custom(1826, granularity="month", dimension="partner_region"),
        "5y-quarter": custom(1826, granularity="quarter", dimension="trade_mode"),
    }


def controls(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs of the state callback, in its order."""
    v = {"preset": "12m", "start": None, "end": None, "districts": [], "direction": "IE"}
    v |= {"currency": "USD", "granularity": "month", "dimension": "hs_section"} | values
    spec = [
        ("trade-preset-radio", "value", v["preset"]),
        ("trade-dates-picker", "start_date", v["start"]),
        ("trade-dates-picker", "end_date", v["end"]),
        ("trade-districts-dropdown", "value", v["districts"]),
        ("trade-direction-radio", "value", v["direction"]),
        ("trade-currency-radio", "value", v["currency"]),
        ("trade-granularity-radio", "value", v["granularity"]),
        ("trade-dimension-radio", "value", v["dimension"]),
        ("trade-refresh-interval", "n_intervals", None),
    ]
    return [{"id": i, "property": p, "value": val} for i, p, val in spec]


def body(outputs: list[tuple[str, str]], inputs: list[dict[str, Any]], changed: str) -> dict:
    out = [{"id": i, "property": p} for i, p in outputs]
    return {
        "output": (".." + "...".join(f"{i}.{p}" for i, p in outputs) + "..")
        if len(outputs) > 1
        else f"{outputs[0][0]}.{outputs[0][1]}",
        "outputs": out if len(outputs) > 1 else out[0],
        "inputs": inputs,
        "state": [{"id": LANG, "property": "data", "value": "zh"}],
        "changedPropIds": [changed],
    }


STATE_OUT = [
    ("trade-state-store", "data"),
    ("trade-dates-picker", "start_date"),
    ("trade-dates-picker", "end_date"),
    ("trade-dates-picker", "disabled"),
    ("trade-notice-text", "children"),
    ("trade-brief-meta-text", "children"),
]
PANELS = {
    "refresh_kpis": [("trade-kpis-div", "children"), ("trade-kpis-status-text", "children")],
    "refresh_speed": [("trade-speed-div", "children"), ("trade-speed-status-text", "children")],
    "refresh_value": [
        ("trade-value-graph", "figure"),
        ("trade-value-note-text", "children"),
        ("trade-value-status-text", "children"),
    ],
    "refresh_clearance": [
        ("trade-clearance-graph", "figure"),
        ("trade-clearance-status-text", "children"),
    ],
    "refresh_mix": [
        ("trade-mix-graph", "figure"),
        ("trade-mix-note-text", "children"),
        ("trade-mix-status-text", "children"),
    ],
    "refresh_integration": [
        ("trade-integration-graph", "figure"),
        ("trade-integration-status-text", "children"),
    ],
    "refresh_od": [
        ("trade-od-graph", "figure"),
        ("trade-od-note-text", "children"),
        ("trade-od-status-text", "children"),
    ],
}


def download_body(chart: str, state: dict[str, Any]) -> dict[str, Any]:
    button = {"chart": chart, "type": "trade-csv-button"}
    return {
        "output": "trade-csv-download.data",
        "outputs": {"id": "trade-csv-download", "property": "data"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            {"id": "trade-state-store", "property": "data", "value": state},
            {"id": LANG, "property": "data", "value": "zh"},
        ],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
    }


def measure(
    client: Any, name: str, view: str, make: Any, reps: int, counter: StatementCounter
) -> dict[str, Any]:
    """One priming request, then `reps` timed ones."""
    first, _cpu, response = post(client, make())
    payload = check(response)
    times, cpus, sizes, statements = [], [], [], []
    for _ in range(reps):
        counted = counter.count
        seconds, cpu, response = post(client, make())
        payload = check(response)
        times.append(seconds * 1000)
        cpus.append(cpu * 1000)
        sizes.append(len(response.data))
        statements.append(counter.count - counted)
    outputs = output_bytes(payload)
    figures = {k: v for k, v in outputs.items() if k.endswith(".figure")}
    return {
        "callback": name,
        "view": view,
        "reps": reps,
        "first_ms": round(first * 1000, 2),
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "cpu_p95_ms": round(percentile(cpus, 95), 2),
        "sql_statements": int(percentile(statements, 50)),
        "response_bytes": int(percentile(sizes, 50)),
        "figure_bytes": max(figures.values()) if figures else None,
    }


def run_regime(
    url: str, regime: str, reps: int, chosen: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    cache_type = {"cold": "NullCache", "warm": "SimpleCache"}[regime]
    app = build_app(url, cache_type)
    import callbacks
    from dashboard.i18n import beijing_now

    counter = StatementCounter(callbacks.engine(app.server))
    client = signed_in_client(app, BENCH_LEADER, "leadership")
    client.get("/trade")
    results = []
    for view, values in views(beijing_now().date()).items():
        if chosen and view not in chosen:
            continue
        inputs = controls(values)

        def make_state(inputs: list[dict[str, Any]] = inputs) -> dict[str, Any]:
            return body(STATE_OUT, inputs, "trade-preset-radio.value")

        res = measure(client, "update_state", view, make_state, reps, counter)
        results.append(res)
        _s, _c, response = post(client, make_state())
        state = check(response)["response"]["trade-state-store"]["data"]
        for name, outputs in PANELS.items():
            store = [{"id": "trade-state-store", "property": "data", "value": state}]

            def make(outputs: list[tuple[str, str]] = outputs, store: Any = store) -> dict:
                return body(outputs, store, "trade-state-store.data")

            results.append(measure(client, name, view, make, reps, counter))
        if view in ("12m-month", "5y-month"):
            for chart in ("value", "od"):

                def make_csv(chart: str = chart, state: Any = state) -> dict[str, Any]:
                    return download_body(chart, state)

                results.append(measure(client, f"csv:{chart}", view, make_csv, reps, counter))
    for r in results:
        r.update(regime=regime, cache_type=cache_type)
    facts = database_facts(app)
    app.server.extensions[callbacks.EXT_ENGINE].dispose()
    return results, facts


def print_table(results: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    print(f"# {facts['engine']} {facts['engine_version']}, {facts['declarations']:,} declarations")
    head = f"{'regime':6} {'callback':20} {'view':26} {'p50':>7} {'p95':>7} {'max':>7}"
    print(head + f" {'cpu p95':>7} {'fig B':>8}")
    for r in results:
        miss = "*" if r["p95_ms"] > BUDGET_MS else " "
        fig = r["figure_bytes"]
        fig_s = "" if fig is None else f"{fig:,}" + ("*" if fig > BUDGET_FIGURE_BYTES else "")
        print(
            f"{r['regime']:6} {r['callback']:20} {r['view']:26} {r['p50_ms']:7.1f} "
            f"{r['p95_ms']:7.1f}{miss}{r['max_ms']:7.1f} {r['cpu_p95_ms']:7.1f} {fig_s:>8}"
        )
    worst = max(
        (r for r in results if not r["callback"].startswith("csv")), key=lambda r: r["p95_ms"]
    )
    where = f"{worst['regime']} {worst['callback']} {worst['view']}"
    print(f"worst interactive p95: {worst['p95_ms']:.1f} ms ({where})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="database (default: a private copy of the demo DB)")
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--regimes", default="cold,warm")
    p.add_argument("--views", default="", help="comma list of view names (default: all)")
    p.add_argument("--out", type=Path, help="append one JSON line per result")
    p.add_argument("--note", default="", help="free text stored with the results")
    args = p.parse_args(argv)
    chosen = [v for v in args.views.split(",") if v]
    load_before = machine_info()["loadavg"]
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="tradebench-") as tmp:
        url = args.database_url or private_sqlite_copy(DEMO_DB, Path(tmp))
        results: list[dict[str, Any]] = []
        facts: dict[str, Any] = {}
        for regime in [r for r in args.regimes.split(",") if r]:
            part, facts = run_regime(url, regime, args.reps, chosen)
            results.extend(part)
    print_table(results, facts)
    if args.out:
        common = {
            "bench": "trade",
            **facts,
            "database": "demo copy" if not args.database_url else url.split("@")[-1],
            "machine": machine_info(),
            "loadavg_before": load_before,
            "versions": versions(),
            "date": datetime.now().isoformat(timespec="seconds"),
            "commit": git_commit(),
            "command": "python " + " ".join(sys.argv),
            "seconds": round(time.time() - started, 1),
            "note": args.note,
        }
        with args.out.open("a", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps({**common, **r}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
