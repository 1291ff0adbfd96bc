"""YAML files are read with libyaml's parser when PyYAML has it (ten times faster on what each
district load reads), and must read exactly as the pure-Python loader reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spedrules.core import files
from spedrules.core.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    p
    for folder in ("jurisdictions", "plugins", "core", "examples", "benchmarks")
    for p in (ROOT / folder).rglob("*.y*ml")
)


def test_libyaml_is_used_here():
    """CI installs PyYAML's wheels, which carry libyaml: the fast path is the one tested."""
    assert files._FastLoader is not None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_yaml_file_reads_as_the_python_loader_reads_it(path):
    text = files.read_text(path)
    assert files._load_yaml(text) == yaml.load(text, Loader=files._Loader)  # noqa: S506


def test_there_are_shipped_files_to_compare():
    assert len(SHIPPED) > 50


@pytest.mark.parametrize(
    "text",
    [
        "student: {id: S-1\nevents: [\n",  # unclosed flow collections
        "a: b: c\n",  # mapping values are not allowed here
        "a:\n\t- b\n",  # a tab where indentation is expected
        "- a\nb: c\n",  # a mapping key after a sequence
        "a: 'unterminated\n",
    ],
)
def test_a_bad_text_gets_the_python_loaders_error(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    try:
        yaml.load(text, Loader=files._Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        mark = exc.problem_mark
        expected = str(InputError(path, f"line {mark.line + 1}", "valid YAML", exc.problem))
    with pytest.raises(InputError) as raised:
        files.read_data(path)
    assert str(raised.value) == expected


def test_dates_stay_text_on_both_paths():
    """The converter parses dates, so an invalid one (2026-13-40) is named by its field."""
    assert files._load_yaml("day: 2026-09-01\nbad: 2026-13-40\n") == {
        "day": "2026-09-01",
        "bad": "2026-13-40",
    }
