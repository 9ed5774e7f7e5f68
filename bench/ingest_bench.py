"""Ingest throughput: declaration rows per second into a fresh database, with validation,
quarantine checks, idempotent load and rollup upkeep (DESIGN.md section 4: >= 50,000 rows/s
into SQLite).

Usage:
    python bench/ingest_bench.py --rows 1000000 [--url sqlite:///...] [--record]

Prints one JSON line; with --record appends it to bench/results/ingest.jsonl together with
the machine, the date and the command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dashboard import db  # noqa: E402
from dashboard.generate import write_sample  # noqa: E402
from dashboard.ingest import beijing_now, ingest_file  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "ingest.jsonl"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--url", help="database URL (default: a new SQLite file)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--record", action="store_true")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "declarations.csv"
        write_sample("declarations", args.rows, args.seed, path, beijing_now())
        file_mb = round(path.stat().st_size / 1e6, 1)
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = db.make_engine(url)
        db.create_schema(engine)
        wall, cpu = time.perf_counter(), time.process_time()
        result = ingest_file(engine, "declarations", path, source="bench")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        again = time.perf_counter()
        repeat = ingest_file(engine, "declarations", path, source="bench")
        again = time.perf_counter() - again
        engine.dispose()
    out = {
        "bench": "ingest",
        "engine": url.split(":", 1)[0],
        "rows": result.rows_read,
        "accepted": result.accepted,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "rows_per_s": round(result.rows_read / wall),
        "rows_per_cpu_s": round(result.rows_read / cpu),
        "reload_duplicates": repeat.duplicates,
        "reload_seconds": round(again, 2),
        "file_mb": file_mb,
        "machine": f"{platform.node()} {os.cpu_count()} cpu {platform.machine()}",
        "python": platform.python_version(),
        "date": datetime.now().isoformat(timespec="seconds"),
        "command": "python bench/ingest_bench.py " + " ".join(sys.argv[1:]),
    }
    print(json.dumps(out))
    if args.record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
