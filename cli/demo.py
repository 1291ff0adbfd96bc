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
from spedrules.core.sweep import dashboard, stored_evaluation, sweep
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


def run_demo(echo: Callable[[str], None], students: int = 1500, workers: int = 2) -> Store:
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
    runs = sweep(store, AS_OF, workers=workers, who="demo")
    for run in runs:
        echo("")
        echo(render.dashboard(dashboard(store, run.district)))
    first = next((r for r in runs if r.district == "mesa-verde"), runs[0])
    rows = store.obligation_rows(first.district, first.run)
    overdue = [r for r in rows if r["status"] == "overdue" and r["source"] == "california"]
    pick = (overdue or rows)[0]
    evaluation = stored_evaluation(store, first.district, pick["student"])
    ob = next(
        o
        for o in evaluation.obligations
        if (o.rule, o.due and o.due.isoformat()) == (pick["rule"], pick["due"])
    )
    echo(f"\n== one obligation explained: student {pick['student']} ({pick['district']})")
    echo(f"{ob.title} [{ob.rule}, {ob.layer}, from {ob.source}]")
    echo(f"  due {pick['due']} - {ob.status}\n  citation: {ob.citation}")
    echo("\n".join(f"  {i}. {step}" for i, step in enumerate(ob.explanation, 1)))
    echo(f"\n(done in {time.perf_counter() - started:.1f} s; the store stays at {folder})")
    return store
