"""Rule types that plugins contribute, and the jurisdiction info every plugin declares.

Every rule has a stable ``id``, a ``kind`` from the core vocabulary (or namespaced), a ``citation``
(statute/regulation and handbook section), a ``layer`` (statutory | regional | local) and an
effective interval, so that old versions stay and the one in force on the trigger date applies.
A more specific layer may ``replaces`` or ``tightens`` a rule of a more general one by id
(docs/rules-as-data.md). ``source`` is stamped by the registry with the id of the plugin that
returned the rule; plugins leave it empty.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from attrs import field, frozen


@frozen
class Verification:
    """What was checked against the text of the source (its title and section), and when."""

    date: date  # the day the text was checked
    checked: str  # what was checked: the source's title and section, and what it says


@frozen(kw_only=True)
class RuleBase:
    id: str
    kind: str
    title: str
    citation: str
    layer: str | None = None  # defaults from the plugin's level when stamped
    replaces: str | None = None
    tightens: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None  # last day in force, inclusive
    verified_on: Verification | None = None  # what was checked against the source, and when
    notes: str = ""
    responsible: str = ""  # the role that must act ("ESE Specialist - School Based")
    source: str | None = None  # plugin id, stamped by the registry
    # where the text is in the source files (seed and line numbers), for developers only: never
    # part of ``citation``, which staff and parents read (statute, regulation, handbook section)
    source_ref: str = ""
    # the rule file and line a rule loaded from YAML was defined at ("rules/x.yaml:12")
    defined_at: str = ""

    def in_force(self, on: date) -> bool:
        starts = self.effective_from is None or self.effective_from <= on
        return starts and (self.effective_to is None or on <= self.effective_to)

    def interval(self) -> str:
        start = self.effective_from.isoformat() if self.effective_from else "always"
        end = self.effective_to.isoformat() if self.effective_to else "open-ended"
        return f"{start} .. {end}"


@frozen
class EventMatch:
    """Matches events of one ``type`` whose details hold one of the allowed values per key."""

    type: str
    where: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)

    def matches(self, event: Any) -> bool:
        if event.type != self.type:
            return False
        where = self.where  # most matches ask for a type only
        return not where or all(event.get(key) in allowed for key, allowed in where.items())

    def describe(self) -> str:
        text = self.type.replace("_", " ")
        conds = [f"{k} {'/'.join(map(str, v))}" for k, v in self.where.items()]
        return f"{text} ({', '.join(conds)})" if conds else text


@frozen
class Trigger:
    """What starts the clock: an event matching one of ``events`` (YAML ``type: events``)."""

    events: tuple[EventMatch, ...] = ()

    def describe(self) -> str:
        return " or ".join(m.describe() for m in self.events)

    def needed_types(self) -> frozenset[str]:
        """Event types without which a case cannot trigger the rule (empty: no such condition)."""
        return frozenset(m.type for m in self.events)

    def matches(self, event: Any) -> bool:
        return any(m.matches(event) for m in self.events)


EventTrigger = Trigger


@frozen
class BirthdayTrigger:
    """The student's ``age``-th birthday, from the case's birth date (YAML ``type: birthday``)."""

    age: int

    def describe(self) -> str:
        return f"{self.age}th birthday"

    def needed_types(self) -> frozenset[str]:
        return frozenset()

    def matches(self, event: Any) -> bool:
        return False


@frozen
class RemovalsTrigger:
    """Disciplinary removals in one school year totalling more than ``school_days``
    (YAML ``type: removals_over``)."""

    school_days: int

    def describe(self) -> str:
        return f"disciplinary removals totalling more than {self.school_days} school days"

    def needed_types(self) -> frozenset[str]:
        return frozenset({"disciplinary_removal"})

    def matches(self, event: Any) -> bool:
        return False


@frozen
class SchoolYearStartTrigger:
    """The first instructional day of each school year (YAML ``type: school_year_start``)."""

    def describe(self) -> str:
        return "first day of the school year"

    def needed_types(self) -> frozenset[str]:
        return frozenset()

    def matches(self, event: Any) -> bool:
        return False


AnyTrigger = Trigger | BirthdayTrigger | RemovalsTrigger | SchoolYearStartTrigger
# the ``type:`` of each trigger in a rule file
TRIGGER_TYPES: dict[str, type] = {
    "events": Trigger,
    "birthday": BirthdayTrigger,
    "removals_over": RemovalsTrigger,
    "school_year_start": SchoolYearStartTrigger,
}


@frozen
class Period:
    """How far from the trigger the due moment lies, and in what unit."""

    amount: int
    unit: str
    unit_stated: bool = True  # False: the source says "days" without a unit (counted as calendar)
    max_vacation_school_days: int = 5  # tolled_days only
    reopen_rule: bool = False  # hours only: a moment while school is closed moves to reopening
    absence_allowance: int | None = None  # in-session days: absences beyond this extend the count


@frozen
class Condition:
    """When a rule applies to one occurrence of its trigger; every set field must hold.

    Conditions are restated by each rule that uses them (Catala's lesson: an exception does not
    inherit its base rule's guard), and each one is written into the explanation.
    """

    days_before_year_end_at_most: int | None = None  # trigger at most N days before last_day

    def describe(self) -> str:
        return (
            f"made {self.days_before_year_end_at_most} days or less before the end of the "
            "regular school year"
        )


@frozen(kw_only=True)
class TimelineRule(RuleBase):
    """A deadline: ``period`` after ``trigger``, met by the first ``met_by`` event after it.

    ``applies_when`` limits the rule to some occurrences; with ``exception_to`` set, the rule is
    an exception that displaces the named rule on those occurrences (the named rule's obligation
    is then shown as not applicable, saying which exception applied).

    Without a ``period`` the source states no deadline: the duty is shown with no due date, open
    until a ``met_by`` event, never overdue (a district may set a local target by tightening it).
    ``arises_after`` makes such a duty arise only once that period has passed after the trigger
    without a ``cancelled_by`` event ("if the acknowledgement is not received within 5 days of
    the first call, a second call will be made").
    """

    trigger: AnyTrigger
    period: Period | None = None
    arises_after: Period | None = None
    met_by: tuple[EventMatch, ...] = ()
    cancelled_by: tuple[EventMatch, ...] = ()  # e.g. consent refused: not applicable
    requires_iep: bool = False  # age- and IEP-based rules apply only to students with an IEP
    applies_when: Condition | None = None
    exception_to: str | None = None
    # unit "custom": compute(occurrence_day, born, calendar) -> a
    # spedrules.core.calendar.counting.Count
    compute: Callable[..., Any] | None = field(default=None, eq=False, hash=False)


@frozen(kw_only=True)
class Criterion:
    """One named test of an eligibility category; ``check`` reads the case's evaluation data."""

    id: str
    title: str
    citation: str
    check: Callable[..., Any] | None = field(default=None, eq=False, hash=False)
    source_ref: str = ""  # seed file and lines, for developers (never in ``citation``)


@frozen(kw_only=True)
class EligibilityCategory(RuleBase):
    code: str  # the IDEA code the category maps to
    criteria: tuple[Criterion, ...] = ()


@frozen(kw_only=True)
class IncidentRule(RuleBase):
    """What every incident rule shares: the incidents it covers. A rule is one of three kinds
    (YAML ``type:``): :class:`IncidentDuty` (``duty``), :class:`IncidentProhibition`
    (``prohibition``) or :class:`ReportContents` (``contents``).

    ``applies_to`` names the incident types; ``when`` restricts the rule to incidents whose
    fields hold one of the given values, and ``student_when`` to students whose fields do
    (``{"has_bip": (False,)}``).
    """

    applies_to: tuple[str, ...] = ("restraint", "seclusion")
    when: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)
    student_when: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)  # has_bip: (False,)

    def __attrs_post_init__(self) -> None:
        if type(self) is IncidentRule:  # it would check nothing: silently, which is worse
            raise TypeError(
                f"incident rule {self.id}: use IncidentDuty, IncidentProhibition or ReportContents"
            )


