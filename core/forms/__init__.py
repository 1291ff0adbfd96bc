"""Forms: jurisdiction forms as data, filled from a case (docs/forms.md).

A plugin keeps its forms as YAML files (one
:class:`~spedrules.core.model.rules.FormDefinition` each)
and returns them from ``spedrules_forms``. Filling a form reads each field's ``source`` path
(``a | b``: the first that has a value) from the *form data*, the mapping
:func:`spedrules.core.forms.data.form_data` builds from the case. Fields without a source are
entered by hand (``--values FILE``). A required field left empty is *missing*; a form with
anything missing is a draft (printed with a DRAFT watermark).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.errors import InputError
from spedrules.core.files import read_data
from spedrules.core.model import Student
from spedrules.core.model.convert import Expected, parse_date, parse_time, structure_at
from spedrules.core.model.rules import FIELD_TYPES, FormDefinition, FormField

SUBJECTS = ("case", "meeting", "incident")
# home_language values (codes or names, as SIS exports give them) -> a form language code
LANGUAGE_CODES = {"en": "en", "english": "en", "es": "es", "spa": "es", "spanish": "es"}
EMPTY = (None, "", [], (), {})
# a seed line reference ("L725-728", "seed 000", "lines 52-55"): for developers (``seed_lines``),
# never in what a parent or staff member reads
SEED_REFERENCE = re.compile(r"\bL\d{2,}|\bseed\b|\blines? \d", re.IGNORECASE)


# -- loading and checking form definitions ----------------------------------------------------


def load_forms(folder: str | Path) -> list[FormDefinition]:
    """Every ``*.yaml`` form definition in a plugin's folder, validated field by field."""
    forms = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data = read_data(path)
        if isinstance(data.get("title"), dict | str):  # the printed title, maybe translated
            data = {**data, "heading": data["title"], "title": _english(data["title"])}
        data.setdefault("kind", "form")
        forms.append(structure_at(data, FormDefinition, str(path)))
    return forms


def _english(title: Any) -> Any:
    return title.get("en", title) if isinstance(title, dict) else title


def form_problems(form: FormDefinition) -> list[str]:
    """What is wrong with a form definition (shown by ``spedrules plugins check``)."""
    where = f"form {form.id}"
    problems = []
    if form.subject not in SUBJECTS:
        problems.append(f"{where} has subject {form.subject!r}, not one of {', '.join(SUBJECTS)}")
    names: set[str] = set()
    for f in form.fields:
        if f.name in names:
            problems.append(f"{where} has two fields named {f.name!r}")
        names.add(f.name)
        if f.type not in FIELD_TYPES:
            problems.append(f"{where} field {f.name} has unknown type {f.type!r}")
        if f.type in ("choice", "multi") and not f.choices:
            problems.append(f"{where} field {f.name} is a {f.type} without choices")
        if f.type == "table" and not f.columns:
            problems.append(f"{where} field {f.name} is a table without columns")
    printed = [("citation", form.citation), ("trigger", form.trigger)] + [
        (f"text {t.en!r}", value) for t in _texts(form) for value in (t.en, *t.other.values())
    ]
    printed += [(f"field {f.name} cite", f.cite) for f in form.fields]
    printed += [(f"field {f.name} help", f.help.en) for f in form.fields if f.help]
    for what, text in printed:
        if SEED_REFERENCE.search(text or ""):
            problems.append(
                f"{where} {what} cites seed lines ({text!r}): cite statute, regulation and "
                "section; keep line references in seed_lines"
            )
    for language in form.languages:
        untranslated = [t.en for t in _texts(form) if not t.has(language)]
        if untranslated:
            problems.append(
                f"{where} claims language {language!r} but has no {language} text for "
                f"{untranslated[0]!r}"
                + (f" and {len(untranslated) - 1} more" * (len(untranslated) > 1))
            )
    return problems


def _texts(form: FormDefinition) -> Iterable[Any]:
    yield form.heading
    for section in form.sections:
        yield section.title
        yield from section.statements
        for f in section.fields:
            yield f.label
            yield from (c.label for c in f.choices)
            yield from (c.label for c in f.columns)


def lookup(data: Any, path: str) -> Any:
    """The value at a dotted ``path``; keys may hold dots themselves (rule ids), longest first."""
    parts = path.split(".")
    i = 0
    while i < len(parts):
        if not isinstance(data, dict):
            return None
        for j in range(len(parts), i, -1):
            key = ".".join(parts[i:j])
            if key in data:
                data, i = data[key], j
                break
        else:
            return None
    return data


