"""Random districts, calendars, as-of dates and cases for tests/core/test_batch.py.

Every generator takes a :class:`Draw`, so the same code feeds hypothesis (``HypothesisDraw``:
examples shrink) and a fixed seeded run (``RandomDraw``: the coverage test's large batch). What
each one covers is said beside it; cases are mappings in the case-file format
(docs/file-formats.md), read with ``as_case`` as real input is.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from attrs import evolve, field, frozen
from hypothesis import strategies as st

from spedrules.cli.demo import district_population
from spedrules.core.api import District, as_case, load_district
from spedrules.core.calendar import SchoolCalendar
from spedrules.core.engine.layering import resolve_options
from spedrules.core.engine.plugins import HookContext, Registry
from spedrules.core.model import Case
from spedrules.core.model.config import DistrictConfig, load_config
from spedrules.core.model.rules import (
    BirthdayTrigger,
    EventMatch,
    Period,
    SchoolYearStartTrigger,
    TimelineRule,
    Trigger,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Draw(Protocol):
    def integer(self, lo: int, hi: int) -> int: ...
    def choice(self, items: Sequence[Any]) -> Any: ...
    def chance(self, p: float) -> bool: ...
    def shuffle(self, items: list[Any]) -> list[Any]: ...


class HypothesisDraw:
    """Draws from hypothesis; ``chance`` shrinks to False (the simpler case: nothing added)."""

    def __init__(self, data) -> None:
        self.data = data

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))

    def choice(self, items: Sequence[Any]) -> Any:
        return self.data.draw(st.sampled_from(list(items)))

    def chance(self, p: float) -> bool:
        return self.data.draw(st.integers(0, 999)) >= round((1 - p) * 1000)

    def shuffle(self, items: list[Any]) -> list[Any]:
        return list(self.data.draw(st.permutations(items))) if len(items) > 1 else items


class RandomDraw:
    """The same draws from a seeded generator: a fixed, reproducible batch."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, items: Sequence[Any]) -> Any:
        return self.rng.choice(list(items))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def shuffle(self, items: list[Any]) -> list[Any]:
        items = list(items)
        self.rng.shuffle(items)
        return items


# ---- districts ---------------------------------------------------------------------------------


@frozen
class Spec:
    """A district to test: its config, the option values to vary, and the demo population's
    config name (core/synthetic.py students can be mixed in) if it is one of the examples."""

    name: str
    config: DistrictConfig
    options: dict[str, tuple[Any, ...]] = field(factory=dict)
    population: str | None = None


def _config(name: str, state: str, tz: str, stack: tuple[str, ...]) -> DistrictConfig:
    return DistrictConfig(id=name, name=f"{name} (test)", state=state, timezone=tz, stack=stack)


def district_specs() -> list[Spec]:
    """The two bundled examples, and stacks that bring in every other bundled plugin: the
    federal baseline alone (its rules that California and Florida replace), California with the
    independent-study charter, Florida without St. Lucie, and Wyandotte (Kansas) on the federal
    rules. Options vary what they change in the rules (ages, cutoffs, periods)."""
    cutoff = {"california.end_of_year_referral_cutoff": ("ec_56321_10_days", "handbook_20_days")}
    majority = {"us-idea.age_of_majority": (18, 19, 21)}
    fape = {
        "florida.fape_end_age_policy": ("day_turns_22", "end_of_semester", "end_of_school_year")
    }
    wyandotte = {
        "wyandotte-case-management.grade_report_weeks": (4, 6, 9, 12, 18),
        "wyandotte-case-management.progress_monitoring": ("every_two_weeks", "weekly"),
    }
    los_angeles, new_york = "America/Los_Angeles", "America/New_York"
    return [
        Spec("mesa-verde", load_config(EXAMPLES / "mesa-verde.toml"), cutoff, "mesa-verde.toml"),
        Spec("gulf-shore", load_config(EXAMPLES / "gulf-shore.toml"), fape, "gulf-shore.toml"),
        Spec("federal", _config("federal", "CO", "America/Denver", ("us-idea",)), majority),
        Spec(
            "charter",
            _config(
                "charter", "CA", los_angeles, ("us-idea", "california", "charter-independent-study")
            ),
            {**cutoff, **majority},
        ),
        Spec("florida", _config("florida", "FL", new_york, ("us-idea", "florida")), fape),
        Spec(
            "wyandotte",
            _config("wyandotte", "KS", "America/Chicago", ("us-idea", "wyandotte-case-management")),
            {**wyandotte, **majority},
        ),
    ]


