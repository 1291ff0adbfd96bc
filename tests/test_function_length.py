"""No function of the package is longer than 80 lines (tests and migrations aside): a longer one
is a rule list or several steps that want names of their own."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
LIMIT = 80
SKIPPED = {"tests", "migrations", ".tox", "build"}


def long_functions() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if SKIPPED & set(rel.parts) or any(part.startswith(".") for part in rel.parts):
            continue  # tests, migrations, build output, virtual environments (.tox, .ci-venv)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > LIMIT:
                    found.append(f"{rel}:{node.lineno} {node.name} ({lines} lines)")
    return found


def test_no_function_over_80_lines():
    assert long_functions() == []


def test_the_check_sees_the_package():
    """A check that reads no files passes for nothing: it must find the engine's functions."""
    names = [
        node.name
        for node in ast.walk(ast.parse((PACKAGE / "core" / "engine" / "timeline.py").read_text()))
        if isinstance(node, ast.FunctionDef)
    ]
    assert "evaluate_timelines" in names
