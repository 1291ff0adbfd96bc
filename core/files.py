"""Reading YAML, JSON and TOML files with errors that name the file and say what was expected,
and writing the files users ask for (forms, exports, charts) atomically and privately."""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import yaml

from spedrules.core.errors import InputError


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text: the converter parses them and, when one is invalid
    (2026-13-40), names the field instead of PyYAML failing without saying where."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# The same loader over libyaml's parser when PyYAML has it: ten times faster on the rule, form
# and calendar files every district load reads (tests/core/test_files.py checks it gives the
# same data for every YAML file shipped). A text it refuses is parsed again by the pure-Python
# loader, so what it accepts and the errors it names are PyYAML's own.
_FastLoader = None
if getattr(yaml, "__with_libyaml__", False):
    _FastLoader = type("_FastLoader", (yaml.CSafeLoader,), {})
    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _load_yaml(text: str) -> Any:
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError:
            pass  # the pure-Python loader decides, and names the error
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader


MAX_DEPTH = 50  # nesting levels a data file may use: far above any case file, far below recursion


def read_text(path: str | Path) -> str:
    """A file's text as UTF-8 (a byte-order mark, as Excel writes, is dropped); other bytes are
    an error naming the encoding expected and where the first bad byte is."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "an existing file", "no such file") from None
    except IsADirectoryError:
        raise InputError(path, None, "a file, not a folder") from None
    except OSError as exc:
        raise InputError(path, None, "a readable file", exc.strerror or str(exc)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start]
        raise InputError(path, f"line {line}", "UTF-8 text", f"byte 0x{bad:02x}") from None


def check_structure(data: Any, path: str | Path | None, limit: int = MAX_DEPTH) -> Any:
    """Refuse data nested deeper than ``limit`` (checked without recursion), so later code that
    walks it (the converter, digests) cannot run out of stack; and refuse a mapping key that is
    not text (YAML reads ``2017:`` or ``5:`` as numbers), which every reader would otherwise
    meet as a crash instead of a field name."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                raise InputError(path, None, f"data nested at most {limit} levels deep")
            if isinstance(value, dict):
                if not all(type(k) is str for k in value):
                    raise _not_text_key(data, path)
                items = value.values()
            else:
                items = value
            stack.extend((v, depth + 1) for v in items)
    return data


def _not_text_key(data: Any, path: str | Path | None) -> InputError:
    """The error for the first mapping key that is not text, naming where it is (searched for,
    with its place, only once there is one: the check itself stays cheap)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                field = f"{where}.{key}" if where else str(key)
                if type(key) is not str:
                    return InputError(path, field, f'a text field name (in quotes: "{key}")', key)
                stack.append((item, field))
    raise AssertionError("called without a key that is not text")


def read_data(path: str | Path, what: str = "a mapping") -> dict[str, Any]:
    """Parse a YAML or JSON file (by suffix; anything else is read as YAML) into a mapping."""
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        raise InputError(path, None, what, "an empty file")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = _load_yaml(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"line {exc.lineno}", "valid JSON", exc.msg) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise InputError(path, where, "valid YAML", getattr(exc, "problem", str(exc))) from None
    except RecursionError:
        raise InputError(path, None, f"data nested at most {MAX_DEPTH} levels deep") from None
    if not isinstance(data, dict):
        raise InputError(path, None, what, type(data).__name__)
    return check_structure(data, path)


def read_toml(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    text = read_text(path)
    try:
        return check_structure(tomllib.loads(text), path)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, None, "valid TOML", str(exc)) from None
    except RecursionError:
        raise InputError(path, None, f"data nested at most {MAX_DEPTH} levels deep") from None


def parse_yaml(text: str, source: str | Path | None = None) -> Any:
    """YAML text read the same way as files (dates stay text for the converter to check)."""
    try:
        return check_structure(_load_yaml(text), source)
    except yaml.YAMLError as exc:
        raise InputError(source, None, "valid YAML", getattr(exc, "problem", str(exc))) from None
    except RecursionError:
        raise InputError(source, None, f"data nested at most {MAX_DEPTH} levels deep") from None


# ---- files spedrules writes for a user (they hold student data) ---------------------------------


def check_output(path: str | Path, option: str = "--out") -> Path:
    """The place ``option`` names must be a file in an existing folder spedrules can write to:
    checked before any work is done, so a typo costs nothing."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise InputError(None, option, "a file name, not a folder", str(path))
    if not folder.is_dir():
        raise InputError(
            None, option, f"a file in an existing folder (there is no folder {folder})", str(path)
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(None, option, f"a file in a folder you can write to ({folder})", str(path))
    return path


@contextmanager
def output_file(path: str | Path, option: str = "--out") -> Iterator[IO[bytes]]:
    """Open ``path`` for writing the way every user-facing output is written: into a temporary
    file beside it, renamed into place only when complete (nothing half-written on a failure), and
    private (0600 whatever the umask: forms, exports and charts hold student data)."""
    path = check_output(path, option)
    try:
        # mkstemp creates the file 0600 itself; os.replace keeps that mode for the target
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise _unwritable(path, option, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with suppress(OSError):
            os.unlink(tmp)
        raise _unwritable(path, option, exc) from None
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def write_output(path: str | Path, data: bytes | str, option: str = "--out") -> Path:
    """Write text (UTF-8) or bytes to a user-facing output file: atomic and 0600."""
    with output_file(path, option) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def _unwritable(path: Path, option: str, exc: OSError) -> InputError:
    return InputError(
        None, option, f"a file spedrules can write ({exc.strerror or exc})", str(path)
    )
