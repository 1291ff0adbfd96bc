"""What a plugin author imports: the hook marker, the rule types and the rule-file loader
(and the restraint-report definition a state contributes).

A plugin keeps its rules in ``rules/*.yaml`` beside its module (docs/rules-as-data.md) and
answers the hooks from them::

    from pathlib import Path
    from spedrules.plugin import RuleFiles

    RULES = RuleFiles(Path(__file__).parent / "rules")
    spedrules_jurisdiction = RULES.hook("jurisdiction")
    spedrules_timeline_rules = RULES.hook("timeline_rules")

Rules may also be built in Python from the types below (docs/plugin-hooks.md); the eligibility
helpers (``Evidence``, ``judge``, ...) write criteria checks, ``load_forms`` reads forms as data.
"""

from spedrules.core.calendar.counting import (
    UNITS,
    Count,
    Unit,
    anniversary,
    array_form,
    day_name,
    unit,
)
from spedrules.core.engine.eligibility import (
    Evidence,
    Finding,
    Lacking,
    judge,
    met,
    not_met,
    standard_score,
    z_score,
)
from spedrules.core.engine.restraint_report import GradeBand, RestraintReportDefinition
from spedrules.core.errors import CalendarError
from spedrules.core.forms import load_forms
from spedrules.core.hookspecs import hookimpl
from spedrules.core.model import Incident
from spedrules.core.model.ruledata import RuleFiles
from spedrules.core.model.rules import (
    Allowance,
    BirthdayTrigger,
    Condition,
    Criterion,
    EligibilityCategory,
    EventMatch,
    EventTrigger,
    FormDefinition,
    IncidentDuty,
    IncidentProhibition,
    IncidentRule,
    InviteStudent,
    JurisdictionInfo,
    LatestStart,
    LeadTime,
    MaxDuration,
    MeetingRule,
    OneOfRoles,
    Option,
    ParentContactMethods,
    Period,
    ProgramRule,
    RemovalsTrigger,
    ReportContents,
    RequiredRoles,
    SchoolDayCoverage,
    SchoolYearStartTrigger,
    SourceDocument,
    TimelineRule,
    Trigger,
    Verification,
)

__all__ = [
    "UNITS",
    "Allowance",
    "BirthdayTrigger",
    "CalendarError",
    "Condition",
    "Count",
    "Criterion",
    "EligibilityCategory",
    "EventMatch",
    "EventTrigger",
    "Evidence",
    "Finding",
    "FormDefinition",
    "GradeBand",
    "Incident",
    "IncidentDuty",
    "IncidentProhibition",
    "IncidentRule",
    "InviteStudent",
    "JurisdictionInfo",
    "Lacking",
    "LatestStart",
    "LeadTime",
    "MaxDuration",
    "MeetingRule",
    "OneOfRoles",
    "Option",
    "ParentContactMethods",
    "Period",
    "ProgramRule",
    "RemovalsTrigger",
    "ReportContents",
    "RequiredRoles",
    "RestraintReportDefinition",
    "RuleFiles",
    "SchoolDayCoverage",
    "SchoolYearStartTrigger",
    "SourceDocument",
    "TimelineRule",
    "Trigger",
    "Unit",
    "Verification",
    "anniversary",
    "day_name",
    "hookimpl",
    "judge",
    "load_forms",
    "met",
    "not_met",
    "standard_score",
    "unit",
    "array_form",
    "z_score",
]
