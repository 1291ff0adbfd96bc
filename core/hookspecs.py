"""Hook specifications: what a jurisdiction or district add-on may contribute.

One hook per kind of contribution, in the manner of datasette's and pytest's ``hookspecs.py``.
A plugin is a module (or object) with functions decorated by :data:`hookimpl` and named like the
specs below, registered in the ``spedrules`` entry-point group::

    # pyproject.toml of your plugin
    [project.entry-points.spedrules]
    us-xx = "spedrules_us_xx"

Implementations may accept fewer arguments than the spec (pluggy's opt-in arguments), so
``def spedrules_timeline_rules(): ...`` is fine if the rules do not depend on the district.

spedrules calls each plugin's implementation on its own, stamps every returned rule with the
plugin's id and validates it; a plugin that raises or returns garbage is reported by name and
never takes the others down. Order of registration never decides anything: the district's
configured stack does (docs/layering.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from spedrules.core.engine.plugins import HookContext
    from spedrules.core.engine.restraint_report import RestraintReportDefinition
    from spedrules.core.model.rules import (
        EligibilityCategory,
        FormDefinition,
        IncidentDuty,
        IncidentProhibition,
        JurisdictionInfo,
        MeetingRule,
        Option,
        ProgramRule,
        ReportContents,
        TimelineRule,
    )

PROJECT = "spedrules"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def spedrules_jurisdiction() -> JurisdictionInfo:
    """Say who this plugin is. Required of every plugin.

    Return a :class:`~spedrules.core.model.rules.JurisdictionInfo`: ``id`` (the id districts put in
    their stack, equal to the entry-point name), ``name``, ``level`` (federal, state, region,
    district or local), ``parent`` (the id of the plugin this one layers on, or ``None`` for a
    root such as ``us-idea``), ``sources`` (the documents the rules encode) and any namespaced
    ``event_types`` / ``obligation_kinds`` the plugin adds to the core vocabulary.

    Example::

        @hookimpl
        def spedrules_jurisdiction():
            return JurisdictionInfo(id="us-xx", name="State of XX", level="state",
                                    parent="us-idea",
                                    sources=(SourceDocument("XX Admin. Code ch. 7"),))
    """


@hookspec
def spedrules_options() -> list[Option]:
    """Declare the district options this plugin reads.

    Return a list of :class:`~spedrules.core.model.rules.Option` with ids namespaced by the plugin
    (``florida.fape_end_age_policy``), the allowed ``choices`` and the ``default``. A district
    sets them in the ``[options]`` table of its config; an option no plugin in the stack declares,
    or a value outside ``choices``, is a configuration error. Read the resolved values from
    ``ctx.options`` in the other hooks.
    """


@hookspec
def spedrules_timeline_rules(ctx: HookContext) -> list[TimelineRule]:
    """Contribute deadlines: :class:`~spedrules.core.model.rules.TimelineRule` objects.

    Each rule says what starts the clock (``trigger``: events, a birthday, removals or the first
    day of each school year), how far the due date lies (``period``: an amount and a unit such
    as ``school_days`` or ``tolled_days``; every unit is in docs/plugin-hooks.md),
    which events meet it (``met_by``) and which make it moot (``cancelled_by``). Give a stable
    ``id`` (``xx.initial_evaluation``), a ``kind`` from the core vocabulary and a ``citation``.

    To change a more general layer's rule, set ``replaces="idea.initial_evaluation"`` (the rule
    is gone, yours stands in its place) or ``tightens=...`` (the legal deadline stays visible and
    yours is a stricter local target beside it; a tightening that falls later than the law is
    reported with both citations). Rules that change by school year are several objects with the
    same ``id`` and non-overlapping ``effective_from``/``effective_to``.

    ``ctx`` carries the district config (``ctx.config``, ``None`` when listing without a
    district), the resolved ``ctx.options`` and the evaluation date ``ctx.as_of``.
    """


@hookspec
def spedrules_eligibility_categories(ctx: HookContext) -> list[EligibilityCategory]:
    """Contribute eligibility categories, each a set of named, cited criteria.

    Return :class:`~spedrules.core.model.rules.EligibilityCategory` objects whose ``criteria`` are
    :class:`~spedrules.core.model.rules.Criterion` objects with a ``check`` callable over the case's
    evaluation data returning met / not_met / insufficient_data with reasons, never a bare yes/no.
    """


@hookspec
def spedrules_incident_rules(
    ctx: HookContext,
) -> list[IncidentDuty | IncidentProhibition | ReportContents]:
    """Contribute restraint, seclusion and emergency-intervention rules.

    Return :class:`~spedrules.core.model.rules.IncidentDuty` objects (duties with a deadline counted
    from the incident: ``period``, ``counted_from``, ``met_by``; or without one),
    :class:`~spedrules.core.model.rules.IncidentProhibition` objects (``prohibits={"method":
    ("mechanical",)}`` turns a matching incident into a violation) and
    :class:`~spedrules.core.model.rules.ReportContents` (what the report must hold).
    """


@hookspec
def spedrules_meeting_rules(ctx: HookContext) -> list[MeetingRule]:
    """Contribute IEP-meeting checks, as :class:`~spedrules.core.model.rules.MeetingRule` whose
    ``checks`` are tagged types: required team roles, notice and agenda lead times, time-of-day
    windows, maximum duration, the student's invitation, parent contacts, school-day coverage.
    """


@hookspec
def spedrules_forms(ctx: HookContext) -> list[FormDefinition]:
    """Contribute forms as data: :class:`~spedrules.core.model.rules.FormDefinition` with a
    ``code``,
    versioned by effective dates, and fields that name where their value comes from in the case.
    """


@hookspec
def spedrules_program_rules(ctx: HookContext) -> list[ProgramRule]:
    """Contribute rules about a group of students rather than one student.

    Return :class:`~spedrules.core.model.rules.ProgramRule` objects: the students of a group (by
    default one school) who carry a ``program`` flag in their case (``flags: [inclusion]``) are
    counted on the first day of each school year, and a count above ``more_than`` calls for a
    duty (``period`` after that day, or no deadline), met by an event recorded on any of the
    group's cases. ``spedrules programs`` and the sweep's dashboard evaluate them over a roster.

    Example (a negotiated staffing review)::

        @hookimpl
        def spedrules_program_rules():
            return [ProgramRule(id="xx.inclusion_staffing", kind="xx.staffing_review",
                                title="Staffing review", citation="Agreement 4.2",
                                program="inclusion", more_than=5,
                                met_by=(EventMatch("xx.staffing_reviewed"),))]
    """


@hookspec
def spedrules_edfi_descriptors() -> dict[str, dict[str, str]]:
    """Map spedrules' vocabulary to Ed-Fi descriptor code values, for ``spedrules export edfi``.

    Return ``{descriptor: {our value: Ed-Fi code value}}``, where ``descriptor`` is the Ed-Fi
    descriptor's name without the ``Descriptor`` suffix (``Disability``,
    ``EligibilityDelayReason``, ``SpecialEducationExitReason``, ``RestraintEventReason``,
    ``IDEAPart``) and the code values are those of the descriptor set the district loads (the
    namespace comes from the district's ``[edfi]`` table). The stack is read general ->
    specific, so a state or a district add-on may add values or map one differently. A value the
    export meets that no plugin maps is an error naming it: nothing is guessed or dropped.

    Example (a district's own delay reason code)::

        @hookimpl
        def spedrules_edfi_descriptors():
            return {"EligibilityDelayReason": {"xx.snow_days": "Other"}}
    """


@hookspec
def spedrules_restraint_report(ctx: HookContext) -> RestraintReportDefinition:
    """Define the jurisdiction's restraint-reduction report, for ``spedrules report restraint``
    and the dashboard's restraint trend.

    Return a :class:`~spedrules.core.engine.restraint_report.RestraintReportDefinition`: the
    restraint
    ``types`` the report counts (each published key with its label, in the order a chart stacks
    them), the ``restraint_type`` function that gives an incident its type, the
    ``grade_bands`` (:class:`~spedrules.core.engine.restraint_report.GradeBand`) and the
    ``year_start_month`` of the reporting year, with the ``title`` and ``citation`` of the
    report. The most specific plugin of the stack that implements it decides; a stack in which
    none does is counted by the core vocabulary (the recorded method, no grade bands, years
    from July 1), and the report says so.

    Example (a state that reports restraints by method, school years from August)::

        @hookimpl
        def spedrules_restraint_report():
            return RestraintReportDefinition(
                title="Restraint report", citation="XX Admin. Code 7.12",
                types={"physical": "Physical", "mechanical": "Mechanical"},
                restraint_type=lambda incident: incident.method or "physical",
                year_start_month=8)
    """
