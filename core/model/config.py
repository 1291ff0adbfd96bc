"""District configuration: the TOML file of docs/file-formats.md, read and checked.

The config names the stack (general -> specific), the school calendar and the option values.
Reading it is separate from checking it against the installed plugins (:func:`check_stack`), so
that the same checks serve ``spedrules plugins check --config`` and every evaluation.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from pathlib import Path, PurePosixPath
from typing import Any

from attrs import field, frozen

from spedrules.core.errors import ConfigError
from spedrules.core.files import read_toml
from spedrules.core.model import limits

DISTRICT_KEYS = ("id", "name", "state", "timezone", "stack", "calendar", "local_plugins")


@frozen
class LocalAddon:
    """A district's own add-on: a .py file beside its config, read once. It is Python code run
    with the privileges of whoever runs spedrules (docs/security.md): the store keeps its exact
    text and SHA-256, so a sweep runs what the district added, on any machine."""

    name: str  # as written in the config, relative to the config's folder
    source: str
    sha256: str
    path: Path | None = None  # where it was read from, if from disk

    @classmethod
    def read(cls, name: str, path: Path) -> LocalAddon:
        data = path.read_bytes()
        return cls(name, data.decode("utf-8"), hashlib.sha256(data).hexdigest(), path)


@frozen
class DistrictConfig:
    id: str
    name: str
    state: str
    timezone: str
    stack: tuple[str, ...]
    calendar: Path | None = None  # resolved against the config file's folder
    options: dict[str, Any] = field(factory=dict, hash=False)
    local_plugins: tuple[LocalAddon, ...] = ()  # a district's own add-ons (.py files)
    # who acts on what: rule id or obligation kind -> role (the [responsible] table), for the
    # rules whose source names no one; the sweep's dashboard counts by these roles
    responsible: dict[str, str] = field(factory=dict, hash=False)
    source: Path | None = None
    # the district's Ed-Fi identities (the [edfi] table, docs/edfi.md), checked by edfi_config
    edfi: dict[str, Any] = field(factory=dict, hash=False)
    # the restraint-reduction goal its policy sets for each school year, in percent against the
    # year before (the [restraint_goals] table): the report's and the dashboard's default
    restraint_goals: dict[str, int] = field(factory=dict, hash=False)


def load_config(path: str | Path) -> DistrictConfig:
    path = Path(path)
    data = read_toml(path)
    return config_from_dict(data, path)


def config_from_dict(
    data: dict[str, Any], path: Path | None = None, addons: tuple[LocalAddon, ...] | None = None
) -> DistrictConfig:
    """A checked config. ``addons`` are the local add-ons as stored (a district rebuilt from
    the store); otherwise they are read from the config's folder."""
    district = data.get("district")
    if not isinstance(district, dict):
        raise ConfigError(path, "district", "a [district] table")
    unknown = set(data) - {"district", "options", "responsible", "edfi", "restraint_goals"}
    if unknown:
        expected = (
            "only the tables [district], [options], [responsible], [edfi] and [restraint_goals]"
        )
        raise ConfigError(path, sorted(unknown)[0], expected)
    extra = sorted(set(district) - set(DISTRICT_KEYS))
    if extra:
        raise ConfigError(path, f"district.{extra[0]}", f"one of {', '.join(DISTRICT_KEYS)}")
    for key in ("id", "name", "state", "timezone"):
        if not isinstance(district.get(key), str) or not district[key].strip():
            raise ConfigError(path, f"district.{key}", "a non-empty string", district.get(key))
    limits.check_length(district["id"], limits.DISTRICT_ID, path, "district.id")
    limits.check_length(district["name"], limits.DISTRICT_NAME, path, "district.name")
    try:
        zoneinfo.ZoneInfo(district["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            path,
            "district.timezone",
            "an IANA timezone such as America/Los_Angeles",
            district["timezone"],
        ) from None
    stack = district.get("stack")
    if not isinstance(stack, list) or not stack or not all(isinstance(s, str) for s in stack):
        raise ConfigError(path, "district.stack", "a non-empty list of plugin ids", stack)
    if len(set(stack)) != len(stack):
        raise ConfigError(path, "district.stack", "each plugin id once", stack)
    base = path.parent if path else Path.cwd()
    calendar_path = _calendar_path(district.get("calendar"), base, path)
    local = district.get("local_plugins", [])
    if not isinstance(local, list) or not all(isinstance(p, str) for p in local):
        raise ConfigError(path, "district.local_plugins", "a list of .py file names", local)
    if addons is None:
        addons = tuple(_read_addon(path, base, i, name) for i, name in enumerate(local))
    options = data.get("options", {})
    if not isinstance(options, dict):
        raise ConfigError(path, "options", "an [options] table", options)
    responsible = data.get("responsible", {})
    if not isinstance(responsible, dict):
        raise ConfigError(path, "responsible", "a [responsible] table", responsible)
    for key, role in responsible.items():
        if not isinstance(role, str) or not role.strip():
            raise ConfigError(path, f"responsible.{key!r}", "a role name", role)
        limits.check_length(role, limits.ROLE, path, f"responsible.{key!r}")
    edfi = data.get("edfi", {})
    if not isinstance(edfi, dict):
        raise ConfigError(path, "edfi", "an [edfi] table", edfi)
    if edfi:
        from spedrules.core.store.edfi import edfi_config

        edfi_config(edfi, path)  # a wrong [edfi] table fails when the config is read
    goals = _restraint_goals(data.get("restraint_goals", {}), path)
    return DistrictConfig(
        id=district["id"],
        name=district["name"],
        state=district["state"],
        timezone=district["timezone"],
        stack=tuple(stack),
        calendar=calendar_path,
        options=dict(options),
        local_plugins=tuple(addons),
        responsible=dict(responsible),
        source=path,
        edfi=dict(edfi),
        restraint_goals=goals,
    )


def is_school_year(name: Any) -> bool:
    """A school year named by its two calendar years, "2015-16" (2026-28 is none)."""
    return (
        isinstance(name, str)
        and len(name) == 7
        and name[:4].isdigit()
        and name[4] == "-"
        and name[5:].isdigit()
        and (int(name[:4]) + 1) % 100 == int(name[5:])
    )


def _restraint_goals(goals: Any, path: Path | None) -> dict[str, int]:
    if not isinstance(goals, dict):
        raise ConfigError(path, "restraint_goals", "a [restraint_goals] table", goals)
    for year, percent in goals.items():
        where = f"restraint_goals.{year!r}"
        if not is_school_year(year):
            raise ConfigError(path, where, "a school year such as 2026-27")
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise ConfigError(path, where, "a whole percentage 0-100", percent)
    return dict(goals)


def _calendar_path(calendar: Any, base: Path, path: Path | None) -> Path | None:
    """The district calendar file, beside the config: a .yaml or .ics file that exists."""
    if calendar is None:
        return None
    if not isinstance(calendar, str):
        raise ConfigError(path, "district.calendar", "a file name (.yaml or .ics)", calendar)
    calendar_path = base / calendar
    if calendar_path.suffix.lower() not in (".yaml", ".yml", ".ics"):
        raise ConfigError(path, "district.calendar", "a .yaml or .ics file", calendar)
    if not calendar_path.is_file():
        raise ConfigError(
            path,
            "district.calendar",
            f"an existing file (looked for {calendar_path})",
            calendar,
        )
    return calendar_path


def _read_addon(config: Path | None, base: Path, i: int, name: str) -> LocalAddon:
    """A local add-on must sit in the config's folder or below it: no absolute path, no ``..``,
    no link leading out (code runs only from where the district put it)."""
    field = f"district.local_plugins[{i}]"
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or Path(name).is_absolute():
        raise ConfigError(
            config,
            field,
            "a .py file in the config's folder or below it (no absolute path, no ..)",
            name,
        )
    candidate = base / pure
    if candidate.suffix != ".py" or not candidate.is_file():
        raise ConfigError(config, field, "an existing .py file", name)
    if not candidate.resolve().is_relative_to(base.resolve()):
        raise ConfigError(config, field, "a file inside the config's folder, not a link out", name)
    try:
        return LocalAddon.read(name, candidate)
    except UnicodeDecodeError:
        raise ConfigError(config, field, "a UTF-8 Python file", name) from None
