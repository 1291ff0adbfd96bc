"""The plain-case fast path reads a case exactly as the general cattrs hooks do: the same Case
(fields, types, source, warnings), or the same one-line error, for any mapping."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import spedrules
from spedrules.cli.demo import district_population
from spedrules.core.errors import InputError
from spedrules.core.model import Case, Event, Student, convert
from spedrules.core.model import case as case_module
from spedrules.core.model.case import canonical, case_from_dict
from spedrules.core.model.vocabulary import ATTENDEE_ROLES, DISABILITY_CODES
from tests.districts import EXAMPLES

MESA = spedrules.load_district(EXAMPLES / "mesa-verde.toml")
EVENT, CASE = (convert, "_plain_event"), (case_module, "plain_case")


def read(value: dict, off: tuple = (), district=MESA) -> str:
    """The case read from ``value`` (its repr: every field with its type, source and warnings
    included) or the error raised, with the shortcuts ``off`` (module, name) turned off."""
    with pytest.MonkeyPatch.context() as m:
        for module, name in off:
            m.setattr(module, name, lambda v: None)
        try:
            return repr(case_from_dict(copy.deepcopy(value), "c.yaml", district.event_types))
        except InputError as exc:
            return f"error: {exc}"
        except Exception as exc:  # a crash, not an input error: the same crash
            return f"crash: {type(exc).__name__}: {exc}"


def assert_read_alike(value: dict, district=MESA) -> str:
    """Fast, fast without the plain-event shortcut, general (as before the plain-case path)
    and cattrs alone: the same outcome; the fast path leaves the mapping as it was."""
    before = copy.deepcopy(value)
    fast = read(value, (), district)
    for off in ((EVENT,), (CASE,), (CASE, EVENT)):
        assert read(value, off, district) == fast
    assert value == before
    return fast


def mostly(usual, odd):
    """Mostly ``usual`` (the store's shapes), now and then ``odd``: every field odd at once
    would be an error before any fast reading is compared."""
    return st.integers(0, 5).flatmap(lambda n: odd if n == 0 else usual)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2, 2), st.just(1.5), st.text(max_size=3), st.just([])
)
texts = mostly(st.text(max_size=4), scalars)
maybe_texts = mostly(st.one_of(st.none(), st.text(max_size=4)), scalars)
days = mostly(
    st.dates().map(date.isoformat),
    st.one_of(
        st.dates(), st.datetimes(), scalars,
        st.sampled_from(["2026-02-30", "2026-W01-1", "20260101", "2026-12-01T10:00", " 2026-1-1"]),
    ),
)  # fmt: skip
moments = mostly(
    st.datetimes().map(datetime.isoformat),
    st.one_of(
        st.datetimes(), st.dates(), st.dates().map(str), scalars,
        st.sampled_from(["2026-12-01 10:00", "2026-12-01T25:00", "2026-12-01T10:00+02:00", "x"]),
    ),
)  # fmt: skip
flags = mostly(st.booleans(), scalars)
odd_keys = st.dictionaries(
    st.sampled_from(["details", "place", "note", 1, "id"]), scalars, max_size=2
)


def record(required: dict, optional: dict, extra=odd_keys):
    """A mapping of some of a record's fields, perhaps with keys it does not know."""
    return st.builds(
        lambda known, more: {**more, **known},
        st.fixed_dictionaries(required, optional=optional),
        mostly(st.just({}), extra),
    )


def listed(items):
    return mostly(st.lists(items, max_size=3), st.one_of(st.tuples(items), scalars))


people = record({"name": texts}, {"role": maybe_texts})
contacts = record(
    {"name": texts}, {k: maybe_texts for k in ("relationship", "phone", "email", "language")}
)
students = record(
    {"id": mostly(st.just("S1"), st.one_of(st.sampled_from([" ", "x" * 70]), texts))},
    {
        **{k: maybe_texts for k in ("name", "grade", "ethnicity", "school", "case_manager")},
        "home_language": maybe_texts,
        "disability": mostly(st.sampled_from(sorted(DISABILITY_CODES)), maybe_texts),
        "secondary_disability": mostly(st.sampled_from([None, "SLD"]), texts),
        "birth_date": mostly(days, st.none()),
        "english_learner": flags,
        "has_bip": flags,
        "contacts": listed(contacts),
        "flags": listed(texts),
    },
)
event_types = st.sampled_from(
    ["absence", "referral_received", "disciplinary_removal", "timeline_extension_agreed",
     "student_exited", "delay_reason_recorded", "ca.services_ended", "made_up"]
)  # fmt: skip
events = st.one_of(
    record({"type": mostly(event_types, texts), "date": days}, {}),  # the usual event
    record(
        {"type": mostly(event_types, texts)},
        {
            "date": days,
            "at": moments,
            "id": mostly(st.sampled_from(["E1", "E2"]), st.one_of(st.just(""), texts)),
            "days": mostly(st.integers(1, 3), scalars),
            "applies_to": st.sampled_from(["initial_evaluation", "x"]),
            "until": days,
            "reason": st.sampled_from(["moved", "other", "", "staff"]),
        },
    ),
)
incidents = record(
    {
        "id": st.sampled_from(["I1", "I2"]),
        "type": mostly(st.sampled_from(["restraint", "seclusion"]), texts),
        "started_at": moments,
    },
    {
        "released_at": mostly(moments, st.none()),
        "method": mostly(st.just("physical"), maybe_texts),
        "position": mostly(st.just("prone"), maybe_texts),
        "location": maybe_texts,
        "injuries": maybe_texts,
        "staff": listed(people),
        "witnesses": listed(people),
    },
)
attendees = record(
    {"name": texts, "role": mostly(st.sampled_from(sorted(ATTENDEE_ROLES)), texts)},
    {"excused": flags},
)
meetings = record(
    {"id": st.sampled_from(["M1", "I1"]), "type": texts, "start": moments},
    {
        "end": mostly(moments, st.none()),
        "location": maybe_texts,
        **{k: st.one_of(days, moments) for k in ("notice_sent", "agenda_sent", "draft_sent")},
        "agreed_extension": flags,
        "attendees": listed(attendees),
    },
)
evaluations = mostly(
    st.dictionaries(st.text(max_size=3), scalars, max_size=3),
    st.one_of(st.dictionaries(st.one_of(st.integers(0, 2), st.booleans()), scalars), scalars),
)
cases = st.fixed_dictionaries(
    {"student": mostly(students, scalars)},
    optional={
        "events": listed(events),
        "incidents": listed(incidents),
        "meetings": listed(meetings),
        "evaluation": evaluations,
    },
)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=cases)
def test_any_case_mapping_is_read_as_the_general_hooks_read_it(value):
    event(assert_read_alike(value).split("(")[0].split(":")[0])


