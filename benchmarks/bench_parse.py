"""Parsing the stored case: CPU of ``as_case`` per student on the demo's mesa-verde and gulf-shore
students as the store returns them (imported into SQLite, read back), measured two ways:

- as a sweep does it: each partition of 500 read fresh, parsed once, the cases held until the
  partition ends (the garbage collector's full passes over the held cases included);
- the best of 3 passes over the same mappings, the cases dropped (the parse's own CPU).

Run: python benchmarks/bench_parse.py [STUDENTS_PER_DISTRICT] [--freeze]  (not part of the tests)
``--freeze`` calls gc.freeze() once the districts and the store are loaded, as a sweep worker
could: the full collections then skip those objects.
Goal (issue 12): half the parse's CPU of before the plain-case path (63 us on this machine).
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import spedrules
from spedrules.cli.demo import district_population
from spedrules.core.api import as_case
from spedrules.core.store.database import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CONFIGS = ("mesa-verde.toml", "gulf-shore.toml")
PARTITION = 500


def stored(students: int) -> list[tuple[Store, str, object]]:
    """The demo students of both districts in a new SQLite store: (store, district id, district)."""
    store = Store(str(Path(tempfile.mkdtemp(prefix="bench-parse-")) / "b.sqlite"))
    store.init()
    found = []
    for config in CONFIGS:
        district = spedrules.load_district(EXAMPLES / config)
        district_id = store.add_district(EXAMPLES / config, who="bench")
        cases = district_population(district, config, "B", students, date(2027, 1, 15))
        store.add_cases(district_id, cases, who="bench")
        found.append((store, district_id, district))
    return found


def partitions(districts):
    """(cases, district) of each partition, read as a sweep reads them."""
    for store, district_id, district in districts:
        keys = store.student_keys(district_id)
        for i in range(0, len(keys), PARTITION):
            part = store.revised_cases(district_id, keys[i : i + PARTITION])
            yield [case for _, _, case in part], district


def sweep_like(districts) -> tuple[float, int]:
    """CPU seconds of parsing partition by partition, nothing held from one to the next, and
    the students parsed."""
    cpu, count = 0.0, 0
    for cases, district in partitions(districts):
        began = time.process_time()
        held = [as_case(case, district) for case in cases]
        cpu += time.process_time() - began
        count += len(held)
    return cpu, count


def best_pass(mappings) -> float:
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        for case, district in mappings:
            as_case(case, district)
        best = min(best, time.process_time() - began)
    return best


def main() -> None:
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    districts = stored(int(numbers[0]) if numbers else 2_500)
    if "--freeze" in sys.argv:
        gc.freeze()
    collections = [s["collections"] for s in gc.get_stats()]
    cpu, count = sweep_like(districts)
    full = gc.get_stats()[2]["collections"] - collections[2]
    print(
        f"as a sweep parses: {cpu / count * 1e6:.1f} us CPU per student ({count:,} students, "
        f"{full} full collections)"
    )
    mappings = [(case, district) for cases, district in partitions(districts) for case in cases]
    print(f"best of 3 passes: {best_pass(mappings) / count * 1e6:.1f} us CPU per student")


if __name__ == "__main__":
    main()
