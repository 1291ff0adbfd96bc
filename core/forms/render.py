"""Rendering a filled form: HTML from one Jinja2 template, PDF from that HTML (WeasyPrint).

One template serves every form: a form is data (sections, fields, printed statements), and the
words come from the form's own translations, so a Spanish notice is the English one's layout
with the Spanish text. The page chrome (DRAFT, page numbers, yes/no) is translated here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from spedrules.core.errors import SpedrulesError
from spedrules.core.forms import EMPTY, FilledForm
from spedrules.core.model.rules import Column, FormField, Text
from spedrules.core.model.vocabulary import ROLE_TITLES

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
CHROME = {
    "en": {
        "draft": "DRAFT",
        "page": "Page",
        "of": "of",
        "yes": "Yes",
        "no": "No",
        "student": "Student",
        "signed": "Signed",
        "unsigned": "Signature",
        "missing": "Still to be filled in",
        "prepared": "Prepared with spedrules on",
        "entered": "entered by hand",
        "na": "N/A",
    },
    "es": {
        "draft": "BORRADOR",
        "page": "Página",
        "of": "de",
        "yes": "Sí",
        "no": "No",
        "student": "Alumno/a",
        "signed": "Firmado",
        "unsigned": "Firma",
        "missing": "Falta completar",
        "prepared": "Preparado con spedrules el",
        "entered": "anotado a mano",
        "na": "No corresponde",
    },
}
BOX, CHECKED = "\u2610", "\u2612"

_env = Environment(
    loader=PackageLoader("spedrules.core.forms", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def words_for(language: str) -> dict[str, str]:
    return CHROME.get(language, CHROME["en"])


def format_date(day: date, language: str) -> str:
    month = MONTHS.get(language, MONTHS["en"]).split()[day.month - 1]
    if language == "es":
        return f"{day.day} de {month} de {day.year}"
    return f"{month} {day.day}, {day.year}"


def format_time(moment: time, language: str) -> str:
    if language == "en":
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_value(value: Any, kind: str, language: str) -> str:
    """A value as the form prints it (an empty string for nothing)."""
    if value in EMPTY:
        return ""
    words = words_for(language)
    if isinstance(value, datetime):
        return f"{format_date(value.date(), language)} {format_time(value.time(), language)}"
    if isinstance(value, date):
        return format_date(value, language)
    if isinstance(value, time):
        return format_time(value, language)
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, list | tuple):
        return ", ".join(format_value(v, kind, language) for v in value)
    return str(value)


def _choices(f: FormField, value: Any, language: str) -> list[dict[str, Any]]:
    """Every printed option with its box; codes sharing a label (HI, DEAF) share one box."""
    chosen = set(value if isinstance(value, list) else [value])
    boxes: dict[str, bool] = {}
    for c in f.choices:
        label = c.label.in_(language)
        boxes[label] = boxes.get(label, False) or c.value in chosen
    return [{"mark": CHECKED if on else BOX, "label": label} for label, on in boxes.items()]


def _table(f: FormField, value: Any, language: str) -> list[list[str]]:
    rows = value if value not in EMPTY else list(f.rows)
    return [[_cell(c, row.get(c.name), language) for c in f.columns] for row in rows]


def _cell(column: Column, value: Any, language: str) -> str:
    if isinstance(value, bool) and column.type == "checkbox":
        return CHECKED if value else BOX
    if column.type == "role" and isinstance(value, str):
        titles = ROLE_TITLES.get(value)
        if titles is None:  # a role the vocabulary does not know: its code, readable
            return value.replace("_", " ").capitalize()
        return titles.get(language, titles["en"])
    labels = {c.value: c.label for c in column.choices}
    if isinstance(value, str | bool) and str(value).lower() in labels:
        return labels[str(value).lower()].in_(language)
    if isinstance(value, str) and column.type == "date":
        try:
            value = date.fromisoformat(value)
        except ValueError:
            pass
    return format_value(value, column.type, language)


def _field_view(f: FormField, filled: FilledForm) -> dict[str, Any]:
    language = filled.language
    value = filled.values.get(f.name)
    view: dict[str, Any] = {
        "name": f.name,
        "type": f.type,
        "label": f.label.in_(language),
        "help": f.help.in_(language) if isinstance(f.help, Text) else "",
        "missing": f.required and value in EMPTY,
        "text": "",
    }
    if f.name in filled.inapplicable:
        view["text"] = words_for(language)["na"]
        view["type"] = "text" if f.type in ("checkbox", "signature") else f.type
        if f.type not in ("choice", "multi", "table"):
            return view
    if f.type in ("choice", "multi"):
        view["choices"] = _choices(f, value, language)
    elif f.type == "table":
        view["columns"] = [c.label.in_(language) for c in f.columns]
        view["rows"] = _table(f, value, language)
    elif f.type == "checkbox":
        view["text"] = CHECKED if value else BOX
    else:
        view["text"] = format_value(value, f.type, language)
    return view


def to_html(filled: FilledForm) -> str:
    """The filled form as one self-contained HTML page (print CSS included)."""
    form, language = filled.form, filled.language
    sections = [
        {
            "title": s.title.in_(language),
            "columns": s.columns,
            "statements": [t.in_(language) for t in s.statements],
            "fields": [_field_view(f, filled) for f in s.fields if f.name not in filled.absent],
        }
        for s in form.sections
    ]
    return _env.get_template("form.html.j2").render(
        form=form,
        title=form.heading.in_(language),
        code=f"{form.code} ({form.revision})" if form.revision else form.code,
        language=language,
        words=words_for(language),
        district=filled.district,
        student=filled.student,
        sections=sections,
        draft=filled.draft,
        prepared=format_date(filled.as_of, language),
        citation=form.citation,
        citation_css=Markup(_css_string(form.citation)),
    )


def _css_string(text: str) -> str:
    """Text for a CSS ``content: "..."`` (escaped for CSS, not for HTML)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3C ")


def to_pdf(filled: FilledForm, out: str | Path) -> None:
    """Write the form as PDF (WeasyPrint needs Pango; a missing library is named, not traced)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango shared libraries are missing
        raise SpedrulesError(
            f"PDF output needs WeasyPrint and the Pango libraries ({exc}); "
            "on Debian: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from None
    from spedrules.core.files import output_file

    with output_file(out, "--out") as fh:  # atomic and 0600: a filled form is student data
        HTML(string=to_html(filled)).write_pdf(fh)
