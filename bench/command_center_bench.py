"""Command Center callbacks: server time and response size per callback (DESIGN.md section 4:
every interactive callback p95 under 50 ms; one figure's JSON under 150 KB).

Builds the app on a database and replays each server callback of the Command Center page
(`/`) and the shell's freshness badges as real POST requests to `/_dash-update-component`
through Flask's test client. Request bodies are built the way the browser's renderer builds
them ("output", "outputs", "inputs", "state", "changedPropIds"), from the app's own
`/_dash-dependencies` and the initial values of the rendered layout (`/_dash-layout` plus the
page content the pages callback returns for `/`), so the bench follows the callbacks if they
change. Each request is a refresh tick (`shell-refresh-interval.n_intervals` changed); state
that a callback writes itself (its last-good store) is fed back from its previous response,
as the browser does.

Two regimes, each on its own app instance:
    cold  cache_type NullCache: every request runs every query.
    warm  SimpleCache on an unchanging database (one data version): after one priming
          request, requests hit the memoized queries. Cache keys carry the minute, so a run
          that crosses a minute boundary pays one miss per key (visible in max, not p95).

Per callback and view ("all", one district; the port detail also with one port) it reports
p50/p95/max of the wall time of the test-client call (and the CPU time of this process, which
other load on the machine inflates less), the SQL statements per request, the response bytes
and the bytes of each output (the figure for the map and the detail). Every response must be
HTTP 200, JSON, without the shell's error alert and without a "panel failed" status.

Usage:
    python bench/command_center_bench.py [--database-url URL] [--reps 50]
        [--district 0200] [--port TJ-XG] [--regimes cold,warm] [--top-up]
        [--out bench/results/command_center.jsonl] [--profile refresh_kpis:all,...]

Without --database-url it uses a private copy of data/customs.db (SQLite backup API, so a
running demo's WAL is included). --top-up first loads the demo data up to now (the minutes
since it was last run), so the feeds are fresh rather than late or stale during the run; it
writes to the database, so use it only on the private copy or a database of your own. --out
appends one JSON line per callback, view and regime with the machine, date, git commit,
command, engine and row count of declarations. --profile runs cProfile over the reps of the
named scenarios ("callback:view[/port]" in the cold regime, "warm:callback:view[/port]" in
the warm one) and prints the project's functions by cumulative time and the own time per
library; profiled scenarios run slower, so do not record a profiling run.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "command_center.jsonl"
DEMO_DB = ROOT / "data" / "customs.db"
UPDATE = "/_dash-update-component"
REFRESH = "shell-refresh-interval"
VIEW_STORE = "cc-view-store"
PORT_STORE = "cc-port-store"
ERROR_ALERT = "shell-error-alert"
FAILED_MARK = "panel-failed"
BUDGET_MS = 50.0
BUDGET_FIGURE_BYTES = 150_000


# --- measurement helpers --------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of `values`, linear interpolation between ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def machine_info() -> dict[str, Any]:
    """CPU model, logical cores and RAM (from /proc), host, OS and Python."""
    cpu, ram_gb = platform.processor() or platform.machine(), None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        load = [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        load = None
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "loadavg": load,
    }


def git_commit() -> str:
    """HEAD of the repository, with "+dirty" when tracked files differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def versions() -> dict[str, str]:
    """Versions of the libraries on the request path."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("dash", "plotly", "pandas", "SQLAlchemy", "Flask-Caching", "psycopg"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def private_sqlite_copy(source: Path, folder: Path) -> str:
    """Copy `source` with SQLite's backup API (includes a live WAL); return its URL."""
    import sqlite3

    target = folder / "bench.db"
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return f"sqlite:///{target}"


def database_facts(app: Any) -> dict[str, Any]:
    """Engine name, row count of declarations and the newest data in the app's database."""
    from sqlalchemy import func, select

    import callbacks
    from dashboard import schema

    engine = callbacks.engine(app.server)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(schema.declarations)).scalar_one()
        meta = dict(conn.execute(select(schema.app_meta.c.key, schema.app_meta.c.value)).all())
        newest = conn.execute(select(func.max(schema.queue_observations.c.observed_at))).scalar()
    return {
        "engine": engine.dialect.name,
        "engine_version": ".".join(str(v) for v in engine.dialect.server_version_info or ()),
        "declarations": int(rows),
        "data_version": meta.get("data_version"),
        "newest_queue_observation": str(newest),
    }