# every field of every record in a shape the fast path takes: the comparison above sees more
# errors than cases, this one sees cases
good_day = st.dates().map(date.isoformat)
good_moment = st.datetimes(min_value=datetime(2000, 1, 1)).map(datetime.isoformat)
good_text = st.text(max_size=4)
plain_students = st.fixed_dictionaries(
    {"id": st.just("S1")},
    optional={
        "name": good_text, "birth_date": good_day, "english_learner": st.booleans(),
        "disability": st.sampled_from(["SLD", "AUT"]), "school": st.none(),
        "contacts": st.lists(st.fixed_dictionaries({"name": good_text}, optional={
            "phone": good_text}), max_size=2),
        "flags": st.lists(good_text, max_size=2),
    },
)  # fmt: skip
plain_events = st.fixed_dictionaries(
    {"type": st.sampled_from(["absence", "referral_received", "ca.services_ended"])},
    optional={"date": good_day, "at": good_moment, "id": st.sampled_from(["E1", "E2"]),
              "eligible": st.booleans(), "details": st.just({"a": 1})},
)  # fmt: skip
plain_meetings = st.fixed_dictionaries(
    {"id": st.sampled_from(["M1", "M2"]), "type": st.just("annual"), "start": good_moment},
    optional={
        "end": good_moment, "notice_sent": st.one_of(good_day, good_moment),
        "agreed_extension": st.booleans(), "transition_discussed": st.booleans(),
        "attendees": st.lists(st.fixed_dictionaries(
            {"name": good_text, "role": st.sampled_from(["parent", "student"])},
            optional={"excused": st.booleans(), "arrived": good_text}), max_size=3),
    },
)  # fmt: skip
plain_incidents = st.fixed_dictionaries(
    {"id": st.sampled_from(["I1", "I2"]), "type": st.just("restraint"), "started_at": good_moment},
    optional={
        "released_at": good_moment, "method": st.just("physical"), "location": st.none(),
        "staff": st.lists(st.fixed_dictionaries({"name": good_text}, optional={
            "role": good_text}), max_size=2),
        "monitor_present": st.booleans(),
    },
)  # fmt: skip
plain_cases = st.fixed_dictionaries(
    {"student": plain_students},
    optional={
        "events": st.lists(plain_events, max_size=4),
        "incidents": st.lists(plain_incidents, max_size=2),
        "meetings": st.lists(plain_meetings, max_size=2),
        "evaluation": st.dictionaries(good_text, scalars, max_size=2),
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=plain_cases)
def test_plain_cases_take_the_fast_path_and_read_alike(value):
    assert convert.plain_case({**value, "source": None}) is not None
    assert_read_alike(value)


def stored(case: dict) -> dict:
    """A case mapping as the store returns it: JSON text read back, every list present."""
    data = json.loads(json.dumps(canonical(case)))
    return {"incidents": [], "meetings": [], "evaluation": {}, **data}


def test_the_demo_populations_take_the_fast_path_and_read_alike():
    seen = {"events": 0, "incidents": 0, "meetings": 0}
    for config in ("mesa-verde.toml", "gulf-shore.toml"):
        district = spedrules.load_district(EXAMPLES / config)
        for case in district_population(district, config, "P", 120, date(2027, 1, 15)):
            value = stored(case)
            assert convert.plain_case({**value, "source": None}) is not None
            assert assert_read_alike(value, district).startswith("Case(")
            for key in seen:
                seen[key] += len(value[key])
    assert seen["events"] > 2_000 and seen["incidents"] > 5 and seen["meetings"] > 100


def test_a_case_read_from_yaml_dates_reads_alike():
    value = {
        "student": {"id": "S1", "birth_date": date(2015, 3, 1)},
        "events": [{"type": "referral_received", "date": date(2026, 9, 1)}],
        "meetings": [
            {"id": "M1", "type": "annual", "start": datetime(2026, 9, 3, 15),
             "notice_sent": date(2026, 8, 20)},
        ],
    }  # fmt: skip
    assert convert.plain_case({**value, "source": None}) is not None
    assert "datetime.datetime(2026, 9, 3, 15, 0)" in assert_read_alike(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"student": {"id": 7}}, "id='7'"),  # a number is text to the general hook
        ({"student": {"id": "S1", "nick": "x"}}, "student: expected only the fields"),
        ({"student": {"id": "S1"}, "evaluation": None}, "evaluation"),
        ({"student": {"id": "S1"}, "evaluation": {1: "a"}}, "evaluation={'1': 'a'}"),
        ({"student": {"id": "S1"}, "meetings": [{"id": "M1", "type": "a"}]}, "meetings[0].start"),
        ({"student": {"id": "S1"}, "meetings": "M1"}, "meetings: expected a list"),
        ({"student": {"id": "S1"}, "incidents": [{"id": "I1", "type": "restraint",
          "started_at": "2026-13-01T10:00"}]}, "incidents[0].started_at"),
        ({"student": {"id": "S1"}, "events": [{"type": "absence", "at": "soon"}]}, "events[0].at"),
    ],
)  # fmt: skip
def test_shapes_off_the_fast_path_read_alike(value, message):
    outcome = assert_read_alike(value)
    assert message in outcome