def bundled_timeline_rule_ids(registry: Registry) -> set[str]:
    """Every timeline rule id an installed plugin returns (each on its own ancestry's options)."""
    ids = set()
    for plugin_id in registry.plugins:
        options = resolve_options(registry, registry.ancestry(plugin_id), {})
        rules = registry.rules(plugin_id, "spedrules_timeline_rules", HookContext(options=options))
        ids |= {r.id for r in rules if isinstance(r, TimelineRule)}
    return ids


def load(spec: Spec, registry: Registry, options: dict, calendar: Any) -> District:
    """The spec's district with these options and a calendar: "own" (the config's), None (no
    calendar at all) or a SchoolCalendar."""
    config = evolve(spec.config, options={**spec.config.options, **options})
    if calendar == "own":
        return load_district(config, registry)
    if calendar is None:
        return load_district(evolve(config, calendar=None), registry)
    return load_district(config, registry, calendar=calendar)


def options(draw: Draw, spec: Spec) -> dict[str, Any]:
    return {key: draw.choice(values) for key, values in spec.options.items()}


# ---- calendars ---------------------------------------------------------------------------------


def calendar(draw: Draw, tz: str) -> SchoolCalendar | str | None:
    """The district's own calendar, none, or a generated one: regular consecutive years (1 to
    3, from 2013, so Florida's 2014 rule version is counted too), a year missing between two
    (a gap), or a last year ending early (counts run past the calendar); random single-day
    closures and breaks (some longer than 5 school days, which tolled counts skip), some
    office closures, sometimes a four-day week."""
    shape = draw.choice(("own", "regular", "regular", "gap", "early", "none"))
    if shape == "own":
        return "own"
    if shape == "none":
        return None
    first_year = draw.integer(2013, 2027)
    count = {"regular": draw.integer(1, 3), "gap": 3, "early": draw.integer(1, 2)}[shape]
    years = []
    for i in range(count):
        if shape == "gap" and i == 1:
            continue  # the middle year is missing: more than a summer between the other two
        first = date(first_year + i, 8, 1) + timedelta(days=draw.integer(0, 30))
        short = shape == "early" and i == count - 1
        last = first + timedelta(days=draw.integer(20, 150) if short else draw.integer(250, 300))
        years.append(_year(draw, first, last))
    week = ["mon", "tue", "wed", "thu"] + ([] if draw.chance(0.1) else ["fri"])
    data = {"name": f"random {shape}", "timezone": tz, "weekdays": week, "years": years}
    return SchoolCalendar.from_dict(data, f"random-{shape}.yaml")


def _year(draw: Draw, first: date, last: date) -> dict[str, Any]:
    closures = []
    cursor = first + timedelta(days=draw.integer(1, 25))
    while cursor < last - timedelta(days=5):
        length = draw.choice((1, 1, 1, 2, 3, 5, 9, 16))
        end = min(cursor + timedelta(days=length - 1), last - timedelta(days=1))
        closure: dict[str, Any] = {"name": f"closure {len(closures)}"}
        if end == cursor:
            closure["date"] = cursor.isoformat()
        else:
            closure.update(start=cursor.isoformat(), end=end.isoformat())
        if draw.chance(0.3):
            closure["office_closed"] = True
        closures.append(closure)
        cursor = end + timedelta(days=draw.integer(3, 60))
    name = f"{first.year}-{str(first.year + 1)[-2:]}"
    return {
        "name": name,
        "first_day": first.isoformat(),
        "last_day": last.isoformat(),
        "closures": closures,
    }


def as_of(draw: Draw, cal: SchoolCalendar | None) -> date:
    """A day across the calendar's span and up to 200 days either side (before its first year,
    after its last), or one of its first and last days and the days beside them."""
    first, last = cal.coverage if cal else (date(2026, 8, 19), date(2027, 6, 10))
    edges = (first - timedelta(days=1), first, last, last + timedelta(days=1))
    if draw.chance(0.2):
        return draw.choice(edges)
    return first + timedelta(days=draw.integer(-200, (last - first).days + 200))


# ---- cases -------------------------------------------------------------------------------------