def top_up(database_url: str) -> None:
    """Bring the demo data up to now (what `python app.py` does on start), so that the
    feeds are fresh while the bench runs; only the minutes since the last run are loaded."""
    from dashboard import db, demo
    from dashboard.config import Settings

    settings = Settings(database_url=database_url)
    engine = db.engine_from_settings(settings)
    try:
        demo.ensure_demo_data(engine, settings, progress=lambda _line: None)
    finally:
        engine.dispose()


# --- the app and its callbacks, as the browser sees them -------------------------------------
BENCH_USER, BENCH_PASSWORD = "bench.wall", "bench passphrase 2026"


def signed_in_client(app: Any, user: str = BENCH_USER, role: str = "command") -> Any:
    """A test client signed in as a bench account of `role` (created when missing), so the
    requests pass sign-in and role checks like a real user's (a wall screen's by default)."""
    import re

    from dashboard import auth

    engine = app.server.extensions["dashboard.engine"].get()
    if user not in set(auth.list_users(engine)["username"]):
        auth.add_user(engine, user, role, BENCH_PASSWORD, actor="bench")
    client = app.server.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, "no sign-in form"
    form = {"username": user, "password": BENCH_PASSWORD, "csrf": token.group(1)}
    assert client.post("/login", data=form).status_code == 302, "bench sign-in failed"
    return client


def build_app(database_url: str, cache_type: str) -> Any:
    """A fresh app on `database_url` with `cache_type` (imports the app module lazily)."""
    from app import create_app
    from dashboard.config import Settings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Flask-Caching warns that NullCache caches nothing
        return create_app(
            Settings(database_url=database_url, cache_type=cache_type, simulate=False)
        )


def split_output(output: str) -> list[tuple[str, str]]:
    """(id, property) pairs of a dependency's output string ("..a.p...b.q.." or "a.p")."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(p.rsplit(".", 1)) for p in parts]  # type: ignore[misc]


def is_multi(output: str) -> bool:
    """Whether a dependency has several outputs (the renderer then sends a list)."""
    return output.startswith("..")


def walk_layout(node: Any, values: dict[tuple[str, str], Any]) -> None:
    """Collect the initial (id, prop) -> value of every component under `node`."""
    if isinstance(node, list):
        for child in node:
            walk_layout(child, values)
        return
    if not isinstance(node, dict):
        return
    props = node.get("props")
    if not isinstance(props, dict) or "type" not in node:
        return
    cid = props.get("id")
    if isinstance(cid, str):
        for prop, value in props.items():
            if prop != "children" or not isinstance(value, dict | list):
                values[(cid, prop)] = value
            values.setdefault((cid, "__exists__"), True)
    for value in props.values():
        if isinstance(value, dict | list):
            walk_layout(value, values)


def post(client: Any, body: dict[str, Any]) -> tuple[float, float, Any]:
    """POST one callback request; (wall seconds, process CPU seconds, response)."""
    data = json.dumps(body)
    start, cpu = time.perf_counter(), time.process_time()
    response = client.post(UPDATE, data=data, content_type="application/json")
    return time.perf_counter() - start, time.process_time() - cpu, response


def page_values(client: Any, path: str = "/") -> dict[tuple[str, str], Any]:
    """Initial prop values of the shell and of the page at `path`, as rendered."""
    layout = client.get("/_dash-layout")
    if layout.status_code != 200:
        raise RuntimeError(f"/_dash-layout: HTTP {layout.status_code}")
    values: dict[tuple[str, str], Any] = {}
    walk_layout(layout.get_json(), values)
    deps = client.get("/_dash-dependencies").get_json()
    pages = next(d for d in deps if d["output"].startswith(".._pages_content.children"))
    body = request_body(
        pages,
        {("_pages_location", "pathname"): path, ("_pages_location", "search"): ""},
        ["_pages_location.pathname"],
    )
    _wall, _cpu, response = post(client, body)
    if response.status_code != 200:
        raise RuntimeError(f"pages callback for {path}: HTTP {response.status_code}")
    content = response.get_json()["response"]["_pages_content"]["children"]
    walk_layout(content, values)
    return values


def request_body(
    dep: dict[str, Any], values: dict[tuple[str, str], Any], changed: list[str]
) -> dict[str, Any]:
    """The JSON the renderer posts for `dep` with the current `values`."""
    outs = [{"id": cid, "property": prop} for cid, prop in split_output(dep["output"])]

    def with_value(item: dict[str, str]) -> dict[str, Any]:
        key = (item["id"], item["property"])
        return {"id": item["id"], "property": item["property"], "value": values.get(key)}

    return {
        "output": dep["output"],
        "outputs": outs if is_multi(dep["output"]) else outs[0],
        "inputs": [with_value(i) for i in dep["inputs"]],
        "state": [with_value(s) for s in dep["state"]],
        "changedPropIds": changed,
    }


def page_callbacks(app: Any, deps: list[dict[str, Any]], values: dict) -> list[dict[str, Any]]:
    """Server callbacks whose inputs and outputs all exist on the page (the ones the
    renderer fires there), each with its function name."""
    present = {cid for cid, prop in values if prop == "__exists__"}
    chosen = []
    for dep in deps:
        if dep.get("clientside_function") or dep.get("hidden"):
            continue
        if not all(i["id"] in present for i in dep["inputs"]):
            continue
        if not all(cid in present for cid, _prop in split_output(dep["output"])):
            continue
        fn = app.callback_map[dep["output"]]["callback"]
        name = getattr(fn, "__name__", dep["output"])
        chosen.append({**dep, "name": name})
    return chosen


# --- one scenario -----------------------------------------------------------------------------
@dataclass
class Scenario:
    """One callback with one view (and port), as the browser would fire it."""

    dep: dict[str, Any]
    view: str | None
    port: str | None
    values: dict[tuple[str, str], Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        parts = [self.view or "-"] + ([self.port] if self.port else [])
        return f"{self.dep['name']}:{'/'.join(parts)}"

    def body(self, tick: int) -> dict[str, Any]:
        self.values[(REFRESH, "n_intervals")] = tick
        return request_body(self.dep, self.values, [f"{REFRESH}.n_intervals"])

    def feed_back(self, payload: dict[str, Any]) -> None:
        """Keep what the callback wrote, as the browser's store does (last-good stamps)."""
        for cid, props in payload.get("response", {}).items():
            for prop, value in props.items():
                self.values[(cid, prop)] = value


