"""``spedrules demo``: the main job on a fresh SQLite store.

Two districts from the bundled examples (a California district with the negotiated add-on and a
Florida district with St. Lucie's), a deterministic synthetic population with years of history
(core/synthetic.py, docs/synthetic-population.md), a sweep, the dashboard and one explained
obligation. ``DISTRICTS`` chooses each district's schools and the add-ons' follow-up events; the
scale benchmark and the tests use the same population.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

from spedrules.cli import render
from spedrules.core.api import load_district
from spedrules.core.store.database import Store
from spedrules.core.store.sweep import dashboard, stored_evaluation, sweep
from spedrules.core.synthetic import FollowUp, IncidentFact, population

AS_OF = date(2027, 1, 15)  # fixed, so the demo prints the same thing every day
F = FollowUp
# What the bundled add-ons expect after an IEP meeting, an incident or the start of the year,
# recorded for most students (the plugins declare these event types; core knows none of them).
CALIFORNIA = (F("ca.ber_forwarded", "incident", 0.9, (0, 1)),)
LA_HABRA = (
    F("lahabra.iep_at_a_glance_sent", "iep_meeting", 0.88, (0, 6)),
    F("lahabra.roundtable_held", "school_year", 0.88, (3, 16)),
    F("lahabra.inclusion_staffing_reviewed", "school_year", 0.1, (10, 60), flag="inclusion"),
)
ST_LUCIE = (
    F("stlucie.principal_notified", "restraint", 0.9, moment=True),
    F("stlucie.postvention_meeting_held", "restraint", 0.8, (0, 2)),
    F("stlucie.followup_call", "restraint", 0.5, (2, 4), (("call", 1),)),
    F("stlucie.followup_call", "restraint", 0.25, (7, 10), (("call", 2),)),
)
# Florida's seclusion rule reads whether the room met Rule 69A-58.0084 (fl.rs.seclusion_room)
FLORIDA = (IncidentFact("room_meets_69A_58_0084", 0.9, applies_to=("seclusion",)),)
# (district file, student id prefix, schools, follow-ups, incident facts): a California district
# with the negotiated add-on and a Florida district with St. Lucie's
DISTRICTS = (
    (
        "mesa-verde.toml",
        "MV",
        [
            "Walnut Elementary",
            "El Cerrito Elementary",
            "Las Palmas Elementary",
            "Sycamore Elementary",
            "Ridgecrest Elementary",
            "Cesar Chavez Elementary",
            "Vista Middle",
            "Sierra Middle",
            "Mesa Verde High",
        ],
        CALIFORNIA + LA_HABRA,
        (),
    ),
    (
        "gulf-shore.toml",
        "GS",
        [
            "Port Elementary",
            "Pelican Bay Elementary",
            "Coral Reef Elementary",
            "Mary McLeod Bethune Elementary",
            "Sandpiper Elementary",
            "Cypress Creek Elementary",
            "Lakewood Middle",
            "Seminole Middle",
            "Gulf Shore High",
            "Lakeside High",
        ],
        ST_LUCIE,
        FLORIDA,
    ),
)


def district_population(district, config: str, prefix: str, students: int, as_of=AS_OF):
    """The synthetic students of one of the demo's districts, on its calendar."""
    _, _, schools, follow_ups, facts = next(d for d in DISTRICTS if d[0] == config)
    return population(
        prefix,
        students,
        schools,
        as_of,
        calendar=district.calendar,
        follow_ups=follow_ups,
        incident_facts=facts,
    )


def run_demo(echo: Callable[[str], None], students: int = 500, workers: int = 2) -> Store:
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="spedrules-demo-"))
    store = Store(str(folder / "demo.sqlite"))
    store.init()
    echo(f"spedrules demo: a fresh SQLite store at {folder / 'demo.sqlite'}, as of {AS_OF}")
    with resources.as_file(resources.files("spedrules.examples")) as examples:
        for config, prefix, *_ in DISTRICTS:
            district_id = store.add_district(examples / config, who="demo")
            district = load_district(examples / config)
            cases = district_population(district, config, prefix, students)
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