@frozen(kw_only=True)
class IncidentDuty(IncidentRule):
    """A duty an incident calls for.

    With a ``period`` it is counted from the incident's ``counted_from`` moment and met by a
    ``met_by`` event about that incident (an event whose ``incident`` attribute is the
    incident's id, or without one, the first matching event at or after the incident). Without
    one the source gives no deadline: it is shown with no due date and stays open until
    ``met_by`` happens or ``attempts_required`` ``attempt`` events are recorded (e.g. two
    attempts to get a signed acknowledgement).
    """

    period: Period | None = None
    counted_from: str = "released_at"  # or started_at
    met_by: tuple[EventMatch, ...] = ()
    # a duty the source gives no deadline: met by ``met_by``, or by this many ``attempt`` events
    attempts_required: int | None = None
    attempt: EventMatch | None = None
    # a version known to be in force whose text could not be verified: its duties are shown as
    # undetermined, giving this reason, rather than guessed or silently left out
    unverified: str = ""


@frozen(kw_only=True)
class IncidentProhibition(IncidentRule):
    """What may not be done: incident fields and forbidden values (``{"method":
    ("mechanical",)}``); a matching incident is a violation. A list-valued incident field
    (``techniques: [...]``) matches when any element does."""

    kind: str = "prohibition"
    prohibits: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)


