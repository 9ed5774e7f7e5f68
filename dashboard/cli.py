"""Command line: `python -m dashboard <command>`.

Commands: init [--demo [--scale X]], ingest FEED FILE..., generate, status [--json],
rebuild-rollups, contract-doc, users ..., tokens ... (see `dashboard.cli_access`).
Exit status 0 on success (a batch with quarantined rows is a success), 2 on a whole-file
or usage problem, with one clear message on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from dashboard import cli_access, db, rollups, schema
from dashboard.config import Settings
from dashboard.contract import FEEDS
from dashboard.ingest import FileError, beijing_now, ingest_file

log = logging.getLogger("dashboard")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard", description="Customs command dashboard: data commands"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create or upgrade the schema in DATABASE_URL")
    init.add_argument("--demo", action="store_true", help="also load realistic demo history")
    init.add_argument("--scale", type=float, help="demo volume as a fraction of real volumes")
    init.add_argument("--days", type=int, help="days of demo history (default 730)")
    ing = sub.add_parser("ingest", help="load feed files (CSV or JSON Lines), one batch each")
    ing.add_argument("feed", help=f"one of: {', '.join(FEEDS)}")
    ing.add_argument("files", nargs="+", type=Path)
    ing.add_argument("--max-bytes", type=int, help="refuse files larger than this")
    gen = sub.add_parser("generate", help="write a synthetic, contract-conformant feed file")
    gen.add_argument("--feed", required=True, choices=list(FEEDS))
    gen.add_argument("--rows", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--out", type=Path, required=True)
    st = sub.add_parser("status", help="rows and newest timestamp per feed and district")
    st.add_argument("--json", action="store_true")
    sub.add_parser("rebuild-rollups", help="recompute every rollup from the raw rows")
    doc = sub.add_parser("contract-doc", help="write docs/data-contract.md from the contract")
    doc.add_argument("--out", type=Path, default=Path("docs/data-contract.md"))
    cli_access.add_parsers(sub)
    return p


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Run one command; returns the process exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    settings = settings or Settings.from_env()
    try:
        return COMMANDS[args.command](args, settings)
    except FileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    engine = db.engine_from_settings(settings)
    db.create_schema(engine)
    return engine


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Create the schema; with --demo also generate and load demo history."""
    if args.scale is not None:
        settings = replace(settings, demo_scale=args.scale)
    if args.days is not None:
        settings = replace(settings, demo_history_days=args.days)
    engine = _engine(settings)
    if args.demo:
        from dashboard.demo import ensure_demo_data

        ensure_demo_data(engine, settings, progress=lambda m: print(m, flush=True))
    print(
        json.dumps(
            {
                "database": engine.url.render_as_string(hide_password=True),
                "schema_version": schema.SCHEMA_VERSION,
            }
        )
    )
    return 0


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Load each file as one batch and print its JSON summary line."""
    if args.feed not in FEEDS:
        raise FileError(f"unknown feed {args.feed!r}; known feeds: {', '.join(FEEDS)}")
    engine = _engine(settings)
    status = 0
    for path in args.files:
        try:
            result = ingest_file(
                engine,
                args.feed,
                path,
                source="cli",
                max_bytes=args.max_bytes or settings.ingest_max_bytes,
            )
        except FileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        out = result.as_json()
        out["file"] = str(path)
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def cmd_generate(args: argparse.Namespace, settings: Settings) -> int:
    """Write a synthetic feed file."""
    from dashboard.generate import write_sample

    n = write_sample(args.feed, args.rows, args.seed, args.out, beijing_now())
    print(json.dumps({"feed": args.feed, "rows": n, "out": str(args.out)}))
    return 0


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print rows and newest timestamp per feed and district."""
    from dashboard.queries.status import feed_status

    engine = _engine(settings)
    frame = feed_status(engine)
    records = [
        {
            "feed": r.feed,
            "district_code": r.district_code,
            "rows": int(r.rows),
            "newest": _iso(r.newest_ts),
            "last_loaded_at": _iso(r.last_loaded_at),
        }
        for r in frame.itertuples()
    ]
    if args.json:
        print(
            json.dumps(
                {"database": engine.url.render_as_string(hide_password=True), "feeds": records},
                ensure_ascii=False,
            )
        )
    else:
        for r in records:
            print(f"{r['feed']:<20} {r['district_code']}  {r['rows']:>10,}  newest {r['newest']}")
    return 0


def _iso(value: datetime | None) -> str | None:
    return None if value is None or str(value) == "NaT" else value.isoformat() + "+08:00"


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    """Recompute all rollups from raw rows."""
    engine = _engine(settings)
    rollups.rebuild(engine)
    db.analyze(engine)
    print(json.dumps({"rebuilt": list(rollups.FEED_ROLLUPS)}))
    return 0


def cmd_contract_doc(args: argparse.Namespace, settings: Settings) -> int:
    """Render the contract documentation."""
    from dashboard.contract_doc import render

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(), encoding="utf-8")
    print(json.dumps({"written": str(args.out)}))
    return 0


COMMANDS = {
    "init": cmd_init,
    "ingest": cmd_ingest,
    "generate": cmd_generate,
    "status": cmd_status,
    "rebuild-rollups": cmd_rebuild,
    "contract-doc": cmd_contract_doc,
    **cli_access.COMMANDS,
}