def scenarios(deps: list[dict[str, Any]], base: dict, district: str, port: str) -> list[Scenario]:
    """Every page callback for the view "all" and `district`; the port store set to `port`."""
    out = []
    for dep in deps:
        inputs = {(i["id"], i["property"]) for i in dep["inputs"]}
        views = ["all", district] if (VIEW_STORE, "data") in inputs else [None]
        uses_port = (PORT_STORE, "data") in inputs
        for view in views:
            values = dict(base)
            if view is not None:
                values[(VIEW_STORE, "data")] = view
            if uses_port:
                values[(PORT_STORE, "data")] = port
            out.append(Scenario(dep, view, port if uses_port else None, values))
    return out


def check(response: Any) -> dict[str, Any]:
    """The response's JSON; raises unless it is a 200 without an error."""
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.data[:300]!r}")
    payload = response.get_json()
    if not isinstance(payload, dict) or "response" not in payload:
        raise RuntimeError(f"not a callback response: {response.data[:300]!r}")
    if ERROR_ALERT in payload.get("sideUpdate", {}) or ERROR_ALERT in payload["response"]:
        raise RuntimeError("the callback raised (shell error alert opened)")
    if FAILED_MARK in response.get_data(as_text=True):
        raise RuntimeError("a panel reported a failed query")
    return payload


def output_bytes(payload: dict[str, Any]) -> dict[str, int]:
    """Compact JSON bytes of each output value ("id.prop" -> bytes)."""
    sizes = {}
    for cid, props in payload["response"].items():
        for prop, value in props.items():
            text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            sizes[f"{cid}.{prop}"] = len(text.encode("utf-8"))
    return sizes


