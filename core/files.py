"""Reading YAML, JSON and TOML files with errors that name the file and say what was expected."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from spedrules.core.errors import InputError


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: the converter parses them and, when one is invalid
    (2026-13-40), names the field instead of PyYAML failing without saying where."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_data(path: str | Path, what: str = "a mapping") -> dict[str, Any]:
    """Parse a YAML or JSON file (by suffix; anything else is read as YAML) into a mapping."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, None, "an existing file", "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, None, "a readable UTF-8 text file", str(exc)) from None
    if not text.strip():
        raise InputError(path, None, what, "an empty file")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except json.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno}", "valid JSON", exc.msg) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, where, "valid YAML", getattr(exc, "problem", str(exc))) from None
    if not isinstance(data, dict):
        raise InputError(path, None, what, type(data).__name__)
    return data


def read_toml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError(path, None, "an existing file", "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, None, "valid TOML", str(exc)) from None


def parse_yaml(text: str, source: str | Path | None = None) -> Any:
    """YAML text read the same way as files (dates stay text for the converter to check)."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise InputError(source, None, "valid YAML", getattr(exc, "problem", str(exc))) from None
