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
from spedrules.core.store.worklist import WorkItem


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
    """The JSON contract of docs/results.md (``student``, ``obligations``, ``violations``)
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
    run: int | None = None


@frozen
class Worklist:
    district: str
    as_of: date | None
    run: int | None
    items: tuple[WorkItem, ...]
    stamp: Stamp


@frozen
class RunError:
    """A student a run could not evaluate (the sweep went on)."""

    student: str | None
    where: str | None  # the plugin and function that raised
    message: str


@frozen
class Run:
    """A sweep of one district as of a date. Readers see the latest ``completed`` run only."""

    id: int
    district: str
    as_of: date
    status: str  # running | completed | failed | pruned
    started: datetime | None = None
    finished: datetime | None = None
    actor: str | None = None
    counts: dict[str, int] = field(factory=dict)
    warnings: tuple[str, ...] = ()
    note: str | None = None  # why a run failed
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
    """The compliance dashboard of the latest completed run (``run`` None before the first)."""

    district: str
    name: str
    run: Run | None
    students: int = 0
    obligations: int = 0
    overdue: int = 0
    due_in_7_days: int = 0
    due_in_14_days: int = 0
    due_in_30_days: int = 0
    met_late: int = 0
    undetermined: int = 0
    by_status: dict[str, int] = field(factory=dict)
    by_school: tuple[SchoolCount, ...] = ()
    by_responsible_role: dict[str, dict[str, int]] = field(factory=dict)
    delay_reasons: dict[str, int] = field(factory=dict)
    future_events: int = 0  # events dated after the as-of date, not counted
    students_not_evaluated: int = 0
    warnings: tuple[str, ...] = ()
    program_duties: tuple[dict[str, Any], ...] = ()
    stamp: Stamp | None = None


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


def stamp(district: District, obligations: Any = (), run: dict[str, Any] | None = None) -> Stamp:
    """The stamp of a result computed for ``district`` with these obligations (objects or the
    stored mappings): each rule's version is the one in force on its trigger's day. A result
    read from a run is stamped with the versions that run recorded when it swept."""
    from spedrules import __version__

    recorded = (run or {}).get("fingerprint") or {}
    if recorded.get("stack"):
        stack = tuple(PluginVersion(p["id"], p["version"] or "?") for p in recorded["stack"])
        version = recorded.get("spedrules") or __version__
    else:
        plugins = district.registry.plugins
        stack = tuple(
            PluginVersion(p, plugins[p].version) for p in district.config.stack if p in plugins
        )
        version = __version__
    return Stamp(version, stack, rule_versions(district, obligations))


def rule_versions(district: District, obligations: Any) -> dict[str, str]:
    """Each rule's versions in force on its obligations' trigger days, oldest first ("; "
    between two): a result holding items under two texts of a rule names both."""
    found: dict[str, list] = {}
    for ob in obligations:
        if isinstance(ob, dict):
            rule, trigger = ob["rule"], (ob.get("trigger") or {}).get("date")
        else:
            rule, event = ob.rule, getattr(ob, "trigger", None)
            trigger = event.date if event is not None else None
        entry = district.ruleset.entries.get(rule)
        if entry is None:
            continue
        if isinstance(trigger, str):
            trigger = date.fromisoformat(trigger)
        version = (entry.version_on(trigger) if trigger else None) or entry.latest
        used = found.setdefault(rule, [])
        if version not in used:
            used.append(version)
    return {
        rule: "; ".join(v.interval() for v in sorted(used, key=_starts))
        for rule, used in found.items()
    }


def _starts(version) -> date:
    return version.effective_from or date.min