class StatementCounter:
    """Counts the SQL statements an engine executes (a cursor-execute event listener)."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


def run_scenario(
    client: Any, sc: Scenario, reps: int, counter: StatementCounter, profile: bool = False
) -> dict[str, Any]:
    """One priming request, then `reps` timed requests; timings, sizes, SQL statements."""
    first, _cpu, response = post(client, sc.body(1))
    payload = check(response)
    sc.feed_back(payload)
    times, cpus, sizes, statements = [], [], [], []
    profiler = cProfile.Profile() if profile else None
    for i in range(reps):
        body = sc.body(2 + i)
        counted = counter.count
        if profiler:
            profiler.enable()
        seconds, cpu, response = post(client, body)
        if profiler:
            profiler.disable()
        payload = check(response)
        sc.feed_back(payload)
        times.append(seconds * 1000)
        cpus.append(cpu * 1000)
        sizes.append(len(response.data))
        statements.append(counter.count - counted)
    outputs = output_bytes(payload)
    figures = {k: v for k, v in outputs.items() if k.endswith(".figure")}
    result = {
        "callback": sc.dep["name"],
        "output": sc.dep["output"],
        "view": sc.view,
        "port": sc.port,
        "reps": reps,
        "first_ms": round(first * 1000, 2),
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "mean_ms": round(sum(times) / len(times), 2),
        "cpu_p50_ms": round(percentile(cpus, 50), 2),
        "cpu_p95_ms": round(percentile(cpus, 95), 2),
        "sql_statements": int(percentile(statements, 50)),
        "response_bytes": int(percentile(sizes, 50)),
        "output_bytes": outputs,
        "figure_bytes": max(figures.values()) if figures else None,
    }
    if profiler:
        result["_profile"] = profiler
    return result


# --- the run ----------------------------------------------------------------------------------
def run_regime(
    database_url: str, regime: str, reps: int, district: str, port: str, profile: str | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every scenario on a fresh app of `regime` ("cold": NullCache, "warm": SimpleCache)."""
    cache_type = {"cold": "NullCache", "warm": "SimpleCache"}[regime]
    app = build_app(database_url, cache_type)
    import callbacks

    counter = StatementCounter(callbacks.engine(app.server))
    client = signed_in_client(app)
    deps = client.get("/_dash-dependencies").get_json()
    base = page_values(client, "/")
    chosen = page_callbacks(app, deps, base)
    results = []
    for sc in scenarios(chosen, base, district, port):
        names = (profile or "").split(",")
        want = (regime == "cold" and sc.label in names) or f"{regime}:{sc.label}" in names
        res = run_scenario(client, sc, reps, counter, profile=want)
        res.update(regime=regime, cache_type=cache_type)
        results.append(res)
    facts = database_facts(app)
    app.server.extensions[callbacks.EXT_ENGINE].dispose()
    return results, facts


def print_table(results: list[dict[str, Any]], facts: dict[str, Any]) -> None:
    """A readable table on stdout, budget misses marked."""
    print(
        f"# {facts['engine']} {facts['engine_version']}, {facts['declarations']:,} declarations, "
        f"newest queue observation {facts['newest_queue_observation']}"
    )
    head = f"{'regime':6} {'callback':24} {'view':12} {'p50':>8} {'p95':>8} {'max':>8} "
    print(head + f"{'cpu p95':>8} {'first':>8} {'SQL':>4} {'resp B':>9} {'figure B':>9}")
    for r in results:
        view = (r["view"] or "-") + (f"/{r['port']}" if r["port"] else "")
        miss = " *" if r["p95_ms"] > BUDGET_MS else "  "
        fig = r["figure_bytes"]
        fig_s = "" if fig is None else f"{fig:,}" + (" *" if fig > BUDGET_FIGURE_BYTES else "")
        print(
            f"{r['regime']:6} {r['callback']:24} {view:12} {r['p50_ms']:8.1f} "
            f"{r['p95_ms']:8.1f}{miss}{r['max_ms']:8.1f} {r['cpu_p95_ms']:8.1f} "
            f"{r['first_ms']:8.1f} {r['sql_statements']:4d} "
            f"{r['response_bytes']:>9,} {fig_s:>9}"
        )
    print(f"(* over budget: p95 > {BUDGET_MS:.0f} ms or figure > {BUDGET_FIGURE_BYTES:,} B)")


