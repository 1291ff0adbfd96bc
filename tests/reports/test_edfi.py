"""Ed-Fi 5.2 export of the hand-counted district (conftest.py): every line validated against the
JSON Schema derived from the data standard's XSD, values equal to the run's obligation dates,
descriptors from the default Ed-Fi sets, and what Ed-Fi cannot hold reported."""

from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from spedrules.cli.main import cli
from spedrules.core.errors import ConfigError, InputError
from spedrules.core.model.config import config_from_dict
from spedrules.core.store import edfi

HERE = Path(__file__).parent


def _load_schema_module():
    """tests/reports/edfi_schema.py by path (pytest runs with --import-mode=importlib)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("edfi_schema", HERE / "edfi_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


resource_schema = _load_schema_module().resource_schema
RESOURCES = {
    "eligibility": "StudentSpecialEducationProgramEligibilityAssociation",
    "program": "StudentSpecialEducationProgramAssociation",
    "restraint": "RestraintEvent",
}


def lines(folder: Path, key: str) -> list[dict]:
    text = (folder / edfi.FILES[key]).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def exported(district_store, tmp_path):
    result = edfi.export(district_store, "pinecrest")
    edfi.write(result, tmp_path / "out")
    return result, tmp_path / "out"


def test_every_exported_line_validates_against_the_5_2_schema(exported):
    result, out = exported
    for key, entity in RESOURCES.items():
        validator = jsonschema.Draft202012Validator(resource_schema(entity))
        docs = lines(out, key)
        assert docs == result.documents[key] and docs, key
        for doc in docs:
            errors = [e.message for e in validator.iter_errors(doc)]
            assert not errors, (key, doc, errors)


def test_the_schema_can_fail():
    validator = jsonschema.Draft202012Validator(resource_schema("RestraintEvent"))
    good = {
        "restraintEventIdentifier": "I-1",
        "eventDate": "2026-10-16",
        "studentReference": {"studentUniqueId": "P10"},
        "schoolReference": {"schoolId": 1},
    }
    assert validator.is_valid(good)
    assert not validator.is_valid({**good, "restraintType": "physical"})  # no such element
    assert not validator.is_valid({k: v for k, v in good.items() if k != "eventDate"})
    assert not validator.is_valid({**good, "restraintEventIdentifier": "x" * 37})  # max 36


def test_values_equal_the_runs_obligation_dates(district_store, exported):
    result, out = exported
    run = district_store.latest_run("pinecrest")
    rows = district_store.obligation_rows("pinecrest", run["run"])
    evaluations = {r["student"]: r for r in rows if r["rule"] == "idea.initial_evaluation"}
    docs = {d["studentReference"]["studentUniqueId"]: d for d in lines(out, "eligibility")}
    assert set(docs) == set(evaluations)  # P1-P9, P7 of last year included
    for sid, doc in docs.items():
        row = evaluations[sid]
        assert doc["consentToEvaluationReceivedDate"] == row["trigger"]["date"]
        done = row["met_day"]
        assert doc.get("eligibilityEvaluationDate") == (done.isoformat() if done else None)
        late = (done - row["due_day"]).days if done and done > row["due_day"] else None
        assert doc.get("evaluationDelayDays") == late
    # P2 by hand: due Sat 2026-11-14, completed Tue Nov 24: 10 days, reason and note carried
    assert docs["P2"]["evaluationDelayDays"] == 10
    assert docs["P2"]["eligibilityDelayReasonDescriptor"] == (
        "uri://ed-fi.org/EligibilityDelayReasonDescriptor#Lack of Available Assessment Personnel"
    )
    assert docs["P2"]["evaluationLateReason"] == "psychologist on leave"
    assert docs["P5"]["evaluationCompleteIndicator"] is False
    assert (docs["P1"]["eligibilityDeterminationDate"], docs["P1"]["ideaIndicator"]) == (
        "2026-10-20",
        True,
    )
    reviews = {r["student"]: r for r in rows if r["kind"] == "annual_iep_review"}
    programs = {d["studentReference"]["studentUniqueId"]: d for d in lines(out, "program")}
    assert set(programs) == {"P1", "P10"}
    for sid, doc in programs.items():
        assert doc["iepReviewDate"] == reviews[sid]["trigger"]["date"]
        assert doc["iepEndDate"] == reviews[sid]["due_day"].isoformat()
    # P10 by hand: annual meeting Tue 2026-10-06, next review due Wed 2027-10-06
    assert (programs["P10"]["iepReviewDate"], programs["P10"]["iepEndDate"]) == (
        "2026-10-06",
        "2027-10-06",
    )
    assert programs["P10"]["lastEvaluationDate"] == "2025-09-30"
    # P1 by hand: initial IEP meeting Tue 2026-11-10, first annual review due Wed 2027-11-10
    assert (programs["P1"]["beginDate"], programs["P1"]["iepEndDate"]) == (
        "2026-11-10",
        "2027-11-10",
    )
    assert programs["P1"]["disabilities"] == [
        {"disabilityDescriptor": "uri://ed-fi.org/DisabilityDescriptor#Autism Spectrum Disorders"}
    ]


def test_restraints_and_what_ed_fi_cannot_hold(exported):
    result, out = exported
    (doc,) = lines(out, "restraint")
    assert doc == {
        "restraintEventIdentifier": "I-1",
        "eventDate": "2026-10-16",
        "schoolReference": {"schoolId": 255901044},
        "studentReference": {"studentUniqueId": "P10"},
        "reasons": [
            {
                "restraintEventReasonDescriptor": "uri://ed-fi.org/RestraintEventReasonDescriptor#"
                "Imminent Serious Physical Harm To Others"
            }
        ],
    }
    assert result.not_held == {
        "duration (started_at to released_at)": 1,
        "location": 1,
        "position": 1,
        "restraint method (type)": 1,
        "seclusion incidents (Ed-Fi 5.2 has no seclusion event)": 1,
    }


def _codes(name: str) -> set[str]:
    root = ET.parse(HERE / "edfi-5.2" / "Descriptors" / f"{name}Descriptor.xml").getroot()
    return {el.text for el in root.iter() if el.tag.endswith("CodeValue")}


def test_every_us_idea_code_value_is_in_the_default_descriptor_set():
    from spedrules.jurisdictions.us_idea.edfi import DESCRIPTORS

    for name, values in DESCRIPTORS.items():
        assert set(values.values()) <= _codes(name), name


def test_files_are_private(exported):
    _, out = exported
    for name in edfi.FILES.values():
        assert stat.S_IMODE(os.stat(out / name).st_mode) == 0o600


def test_an_unmapped_value_is_an_error_naming_it(district_store, tmp_path):
    district_store.add_cases(
        "pinecrest",
        [
            {
                "student": {"id": "P11", "birth_date": "2022-01-01", "disability": "DD"},
                "events": [
                    {"type": "iep_meeting_held", "date": "2026-10-01", "meeting_type": "annual"}
                ],
            }
        ],
        who="t",
    )
    from spedrules.core.store.sweep import sweep

    sweep(district_store, date(2027, 3, 1))
    with pytest.raises(InputError, match=r"student P11: disability.*DD"):
        edfi.export(district_store, "pinecrest")
    runner = CliRunner()
    out = tmp_path / "none"
    res = runner.invoke(cli, ["export", "edfi", "--out", str(out), "--db", district_store.url])
    assert res.exit_code == 2 and "DD" in res.output and not out.exists()


@pytest.mark.parametrize(
    ("edfi_table", "field"),
    [
        ({"education_organization_id": "255901"}, "edfi.education_organization_id"),
        ({"descriptor_namespace": "uri://ed-fi.org#x"}, "edfi.descriptor_namespace"),
        ({"program_type_descriptor": "Special Education"}, "edfi.program_type_descriptor"),
        ({"schools": {"Cedar": "1"}}, "edfi.schools"),
        ({"school_ids": {}}, "edfi.school_ids"),
    ],
)
def test_a_wrong_edfi_table_is_a_config_error(edfi_table, field):
    data = {
        "district": {
            "id": "x",
            "name": "X",
            "state": "XX",
            "timezone": "UTC",
            "stack": ["us-idea"],
        },
        "edfi": edfi_table,
    }
    with pytest.raises(ConfigError, match=field):
        config_from_dict(data)


def test_a_missing_identity_is_named_at_export():
    with pytest.raises(ConfigError, match="edfi.program_name"):
        edfi.edfi_config({"education_organization_id": 1}, "pinecrest.toml", require=True)


def test_cli_writes_three_files_and_lists_what_is_not_held(district_store, tmp_path):
    out = tmp_path / "edfi"
    res = CliRunner().invoke(cli, ["export", "edfi", "--out", str(out), "--db", district_store.url])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == sorted(edfi.FILES.values())
    assert "seclusion incidents (Ed-Fi 5.2 has no seclusion event): 1 record(s)" in res.output
    assert "lightbeam" in res.output


def test_a_district_without_edfi_identities_is_told_which_one(tmp_path):
    from spedrules.core.store.database import Store

    examples = Path(__file__).resolve().parents[2] / "examples"
    store = Store(str(tmp_path / "g.sqlite"))
    store.init()
    store.add_district(examples / "gulf-shore.toml", who="t")  # no [edfi] table
    runner = CliRunner()
    args = ["export", "edfi", "--district", "gulf-shore", "--out", str(tmp_path / "o")]
    unswept = runner.invoke(cli, [*args, "--db", store.url])
    assert unswept.exit_code == 2 and "completed sweep" in unswept.output
    from spedrules.core.store.sweep import sweep

    sweep(store, date(2027, 1, 15))
    res = runner.invoke(cli, [*args, "--db", store.url])
    assert res.exit_code == 2, res.output
    assert "edfi.education_organization_id" in res.output
    assert not (tmp_path / "o").exists()
