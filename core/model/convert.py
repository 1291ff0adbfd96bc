"""One cattrs converter for the whole model: YAML/JSON in, YAML/JSON out.

Dates are ISO ``YYYY-MM-DD``; moments are ISO 8601 datetimes (naive ones are in the district's
timezone). Events, incidents, meetings and attendees keep keys core does not know in ``details``
and write them back flat, so a case file round-trips unchanged. Structuring errors become one
:class:`~spedrules.core.errors.InputError` naming the file, the field path and what was expected.
"""

from __future__ import annotations

import functools
import linecache
import typing
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

import attrs
import cattrs
from cattrs.errors import ForbiddenExtraKeysError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from spedrules.core.errors import InputError
from spedrules.core.model import Attendee, Case, Event, Incident, Meeting
from spedrules.core.model.rules import Criterion, Text, TimelineRule


class Expected(ValueError):
    """Raised by structure hooks: carries what was expected and what came instead."""

    def __init__(self, expected: str, got: Any):
        self.expected = expected
        self.got = got
        super().__init__(f"expected {expected}, got {got!r}")


def _from_text(value: Any, parse: Callable[[str], Any], expected: str) -> Any:
    """A text value read by ``parse``; anything else, or text it refuses, is ``expected``."""
    if isinstance(value, str):
        try:
            return parse(value)
        except ValueError:
            pass
    raise Expected(expected, value)


def parse_date(value: Any, _: type = date) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return _from_text(value, date.fromisoformat, "a date YYYY-MM-DD")


def _datetime(value: Any, _: type) -> datetime:
    if isinstance(value, datetime):
        return value
    return _from_text(value, datetime.fromisoformat, "a date and time YYYY-MM-DDTHH:MM[:SS]")


def parse_day_or_moment(value: Any, _: type = date) -> date | datetime | None:
    """A date (``2026-12-01``) or a moment (``2026-12-01T14:30``) for the meeting's sent fields:
    a rule that counts hours needs the moment; a date alone is still accepted."""
    if value is None or isinstance(value, date):
        return value
    return _from_text(
        value,
        lambda v: date.fromisoformat(v) if len(v) == 10 else datetime.fromisoformat(v),
        "a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM",
    )


def _is_day_or_moment(tp: Any) -> bool:
    return set(typing.get_args(tp)) == {date, datetime, type(None)}