def test_a_fast_case_is_the_general_case_field_by_field():
    """repr compares types too; equality of the Case and of its uncompared fields as well."""
    value = stored(next(iter(district_population(MESA, "mesa-verde.toml", "Q", 1))))
    value["meetings"] = [
        {"id": "M1", "type": "annual", "start": "2026-09-04T15:11:00", "place": "Room 4",
         "attendees": [{"name": "A", "role": "parent", "details": {"x": 1}}]},
    ]  # fmt: skip
    fast = case_from_dict(copy.deepcopy(value), "c.yaml", MESA.event_types)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(case_module, "plain_case", lambda v: None)
        general = case_from_dict(copy.deepcopy(value), "c.yaml", MESA.event_types)
    assert isinstance(fast, Case) and fast == general
    assert (fast.source, fast.warnings) == (general.source, general.warnings)
    assert fast.meetings[0].details == {"place": "Room 4"}
    assert fast.meetings[0].attendees[0].details == {"details": {"x": 1}}


days_or_moments = st.one_of(  # (date, at): exactly one, as validation leaves them
    st.tuples(st.sampled_from([date(2026, 9, 1), date(2026, 9, 2)]), st.none()),
    st.tuples(st.none(), st.sampled_from([datetime(2026, 9, 1, 10), datetime(2026, 9, 1, 11)])),
)
few_events = st.lists(
    st.builds(
        lambda kind, when, ident, details: Event(kind, *when, ident, details),
        st.sampled_from(["absence", "referral_received"]),
        days_or_moments,
        st.sampled_from([None, "", "E1", "E2"]),
        st.sampled_from([{}, {"a": 1}, {"a": 2}]),
    ),
    max_size=5,
)


@settings(max_examples=500, deadline=None)
@given(events=few_events)
def test_distinct_events_are_those_the_merge_leaves_alone(events):
    """The shortcut of _one_event_per_fact: where it says distinct, the event-by-event merge
    changes nothing and refuses nothing; elsewhere the merge decides, as before."""
    case = Case(student=Student(id="S1"), events=tuple(events))

    def merged(merge):
        try:
            out = merge(case, "c.yaml")
        except InputError as exc:
            return str(exc)
        return (out is case, out.events, out.warnings)

    distinct, outcome = case_module._distinct(case.events), merged(case_module._merge_repeats)
    if distinct:
        assert outcome == (True, case.events, ())
    assert merged(case_module._one_event_per_fact) == outcome
    event(f"distinct={distinct}, {type(outcome).__name__}")