def _package(filename: str, func: str) -> str:
    """Where a profile entry's own time is spent: a library, the project, or C code."""
    if filename == "~":
        text = func.lower()
        for name in ("sqlite3", "psycopg", "json", "pandas", "numpy"):
            if name in text:
                return f"{name} (C)"
        return "builtins (C)"
    path = Path(filename)
    if "site-packages" in path.parts:
        rest = path.parts[path.parts.index("site-packages") + 1 :]
        return rest[0].split(".")[0] if rest else "site-packages"
    try:
        return "project: " + str(path.resolve().relative_to(ROOT).parts[0])
    except ValueError:
        return "stdlib"


def print_profile(results: list[dict[str, Any]], top: int = 40) -> None:
    """For each profiled scenario: the project's functions by cumulative time (% of the
    request), then own time grouped by library."""
    for r in results:
        profiler = r.pop("_profile", None)
        if profiler is None:
            continue
        stats = pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]
        total = max(ct for _cc, _nc, _tt, ct, _callers in stats.values())
        where = f"{r['regime']} {r['callback']} view={r['view']} port={r['port']}"
        print(f"\n# cProfile, {where}, {r['reps']} reps")
        print(f"# request total {total * 1000 / r['reps']:.1f} ms/request (with profiler overhead)")
        print("# project functions by cumulative time:")
        rows = []
        for (filename, line, func), (_cc, nc, _tt, ct, _callers) in stats.items():
            path = Path(filename)
            if not path.is_absolute() or "bench" in path.parts:
                continue
            try:
                rel = path.resolve().relative_to(ROOT)
            except ValueError:
                continue
            rows.append((ct, f"{rel}:{line}({func})", nc))
        for ct, name, nc in sorted(rows, reverse=True)[:top]:
            print(f"  {100 * ct / total:5.1f} %  {ct * 1000 / r['reps']:7.2f} ms  x{nc:<5} {name}")
        print("# own time by library:")
        own: dict[str, float] = {}
        for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in stats.items():
            key = _package(filename, func)
            own[key] = own.get(key, 0.0) + tt
        for key, tt in sorted(own.items(), key=lambda kv: -kv[1])[:12]:
            print(f"  {100 * tt / total:5.1f} %  {tt * 1000 / r['reps']:7.2f} ms  {key}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", help="database (default: a private copy of the demo DB)")
    p.add_argument("--reps", type=int, default=50, help="timed requests per scenario")
    p.add_argument("--district", default="0200", help="district code of the one-district view")
    p.add_argument("--port", default="TJ-XG", help="port id of the detail panel")
    p.add_argument("--regimes", default="cold,warm", help="comma list of cold, warm")
    p.add_argument(
        "--top-up",
        action="store_true",
        help="first load the demo data up to now (writes to the database: a copy or yours)",
    )
    p.add_argument("--out", type=Path, help="append one JSON line per result to this file")
    p.add_argument(
        "--profile", help="cProfile scenarios (comma list): refresh_kpis:all, warm:refresh_map:0200"
    )
    args = p.parse_args(argv)
    if args.reps < 1:
        p.error("--reps must be at least 1")
    sys.path.insert(0, str(ROOT))
    load_before = machine_info()["loadavg"]
    with tempfile.TemporaryDirectory(prefix="ccbench-") as tmp:
        url = args.database_url or private_sqlite_copy(DEMO_DB, Path(tmp))
        if args.top_up:
            top_up(url)
        results: list[dict[str, Any]] = []
        facts: dict[str, Any] = {}
        for regime in [r.strip() for r in args.regimes.split(",") if r.strip()]:
            part, facts = run_regime(url, regime, args.reps, args.district, args.port, args.profile)
            results.extend(part)
    print_table(results, facts)
    print_profile(results)
    if args.out:
        database = "demo copy" if not args.database_url else url.split("@")[-1]
        record(args.out, "command_center", facts, database, load_before, results)
    return 0


def record(
    out: Path,
    bench: str,
    facts: dict[str, Any],
    database: str,
    load_before: Any,
    results: list[dict[str, Any]],
) -> None:
    """Append one JSON line per result to `out`, with the machine, date, commit and command."""
    common = {
        "bench": bench,
        **facts,
        "database": database,
        "machine": machine_info(),
        "loadavg_before": load_before,
        "versions": versions(),
        "date": datetime.now().isoformat(timespec="seconds"),
        "commit": git_commit(),
        "command": f"python {sys.argv[0]} " + " ".join(sys.argv[1:]),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps({**common, **r}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main())
