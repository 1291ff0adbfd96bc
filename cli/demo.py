"""``spedrules demo``: the bundled example districts and cases, evaluated and explained.

The store, the synthetic population and the district-wide sweep arrive with issue 7; until then
the demo evaluates the worked examples in memory, which needs nothing but the installed package.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from importlib import resources

from spedrules.cli import render
from spedrules.core import api

AS_OF = date(2027, 1, 15)  # fixed, so the demo prints the same thing every day
PAIRS = (
    ("mesa-verde.toml", "case-initial-referral.yaml"),
    ("mesa-verde.toml", "case-annual-meeting.yaml"),
    ("gulf-shore.toml", "case-restraint.yaml"),
)


def run_demo(echo: Callable[[str], None]) -> None:
    with resources.as_file(resources.files("spedrules.examples")) as folder:
        echo(f"spedrules demo: the bundled example cases, as of {AS_OF.isoformat()}")
        echo("(the SQLite store and the district-wide sweep come with the persistence issue)\n")
        explained = None
        for config_name, case_name in PAIRS:
            district = api.load_district(folder / config_name)
            result = api.evaluate(district, folder / case_name, AS_OF)
            stack = " -> ".join(district.config.stack)
            echo(f"== {district.config.name}: {case_name} (stack {stack})")
            echo(render.evaluation_table(result) + "\n")
            # explain the obligation with the most steps: the one a person would ask about
            for ob in result.obligations:
                if explained is None or len(ob.explanation) > len(explained.explanation):
                    explained = ob
        if explained is not None:
            echo("== one obligation explained (spedrules explain ...):")
            echo(render.explanation(explained))