@frozen
class Story:
    """What one timeline rule reads: its trigger's events (none for a birthday or a school
    year's start), the events that meet or cancel it."""

    trigger: tuple[EventMatch, ...]
    met_by: tuple[EventMatch, ...]
    cancelled_by: tuple[EventMatch, ...]
    birthday: int | None = None
    year_start: bool = False
    period: Period | None = None
    before_year_end: int | None = None  # an exception's condition: N days before the year ends
    edges: tuple[date, ...] = ()  # where its versions start and end


@frozen
class Vocabulary:
    """A district's stories, the ages its birthday rules fire at, the values of each event
    attribute its rules test (with one value none of them accepts), and its obligation kinds."""

    stories: tuple[Story, ...]
    ages: tuple[int, ...]
    values: dict[str, tuple[Any, ...]]
    kinds: tuple[str, ...]


def vocabulary(district: District) -> Vocabulary:
    stories, values, kinds = [], {}, set()
    for entry in district.ruleset.of_type(TimelineRule):
        for rule in entry.versions:
            kinds.add(rule.kind)
            trigger = rule.trigger
            stories.append(
                Story(
                    trigger.events if isinstance(trigger, Trigger) else (),
                    rule.met_by,
                    rule.cancelled_by,
                    trigger.age if isinstance(trigger, BirthdayTrigger) else None,
                    isinstance(trigger, SchoolYearStartTrigger),
                    rule.period,
                    rule.applies_when.days_before_year_end_at_most if rule.applies_when else None,
                    tuple(d for d in (rule.effective_from, rule.effective_to) if d is not None),
                )
            )
            matches = [*rule.met_by, *rule.cancelled_by, *getattr(trigger, "events", ())]
            for m in matches:
                for key, allowed in m.where.items():
                    values.setdefault(key, set()).update(allowed)
    pools = {k: tuple(sorted(v, key=repr)) + (_other(v),) for k, v in values.items()}
    pools.setdefault("meeting_type", ("annual",))
    pools["meeting_type"] += ("manifestation_determination", "amendment")
    ages = tuple(sorted({s.birthday for s in stories if s.birthday is not None}))
    return Vocabulary(tuple(dict.fromkeys(stories)), ages, pools, tuple(sorted(kinds)))


def _other(values: set) -> Any:
    """A value no rule accepts: the opposite boolean, a larger number, another word."""
    if all(isinstance(v, bool) for v in values):
        return not next(iter(values)) if len(values) == 1 else None
    if all(isinstance(v, int) for v in values):
        return max(values) + 1
    return "other"


def event(draw: Draw, vocab: Vocabulary, m: EventMatch, day: date, **extra) -> dict[str, Any]:
    """An event of ``m``'s type on ``day``: mostly with attributes ``m`` accepts, sometimes
    with another value (a meeting of another type, an ineligible determination)."""
    out: dict[str, Any] = {"type": m.type, "date": day.isoformat()}
    for key, allowed in m.where.items():
        out[key] = draw.choice(allowed) if draw.chance(0.85) else draw.choice(vocab.values[key])
    if m.type == "iep_meeting_held":
        out.setdefault("meeting_type", draw.choice(vocab.values["meeting_type"]))
        for flag in ("transition_plan", "age_of_majority_notice"):
            if draw.chance(0.3):
                out.setdefault(flag, draw.chance(0.7))
    if m.type == "eligibility_determined":
        out.setdefault("eligible", draw.chance(0.8))
    if m.type == "disciplinary_removal":
        out["days"] = draw.integer(1, 12)
    if draw.chance(0.05):  # recorded as a moment: its day is the moment's date
        out["at"] = f"{out.pop('date')}T{draw.integer(7, 17):02d}:30:00"
    out.update(extra)
    return out


def _offset(draw: Draw, story: Story) -> int:
    """Days from a trigger to what follows it: the same day, soon, around a deadline, late;
    for a count in calendar days, on the due day or the day after (met, or late)."""
    near = (0, draw.integer(1, 10), draw.integer(10, 70), draw.integer(60, 400))
    if story.period is not None and story.period.unit == "calendar_days":
        near += (story.period.amount, story.period.amount + 1)
    return draw.choice((*near, draw.integer(300, 1200)))


