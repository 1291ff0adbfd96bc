"""`spedrules new-plugin` writes a package that installs and passes its own tests in a fresh
virtual environment (spedrules installed there from this checkout)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_scaffold_installs_and_passes_in_a_fresh_venv(tmp_path, run_cli):
    result = run_cli(
        "new-plugin", "oakview-practices", "--parent", "california", "--level", "district",
        "--dir", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    package = tmp_path / "spedrules-oakview-practices"
    module = package / "spedrules_oakview_practices"
    assert (module / "__init__.py").is_file()
    assert "level: district" in (module / "rules" / "plugin.yaml").read_text()
    assert (module / "cases" / "iep_summary.yaml").is_file()
    law = run_cli("test", str(module / "cases"))  # not installed yet: a clear error, no traceback
    assert law.exit_code == 2 and "got 'oakview-practices'" in law.stderr, law.output
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, str(ROOT), f"{package}[test]"], check=True)
    run = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout  # the plugin checks, its law case, the case file


def test_scaffold_refuses_bad_names(tmp_path, run_cli):
    bad = run_cli("new-plugin", "Oakview Practices", "--parent", "california", "--dir", tmp_path)
    assert bad.exit_code == 2 and "NAME: expected a lower-case id" in bad.stderr
    unknown = run_cli("new-plugin", "oakview", "--parent", "oregon", "--dir", tmp_path)
    assert unknown.exit_code == 2 and "--parent: expected an installed plugin id" in unknown.stderr
    # a state on a district add-on would be more general than its parent
    general = run_cli(
        "new-plugin", "oakview", "--parent", "lahabra-best-practices", "--level", "state",
        "--dir", tmp_path,
    )  # fmt: skip
    assert general.exit_code == 2, general.output
    assert "--level: expected a level as specific as lahabra-best-practices's" in general.stderr
    assert not (tmp_path / "spedrules-oakview").exists()