def parse_time(value: Any, _: type = time) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int) and 0 <= value < 24 * 3600:  # YAML 1.1 reads 08:00 as sexagesimal
        return time(value // 3600, value % 3600 // 60)
    return _from_text(value, time.fromisoformat, "a time HH:MM")


def _str(value: Any, _: type) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    raise Expected("a text value", value)


def _bool(value: Any, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise Expected("true or false", value)


def _int(value: Any, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Expected("a whole number", value)


def _text(value: Any, _: type) -> Text:
    """A form's printed words: ``"Student"`` or ``{en: Student, es: Alumno}``."""
    if isinstance(value, Text):
        return value
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, dict) and isinstance(value.get("en"), str):
        other = {k: v for k, v in value.items() if k != "en"}
        if all(isinstance(k, str) and isinstance(v, str) for k, v in other.items()):
            return Text(value["en"], other)
    raise Expected("a text, or a mapping of language codes to texts with an 'en' entry", value)


def _text_out(text: Text) -> str | dict[str, str]:
    return {"en": text.en, **text.other} if text.other else text.en


def make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(date, parse_date)
    conv.register_structure_hook(datetime, _datetime)
    conv.register_structure_hook(time, parse_time)
    conv.register_structure_hook_func(_is_day_or_moment, parse_day_or_moment)
    conv.register_structure_hook(str, _str)
    conv.register_structure_hook(bool, _bool)
    conv.register_structure_hook(int, _int)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_unstructure_hook(datetime, datetime.isoformat)
    conv.register_unstructure_hook(time, lambda t: t.strftime("%H:%M"))
    conv.register_structure_hook(Text, _text)
    conv.register_unstructure_hook(Text, _text_out)
    for cls in (Event, Incident, Meeting, Attendee):
        _keep_extra_in_details(conv, cls)
    conv.register_structure_hook_func(_is_sequence_tuple, _sequence_hook(conv))
    conv.register_unstructure_hook(
        Criterion, make_dict_unstructure_fn(Criterion, conv, check=override(omit=True))
    )
    conv.register_unstructure_hook(
        TimelineRule, make_dict_unstructure_fn(TimelineRule, conv, compute=override(omit=True))
    )
    return conv


def _is_sequence_tuple(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple and typing.get_args(tp)[-1:] == (Ellipsis,)


def _sequence_hook(conv: cattrs.Converter):
    """``tuple[X, ...]`` from a list; a string or mapping there is an error, not a list of chars."""

    def structure(value: Any, tp: Any) -> tuple:
        if not isinstance(value, list | tuple):
            raise Expected("a list", value)
        list_type = list[typing.get_args(tp)[0]]  # type: ignore[valid-type]
        return tuple(conv.get_structure_hook(list_type)(value, list_type))

    return structure


def _as_is(value: Any, _: type) -> Any:
    return value


def _keep_extra_in_details(conv: cattrs.Converter, cls: type) -> None:
    """Unknown keys of ``cls`` go to ``details`` in, back to the top on the way out."""
    names = {a.name for a in attrs.fields(cls)} - {"details"}
    base = make_dict_structure_fn(cls, conv, details=override(struct_hook=_as_is))
    base_out = make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True)

    def structure(value: Any, _: type) -> Any:
        if not isinstance(value, dict):
            raise Expected(f"a mapping of {cls.__name__.lower()} fields", value)
        if cls is Event:
            found = _plain_event(value)
            if found is not None:
                return found
        known = {k: v for k, v in value.items() if k in names}
        if len(known) < len(value):  # one pass for the common case of no extra keys
            known["details"] = {k: v for k, v in value.items() if k not in names}
        return base(known, cls)

    def unstructure(obj: Any) -> dict[str, Any]:
        out = base_out(obj)
        out.pop("details", None)
        out.update(obj.details)
        return out

    conv.register_structure_hook(cls, structure)
    conv.register_unstructure_hook(cls, unstructure)


def _plain_event(value: dict[str, Any]) -> Event | None:
    """The common shape of an event (a type, an ISO date, perhaps a text id, attributes), built
    directly: what the general hooks would build, at a fifth of the cost (a sweep reads every
    event of a district). Anything else (None) goes through the general hooks and their errors."""
    kind, day = value.get("type"), value.get("date")
    if type(kind) is not str or type(day) is not str or len(day) != 10:
        return None
    if len(value) == 2:  # a type and a date, no attributes: most events
        details, ident = {}, None
    else:
        details = value.copy()  # the attributes: everything but the fields
        del details["type"], details["date"]
        if "at" in details:
            return None
        ident = details.pop("id", None)
        if ident is not None and type(ident) is not str:
            return None
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        return None
    event = _new(Event)  # Event(kind, parsed, None, ident, details), set slot by slot
    _set_type(event, kind)
    _set_date(event, parsed)
    _set_at(event, None)
    _set_id(event, ident)
    _set_details(event, details)
    return event


def _slot_setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The setters of the slots ``names`` (all of ``cls``'s fields, in order), to build an
    instance as its __init__ would, without a frozen __init__'s setattr call per field: a
    third of an event's cost, and a sweep builds every event. Refused (TypeError) for a class
    whose __init__ does more than set its fields."""
    fields = attrs.fields(cls)
    plain = all(a.init and a.validator is None and a.converter is None for a in fields)
    hooks = hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__")
    if tuple(a.name for a in fields) != names or not plain or hooks or "__slots__" not in vars(cls):
        raise TypeError(f"{cls.__name__} is not built slot by slot: its __init__ does more")
    return tuple(vars(cls)[name].__set__ for name in names)


_new = object.__new__
_set_type, _set_date, _set_at, _set_id, _set_details = _slot_setters(
    Event, ("type", "date", "at", "id", "details")
)


class _NotPlain(Exception):
    """A value outside the common shapes: the general hooks structure it and name its error."""


def plain_case(value: dict[str, Any]) -> Case | None:
    """A case mapping in the shapes the store returns (texts, booleans, ISO dates and moments,
    lists of mappings), built directly: what ``structure_at(value, Case, ...)`` would build, at
    a fraction of the cost (a sweep parses every student). Anything else is None, for the
    general hooks and their errors."""
    try:
        return _read_case(value)
    except _NotPlain:
        return None


@functools.cache
def _record_reader(cls: type) -> Callable[[Any], Any]:
    """The plain reader of an attrs class: a mapping of its fields, each read by its type's
    plain reader, unknown keys in ``details`` where the class keeps them (as the general hooks
    do). Generated once from the type hints, as cattrs generates its hooks (a loop over the
    keys cost twice as much: a sweep reads every student); a field type with no plain reader
    is a TypeError here, so a new field cannot be read differently from the general hooks."""
    hints = typing.get_type_hints(cls)
    keeps_details = cls in _KEEPS_DETAILS
    env: dict[str, Any] = {"cls": cls, "_extra": _extra_keys, "_not_plain": _not_plain}
    lines = ["def read(value):", "    if type(value) is not dict:", "        _not_plain()"]
    lines.append("    found = 0")
    known = []
    for i, a in enumerate(attrs.fields(cls)):
        if not a.init or a.kw_only:
            raise TypeError(f"{cls.__name__}.{a.name}: no plain reader for a field set apart")
        if keeps_details and a.name == "details":
            continue
        known.append(a.name)
        lines += [f"    if {a.name!r} in value:", *_read_field(a.name, hints[a.name], i, env)]
        lines += ["        found += 1", "    else:", f"        v{i} = {_absent(a, i, env)}"]
    env["known"] = frozenset(known)
    if keeps_details:  # the unknown keys, in their order; none: a new dict, as the factory
        lines.append("    details = _extra(value, known) if found < len(value) else {}")
    else:
        lines += ["    if found < len(value):", "        _not_plain()"]
    names = ["details" if keeps_details and a.name == "details" else f"v{i}"
             for i, a in enumerate(attrs.fields(cls))]  # fmt: skip
    lines += _construct(cls, names, env)
    return _compiled("\n".join(lines), env, f"<plain reader {cls.__qualname__}>")


def _construct(cls: type, values: list[str], env: dict[str, Any]) -> list[str]:
    """The lines returning the instance of ``values`` (one per field, in order): set slot by
    slot where its __init__ only sets the fields (half the cost of a student's, a quarter of
    an attendee's), else by calling it."""
    try:
        setters = _slot_setters(cls, tuple(a.name for a in attrs.fields(cls)))
    except TypeError:
        return [f"    return cls({', '.join(values)})"]
    env["_new"] = _new
    env.update({f"set_{i}": setter for i, setter in enumerate(setters)})
    sets = [f"    set_{i}(obj, {value})" for i, value in enumerate(values)]
    return ["    obj = _new(cls)", *sets, "    return obj"]


def _read_field(name: str, tp: Any, i: int, env: dict[str, Any]) -> list[str]:
    """The lines reading the field ``name`` into ``v{i}``: texts and booleans tested in line
    (a call per field was a third of a student's reading), other types by their reader."""
    test = _INLINE_TESTS.get(tp) or _INLINE_TESTS.get(frozenset(typing.get_args(tp)))
    if test is None:
        env[f"read_{i}"] = _reader(tp)
        return [f"        v{i} = read_{i}(value[{name!r}])"]
    return [
        f"        v{i} = value[{name!r}]",
        f"        if {test.format(v=f'v{i}')}:",
        "            _not_plain()",
    ]


# the tests in line of _read_str, _read_optional_str and _read_bool: true where they refuse
_INLINE_TESTS: dict[Any, str] = {
    str: "type({v}) is not str",
    frozenset({str, type(None)}): "{v} is not None and type({v}) is not str",
    bool: "type({v}) is not bool",
}


def _absent(a: attrs.Attribute, i: int, env: dict[str, Any]) -> str:
    """The expression for the field ``a`` when the mapping has no such key."""
    if a.default is attrs.NOTHING:
        return "_not_plain()"
    if isinstance(a.default, attrs.Factory):  # type: ignore[arg-type]
        if a.default.takes_self:
            raise TypeError(f"{a.name}: no plain reader for a default made from the instance")
        env[f"default_{i}"] = a.default.factory
        return f"default_{i}()"
    env[f"default_{i}"] = a.default
    return f"default_{i}"


def _not_plain() -> Any:
    """Not a shape the plain readers take (not a mapping, an unknown key, a required field
    missing): for the general hooks. A call, for the generated readers' expressions."""
    raise _NotPlain


def _extra_keys(value: dict[Any, Any], known: frozenset[str]) -> dict[Any, Any]:
    return {k: v for k, v in value.items() if k not in known}


def _compiled(source: str, env: dict[str, Any], filename: str) -> Callable[[Any], Any]:
    """The function ``read`` of ``source``, its text in linecache for tracebacks."""
    exec(compile(source, filename, "exec"), env)  # our own text, made from the type hints
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    return env["read"]


_KEEPS_DETAILS = (Event, Incident, Meeting, Attendee)


def _reader(tp: Any) -> Callable[[Any], Any]:
    """The plain reader of a field type: the general hook's result on the common shapes of its
    values, :class:`_NotPlain` on any other."""
    simple = _SIMPLE_READERS.get(tp) or _SIMPLE_READERS.get(frozenset(typing.get_args(tp)))
    if simple is not None:
        return simple
    if tp == tuple[Event, ...]:
        return _read_events
    if attrs.has(tp):
        return _record_reader(tp)
    if _is_sequence_tuple(tp):
        return _tuple_reader(_reader(typing.get_args(tp)[0]))
    if tp == dict[str, Any]:
        return _read_mapping
    raise TypeError(f"no plain reader for {tp}")


def _read_str(value: Any) -> str:
    if type(value) is not str:  # a number becomes text in the general hook
        raise _NotPlain
    return value


def _read_optional_str(value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise _NotPlain
    return value


def _read_bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _NotPlain
    return value


def _read_optional_date(value: Any) -> date | None:
    if value is None or type(value) is date:
        return value
    return _parsed(value, date.fromisoformat)


def _read_datetime(value: Any) -> datetime:
    if type(value) is datetime:
        return value
    return _parsed(value, datetime.fromisoformat)


def _read_optional_datetime(value: Any) -> datetime | None:
    return None if value is None else _read_datetime(value)


def _read_day_or_moment(value: Any) -> date | datetime | None:
    """As :func:`parse_day_or_moment`: ten characters are a date, more a moment."""
    if value is None or type(value) is date or type(value) is datetime:
        return value
    if type(value) is str and len(value) == 10:
        return _parsed(value, date.fromisoformat)
    return _parsed(value, datetime.fromisoformat)


def _parsed(value: Any, parse: Callable[[str], Any]) -> Any:
    """``parse`` of a text; anything else, or text it refuses, is for the general hook."""
    if type(value) is not str:
        raise _NotPlain
    try:
        return parse(value)
    except ValueError:
        raise _NotPlain from None


def _tuple_reader(item: Callable[[Any], Any]) -> Callable[[Any], tuple]:
    def read(value: Any) -> tuple:
        if type(value) is not list and type(value) is not tuple:
            raise _NotPlain
        return tuple([item(v) for v in value])

    return read


def _read_events(value: Any) -> tuple[Event, ...]:
    """The plain-event shortcut where it applies, else the plain reading of every field."""
    if type(value) is not list and type(value) is not tuple:
        raise _NotPlain
    read = _record_reader(Event)
    return tuple([(type(v) is dict and _plain_event(v)) or read(v) for v in value])


def _read_mapping(value: Any) -> dict[str, Any]:
    """A ``dict[str, Any]`` (the evaluation block): text keys, values as they are."""
    if type(value) is not dict:
        raise _NotPlain
    for key in value:
        if type(key) is not str:
            raise _NotPlain
    return dict(value)


_SIMPLE_READERS: dict[Any, Callable[[Any], Any]] = {
    str: _read_str,
    bool: _read_bool,
    datetime: _read_datetime,
    frozenset({str, type(None)}): _read_optional_str,
    frozenset({date, type(None)}): _read_optional_date,
    frozenset({datetime, type(None)}): _read_optional_datetime,
    frozenset({date, datetime, type(None)}): _read_day_or_moment,
}
_read_case = _record_reader(Case)  # made at import: a new field type fails there, not in a sweep


converter = make_converter()


def structure_at(data: Any, cls: type, file: str | None, path: str = "") -> Any:
    """Structure ``data`` as ``cls``; any failure is an InputError naming file and field path."""
    try:
        return converter.structure(data, cls)
    except Exception as exc:  # cattrs raises exception groups; find the first leaf
        inner, leaf = _first_leaf(exc, "")
        field = _join(path, inner)
        if isinstance(leaf, Expected):
            raise InputError(file, field, leaf.expected, leaf.got) from None
        if isinstance(leaf, ForbiddenExtraKeysError):
            allowed = ", ".join(sorted(a.name for a in attrs.fields(leaf.cl)))
            raise InputError(
                file, field, f"only the fields {allowed}", ", ".join(sorted(leaf.extra_fields))
            ) from None
        if isinstance(leaf, KeyError):
            raise InputError(file, _join(field, str(leaf.args[0])), "a value (required)") from None
        raise InputError(file, field, f"a valid {cls.__name__}", str(leaf)) from None


def _first_leaf(exc: BaseException, path: str) -> tuple[str, BaseException]:
    if isinstance(exc, BaseExceptionGroup) and hasattr(exc, "group_exceptions"):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, IterableValidationNote):
                step = f"[{note.index}]"
            else:
                step = f".{note.name}"
                if isinstance(sub, KeyError):  # a required field is missing
                    return path, KeyError(note.name)
            return _first_leaf(sub, _join(path, step))
        for sub in without:
            return _first_leaf(sub, path)
    if isinstance(exc, BaseExceptionGroup):
        return _first_leaf(exc.exceptions[0], path)
    return path, exc


def _join(path: str, step: str) -> str:
    if not step:
        return path
    if step.startswith("["):
        return path + step
    step = step.lstrip(".")
    return f"{path}.{step}" if path else step
