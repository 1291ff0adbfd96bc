"""The store's write and read path at two sizes: import and sweep students/s, the store size per
100,000 students, and the per-student cost ratio between the sizes (linear means about 1.0).

Run: python benchmarks/bench_store.py [--sizes 10000 100000] [--workers 2] [--json OUT]
         [--backends sqlite postgresql]
After the full sweep, the next morning's sweep is measured too: 1% of the students changed,
incremental (docs/incremental-sweeps.md).
PostgreSQL is measured too when SPEDRULES_TEST_POSTGRES_URL is set (.ci/postgres.sh prints one;
its tables are dropped and recreated). CPU seconds are this process plus its children (the
sweep's workers), measured in the same run as the wall seconds; the machine is shared, so the
ratios are the figures to read.
Targets (issue 12): ratio 100k/10k at most 1.15; sweep from SQLite at least 5,000 students/s end
to end on 2 workers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from spedrules.cli.demo import district_population
from spedrules.core.api import load_district
from spedrules.core.store.database import Base, Store
from spedrules.core.store.sweep import dashboard, sweep

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = date(2027, 1, 15)
CONFIG = EXAMPLES / "mesa-verde.toml"


def students(n: int) -> list[dict]:
    """The demo's realistic students of Mesa Verde (its schools, its calendar, and the
    follow-ups its add-ons expect, recorded for most students), as bench_scale.py uses."""
    return list(district_population(load_district(CONFIG), CONFIG.name, "B", n, AS_OF))


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def fresh(url: str | None, folder: Path, n: int) -> Store:
    if url is None:
        return Store(str(folder / f"bench-{n}.sqlite"))
    engine = create_engine(url)
    with engine.begin() as c:
        Base.metadata.drop_all(c)
        c.execute(text("DROP TABLE IF EXISTS alembic_version"))
        c.execute(text("DROP TABLE IF EXISTS api_tokens"))  # migration 0003
    engine.dispose()
    return Store(url)


def size_of(store: Store) -> int:
    if store.dialect == "sqlite":
        return os.path.getsize(store.engine.url.database)
    with store.engine.connect() as c:
        return int(c.scalar(text("SELECT pg_database_size(current_database())")))


def measure(url: str | None, n: int, workers: int, folder: Path) -> dict:
    store = fresh(url, folder, n)
    store.init()
    store.add_district(CONFIG, who="bench")
    cases = students(n)
    c0, t0 = cpu(), time.perf_counter()
    summary = store.add_cases("mesa-verde", cases, who="bench")
    c1, t1 = cpu(), time.perf_counter()
    (run,) = sweep(store, AS_OF, ["mesa-verde"], workers=workers, who="bench")
    c2, t2 = cpu(), time.perf_counter()
    board = dashboard(store, "mesa-verde")
    t3 = time.perf_counter()
    size = size_of(store)  # one run's rows (the next morning's run adds its own)
    # the next morning: 1% of the students have a new absence; the sweep is incremental
    tomorrow = AS_OF + timedelta(days=1)
    changed = {
        str(c["student"]["id"]): [{"type": "absence", "date": tomorrow.isoformat()}]
        for c in cases[::100]
    }
    store.add_events("mesa-verde", changed, who="bench")
    c4, t4 = cpu(), time.perf_counter()
    (nextday,) = sweep(store, tomorrow, ["mesa-verde"], workers=workers, who="bench")
    c5, t5 = cpu(), time.perf_counter()
    return {
        "backend": store.dialect,
        "students": n,
        "events": summary.events_new,
        "obligations": run.counts["obligations"],
        "events_per_student": round(summary.events_new / n, 2),
        "obligations_per_student": round(run.counts["obligations"] / n, 2),
        "import_seconds": round(t1 - t0, 2),
        "import_cpu": round(c1 - c0, 2),
        "import_students_per_s": round(n / (t1 - t0)),
        "sweep_seconds": round(t2 - t1, 2),
        "sweep_cpu": round(c2 - c1, 2),
        "sweep_students_per_s": round(n / (t2 - t1)),
        "dashboard_seconds": round(t3 - t2, 3),
        "next_day_changed": len(changed),
        "next_day_evaluated": nextday.counts["evaluated"],
        "next_day_sweep_seconds": round(t5 - t4, 2),
        "next_day_sweep_cpu": round(c5 - c4, 2),
        "next_day_of_full": round((t5 - t4) / (t2 - t1), 3),
        "store_mb": round(size / 1e6, 1),
        "store_mb_per_100k": round(size / 1e6 * 100_000 / n, 1),
        "overdue": board["overdue"],
        "overdue_per_student": round(board["overdue"] / n, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--backends", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    args = parser.parse_args()
    postgres = os.environ.get("SPEDRULES_TEST_POSTGRES_URL")
    urls = [None] if "sqlite" in args.backends else []
    if "postgresql" in args.backends and postgres:
        urls.append(postgres)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for url in urls:
            rows = [measure(url, n, args.workers, Path(tmp)) for n in args.sizes]
            small, large = rows[0], rows[-1]
            for key in ("import", "sweep"):
                per_small = small[f"{key}_cpu"] / small["students"]
                per_large = large[f"{key}_cpu"] / large["students"]
                large[f"{key}_cpu_ratio_per_student"] = round(per_large / per_small, 2)
            for row in rows:
                print(json.dumps(row))
            results.extend(rows)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
