"""Districts the tests build from the worked Mesa Verde example, shared across test folders."""

from __future__ import annotations

import shutil
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def mesa_with(folder: Path, stack: str, name: str = "c.toml", old='"lahabra-best-practices"'):
    """Mesa Verde's config with `stack` written in place of `old` (La Habra's practices), its
    calendar beside it; without the example's [responsible] table, which names La Habra's kinds."""
    text = (EXAMPLES / "mesa-verde.toml").read_text().split("\n# Who acts")[0]
    (folder / name).write_text(text.replace(old, stack))
    shutil.copy(EXAMPLES / "mesa-verde-2026-27.yaml", folder)
    return folder / name


# the stack "mesa-local" in La Habra's place (the last of the list), loaded from
# our_practices.py beside the config: `local_plugins` takes the list's closing bracket
LOCAL_STACK = '"mesa-local"]\nlocal_plugins = ["our_practices.py"'


def records_fast(tightens: str, days: int) -> str:
    """A local add-on's source: Mesa Verde's MOU tightening a records-access rule to ``days``
    business days (no bundled plugin tightens a rule)."""
    return RECORDS_FAST.replace("{tightens}", tightens).replace("{days}", str(days))


RECORDS_FAST = """
from spedrules import hookimpl
from spedrules.core.model.rules import (EventMatch, JurisdictionInfo, Period, TimelineRule, Trigger)

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="mesa-local", name="Mesa Verde MOU", level="local",
                            parent="california")

@hookimpl
def spedrules_timeline_rules():
    return [TimelineRule(
        id="mesa.records_fast", kind="records_access", title="Records in {days} business days",
        citation="Mesa Verde MOU art. 4", tightens="{tightens}",
        trigger=Trigger(events=(EventMatch("records_request_received"),)),
        period=Period({days}, "business_days"), met_by=(EventMatch("records_provided"),))]
"""
