"""Core forms: form files as data, paths into the case, typed values, gaps, languages, versions."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from spedrules.core.errors import InputError
from spedrules.core.forms import (
    choose_language,
    fill,
    form_problems,
    load_forms,
    lookup,
)
from spedrules.core.forms.data import form_data
from spedrules.core.model import Case, Contact, Event, Incident, Meeting, Obligation, Student
from spedrules.core.model.convert import structure_at
from spedrules.core.model.rules import FormDefinition, Text
from tests.factories import obligation

FORM = {
    "id": "xx.form.notice",
    "kind": "form",
    "code": "XX 1",
    "title": "Notice",
    "heading": {"en": "Notice", "es": "Aviso"},
    "citation": "XX 1.1",
    "subject": "meeting",
    "parent_facing": True,
    "languages": ["en", "es"],
    "sections": [
        {
            "title": {"en": "Meeting", "es": "Reunión"},
            "fields": [
                {
                    "name": "student",
                    "label": {"en": "Student", "es": "Alumno"},
                    "source": "student.name",
                    "required": True,
                },
                {
                    "name": "when",
                    "label": {"en": "Date", "es": "Fecha"},
                    "type": "date",
                    "source": "meeting.date",
                    "required": True,
                },
                {
                    "name": "place",
                    "label": {"en": "Place", "es": "Lugar"},
                    "source": "meeting.place",
                    "required": True,
                },
                {
                    "name": "due",
                    "label": {"en": "Due", "es": "Vence"},
                    "type": "date",
                    "source": "obligations.xx.rule.one.due | today",
                },
                {
                    "name": "new_box",
                    "label": {"en": "New", "es": "Nuevo"},
                    "type": "checkbox",
                    "effective_from": "2027-01-01",
                    "required": True,
                },
                {
                    "name": "bip_only",
                    "label": {"en": "BIP", "es": "BIP"},
                    "required": True,
                    "only_if": {"student.has_bip": [True]},
                },
                {
                    "name": "sig",
                    "label": {"en": "Signature", "es": "Firma"},
                    "type": "signature",
                    "required": True,
                },
            ],
        }
    ],
}


def form(**changes) -> FormDefinition:
    return structure_at({**FORM, **changes}, FormDefinition, "xx.yaml")


def case(**student) -> Case:
    return Case(
        student=Student(id="S-1", name="Ana", birth_date=date(2015, 3, 19), **student),
        events=(Event("referral_received", date=date(2026, 9, 1), details={"by": "K"}),),
        meetings=(
            Meeting(
                id="M-1",
                type="annual",
                start=datetime(2026, 12, 2, 15, 10),
                details={"place": "Room 12"},
            ),
        ),
    )


def data(c: Case, as_of=date(2026, 11, 20), obligations=()):
    return form_data(
        c, {"name": "Mesa Verde"}, as_of, meeting=c.meetings[0], obligations=obligations
    )


def test_text_is_english_or_a_mapping_of_languages():
    f = form()
    assert f.heading == Text("Notice", {"es": "Aviso"})
    assert f.heading.in_("es") == "Aviso" and f.heading.in_("fr") == "Notice"
    with pytest.raises(InputError) as err:
        form(heading={"es": "Aviso"})  # no English
    assert err.value.file == "xx.yaml" and err.value.field == "heading"


def test_lookup_walks_dotted_paths_and_keys_with_dots():
    tree = {"obligations": {"ca.annual_review": {"due": 1}}, "a": {"b": None}}
    assert lookup(tree, "obligations.ca.annual_review.due") == 1
    assert lookup(tree, "a.b.c") is None and lookup(tree, "missing") is None


def test_fill_reads_the_case_and_reports_what_is_missing():
    filled = fill(form(), data(case()), district="Mesa Verde", student="Ana")
    assert filled.values["student"] == "Ana"
    assert filled.values["when"] == date(2026, 12, 2)  # the meeting's start, as a date
    assert filled.values["place"] == "Room 12"  # a details key, lifted beside the known ones
    assert filled.origins["place"] == "meeting.place"
    # `a | b`: no obligation given, so the form's date (today = as of 2026-11-20)
    assert filled.values["due"] == date(2026, 11, 20)
    # the signature is entered by hand: missing, so the form is a draft
    assert [f.name for f in filled.missing] == ["sig"]
    assert filled.draft


def test_the_first_alternative_with_a_value_wins():
    ob = obligation("xx.rule.one", due=date(2026, 12, 1))
    filled = fill(form(), data(case(), obligations=[ob]))
    assert filled.values["due"] == date(2026, 12, 1)


def test_fields_outside_their_dates_are_not_on_the_form():
    # new_box is in force from 2027-01-01; the meeting is on 2026-12-02: not printed, not missing
    filled = fill(form(), data(case()))
    assert "new_box" in filled.absent and "new_box" not in [f.name for f in filled.fields]
    later = Case(
        student=case().student,
        meetings=(Meeting(id="M-2", type="annual", start=datetime(2027, 1, 12, 15, 0)),),
    )
    d = form_data(later, {}, date(2027, 1, 5), meeting=later.meetings[0])
    assert "new_box" in [f.name for f in fill(form(), d).missing]


def test_only_if_makes_a_field_not_applicable():
    assert "bip_only" in fill(form(), data(case())).inapplicable
    with_bip = fill(form(), data(case(has_bip=True)))
    assert "bip_only" in [f.name for f in with_bip.missing]


def test_hand_entered_values_are_typed_and_named_in_errors():
    filled = fill(form(), data(case()), entered={"sig": "Ana Ortiz"}, entered_from="v.yaml")
    assert not filled.draft and filled.origins["sig"] == "v.yaml"
    with pytest.raises(InputError) as err:
        fill(form(), data(case()), entered={"when": "2nd of May"}, entered_from="v.yaml")
    assert (err.value.file, err.value.field) == ("v.yaml", "when")
    assert "YYYY-MM-DD" in err.value.expected
    with pytest.raises(InputError) as err:
        fill(form(), data(case()), entered={"nope": 1}, entered_from="v.yaml")
    assert err.value.field == "nope" and "place" in err.value.expected


def test_a_case_value_of_the_wrong_kind_is_a_note_not_a_crash():
    f = form(
        sections=[
            {
                "title": "S",
                "fields": [
                    {
                        "name": "kind",
                        "label": "Kind",
                        "type": "choice",
                        "source": "meeting.type",
                        "choices": [{"value": "initial", "label": "Initial"}],
                    }
                ],
            }
        ]
    )
    filled = fill(f, data(case()))
    assert "kind" not in filled.values
    assert "'annual' at meeting.type" in filled.notes[0]


def test_language_follows_the_home_language_of_parent_facing_forms():
    assert choose_language(form(), Student(id="1", home_language="Spanish"), None) == ("es", None)
    assert choose_language(form(), Student(id="1"), None) == ("en", None)
    lang, note = choose_language(form(), Student(id="1", home_language="vi"), None)
    assert lang == "en" and "'vi'" in note and "interpreter" in note
    assert (
        choose_language(form(parent_facing=False), Student(id="1", home_language="es"), None)[0]
        == "en"
    )
    assert choose_language(form(languages=["en"]), Student(id="1"), "es")[0] == "en"


def test_form_problems_catch_bad_definitions():
    bad = form(
        subject="lunch",
        citation="NW SELPA Handbook 1.5.B (L725-728)",
        sections=[
            {
                "title": "S",
                "fields": [
                    {"name": "a", "label": "A", "type": "colour"},
                    {"name": "a", "label": "A again"},
                    {"name": "c", "label": "C", "type": "choice"},
                    {"name": "t", "label": "T", "type": "table"},
                    {"name": "d", "label": "D", "cite": "seed 000, IEP Implementation"},
                ],
            }
        ],
    )
    text = "\n".join(form_problems(bad))
    for expected in (
        "subject 'lunch'",
        "unknown type 'colour'",
        "two fields named 'a'",
        "choice without choices",
        "table without columns",
        "claims language 'es' but has no es text for 'S'",
        "citation cites seed lines ('NW SELPA Handbook 1.5.B (L725-728)')",
        "field d cite cites seed lines",
    ):
        assert expected in text


def test_every_contributed_form_file_is_valid():
    from pathlib import Path

    import spedrules

    root = Path(spedrules.__file__).parent
    folders = [p for p in root.glob("*/*/forms") if p.is_dir()]
    assert len(folders) == 3  # california, florida, lahabra-best-practices
    for folder in folders:
        for f in load_forms(folder):
            assert form_problems(f) == [], f.id
            assert f.citation.strip(), f.id


def test_incident_data_has_times_duration_and_contacts():
    inc = Incident(
        id="R-1",
        type="restraint",
        started_at=datetime(2026, 10, 16, 12, 5),
        released_at=datetime(2026, 10, 16, 12, 12),
        position="supine",
    )
    c = Case(
        student=Student(
            id="S", birth_date=date(2016, 10, 17), contacts=(Contact("Pat", "parent"),)
        ),
        incidents=(inc,),
        events=(
            Event(
                "parent_notified", at=datetime(2026, 10, 16, 14, 0), details={"method": "written"}
            ),
            Event(
                "parent_contact_attempted",
                at=datetime(2026, 10, 16, 12, 40),
                details={"method": "phone", "incident": "R-1"},
            ),
            Event("parent_notified", at=datetime(2026, 10, 15, 9, 0), details={"method": "phone"}),
        ),
    )
    from spedrules.jurisdictions.florida.report import restraint_type

    d = form_data(c, {}, date(2026, 10, 20), incident=inc, restraint_type=restraint_type)
    d = d["incident"]
    assert d["start_time"] == time(12, 5) and d["duration_minutes"] == 7
    assert d["restraint_type"] == "immobilization"  # supine, in the FDOE's terms
    # without a jurisdiction's report the core vocabulary types it: its recorded method
    plain = form_data(c, {}, date(2026, 10, 20), incident=inc)["incident"]
    assert plain["restraint_type"] == "unspecified"  # the incident records no method
    # born 2016-10-17: still 9 on the incident day (2026-10-16), 10 by the form's date
    assert d["student_age"] == 9
    # the day-before event is not about this incident; the others are, in time order
    assert [x["method"] for x in d["parent_contacts"]] == ["phone", "written"]
    assert d["first_parent_contact"]["time"] == time(12, 40)
    assert d["events"]["parent_notified"]["method"] == "written"


def test_html_escapes_what_the_case_says():
    from spedrules.core.forms.render import to_html

    c = Case(
        student=Student(id="S-1", name="<script>alert(1)</script>"),
        meetings=(Meeting(id="M-1", type="annual", start=datetime(2026, 12, 2, 15, 10)),),
    )
    html = to_html(fill(form(), data(c), district="A & B"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "A &amp; B" in html
    # the draft watermark, in the form's language
    assert '<div class="watermark">DRAFT</div>' in html
    spanish = to_html(fill(form(), data(c), language="es"))
    assert '<div class="watermark">BORRADOR</div>' in spanish and "Aviso" in spanish


def _form_file(code: str) -> FormDefinition:
    from pathlib import Path

    import spedrules

    root = Path(spedrules.__file__).parent
    forms = [f for folder in root.glob("*/*/forms") for f in load_forms(folder)]
    return next(f for f in forms if f.code == code)


def _annual(trigger: date, due: date) -> Obligation:
    from spedrules.core.model import EventRef

    return obligation(
        "ca.annual_review",
        kind="annual_iep_review",
        due=due,
        citation="EC 56343(d)",
        source="california",
        trigger=EventRef("iep_meeting_held", trigger),
    )


def test_the_notice_is_dated_the_day_it_was_sent_never_today():
    nc6a = _form_file("NC 6A")
    sent = Meeting(
        id="M-1",
        type="annual",
        start=datetime(2026, 12, 2, 15, 10),
        location="Room 14",
        notice_sent=date(2026, 11, 20),
    )
    c = Case(student=case().student, meetings=(sent,))
    # prepared 2026-12-01 for a 2026-12-02 meeting: the notice still says Nov 20 (12 days' notice)
    d = form_data(c, {}, date(2026, 12, 1), meeting=sent)
    filled = fill(nc6a, d)
    assert filled.values["date"] == date(2026, 11, 20)
    assert filled.origins["date"] == "meeting.notice_sent"
    unsent = Meeting(id="M-1", type="annual", start=datetime(2026, 12, 2, 15, 10))
    c = Case(student=case().student, meetings=(unsent,))
    filled = fill(nc6a, form_data(c, {}, date(2026, 12, 1), meeting=unsent))
    assert "date" not in filled.values  # not the form's date
    assert "date" in [f.name for f in filled.missing] and filled.draft


def test_a_meeting_place_is_its_location_or_place():
    nc6a = _form_file("NC 6A")
    for meeting in (
        Meeting(id="M-1", type="annual", start=datetime(2026, 12, 2, 15), location="Room 14"),
        Meeting(
            id="M-1", type="annual", start=datetime(2026, 12, 2, 15), details={"place": "Room 14"}
        ),
    ):
        c = Case(student=case().student, meetings=(meeting,))
        d = form_data(c, {}, date(2026, 11, 20), meeting=meeting)
        assert d["meeting"]["location"] == d["meeting"]["place"] == "Room 14"
        assert fill(nc6a, d).values["place"] == "Room 14"


def test_the_meetings_next_deadline_is_the_one_it_starts():
    # two annual reviews: from the 2025-12-03 meeting (due 2026-12-03) and from this 2026-12-02
    # meeting (due 2027-12-02); in either list order the one this meeting starts is "next"
    old, new = (
        _annual(date(2025, 12, 3), date(2026, 12, 3)),
        _annual(date(2026, 12, 2), date(2027, 12, 2)),
    )
    c = Case(
        student=case().student,
        events=(
            Event("iep_meeting_held", date=date(2025, 12, 3), details={"meeting_type": "annual"}),
            Event("iep_meeting_held", date=date(2026, 12, 2), details={"meeting_type": "annual"}),
        ),
        meetings=(Meeting(id="M-1", type="annual", start=datetime(2026, 12, 2, 15, 10)),),
    )
    for obligations in ([old, new], [new, old]):
        d = form_data(c, {}, date(2026, 12, 3), meeting=c.meetings[0], obligations=obligations)
        assert d["meeting"]["next"]["ca.annual_review"]["due"] == date(2027, 12, 2)
        assert d["obligations"]["ca.annual_review"]["due"] == date(2027, 12, 2)
        # the last complete IEP before this one, not this one
        assert d["meeting"]["prior"]["iep_meeting_held"]["date"] == date(2025, 12, 3)
    # an amendment meeting on 2026-03-01 starts no annual review: the one in force is still due
    # 2026-12-03 (from 2025-12-03), and the later one is not yet known then
    amendment = Meeting(id="M-0", type="amendment", start=datetime(2026, 3, 1, 9))
    d = form_data(c, {}, date(2026, 12, 3), meeting=amendment, obligations=[new, old])
    assert d["meeting"]["next"]["ca.annual_review"]["due"] == date(2026, 12, 3)
    assert "ca.annual_review" not in d["meeting"]["obligations"]


def test_a_meeting_not_yet_recorded_is_held_on_its_day_for_its_deadlines():
    from spedrules.core.forms.data import as_held

    c = case()
    held = as_held(c, c.meetings[0])
    added = [e for e in held.events if e.type == "iep_meeting_held"]
    assert [(e.day, e.get("meeting_type")) for e in added] == [(date(2026, 12, 2), "annual")]
    assert as_held(held, held.meetings[0]) is None  # already recorded: nothing to add
    # a deadline read from such a meeting says it was computed for the meeting's day
    f = form(
        sections=[
            {
                "title": "S",
                "fields": [
                    {
                        "name": "next",
                        "label": "Next",
                        "type": "date",
                        "source": "meeting.next.ca.annual_review.due",
                    }
                ],
            }
        ]
    )
    new = _annual(date(2026, 12, 2), date(2027, 12, 2))
    d = form_data(
        c,
        {},
        date(2026, 11, 20),
        meeting=c.meetings[0],
        meeting_obligations=[new],
        held_assumed=True,
    )
    filled = fill(f, d)
    assert filled.values["next"] == date(2027, 12, 2)
    assert any(
        "computed as if the meeting is held on its day, 2026-12-02" in n for n in filled.notes
    )


def test_the_forms_own_date_is_never_silent():
    # `obligations.xx.rule.one.due | today`: no obligation, so the form's date, with a note
    filled = fill(form(), data(case()))
    assert filled.origins["due"] == "today"
    assert any(
        n.startswith("due: the case records no date") and "2026-11-20" in n for n in filled.notes
    )


def test_seed_lines_are_for_developers_only():
    import json

    from spedrules.core.forms.render import to_html

    f = form(seed_lines="seed 001: L16556-16601")
    assert form_problems(f) == []  # the developer-only key may hold them
    filled = fill(f, data(case()))
    for text in (to_html(filled), json.dumps(filled.to_dict(), default=str)):
        assert "L16556" not in text and "seed 001" not in text
