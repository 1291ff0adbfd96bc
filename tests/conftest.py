"""Shared fixtures: the worked examples, a CLI runner, and temporary plugin distributions."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from spedrules.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def run_cli():
    """Run the click app in-process; returns the click Result (exit_code, stdout, stderr)."""

    def run(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return run


@pytest.fixture
def make_dist():
    return make_distribution


@pytest.fixture(name="run_console")
def run_console_fixture():
    return run_console


def make_distribution(
    folder: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str]
) -> Path:
    """Write a minimal installed distribution (dist-info + modules) that importlib.metadata
    discovers when ``folder`` is on sys.path: a real entry point, no pip needed."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source))
    info = folder / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    lines = ["[spedrules]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    return folder


def run_console(*args: str, path: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``spedrules`` as a user would, in a subprocess, with extra plugin folders on the path."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
    exe = [sys.executable, "-m", "spedrules"]
    return subprocess.run([*exe, *map(str, args)], capture_output=True, text=True, env=env)
