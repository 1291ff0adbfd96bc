"""Packaging by discovery: every folder with an __init__.py ships as a package, and every data
file in a package folder (forms, rules, law cases, templates, migrations, examples) is matched
by a package-data pattern of pyproject.toml, so a new plugin folder ships whole without editing
pyproject.toml."""

from __future__ import annotations

import glob
import importlib.util
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# folders of the project root (which is the package) that are not the package's: the docs
# ship as the project's pages, not as package data
NOT_PACKAGED = {"tests", "benchmarks", "build", "dist", "docs", "spedrules.egg-info"}
SKIPPED_FILES = {"README.md", "pyproject.toml", "setup.py", "tox.ini", ".gitignore"}


def _setup():
    spec = importlib.util.spec_from_file_location("spedrules_setup", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # setup() runs only as __main__
    return module


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def package_dirs(root: Path) -> dict[str, Path]:
    """Folders that are packages (an __init__.py, all the way up), by dotted name."""
    found = {"spedrules": root}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".") and d not in NOT_PACKAGED and d != "__pycache__"
        ]
        if here != root and "__init__.py" in files:
            rel = here.relative_to(root)
            if all(
                (root / Path(*rel.parts[:i]) / "__init__.py").exists()
                for i in range(1, len(rel.parts))
            ):
                found["spedrules." + ".".join(rel.parts)] = here
    return found


def unmatched_data(root: Path, config: dict) -> list[str]:
    """Data files (not .py) of each package folder that no package-data pattern matches,
    as setuptools reads the patterns (globs relative to the package's folder)."""
    packages = package_dirs(root)
    data = config.get("package-data", {})
    excluded = set(config.get("exclude-package-data", {}).get("spedrules", ()))
    owner_of: dict[Path, str] = {}
    for name, folder in packages.items():
        owner_of[folder] = name
    missing = []
    for name, folder in packages.items():
        patterns = [*data.get("*", ()), *data.get(name, ())]
        matched = {Path(p) for pat in patterns for p in glob.glob(str(folder / pat))}
        for path in folder.rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            rel_parts = path.relative_to(folder).parts
            if any(part in NOT_PACKAGED or part.startswith(".") for part in rel_parts):
                continue
            if _nearest_package(path, owner_of) != folder:
                continue  # a file of a subpackage: checked with it
            if name == "spedrules" and path.name in excluded | SKIPPED_FILES:
                continue
            if path not in matched:
                missing.append(str(path.relative_to(root)))
    return missing


def _nearest_package(path: Path, owner_of: dict[Path, str]) -> Path:
    for parent in path.parents:
        if parent in owner_of:
            return parent
    raise AssertionError(path)


def test_every_package_folder_is_discovered():
    assert sorted(_setup().packages()) == sorted(package_dirs(ROOT))
    assert "packages" not in _config()  # found by setuptools, not listed by hand


def test_every_data_file_is_matched_by_a_pattern():
    assert unmatched_data(ROOT, _config()) == []


def test_a_new_plugin_folder_ships_whole(tmp_path):
    plugin = tmp_path / "plugins" / "new_district"
    for rel in ("__init__.py", "forms/a.yaml", "rules/timelines.yaml", "cases/referral.yaml"):
        (plugin / rel).parent.mkdir(parents=True, exist_ok=True)
        (plugin / rel).write_text("")
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "plugins" / "__init__.py").write_text("")
    assert unmatched_data(tmp_path, _config()) == []
    (plugin / "notes.txt").write_text("")  # a file no pattern names is reported
    assert unmatched_data(tmp_path, _config()) == ["plugins/new_district/notes.txt"]
    assert "spedrules.plugins.new_district" in package_dirs(tmp_path)
