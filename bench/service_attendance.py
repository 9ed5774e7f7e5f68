"""Send the `training_attendance` feed for a database built before the feed existed.

Reads the stored trainings, draws each session's firms exactly as the demo generator does
(`dashboard.gen_service.attendance`, on the register of the seed and scale recorded in the
database), writes the contract CSV and loads it through the normal ingest path (reference
checks, quarantine, the trained firms' rollup). For an upgraded 10 M database: the per-firm
rollups must have been built first (the schema upgrade rebuilds new rollup tables).

Usage:
    python bench/service_attendance.py --database-url URL [--out-dir /tmp]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    from sqlalchemy import select

    from dashboard import db, schema
    from dashboard.config import Settings
    from dashboard.demo import demo_world
    from dashboard.gen_common import to_wall
    from dashboard.gen_enterprises import register
    from dashboard.gen_service import attendance, materialize_attendance
    from dashboard.generate import write_feed
    from dashboard.ingest import beijing_now, ingest_file

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--database-url", required=True)
    p.add_argument("--out-dir", type=Path, default=Path(tempfile.gettempdir()))
    args = p.parse_args(argv)
    engine = db.make_engine(args.database_url)
    db.create_schema(engine)
    seed, scale, _ = demo_world(engine, Settings(database_url=args.database_url))
    t = schema.trainings
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.c.training_id, t.c.district_code, t.c.start_at, t.c.enterprises_trained)
        ).all()
    sessions = pd.DataFrame(rows, columns=["training_id", "district_code", "start", "n"])
    sessions["start"] = [to_wall(ts) for ts in pd.to_datetime(sessions["start"])]
    sessions = sessions.rename(columns={"n": "enterprises_trained"})
    frame = materialize_attendance(attendance(sessions, register(seed, scale), seed))
    path = args.out_dir / "training_attendance.csv"
    write_feed(frame, path)
    result = ingest_file(engine, "training_attendance", path, source="bench", now=beijing_now())
    print(json.dumps({"seed": seed, "scale": scale, **result.as_json()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
