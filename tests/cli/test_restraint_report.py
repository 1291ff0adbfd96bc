"""The restraint-reduction report reproduces St. Lucie's published figures (SP&P Part I A.6, seed
004): 186 incidents in 2014-15, 164 in 2015-16, a 12% decrease against a 10% goal (exceeded by 2
points); EBD 43%, ASD 29%, InD 4%, SLD 2%, other 22%; standing 63%, prone 23%, seated 9%,
immobilization <1%, mechanical 3%; white 48%, black 46%, mixed 6%; 52% in PK-3.

The fixture is built to those shares of 164 (worked by hand): EBD 70 (42.7%), ASD 48 (29.3%),
InD 7 (4.3%), SLD 3 (1.8%), other 36 (22.0%); standing 103 (62.8%), prone 38 (23.2%), seated 15
(9.1%), immobilization 1 (0.6%), mechanical 5 (3.0%) and 2 unspecified (the published shares add
to 98.6%); white 79 (48.2%), black 75 (45.7%), mixed 10 (6.1%); PK-3 85 (51.8%), 4-12 79.
"""

from __future__ import annotations

import json
from itertools import chain, repeat

import yaml

DISABILITY = [("ED", 70), ("AUT", 48), ("ID", 7), ("SLD", 3), ("OHI", 36)]
TYPE = [
    (("physical", "standing"), 103),
    (("physical", "prone"), 38),
    (("physical", "seated"), 15),
    (("physical", "supine"), 1),
    (("mechanical", "standing"), 5),
    (("physical", None), 2),
]
RACE = [("white", 79), ("black", 75), ("mixed", 10)]
GRADE = [("2", 85), ("7", 79)]


def spread(pairs):
    return list(chain.from_iterable(repeat(v, n) for v, n in pairs))


def fixture(path):
    cases = []
    this_year = zip(spread(DISABILITY), spread(TYPE), spread(RACE), spread(GRADE), strict=True)
    for i, (disability, (method, position), race, grade) in enumerate(this_year):
        month = [9, 10, 11, 12, 1, 2, 3, 4][i % 8]
        year = 2015 if month >= 9 else 2016
        cases.append(
            case(
                f"A{i}",
                disability,
                race,
                grade,
                method,
                position,
                f"{year}-{month:02d}-{i % 27 + 1:02d}T10:00:00",
            )
        )
    for i in range(186):
        cases.append(
            case(
                f"B{i}",
                "ED",
                "white",
                "5",
                "physical",
                "standing",
                f"2014-{[9, 10, 11][i % 3]:02d}-{i % 27 + 1:02d}T10:00:00",
            )
        )
    path.write_text(yaml.safe_dump({"cases": cases}))
    return path


def case(cid, disability, race, grade, method, position, start):
    incident = {
        "id": f"R-{cid}",
        "type": "restraint",
        "method": method,
        "started_at": start,
        "released_at": start.replace("T10:00", "T10:05"),
    }
    if position:
        incident["position"] = position
    return {
        "student": {"id": cid, "disability": disability, "ethnicity": race, "grade": grade},
        "incidents": [incident],
    }


def test_st_lucie_figures(tmp_path, run_cli, examples):
    source = fixture(tmp_path / "incidents.yaml")
    result = run_cli(
        "report",
        "restraint",
        "--config",
        examples / "gulf-shore.toml",
        "--year",
        "2015-16",
        "--from",
        source,
        "--goal",
        "10",
        "--next-goal",
        "10",
        "--format",
        "json",
        "--chart",
        tmp_path / "chart.png",
    )
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)
    assert (r["previous_incidents"], r["incidents"], r["change_percent"]) == (186, 164, -12)
    assert (r["goal_met"], r["goal_margin_points"], r["next_goal_percent"]) == (True, 2, 10)
    shares = {k: {n: v["percent"] for n, v in rows.items()} for k, rows in r["breakdowns"].items()}
    assert shares["primary_disability"] == {
        "ED": "43",
        "AUT": "29",
        "OHI": "22",
        "ID": "4",
        "SLD": "2",
    }
    assert shares["restraint_type"] == {
        "standing": "63",
        "prone": "23",
        "seated": "9",
        "mechanical": "3",
        "unspecified": "1",
        "immobilization": "<1",
    }
    assert shares["ethnicity"] == {"white": "48", "black": "46", "mixed": "6"}
    assert shares["grade_band"]["PK-3"] == "52"
    assert (tmp_path / "chart.png").read_bytes()[:4] == b"\x89PNG"
    table = run_cli(
        "report",
        "restraint",
        "--config",
        examples / "gulf-shore.toml",
        "--year",
        "2015-16",
        "--from",
        source,
        "--goal",
        "10",
    ).stdout
    assert "Change: 12% decrease" in table and "met, exceeded by 2 point(s)" in table


def test_bad_report_input(tmp_path, run_cli, examples):
    (tmp_path / "bad.yaml").write_text("cases:\n  - {student: {id: X}, incidents: [{id: I}]}\n")
    result = run_cli(
        "report",
        "restraint",
        "--config",
        examples / "gulf-shore.toml",
        "--year",
        "2015-16",
        "--from",
        tmp_path / "bad.yaml",
    )
    assert result.exit_code == 2
    assert "bad.yaml: cases[0].incidents[0].type: expected a value" in result.stderr
    result = run_cli(
        "report",
        "restraint",
        "--config",
        examples / "gulf-shore.toml",
        "--year",
        "2015",
        "--from",
        tmp_path / "bad.yaml",
    )
    assert result.exit_code == 2 and "--year: expected a school year" in result.stderr