def in_force(f: FormField, day: date) -> bool:
    """Whether the field is on the form for a subject of this day (a meeting's, an incident's)."""
    starts = f.effective_from is None or f.effective_from <= day
    return starts and (f.effective_to is None or day <= f.effective_to)


def applies(f: FormField, data: dict[str, Any]) -> bool:
    return all(lookup(data, path) in allowed for path, allowed in f.only_if.items())


def first_value(data: Any, source: str) -> Any:
    """The first non-empty value of ``a | b``: alternatives, e.g. an exception's deadline first."""
    return first_source(data, source)[1]


def first_source(data: Any, source: str) -> tuple[str | None, Any]:
    """The path of ``a | b`` that gave the first non-empty value, and that value."""
    for path in source.split("|"):
        value = lookup(data, path.strip())
        if value not in EMPTY:
            return path.strip(), value
    return None, None


def source_notes(data: dict[str, Any], origins: dict[str, str]) -> list[str]:
    """What a reader must know about values the case did not state as such: a date that is only
    the form's own date, a deadline computed for a meeting the case does not record as held."""
    notes = []
    dated = [name for name, path in origins.items() if path == "today"]
    if dated:
        notes.append(
            f"{', '.join(dated)}: the case records no date for this; printed the form's date, "
            f"{data['today'].isoformat()} (--as-of); enter the day it goes out with --values "
            "if that differs"
        )
    meeting = data.get("meeting") or {}
    if meeting.get("held_assumed"):
        assumed = [
            name
            for name, path in origins.items()
            if path.startswith(("meeting.next.", "meeting.obligations."))
            and lookup(data, path.rsplit(".", 1)[0] + ".triggered") == meeting["date"]
        ]
        if assumed:
            notes.append(
                f"{', '.join(assumed)}: computed as if the meeting is held on its day, "
                f"{meeting['date'].isoformat()} (the case records no iep_meeting_held that day)"
            )
    return notes


# -- filling ----------------------------------------------------------------------------------


@frozen
class FilledForm:
    """A form with the values the case (and the hand-entered values) gave it, and the gaps."""

    form: FormDefinition
    language: str
    as_of: date
    district: str
    student: str
    subject: str | None
    values: dict[str, Any]
    origins: dict[str, str]  # field name -> the source path, "entered by hand" or a file name
    notes: tuple[str, ...] = ()
    inapplicable: frozenset[str] = frozenset()  # fields whose ``only_if`` does not hold
    absent: frozenset[str] = frozenset()  # fields not on the version in force for the subject

    @property
    def fields(self) -> tuple[FormField, ...]:
        """The fields printed on this form (those in force on the subject's day)."""
        return tuple(f for f in self.form.fields if f.name not in self.absent)

    @property
    def missing(self) -> tuple[FormField, ...]:
        return tuple(
            f
            for f in self.fields
            if f.required and f.name not in self.inapplicable and self.values.get(f.name) in EMPTY
        )

    @property
    def draft(self) -> bool:
        """Unfinished until every required field, signatures included, is recorded."""
        return bool(self.missing)

    def to_dict(self) -> dict[str, Any]:
        from spedrules.core.model.convert import converter

        return {
            "form": self.form.code,
            "id": self.form.id,
            "revision": self.form.revision,
            "title": self.form.heading.in_(self.language),
            "language": self.language,
            "district": self.district,
            "student": self.student,
            "subject": self.subject,
            "as_of": self.as_of.isoformat(),
            "status": "draft" if self.draft else "complete",
            "citation": self.form.citation,
            "source": self.form.source,
            "values": {k: converter.unstructure(v) for k, v in self.values.items()},
            "origins": self.origins,
            "missing": [
                {
                    "field": f.name,
                    "label": f.label.in_(self.language),
                    "source": f.source or "entered by hand",
                }
                for f in self.missing
            ],
            "not_applicable": sorted(self.inapplicable),
            "notes": list(self.notes),
        }


