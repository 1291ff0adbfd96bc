"""Errors that reach users.

A user mistake (a bad case file, calendar or config) must end in one line naming the file, the
field and what was expected, never a traceback. Every such error is an :class:`InputError`; the
CLI prints ``str(error)`` and exits 2.
"""

from __future__ import annotations


class SpedrulesError(Exception):
    """Base class of every error spedrules raises on purpose."""


class InputError(SpedrulesError):
    """Bad input: names the file, the field path and what was expected.

    ``InputError("case.yaml", "events[3].type", "one of the event types", got="foo")`` reads
    ``case.yaml: events[3].type: expected one of the event types, got 'foo'``.
    """

    def __init__(self, file: str | None, field: str | None, expected: str, got: object = ...):
        self.file = str(file) if file is not None else None
        self.field = field
        self.expected = expected
        self.got = got
        super().__init__(self._message())

    def _message(self) -> str:
        where = ": ".join(p for p in (self.file, self.field) if p)
        text = f"expected {self.expected}"
        if self.got is not ...:
            text += f", got {self.got!r}"
        return one_line(f"{where}: {text}" if where else text)


def one_line(text: str) -> str:
    """Control characters shown escaped: a key or value read from a file ("\r", a newline) must
    not break the one-line error in two, or forge a second line in a log."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


class CalendarError(InputError):
    """A calendar that is malformed, or a count that runs past the days a calendar covers."""


class ConfigError(InputError):
    """A district configuration that names an unknown plugin, option or value."""


class PluginError(SpedrulesError):
    """A plugin that fails to load, raises, or returns something that is not a rule."""

    def __init__(self, plugin: str, message: str):
        self.plugin = plugin
        super().__init__(f"plugin {plugin!r}: {message}")
