"""Every `spedrules` command the README shows runs as written, from the folder it implies (the
project folder, or the one a `cd` line in the same block names), block by block in order."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def blocks() -> list[list[str]]:
    found = []
    for body in BLOCK.findall((ROOT / "README.md").read_text()):
        lines = [line.split(" # ")[0].strip() for line in body.splitlines()]
        lines = [line for line in lines if line.startswith(("spedrules ", "cd ", "export "))]
        if any(line.startswith("spedrules ") for line in lines):
            found.append(lines)
    return found


@pytest.mark.parametrize("lines", blocks(), ids=lambda lines: lines[0][:40])
def test_readme_commands_run_as_written(lines, tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    cwd, env = tmp_path, {**os.environ}
    env.pop("SPEDRULES_DATABASE_URL", None)
    for line in lines:
        if line.startswith("cd "):
            cwd = cwd / line[3:].strip()
            continue
        if line.startswith("export "):
            name, value = line[len("export ") :].split("=", 1)
            env[name] = shlex.split(value)[0]
            continue
        args = shlex.split(line)[1:]
        proc = subprocess.run(
            [sys.executable, "-m", "spedrules", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, f"{line}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr


def test_the_readme_shows_its_two_commands():
    text = (ROOT / "README.md").read_text()
    assert "spedrules demo" in text and "tox" in text
    assert blocks(), "the README shows no runnable spedrules command"
