"""Indicator 11 and the Ed-Fi export over a swept synthetic district: seconds and documents per
second at two sizes (the per-student cost ratio should stay near 1.0).

Run: python benchmarks/bench_reports.py [--sizes 2000 10000] [--workers 2]
Uses gulf-shore (Florida, with incidents) from examples/, copied with an [edfi] table.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from spedrules.core.store import edfi
from spedrules.core.store.database import Store
from spedrules.core.store.indicator11 import indicator11
from spedrules.core.store.sweep import sweep
from spedrules.core.synthetic import population

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCHOOLS = ["Port Elementary", "Lakewood Middle", "Gulf Shore High"]
AS_OF = date(2027, 1, 15)
EDFI = """
[edfi]
education_organization_id = 1200
program_name = "Special Education"
program_type_descriptor = "uri://ed-fi.org/ProgramTypeDescriptor#Special Education"
descriptor_namespace = "uri://ed-fi.org"

[edfi.schools]
"Port Elementary" = 120001
"Lakewood Middle" = 120002
"Gulf Shore High" = 120003
"""


def one(size: int, workers: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    for name in ("gulf-shore.toml", "gulf-shore-2026-27.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    config = folder / "gulf-shore.toml"
    config.write_text(config.read_text() + EDFI)
    for extra in EXAMPLES.glob("*.py"):  # local add-ons named by the config, if any
        shutil.copy(extra, folder / extra.name)
    store = Store(str(folder / "b.sqlite"))
    store.init()
    store.add_district(config, who="bench")
    store.add_cases("gulf-shore", population("GS", size, SCHOOLS, AS_OF, incidents=True), who="b")
    sweep(store, AS_OF, workers=workers)
    t = time.perf_counter()
    report = indicator11(store, "gulf-shore", "2026-27")
    i11 = time.perf_counter() - t
    t = time.perf_counter()
    result = edfi.export(store, "gulf-shore")
    edfi.write(result, folder / "edfi")
    ex = time.perf_counter() - t
    docs = sum(len(d) for d in result.documents.values())
    shutil.rmtree(folder)
    return {
        "students": size,
        "i11_s": i11,
        "a": report.a,
        "b": report.b,
        "edfi_s": ex,
        "documents": docs,
        "not_held": result.not_held,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rows = [one(n, args.workers) for n in args.sizes]
    for r in rows:
        print(
            f"{r['students']:>7,} students: indicator 11 {r['i11_s']:.2f}s (a={r['a']}, "
            f"b={r['b']}); Ed-Fi export {r['edfi_s']:.2f}s, {r['documents']:,} documents "
            f"({r['documents'] / r['edfi_s']:,.0f}/s); not held: {r['not_held']}"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        per = lambda r, k: r[k] / r["students"]  # noqa: E731
        print(
            f"per-student ratio {last['students']}/{first['students']}: indicator 11 "
            f"{per(last, 'i11_s') / per(first, 'i11_s'):.2f}, Ed-Fi "
            f"{per(last, 'edfi_s') / per(first, 'edfi_s'):.2f}"
        )


if __name__ == "__main__":
    main()