def _start(draw: Draw, story: Story, cal, day: date) -> date:
    """Mostly any day up to three years before the as-of date (or a little after); now and then
    a day beside an edge: a due day falling on the as-of date (calendar days, years), where a
    version of the rule starts or ends, a school year's first and last days, the last day on
    which an end-of-year exception's condition holds."""
    years = cal.years if cal else ()
    if story.before_year_end is not None:  # the condition's last day, known by the as-of date
        lasts = [y.last_day - timedelta(days=story.before_year_end) for y in years]
        known = [d for d in lasts if d < day]
        if known and draw.chance(0.3):
            return draw.choice(known) + timedelta(days=draw.integer(-1, 1))
    if not draw.chance(0.25):
        return day - timedelta(days=draw.integer(-60, 1100))
    edges = [day, *story.edges]
    unit = story.period.unit if story.period is not None else None
    if unit == "calendar_days":
        edges.append(day - timedelta(days=story.period.amount))
    if unit == "years":
        edges.append(date(day.year - story.period.amount, day.month, min(day.day, 28)))
    for year in years:
        edges += [year.first_day, year.last_day]
    return draw.choice(edges) + timedelta(days=draw.integer(-1, 1))


def story_events(draw: Draw, vocab: Vocabulary, story: Story, start: date) -> list[dict]:
    """A trigger on ``start``, sometimes repeated the same day (a duplicate, or another entry of
    the same kind), then perhaps what meets it and what cancels it, at random distances."""
    events = []
    if story.trigger:
        first = event(draw, vocab, draw.choice(story.trigger), start)
        events.append(first)
        if draw.chance(0.15):
            events.append(dict(first))  # the same fact twice: loading keeps one
        if draw.chance(0.2):  # another trigger that day: never the obligation's own meeting
            events.append(event(draw, vocab, draw.choice(story.trigger), start, note="second"))
    met = _offset(draw, story)
    if story.met_by and draw.chance(0.65):
        events.append(event(draw, vocab, draw.choice(story.met_by), start + timedelta(met)))
    if story.cancelled_by and draw.chance(0.2):  # sometimes on the day it is met
        cancel = met if draw.chance(0.3) else _offset(draw, story)
        events.append(
            event(draw, vocab, draw.choice(story.cancelled_by), start + timedelta(cancel))
        )
    return events


def _birth_date(draw: Draw, vocab: Vocabulary, day: date) -> date | None:
    """None, or a birth date making a birthday rule's age fall near ``day`` (before it, after
    it, on it, in the same calendar year or not), sometimes February 29."""
    if draw.chance(0.1):
        return None
    age = draw.choice((*vocab.ages, 8, 13)) if vocab.ages else draw.integer(3, 22)
    born = date(day.year - age, 1, 1) + timedelta(days=draw.integer(-400, 760))
    if draw.chance(0.15):  # the birthday on the as-of date, or the day before or after
        born = date(day.year - age, day.month, min(day.day, 28)) + timedelta(draw.integer(-1, 1))
    if draw.chance(0.05):
        leap = born.year - born.year % 4
        born = date(leap if leap % 100 else leap - 4, 2, 29)
    return born


def _around(draw: Draw, vocab: Vocabulary, story: Story, born, cal, day: date) -> list[dict]:
    """Events meeting a birthday or school-year rule, near the birthday or a year's start."""
    if story.birthday is not None and born is not None:
        anchor = date(born.year + story.birthday, 1, 1) + timedelta(days=draw.integer(0, 364))
    elif story.year_start and cal is not None:
        anchor = draw.choice(cal.years).first_day
    else:
        anchor = day - timedelta(days=draw.integer(0, 400))
    events = [
        event(draw, vocab, draw.choice(story.met_by), anchor + timedelta(draw.integer(-5, 60)))
    ]
    if draw.chance(0.6):  # an IEP, without which age- and IEP-based rules do not apply
        iep = EventMatch("iep_meeting_held", {"meeting_type": ("initial", "annual")})
        events.append(event(draw, vocab, iep, anchor - timedelta(draw.integer(1, 700))))
    return events


def _extras(draw: Draw, vocab: Vocabulary, day: date, around: list[date]) -> list[dict]:
    """Absences near the other events, removals, and the events that adjust an obligation
    (extensions, exits, delay reasons), some dated after the as-of date."""
    out = []
    if around and draw.chance(0.35):
        for _ in range(draw.integer(1, 12)):
            near = draw.choice(around) + timedelta(days=draw.integer(1, 60))
            out.append({"type": "absence", "date": near.isoformat()})
    if draw.chance(0.04):
        removal = EventMatch("disciplinary_removal", {"iaes": (True, False)})
        out.append(event(draw, vocab, removal, day - timedelta(draw.integer(-30, 300))))
    if draw.chance(0.08):
        out.append(_adjusting(draw, vocab, day + timedelta(days=draw.integer(-200, 40))))
    return out


