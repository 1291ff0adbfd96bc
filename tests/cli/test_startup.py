"""Start-up (issue 17 item 5): importing the command pays for click, not for SQLAlchemy, numpy,
matplotlib or WeasyPrint; those load in the commands that use them. The time itself is measured
by benchmarks/bench_startup.py, never here."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import spedrules

HEAVY = ("sqlalchemy", "numpy", "matplotlib", "weasyprint", "alembic", "pluggy", "yaml")


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {m.split(".")[0] for m in json.loads(out.stdout.splitlines()[-1])}


def test_importing_the_command_loads_no_heavy_library():
    loaded = _modules_after("import spedrules.cli.main")
    assert sorted(loaded & set(HEAVY)) == []


def test_version_loads_no_heavy_library():
    code = (
        "import sys\nsys.argv = ['spedrules', '--version']\nfrom spedrules.cli.main import cli\n"
        "try:\n    cli(prog_name='spedrules')\nexcept SystemExit:\n    pass"
    )
    loaded = _modules_after(code)
    assert sorted(loaded & set(HEAVY)) == []


def test_the_public_api_is_still_there_on_first_use():
    loaded = _modules_after("import spedrules\nspedrules.evaluate")
    assert "sqlalchemy" not in loaded and "numpy" in loaded  # evaluating needs the calendar
    assert callable(spedrules.load_district) and spedrules.hookimpl is not None
    assert set(spedrules.__all__) <= set(dir(spedrules))


def test_version_is_the_distribution_version():
    assert spedrules.__version__ == importlib.metadata.version("spedrules")