@frozen(kw_only=True)
class ReportContents(IncidentRule):
    """What the incident report must hold: incident fields (or ``details`` keys) each with the
    label the source gives it; ``student.name`` is read from the case's student. Once an
    ``incident_report_completed`` event is recorded for the incident, an empty one is a
    violation naming the item."""

    required: dict[str, str] = field(factory=dict, hash=False)  # field -> label in the source


AnyIncidentRule = IncidentDuty | IncidentProhibition | ReportContents
INCIDENT_RULE_TYPES: dict[str, type] = {
    "duty": IncidentDuty,
    "prohibition": IncidentProhibition,
    "contents": ReportContents,
}


@frozen
class LeadTime:
    """A document due before a meeting (YAML ``type: lead_time``): at least ``amount`` ``unit``
    before its start, and, when ``at_most`` is set, not earlier than that (a window: an agenda
    3 to 5 days before).

    For a meeting on the calendar it is an obligation of ``kind`` (``meeting_notice``,
    ``meeting_agenda``, ``draft_iep_to_parent`` or a namespaced kind) about the meeting, met by
    the ``field`` date or moment; once the meeting has taken place, a failed lead time is a
    violation. ``skip_months`` are meeting months the source leaves out ("beginning in September
    for October IEPs": no September meeting is covered)."""

    field: str  # notice_sent | agenda_sent | draft_sent | a details key holding a date
    amount: int
    unit: str = "calendar_days"  # calendar_days | hours | months | day_of_prior_month
    at_most: int | None = None
    only_if: str | None = None  # a meeting details flag that must be true (draft_requested)
    unit_stated: bool = True  # False: the source says "days" without a unit (calendar days)
    kind: str = ""  # the obligation kind of the prep deadline
    title: str = ""  # what is due, as the source says it ("Meeting notice to the IEP team")
    skip_months: tuple[int, ...] = ()


@frozen
class RequiredRoles:
    """Every role attends or is excused in writing (``type: required_roles``): attendee
    ``excused: true`` with ``written_agreement: true``, plus ``written_input: true`` when the
    attendee's ``area_discussed`` is true."""

    roles: tuple[str, ...]


@frozen
class OneOfRoles:
    """Someone in one of ``roles`` attends (``type: one_of_roles``)."""

    roles: tuple[str, ...]


@frozen
class LatestStart:
    """The meeting starts no later than ``minutes`` after the school day ends
    (``type: latest_start``)."""

    minutes: int


@frozen
class MaxDuration:
    """The meeting lasts at most ``minutes`` unless it records ``agreed_extension``
    (``type: max_duration``)."""

    minutes: int


@frozen
class InviteStudent:
    """The student is invited (present, or ``student_invited: true``) from ``age`` years on the
    meeting day (``type: invite_student``)."""

    age: int


