"""Florida: s. 1003.57 and 1003.573 F.S., Rules 6A-6.03011 ff. F.A.C., as in the SP&P template.

The district options the SP&P asks a district to choose (SP&P Part I, B.1 and A.6) and the
restraint and seclusion rules of s. 1003.573 F.S. in both versions (see restraint.py). The
initial evaluation of Rule 6A-6.0331 and the ages-served exit date are in timelines.py.

Florida declares no extensions or suspensions of its own: the seed (004) has none of Rule
6A-6.0331's text (digest florida_and_addons.md, section 2), so none is cited. The federal ones
of us-idea (34 CFR 300.301(d)-(e), 300.309(c)) hold for fl.initial_evaluation, since 300.301(d)
covers a State's own timeframe too.
"""

from __future__ import annotations

from pathlib import Path

from spedrules.core.forms import load_forms
from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import JurisdictionInfo, Option, SourceDocument

from .report import spedrules_restraint_report  # noqa: F401 (a hook implementation)
from .restraint import restraint_rules
from .timelines import evaluation_rules, exit_rule

SPP = "shared/seeds/004_8a2533d47235dded.txt"
YES_NO = (True, False)


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
    policy = ctx.options.get("florida.fape_end_age_policy", "day_turns_22")
    return [*evaluation_rules(), exit_rule(policy)]


@hookimpl
def spedrules_incident_rules(ctx):
    return restraint_rules(ctx.options)


@hookimpl
def spedrules_options():
    def yes_no(key: str, title: str, default: bool, citation: str) -> Option:
        return Option(
            id=f"florida.{key}", title=title, choices=YES_NO, default=default, citation=citation
        )

    a6 = "s. 1003.573 F.S.; SP&P Part I, A.6"
    return [
        Option(
            id="florida.fape_end_age_policy",
            title="Ages of students served: when services end for students who turn 22",
            choices=("day_turns_22", "end_of_semester", "end_of_school_year"),
            default="day_turns_22",
            citation="s. 1003.57 F.S.; SP&P Part I, B.1 (Ages of Students Served)",
            description="end_of_school_year applies only if the student was 21 on the first "
            "instructional day of that school year.",
        ),
        yes_no(
            "serves_infants_toddlers",
            "Serves infants and toddlers (birth through 2)",
            False,
            "SP&P Part I, B.1",
        ),
        yes_no(
            "serves_prekindergarten",
            "Serves prekindergarten children 3-5",
            True,
            "SP&P Part I, B.1",
        ),
        yes_no("prohibits_restraint", "District prohibits restraint", False, a6),
        yes_no("prohibits_prone_restraint", "District prohibits prone restraint", False, a6),
        yes_no(
            "prohibits_mechanical_restraint", "District prohibits mechanical restraint", True, a6
        ),
        yes_no("prohibits_seclusion", "District prohibits seclusion", False, a6),
    ]


@hookimpl
def spedrules_forms():
    return load_forms(Path(__file__).parent / "forms")
