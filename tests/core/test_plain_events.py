"""The plain-event fast path builds exactly what the general cattrs hooks build."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spedrules
from spedrules.cli.demo import district_population
from spedrules.core.errors import InputError
from spedrules.core.model import Attendee, Event, convert
from tests.districts import EXAMPLES


def both_ways(value: dict) -> tuple:
    """(fast, general) structure of one event mapping, each an Event or the error raised."""

    def run():
        try:
            return convert.structure_at(dict(value), Event, "f.yaml", "events[0]")
        except InputError as exc:
            return str(exc)

    fast = run()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(convert, "_plain_event", lambda v: None)
        general = run()
    return fast, general


values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=5))
dates = st.one_of(
    st.dates().map(date.isoformat), st.sampled_from(["2026-W01-1", "2026-02-30", "20260101"]),
    st.dates(), st.integers(), st.none(),
)  # fmt: skip
events = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(["absence", "referral_received"]), st.integers())},
    optional={
        "date": dates,
        "id": st.one_of(st.text(max_size=4), st.integers(0, 9), st.none()),
        "at": st.sampled_from(["2026-12-01T10:00", "nope"]),
        "details": st.dictionaries(st.text(max_size=3), values, max_size=2),
        "eligible": values,
        "days": values,
    },
)


@settings(max_examples=300, deadline=None)
@given(value=events)
def test_any_event_mapping_is_structured_as_the_general_hooks_do(value):
    fast, general = both_ways(value)
    assert fast == general


def test_the_demo_populations_events_are_the_same_events():
    found = 0
    for config in ("mesa-verde.toml", "gulf-shore.toml"):
        district = spedrules.load_district(EXAMPLES / config)
        for case in district_population(district, config, "P", 60, date(2027, 1, 15)):
            for value in case["events"]:
                fast, general = both_ways(value)
                assert fast == general and isinstance(fast, Event)
                found += 1
    assert found > 1_000


@pytest.mark.parametrize("day", ["2026-13-01", "2026-1-1 "])
def test_a_bad_date_still_names_the_field(day):
    fast, general = both_ways({"type": "absence", "date": day})
    assert fast == general and "events[0].date" in fast


def test_an_event_built_slot_by_slot_is_the_event_its_init_builds():
    fast = convert._plain_event({"type": "absence", "date": "2026-12-01", "id": "E1", "x": 1})
    slow = Event("absence", date(2026, 12, 1), None, "E1", {"x": 1})
    assert (fast, hash(fast), repr(fast)) == (slow, hash(slow), repr(slow))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.type = "referral_received"


def test_a_class_whose_init_does_more_is_not_built_slot_by_slot():
    @attrs.frozen
    class Checked:
        n: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Hooked:
        n: int

        def __attrs_post_init__(self):
            pass

    for cls in (Checked, Hooked):
        with pytest.raises(TypeError, match="is not built slot by slot"):
            convert._slot_setters(cls, ("n",))
    with pytest.raises(TypeError):  # the fields named in another order
        convert._slot_setters(Event, ("date", "type", "at", "id", "details"))


def test_a_plain_reader_calls_the_init_of_a_class_that_does_more():
    calls = []

    @attrs.frozen
    class Hooked:
        n: str

        def __attrs_post_init__(self):
            calls.append(self.n)

    assert convert._record_reader(Hooked)({"n": "x"}) == Hooked("x") and calls == ["x", "x"]


def test_plain_readers_build_frozen_instances_equal_to_their_inits():
    reader = convert._record_reader(Attendee)
    fast = reader({"name": "A", "role": "parent", "seat": 3})
    slow = Attendee("A", "parent", False, {"seat": 3})
    assert (fast, hash(fast), repr(fast)) == (slow, hash(slow), repr(slow))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.name = "B"