@frozen
class ParentContactMethods:
    """The meeting's ``parent_contacts`` (``[{method, date}]``) use at least ``at_least``
    different methods (``type: parent_contact_methods``)."""

    at_least: int


@frozen
class SchoolDayCoverage:
    """A meeting in school hours is flagged until it records ``coverage_coordinated: true``
    (``type: school_day_coverage``)."""


AnyMeetingCheck = (
    RequiredRoles
    | OneOfRoles
    | LeadTime
    | LatestStart
    | MaxDuration
    | InviteStudent
    | ParentContactMethods
    | SchoolDayCoverage
)
MEETING_CHECK_TYPES: dict[str, type] = {
    "one_of_roles": OneOfRoles,
    "required_roles": RequiredRoles,
    "lead_time": LeadTime,
    "latest_start": LatestStart,
    "max_duration": MaxDuration,
    "invite_student": InviteStudent,
    "parent_contact_methods": ParentContactMethods,
    "school_day_coverage": SchoolDayCoverage,
}


@frozen(kw_only=True)
class MeetingRule(RuleBase):
    """Checks of a held or proposed IEP meeting; each failed check is a violation.

    ``checks`` are of the types above (YAML ``type:``), checked in the order of
    :data:`MEETING_CHECK_TYPES`. Lead times are prep deadlines for a meeting still on the
    calendar (an obligation with a due date each, core/engine/meetings.py) and violations once it
    has
    taken place. ``meeting_types`` (empty: every meeting), ``when`` and ``student_when``
    restrict the rule to meetings (details) and students holding those values.
    """

    meeting_types: tuple[str, ...] = ()  # empty: every meeting
    when: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)  # meeting details filter
    student_when: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)
    checks: tuple[AnyMeetingCheck, ...] = ()

    @property
    def lead_times(self) -> tuple[LeadTime, ...]:
        return tuple(c for c in self.checks if isinstance(c, LeadTime))


# The field types a form may hold (docs/forms.md; the SELPA and FDOE forms use all of them).
FIELD_TYPES = (
    "text",
    "longtext",
    "number",
    "date",
    "time",
    "checkbox",
    "choice",
    "multi",
    "signature",
    "table",
)


@frozen
class Text:
    """Words printed on a form, in English and in other languages: ``"Student"`` in a form file,
    or ``{en: Student, es: Alumno}``. A missing translation falls back to English, and
    :meth:`has` tells whether one exists (parent-facing notices are checked for it)."""

    en: str
    other: dict[str, str] = field(factory=dict, hash=False)

    def __str__(self) -> str:
        return self.en

    def has(self, language: str) -> bool:
        return language == "en" or language in self.other

    def in_(self, language: str) -> str:
        return self.other.get(language, self.en)


@frozen
class Choice:
    """One printed option of a choice/multi field: the value stored in the case and its label."""

    value: str
    label: Text


@frozen
class Column:
    """A column of a table field; ``source`` is read from each row of the table's source list.
    Type ``role`` prints an attendee role code with its title (core vocabulary)."""

    name: str
    label: Text
    source: str | None = None
    type: str = "text"
    choices: tuple[Choice, ...] = ()  # printed labels of coded values


@frozen
class FormField:
    """One blank on a form. ``source`` is a dotted path into the form data (``student.name``,
    ``meeting.date``, ``events.referral_received.date``, ``obligations.ca.initial.assessment_plan
    .due``); without one the field is entered by hand (``forms fill --values``)."""

    name: str
    label: Text
    type: str = "text"
    required: bool = False
    source: str | None = None
    choices: tuple[Choice, ...] = ()
    columns: tuple[Column, ...] = ()
    rows: tuple[dict[str, Any], ...] = ()  # pre-printed rows of a table (BER "copies sent to")
    help: Text | None = None
    cite: str = ""  # where the field comes from: the form line, the statute
    # the field is on the form only for a subject dated within these (a field added by an amendment)
    effective_from: date | None = None
    effective_to: date | None = None
    # the field applies only when each path has one of the values (``student.has_bip: [false]``)
    only_if: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)


