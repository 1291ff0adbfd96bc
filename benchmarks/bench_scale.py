"""Scale: in-memory evaluation throughput (1 and 2 workers) and sweeps from SQLite and
PostgreSQL, with peak memory. Students are generated and evaluated as a stream, never all held.

Run: python benchmarks/bench_scale.py [--students 1000000] [--db-students 50000]
PostgreSQL is measured when SPEDRULES_TEST_POSTGRES_URL is set (.ci/postgres.sh prints one).
Target (issue 7): 1,000,000 students evaluated in memory in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import date
from itertools import islice
from multiprocessing import Pool
from pathlib import Path

import spedrules
from spedrules.core.api import as_case
from spedrules.core.store import Store
from spedrules.core.sweep import sweep
from spedrules.core.synthetic import population

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = date(2027, 1, 15)
CHUNK = 2_000
SCHOOLS = ["A", "B", "C"]
_district = None


def _init() -> None:
    global _district
    _district = spedrules.load_district(EXAMPLES / "mesa-verde.toml")


def _evaluate_chunk(bounds: tuple[int, int]) -> tuple[int, float, float]:
    """Generate and parse a chunk of students (a case file's work), then evaluate them; returns
    the obligations and the seconds spent on each part."""
    start, stop = bounds
    began = time.perf_counter()
    cases = [as_case(c, _district) for c in population(f"B{start}", stop - start, SCHOOLS, AS_OF)]
    parsed = time.perf_counter()
    obligations = sum(len(spedrules.evaluate(_district, c, AS_OF).obligations) for c in cases)
    return obligations, parsed - began, time.perf_counter() - parsed


def in_memory(n: int, workers: int) -> tuple[float, int, float, float]:
    """Wall seconds, obligations, and the worker-seconds spent generating+parsing / evaluating."""
    chunks = [(i, min(i + CHUNK, n)) for i in range(0, n, CHUNK)]
    began = time.perf_counter()
    if workers == 1:
        _init()
        results = [_evaluate_chunk(c) for c in chunks]
    else:
        with Pool(workers, initializer=_init) as pool:
            results = list(pool.imap_unordered(_evaluate_chunk, chunks))
    wall = time.perf_counter() - began
    return (
        wall,
        sum(r[0] for r in results),
        sum(r[1] for r in results),
        sum(r[2] for r in results),
    )


def store_sweep(url: str, n: int, workers: int) -> tuple[float, float]:
    store = Store(url)
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="bench")
    began = time.perf_counter()
    stream = population("S", n, ["A", "B", "C"], AS_OF)
    while batch := list(islice(stream, 5_000)):
        store.add_cases("mesa-verde", batch, who="bench")
    loaded = time.perf_counter() - began
    began = time.perf_counter()
    sweep(store, AS_OF, ["mesa-verde"], workers)
    return loaded, time.perf_counter() - began


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--db-students", type=int, default=50_000)
    args = parser.parse_args()
    n = args.students
    for workers in (1, 2):
        seconds, obligations, parsing, evaluating = in_memory(n, workers)
        print(
            f"in memory, {workers} worker(s): {n:,} students in {seconds:.1f} s = "
            f"{n / seconds:,.0f} students/s, {obligations / seconds:,.0f} obligations/s "
            f"(peak {peak_mb():.0f} MB); worker time: generating and parsing the cases "
            f"{parsing:.1f} s, evaluating them {evaluating:.1f} s"
        )
    projected = 1_000_000 / (n / seconds)
    evaluation_only = 1_000_000 / n * evaluating / 2
    verdict = "meets" if projected < 60 else "misses"
    print(
        f"target: 1,000,000 in under 60 s on 2 cores: generated, parsed and evaluated at this "
        f"rate {projected:.0f} s ({verdict} it); the evaluation alone {evaluation_only:.0f} s"
    )
    with tempfile.TemporaryDirectory() as folder:
        loaded, swept = store_sweep(str(Path(folder) / "bench.sqlite"), args.db_students, 2)
        print(
            f"SQLite: {args.db_students:,} students imported in {loaded:.1f} s, swept (2 "
            f"workers) in {swept:.1f} s = {args.db_students / swept:,.0f} students/s"
        )
    url = os.environ.get("SPEDRULES_TEST_POSTGRES_URL")
    if url:
        from sqlalchemy import create_engine, text

        from spedrules.core.store import Base

        with create_engine(url).begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
            connection.execute(text("DROP TABLE IF EXISTS api_tokens"))  # migration 0003
        loaded, swept = store_sweep(url, args.db_students, 2)
        print(
            f"PostgreSQL: {args.db_students:,} students imported in {loaded:.1f} s, swept "
            f"(2 workers) in {swept:.1f} s = {args.db_students / swept:,.0f} students/s"
        )
    else:
        print("PostgreSQL: skipped (set SPEDRULES_TEST_POSTGRES_URL)")
    print(f"peak memory {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
