"""The store's Python API (what `init`, `district add`, `import`, `sweep` and `worklist` call):
a vendor's code gets the same results as the commands, without the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import spedrules
from spedrules.core import api
from spedrules.core.errors import InputError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def stored(tmp_path):
    shutil.copy(EXAMPLES / "mesa-verde.toml", tmp_path)
    shutil.copy(EXAMPLES / "mesa-verde-2026-27.yaml", tmp_path)
    db = str(tmp_path / "s.sqlite")
    spedrules.init_store(db)
    assert spedrules.add_district(tmp_path / "mesa-verde.toml", db, who="test") == "mesa-verde"
    return db


def test_import_sweep_and_worklist_through_the_api(stored, tmp_path):
    students = EXAMPLES / "import-students.csv"
    done = spedrules.import_students(students, "mesa-verde", stored, who="t")
    assert done.bad == () and done.summary.students_new == 2  # the CSV's two students
    events = spedrules.import_events(EXAMPLES / "import-events.csv", "mesa-verde", stored, who="t")
    assert events.summary.events_new == 3  # three event rows
    # one district in the store: it need not be named
    swept = spedrules.sweep(stored, "2026-12-10", who="t", progress=lambda total: lambda n: None)
    assert [r.district for r in swept.runs] == ["mesa-verde"] and not swept.errors
    assert swept.dashboards[0]["district"] == "mesa-verde"
    found = spedrules.worklist(stored)
    assert {i.student for i in found.items} <= {"MV-2001", "MV-2002"} and found.items
    assert api.run_history(stored)[0]["district"] == "mesa-verde"


def test_bad_rows_write_nothing_unless_skipped(stored, tmp_path):
    csv = tmp_path / "s.csv"
    good = (EXAMPLES / "import-students.csv").read_text()
    csv.write_text(good + "MV-2003,Cy,not-a-date,4,SLD,Walnut Elementary,white,false\n")
    refused = spedrules.import_students(csv, "mesa-verde", stored, who="t")
    assert len(refused.bad) == 1 and refused.summary is None
    kept = spedrules.import_students(csv, "mesa-verde", stored, who="t", skip_bad=True)
    # both good students are new: the refused import wrote neither
    assert len(kept.bad) == 1 and kept.summary.students_new == 2


def test_a_district_not_in_the_store_is_named(stored):
    with pytest.raises(InputError, match="mesa-verde"):
        spedrules.worklist(stored, "oakview")