def _adjusting(draw: Draw, vocab: Vocabulary, day: date) -> dict[str, Any]:
    """An extension, a child not produced, an exit, a revocation or a delay reason (their
    attributes as docs/exceptions-and-exits.md gives them), about one of the district's kinds."""
    kind = draw.choice(vocab.kinds)
    until = (day + timedelta(days=draw.integer(0, 90))).isoformat()
    choices = (
        {"type": "timeline_extension_agreed", "applies_to": kind, "until": until},
        {"type": "child_not_produced", "applies_to": kind},
        {"type": "student_exited", "reason": "moved"},
        {"type": "consent_revoked"},
        {"type": "delay_reason_recorded", "applies_to": kind, "reason": "staff_unavailable"},
    )
    return draw.choice(choices) | {"date": day.isoformat()}


def _records(draw: Draw, day: date) -> dict[str, list]:
    """Now and then an incident (its student goes per case) or a meeting: held (the batch
    keeps the student), or on the calendar, on or after the as-of date or still scheduled."""
    out: dict[str, list] = {"incidents": [], "meetings": []}
    if draw.chance(0.04):
        d = (day + timedelta(days=draw.integer(-300, 30))).isoformat()
        incident = {"id": "I1", "type": "restraint", "method": "physical", "position": "standing"}
        out["incidents"].append(
            incident | {"started_at": f"{d}T10:00:00", "released_at": f"{d}T10:05:00"}
        )
    if draw.chance(0.12):
        d = draw.choice((day, day - timedelta(days=1), day + timedelta(draw.integer(-300, 20))))
        sent = d - timedelta(days=draw.integer(0, 15))
        meeting = {"id": "M1", "type": draw.choice(("annual", "initial")), "notice_sent": str(sent)}
        meeting |= {"start": f"{d}T15:00:00", "end": f"{d}T16:00:00"}
        if draw.chance(0.2):
            meeting["status"] = "scheduled"  # its day passed, still on the calendar
        out["meetings"].append(meeting)
    return out


def student(draw: Draw, vocab: Vocabulary, cal, day: date, sid: str) -> dict[str, Any]:
    """One student's case as of ``day``: a birth date, a few rules' stories starting up to three
    years before the as-of date or a little after it, extras, maybe an incident or a meeting."""
    born = _birth_date(draw, vocab, day)
    events: list[dict] = []
    for _ in range(draw.integer(0, 4)):
        story = draw.choice(vocab.stories)
        removal = any(m.type == "disciplinary_removal" for m in story.trigger)
        if removal and not draw.chance(0.25):
            continue  # a removal sends its student per case: now and then only
        if story.trigger:
            events += story_events(draw, vocab, story, _start(draw, story, cal, day))
        elif story.met_by:
            events += _around(draw, vocab, story, born, cal, day)
    days = [date.fromisoformat(e.get("date") or e["at"][:10]) for e in events]
    events += _extras(draw, vocab, day, days)
    info: dict[str, Any] = {"id": sid}
    if born is not None:
        info["birth_date"] = born.isoformat()
    if draw.chance(0.2):
        info["disability"] = draw.choice(("SLD", "AUT", "SLI"))
    return {"student": info, "events": draw.shuffle(events), **_records(draw, day)}


def cases(draw: Draw, spec: Spec, district: District, day: date, n: int) -> list[Case]:
    """``n`` generated students and, for the examples, sometimes a few of the demo's
    realistic ones (core/synthetic.py) on this district's calendar."""
    vocab = vocabulary(district)
    raw = [student(draw, vocab, district.calendar, day, f"S{i}") for i in range(n)]
    if spec.population and draw.chance(0.5):
        prefix = f"R{draw.integer(0, 10_000)}-"
        raw += list(district_population(district, spec.population, prefix, draw.integer(1, 4), day))
    return [as_case(r, district) for r in raw]


def scenario(draw: Draw, spec: Spec, registry: Registry, students: int):
    """A district of ``spec`` (random options and calendar), an as-of date and its cases."""
    cal = calendar(draw, spec.config.timezone)
    district = load(spec, registry, options(draw, spec), cal)
    day = as_of(draw, district.calendar)
    return district, day, cases(draw, spec, district, day, students)
