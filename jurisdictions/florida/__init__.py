"""Florida: s. 1003.57 and 1003.573 F.S., Rules 6A-6.03011 ff. F.A.C., as in the SP&P template.

The district options the SP&P asks a district to choose (SP&P Part I, B.1 and A.6) and the
restraint and seclusion rules of s. 1003.573 F.S. in its versions (see restraint.py). The
initial evaluation of Rule 6A-6.0331 and the ages-served exit date are in rules/timeline_rules.yaml
(the exit date's computation in timelines.py). The options are in rules/options.yaml.

Florida declares no extensions or suspensions of its own: the seed (004) has none of Rule
6A-6.0331's text (digest florida_and_addons.md, section 2), so none is cited. The federal ones
of us-idea (34 CFR 300.301(d)-(e), 300.309(c)) hold for fl.initial_evaluation, since 300.301(d)
covers a State's own timeframe too.
"""

from __future__ import annotations

from pathlib import Path

from spedrules.core.forms import load_forms
from spedrules.plugin import JurisdictionInfo, RuleFiles, SourceDocument, hookimpl

from .timelines import fape_end_policy

SPP = "shared/seeds/004_8a2533d47235dded.txt"
RULES = RuleFiles(Path(__file__).parent / "rules", {"fape_end_policy": fape_end_policy})


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="florida",
        name="Florida (Florida Statutes ch. 1003, Rules 6A-6 F.A.C.)",
        level="state",
        parent="us-idea",
        sources=(
            SourceDocument(
                "Exceptional Student Education Policies and Procedures (SP&P), "
                "St. Lucie 2016-17 to 2018-19",
                SPP,
            ),
            SourceDocument(
                "Restraint and seclusion of students with disabilities", "s. 1003.573 F.S."
            ),
            SourceDocument("Initial evaluation", "Rule 6A-6.0331 F.A.C."),
        ),
        event_types=("fl.services_ended",),
        obligation_kinds=("fl.fape_end",),
    )


@hookimpl
def spedrules_timeline_rules(ctx):
    return RULES.timeline_rules(ctx)


@hookimpl
def spedrules_incident_rules(ctx):
    return RULES.incident_rules(ctx)


@hookimpl
def spedrules_options():
    return RULES.options()


@hookimpl
def spedrules_forms():
    return load_forms(Path(__file__).parent / "forms")
