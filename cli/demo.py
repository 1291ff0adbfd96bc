"""``spedrules demo``: the main job on a fresh SQLite store.

Two districts from the bundled examples (a California district with the negotiated add-on and a
Florida district with St. Lucie's), a deterministic synthetic population with referral, consent,
IEP and incident histories, a sweep, the dashboard and one explained obligation.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

from spedrules.cli import render
from spedrules.core.store import Store
from spedrules.core.sweep import dashboard, program_duties, sweep
from spedrules.core.synthetic import population

AS_OF = date(2027, 1, 15)  # fixed, so the demo prints the same thing every day
DISTRICTS = (
    (
        "mesa-verde.toml",
        "MV",
        ["Walnut Elementary", "El Cerrito Elementary", "Vista Middle"],
        False,
    ),
    ("gulf-shore.toml", "GS", ["Port Elementary", "Lakewood Middle", "Gulf Shore High"], True),
)


def run_demo(echo: Callable[[str], None], students: int = 1500, workers: int = 2) -> None:
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="spedrules-demo-"))
    store = Store(str(folder / "demo.sqlite"))
    store.init()
    echo(f"spedrules demo: a fresh SQLite store at {folder / 'demo.sqlite'}, as of {AS_OF}")
    with resources.as_file(resources.files("spedrules.examples")) as examples:
        for config, prefix, schools, incidents in DISTRICTS:
            district_id = store.add_district(examples / config, who="demo")
            cases = population(prefix, students, schools, AS_OF, incidents=incidents)
            store.add_cases(district_id, cases, who="demo")
            echo(f"  {district_id}: {students} synthetic students imported")
    sweep(store, AS_OF, workers=workers)
    rows = store.obligations(AS_OF)
    echo("")
    echo(render.dashboard(dashboard(rows, AS_OF, program_duties(store, AS_OF))))
    overdue = [r for r in rows if r["status"] == "overdue" and r["source"] == "california"]
    pick = max(overdue or rows, key=lambda r: len(r["explanation"]))
    echo(f"\n== one obligation explained: student {pick['student']} ({pick['district']})")
    echo(f"{pick['title']} [{pick['rule']}, {pick['layer']}, from {pick['source']}]")
    echo(f"  due {pick['due']} - {pick['status']}\n  citation: {pick['citation']}")
    echo("\n".join(f"  {i}. {step}" for i, step in enumerate(pick["explanation"], 1)))
    echo(f"\n(done in {time.perf_counter() - started:.1f} s; the store stays at {folder})")
