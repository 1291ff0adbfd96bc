"""What the HTTP API returns: the API's own results (:class:`~spedrules.core.api.Evaluation`) and
the domain model's obligations, stamped with the versions that produced them.

No second copy of the model: a result *is* an Evaluation (subclassed to add the stamp), and its
obligations are :class:`~spedrules.core.model.Obligation` objects, which Litestar serialises and
describes in the OpenAPI document as they are.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from attrs import field, frozen

from spedrules.core.api import District, Evaluation
from spedrules.core.model import Obligation, Student


@frozen
class PluginVersion:
    id: str
    version: str


@frozen
class Stamp:
    """Which software computed a result: spedrules, the district's stack (general first) with
    each plugin's version, and for each rule in the result the dated version that applied."""

    spedrules: str
    stack: tuple[PluginVersion, ...]
    rules: dict[str, str] = field(factory=dict)  # rule id -> "2021-07-01 .. open-ended"


@frozen
class EvaluationResult(Evaluation):
    """The JSON contract of DESIGN.md section 7 (``student``, ``obligations``, ``violations``)
    plus ``as_of``, ``warnings`` and the stamp."""

    stamp: Stamp | None = None


@frozen
class ExplainResult:
    student: str
    as_of: date
    rule: str  # the rule id or kind asked for
    obligations: tuple[Obligation, ...]
    stamp: Stamp


@frozen
class StudentResult(EvaluationResult):
    """A stored student's obligations, evaluated from the stored case as of the run's date."""

    district: str = ""
    info: Student | None = None
    run: str | None = None


@frozen
class WorkItem:
    """One row of a work list (DESIGN.md section 8): ``days`` is days left until ``due``,
    negative when overdue; ``None`` when there is no due date."""

    district: str
    student: str
    school: str | None
    case_manager: str | None
    responsible: str | None
    kind: str
    rule: str
    title: str
    due: date | datetime | None
    status: str
    days: int | None
    citation: str
    run: str | None
    subject: str | None = None


@frozen
class Worklist:
    district: str
    as_of: date | None
    items: tuple[WorkItem, ...]
    stamp: Stamp


@frozen
class RunError:
    student: str | None
    rule: str | None
    message: str


@frozen
class Run:
    """A sweep of one district. ``id``, times and errors are None/empty where the store does not
    record runs (``status`` is then ``stored``: obligations kept for that as-of date)."""

    id: str | None
    district: str
    as_of: date
    status: str
    started: datetime | None = None
    finished: datetime | None = None
    obligations: int = 0
    students: int = 0
    errors: tuple[RunError, ...] = ()


@frozen
class Runs:
    district: str
    runs: tuple[Run, ...]
    stamp: Stamp


@frozen
class SchoolCount:
    school: str
    counts: dict[str, int]  # status -> obligations


@frozen
class Dashboard:
    district: str
    name: str
    run: Run | None
    students: int
    obligations: int
    overdue: int
    due_in_7_days: int
    due_in_30_days: int
    met_late: int
    undetermined: int
    by_status: dict[str, int]
    by_school: tuple[SchoolCount, ...]
    by_responsible_role: dict[str, dict[str, int]]
    program_duties: tuple[dict[str, Any], ...]
    stamp: Stamp


@frozen
class RuleInfo:
    """An installed plugin's rule (``/v1/rules``) or a district's effective rule
    (``/v1/districts/{id}/rules``), with its provenance and dated versions."""

    rule: str
    kind: str
    type: str
    title: str
    citation: str
    layer: str | None
    source: str | None
    replaces: tuple[str, ...] = ()
    tightens: str | None = None
    versions: tuple[str, ...] = ()


@frozen
class PluginInfo:
    id: str
    name: str
    version: str
    parent: str | None
    layer: str | None
    origin: str
    rules: dict[str, Any]


@frozen
class Catalogue:
    """A list of rules or plugins, stamped with the spedrules version."""

    spedrules: str
    rules: tuple[RuleInfo, ...] = ()
    plugins: tuple[PluginInfo, ...] = ()


def stamp(district: District, obligations: Any = ()) -> Stamp:
    """The stamp of a result computed for ``district`` with these obligations (objects or the
    stored mappings): each rule's version is the one in force on its trigger's day."""
    from spedrules import __version__

    stack = tuple(
        PluginVersion(p, district.registry.plugins[p].version)
        for p in district.config.stack
        if p in district.registry.plugins
    )
    return Stamp(__version__, stack, rule_versions(district, obligations))


def rule_versions(district: District, obligations: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for ob in obligations:
        if isinstance(ob, dict):
            rule, trigger = ob["rule"], (ob.get("trigger") or {}).get("date")
        else:
            rule, event = ob.rule, getattr(ob, "trigger", None)
            trigger = event.date if event is not None else None
        entry = district.ruleset.entries.get(rule)
        if entry is None or rule in found:
            continue
        if isinstance(trigger, str):
            trigger = date.fromisoformat(trigger)
        version = entry.version_on(trigger) if trigger else None
        found[rule] = (version or entry.latest).interval()
    return found