def choose_language(
    form: FormDefinition, student: Student, wanted: str | None
) -> tuple[str, str | None]:
    """The language to print in, and a note when the wanted one is not available."""
    if wanted is None:
        if not form.parent_facing:
            return "en", None
        wanted = LANGUAGE_CODES.get((student.home_language or "en").strip().lower())
        if wanted is None:
            note = (
                f"the student's home language {student.home_language!r} has no template; "
                "printed in English: arrange translation or an interpreter (34 CFR 300.503(c))"
            )
            return "en", note
    if wanted not in form.languages:
        note = f"this form has no {wanted!r} text; printed in English"
        if form.parent_facing:
            note += ": arrange a translation for the parent (34 CFR 300.503(c))"
        return "en", note
    return wanted, None


def fill(
    form: FormDefinition,
    data: dict[str, Any],
    *,
    language: str = "en",
    entered: dict[str, Any] | None = None,
    entered_from: str | None = None,
    district: str = "",
    student: str = "",
    subject: str | None = None,
    notes: Iterable[str] = (),
) -> FilledForm:
    """Fill ``form`` from the form data, then from hand-entered values (which win)."""
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    notes = list(notes)
    day = data.get("subject_day", data["today"])
    absent = frozenset(f.name for f in form.fields if not in_force(f, day))
    inapplicable = frozenset(f.name for f in form.fields if not applies(f, data)) - absent
    for f in form.fields:
        if f.source is None or f.name in inapplicable | absent:
            continue
        path, raw = first_source(data, f.source)
        if path is None:
            continue
        try:
            values[f.name] = _coerce(f, raw, lenient=True)
        except Expected as exc:
            notes.append(f"{f.name}: the case gives {raw!r} at {path}, expected {exc.expected}")
            continue
        origins[f.name] = path
    by_name = {f.name: f for f in form.fields if f.name not in absent}
    for name, raw in (entered or {}).items():
        if name not in by_name:
            known = ", ".join(sorted(by_name))
            raise InputError(entered_from, name, f"a field of form {form.code} ({known})", name)
        try:
            values[name] = _coerce(by_name[name], raw, lenient=False)
        except Expected as exc:
            raise InputError(entered_from, name, exc.expected, raw) from None
        origins[name] = entered_from or "entered by hand"
    notes += source_notes(data, origins)
    return FilledForm(
        inapplicable=inapplicable,
        absent=absent,
        form=form,
        language=language,
        as_of=data["today"],
        district=district,
        student=student,
        subject=subject,
        values=values,
        origins=origins,
        notes=tuple(notes),
    )


def _coerce(f: FormField, raw: Any, lenient: bool) -> Any:
    """A value of the field's type; ``lenient`` (values from the case) also takes datetimes."""
    kind = f.type
    if kind in ("text", "longtext", "signature"):
        if isinstance(raw, list | tuple) and lenient:
            return ", ".join(str(x) for x in raw)
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise Expected("a text", raw)
        return str(raw)
    if kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise Expected("a number", raw)
        return raw
    if kind == "date":
        if lenient and isinstance(raw, datetime):
            return raw.date()
        return parse_date(raw)
    if kind == "time":
        if lenient and isinstance(raw, datetime):
            return raw.time()
        return parse_time(raw)
    if kind == "checkbox":
        if not isinstance(raw, bool):
            raise Expected("true or false", raw)
        return raw
    allowed = [c.value for c in f.choices]
    if kind == "choice":
        if str(raw) not in allowed:
            raise Expected(f"one of {', '.join(allowed)}", raw)
        return str(raw)
    if kind == "multi":
        items = list(raw) if isinstance(raw, list | tuple) else [raw]
        bad = [x for x in items if str(x) not in allowed]
        if bad:
            raise Expected(f"a list of {', '.join(allowed)}", bad[0])
        return [str(x) for x in items]
    if kind == "table":
        return _table(f, raw, lenient)
    raise Expected(f"a field type among {', '.join(FIELD_TYPES)}", kind)


def _table(f: FormField, raw: Any, lenient: bool) -> list[dict[str, Any]]:
    if not isinstance(raw, list | tuple) or not all(isinstance(r, dict) for r in raw):
        raise Expected("a list of rows (mappings of column names to values)", raw)
    names = {c.name for c in f.columns}
    rows = []
    for row in raw:
        if lenient:  # rows of the case: each column reads its own source from the row
            rows.append({c.name: lookup(row, c.source or c.name) for c in f.columns})
            continue
        extra = set(row) - names
        if extra:
            raise Expected(f"rows with the columns {', '.join(sorted(names))}", sorted(extra)[0])
        rows.append({c.name: row.get(c.name) for c in f.columns})
    return rows