@frozen
class FormSection:
    title: Text
    fields: tuple[FormField, ...] = ()
    statements: tuple[Text, ...] = ()  # printed text of the form (rights, instructions)
    columns: int = 3  # fields per row: 2 pairs an item with its initials (a checklist)


@frozen(kw_only=True)
class FormDefinition(RuleBase):
    """A jurisdiction's form as data: what it is for, when it is used, and each field's source.

    ``subject`` says what one filled form is about (the case, one meeting or one incident);
    ``parent_facing`` forms are printed in the student's home language when the form has it.
    """

    code: str  # as printed on the form face, without the revision: "NC 6A"
    heading: Text  # the printed title, translated
    revision: str = ""  # the printed revision: "6/15"
    subject: str = "case"  # case | meeting | incident
    trigger: str = ""  # the process step that calls for it
    parent_facing: bool = False
    sections: tuple[FormSection, ...] = ()
    languages: tuple[str, ...] = ("en",)
    seed_lines: str = ""  # for developers: where the seeds print it; never rendered or exported

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(f for section in self.sections for f in section.fields)


@frozen
class Option:
    """A district choice a plugin declares, set in the config's ``[options]`` table."""

    id: str  # namespaced by the plugin: "florida.fape_end_age_policy"
    title: str
    choices: tuple[Any, ...]
    default: Any
    citation: str = ""
    description: str = ""
    source_ref: str = ""  # seed file and lines, for developers (never in ``citation``)


@frozen
class SourceDocument:
    title: str
    reference: str = ""  # a path under shared/seeds, a URL or an official citation


@frozen
class Allowance:
    """Where the law lets a case's ``timeline_extension_agreed`` or ``child_not_produced``
    change an obligation of some kinds (docs/exceptions-and-exits.md), with the text that allows it.

    ``rules`` narrows it to some rule ids of those kinds (California's assessment plan may be
    extended, its end-of-year variant "in any event" may not); ``student_when`` to students
    whose fields hold one of the values (34 CFR 300.309(c): SLD only); ``after`` to cases that
    record an event of that type between the obligation's trigger and the agreement (a child
    who enrolled from another agency mid-timeline, 300.301(d)(2)). ``description`` says in words
    when the law allows it, for the violation that names a refused one."""

    event: str  # timeline_extension_agreed | child_not_produced
    kinds: tuple[str, ...]
    citation: str
    description: str
    rules: tuple[str, ...] = ()
    student_when: dict[str, tuple[Any, ...]] = field(factory=dict, hash=False)
    after: str | None = None


@frozen
class JurisdictionInfo:
    """Who a plugin is: its id, its parent in the stack and the documents it encodes."""

    id: str
    name: str
    level: str  # federal | state | region | district | local
    parent: str | None = None
    sources: tuple[SourceDocument, ...] = ()
    event_types: tuple[str, ...] = ()  # namespaced additions to the vocabulary
    obligation_kinds: tuple[str, ...] = ()
    # the extensions and suspensions this jurisdiction's law allows, each with its citation
    allowances: tuple[Allowance, ...] = ()


@frozen(kw_only=True)
class ProgramRule(RuleBase):
    """A rule about a group of students, not one: the students of a school who carry the
    ``program`` flag are counted on the first day of each school year, and more than
    ``more_than`` of them calls for the duty (La Habra: more than 5 "inclusion" students -> the
    IEP team evaluates the need for more staffing). ``period`` counts from that first day; without
    one the source sets no deadline and the duty is open until a ``met_by`` event is recorded on
    the case of any student of the group, on or after that day."""

    program: str  # the student flag that marks the program's students ("inclusion")
    more_than: int
    group_by: str = "school"  # the student field that separates programs (one per school)
    period: Period | None = None
    met_by: tuple[EventMatch, ...] = ()


# The hook that returns each rule type, for listing and checking.
RULE_HOOKS: dict[str, type[RuleBase]] = {
    "spedrules_timeline_rules": TimelineRule,
    "spedrules_eligibility_categories": EligibilityCategory,
    "spedrules_incident_rules": IncidentRule,
    "spedrules_meeting_rules": MeetingRule,
    "spedrules_forms": FormDefinition,
    "spedrules_program_rules": ProgramRule,
}
