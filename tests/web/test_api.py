"""The HTTP API: stateless evaluation, rules and plugins, forms, the stamp, the documents."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

from spedrules.core.web.app import dump_openapi
from tests.web.conftest import EXAMPLES, case_json

DOCS = Path(__file__).resolve().parent.parent.parent / "docs"


def _normal(ob: dict, calendar: str) -> dict:
    """An obligation with its due date parsed (JSON writes a UTC moment as Z or +00:00) and the
    calendar's name in messages made neutral: the CLI names the calendar file it read, the API
    the stored district's calendar ("mesa-verde calendar")."""
    due = ob["due"]
    parsed = datetime.fromisoformat(due) if due and "T" in due else due
    steps = [step.replace(calendar, "CALENDAR") for step in ob["explanation"]]
    return {**ob, "due": parsed, "explanation": steps}


def test_api_and_cli_give_the_same_obligations_for_the_same_case(client, auth, run_cli):
    """The acceptance test: `spedrules evaluate --format json` and POST .../evaluate agree on
    every obligation (all fields, explanation included) and violation, for three cases."""
    for name, district, config in [
        ("case-initial-referral.yaml", "mesa-verde", "mesa-verde.toml"),
        ("case-forms-meeting.yaml", "mesa-verde", "mesa-verde.toml"),
        ("case-forms-incident-fl.yaml", "gulf-shore", "gulf-shore.toml"),
    ]:
        cli = run_cli(
            "evaluate",
            "--config",
            EXAMPLES / config,
            EXAMPLES / name,
            "--as-of",
            "2027-01-15",
            "--format",
            "json",
        )
        assert cli.exit_code == 0, cli.output
        expected = json.loads(cli.stdout)
        got = client.post(
            f"/v1/districts/{district}/evaluate",
            json={"case": case_json(name), "as_of": "2027-01-15"},
            headers=auth(district),
        )
        assert got.status_code == 200, got.text
        body = got.json()
        assert expected["obligations"], name  # a case with nothing due would prove nothing
        calendar_file = str(EXAMPLES / config.replace(".toml", "-2026-27.yaml"))
        assert [_normal(o, f"{district} calendar") for o in body["obligations"]] == [
            _normal(o, calendar_file) for o in expected["obligations"]
        ]
        assert body["violations"] == expected["violations"]
        assert body["student"] == expected["student"]


def test_every_result_is_stamped_with_versions_stack_and_rule_versions(client, auth):
    body = client.post(
        "/v1/districts/gulf-shore/evaluate",
        json={"case": case_json("case-forms-incident-fl.yaml"), "as_of": "2027-01-15"},
        headers=auth("gulf-shore"),
    ).json()
    stamp = body["stamp"]
    from spedrules import __version__

    assert stamp["spedrules"] == __version__
    assert [p["id"] for p in stamp["stack"]] == ["us-idea", "florida", "st-lucie"]
    assert all(p["version"] for p in stamp["stack"])
    rules = {o["rule"] for o in body["obligations"]}
    assert set(stamp["rules"]) == rules
    # Florida's incident rules have two dated versions (2011-07-01.. and 2021-07-01..); the
    # example incident is of the 2026-27 year, so the 2021 version applies
    dated = [v for r, v in stamp["rules"].items() if r.startswith("fl.")]
    assert dated and any(v.startswith("2021-07-01") for v in dated), stamp["rules"]


def test_explain_returns_the_steps_of_one_kind(client, auth):
    got = client.post(
        "/v1/districts/mesa-verde/explain",
        json={
            "case": case_json("case-initial-referral.yaml"),
            "rule": "initial_evaluation",
            "as_of": "2027-01-15",
        },
        headers=auth(),
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["obligations"] and all(
        o["kind"] == "initial_evaluation" for o in body["obligations"]
    )
    assert all(len(o["explanation"]) >= 2 for o in body["obligations"])
    missing = client.post(
        "/v1/districts/mesa-verde/explain",
        json={"case": case_json("case-initial-referral.yaml"), "rule": "no_such_kind"},
        headers=auth(),
    )
    assert missing.status_code == 400 and "no_such_kind" in missing.json()["detail"]


def test_a_bad_case_is_400_naming_the_field(client, auth):
    case = case_json("case-initial-referral.yaml")
    case["events"][0]["type"] = "referal_recieved"
    got = client.post("/v1/districts/mesa-verde/evaluate", json={"case": case}, headers=auth())
    assert got.status_code == 400
    assert got.json()["detail"].startswith("case: events[0].type: expected")
    bad_date = client.post(
        "/v1/districts/mesa-verde/evaluate",
        json={"case": case_json("case-initial-referral.yaml"), "as_of": "2027-13-01"},
        headers=auth(),
    )
    assert bad_date.status_code == 400


def test_bodies_over_10_mb_are_refused_with_413(client, auth):
    from spedrules.core.web import MAX_BODY_BYTES

    assert MAX_BODY_BYTES == 10_000_000
    padding = "x" * (MAX_BODY_BYTES + 1)
    got = client.post(
        "/v1/districts/mesa-verde/evaluate",
        content=json.dumps({"case": {"student": {"id": padding}}}),
        headers={**auth(), "content-type": "application/json"},
    )
    assert got.status_code == 413


def test_forms_as_pdf_and_html_are_stamped(client, auth):
    body = {"case": case_json("case-forms-meeting.yaml"), "as_of": "2026-11-05"}
    pdf = client.post("/v1/districts/mesa-verde/forms/NC6A", json=body, headers=auth())
    assert pdf.status_code == 200, pdf.text[:300]
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf.headers["x-spedrules-stack"].startswith("us-idea ")
    assert pdf.headers["x-spedrules-form"].startswith("ca.")
    html = client.post(
        "/v1/districts/mesa-verde/forms/NC6A", json={**body, "format": "html"}, headers=auth()
    )
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert "Mesa Verde" in html.text
    unknown = client.post("/v1/districts/mesa-verde/forms/NOPE", json=body, headers=auth())
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["detail"]


def test_rules_and_plugins_catalogues(client):
    rules = client.get("/v1/rules").json()
    ids = {r["rule"] for r in rules["rules"]}
    assert {"idea.initial_evaluation", "ca.initial_evaluation"} <= ids
    one = client.get("/v1/rules/ca.initial_evaluation").json()["rules"][0]
    assert one["source"] == "california" and "56043" in one["citation"]
    assert client.get("/v1/rules/no.such.rule").status_code == 404
    plugins = {p["id"]: p for p in client.get("/v1/plugins").json()["plugins"]}
    assert plugins["st-lucie"]["parent"] == "florida"
    assert plugins["california"]["version"]


def test_district_rules_show_layering(client, auth):
    rules = {
        r["rule"]: r
        for r in client.get("/v1/districts/mesa-verde/rules", headers=auth()).json()["rules"]
    }
    assert "idea.initial_evaluation" in rules["ca.initial_evaluation"]["replaces"]


def test_the_served_openapi_document_is_the_committed_one(client):
    """docs/openapi.json is the served document; regenerate it with
    SPEDRULES_UPDATE_DOCS=1 pytest tests/web/test_api.py -k openapi."""
    served = client.get("/v1/openapi.json")
    assert served.status_code == 200
    text = dump_openapi(client.app)
    assert json.loads(text) == served.json()
    committed = DOCS / "openapi.json"
    if os.environ.get("SPEDRULES_UPDATE_DOCS"):
        committed.write_text(text)
    assert committed.read_text() == text, "docs/openapi.json drifted: see this test's docstring"
    paths = served.json()["paths"]
    for path in (
        "/v1/districts/{district_id}/evaluate",
        "/v1/districts/{district_id}/worklist",
        "/v1/rules",
        "/v1/plugins",
        "/v1/districts/{district_id}/forms/{code}",
    ):
        assert path in paths


def test_the_result_schema_is_published_and_validates_a_result(client, auth):
    import jsonschema

    schema = client.get("/v1/schemas/evaluation.json").json()
    committed = json.loads((DOCS / "result-schema.json").read_text())
    if os.environ.get("SPEDRULES_UPDATE_DOCS"):
        (DOCS / "result-schema.json").write_text(
            json.dumps(schema, indent=2, sort_keys=True) + "\n"
        )
        committed = schema
    assert committed == schema, "docs/result-schema.json drifted"
    result = client.post(
        "/v1/districts/mesa-verde/evaluate",
        json={"case": case_json("case-forms-meeting.yaml"), "as_of": "2027-01-15"},
        headers=auth(),
    ).json()
    jsonschema.validate(result, schema)
    broken = {**result, "obligations": [{**result["obligations"][0], "due": 5}]}
    try:
        jsonschema.validate(broken, schema)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the schema accepted a numeric due date")
    assert client.get("/v1/schemas/nope").status_code == 404


def test_store_endpoints_read_the_latest_sweep(client, auth):
    board = client.get("/v1/districts/mesa-verde/dashboard", headers=auth()).json()
    assert board["obligations"] > 0 and board["run"]["as_of"] == "2027-01-15"
    assert sum(board["by_status"].values()) == board["obligations"]
    work = client.get("/v1/districts/mesa-verde/worklist", headers=auth()).json()
    items = work["items"]
    assert items and all(i["district"] == "mesa-verde" for i in items)
    assert {i["status"] for i in items} <= {"overdue", "open", "undetermined"}
    assert len([i for i in items if i["status"] == "overdue"]) == board["overdue"]
    # most urgent first: overdue (most days late first) before open (soonest first)
    order = [(i["status"] != "overdue", i["days"]) for i in items if i["status"] != "undetermined"]
    assert order == sorted(order)
    school = items[0]["school"]
    only = client.get(
        "/v1/districts/mesa-verde/worklist", params={"school": school}, headers=auth()
    ).json()["items"]
    assert only and {i["school"] for i in only} == {school}
    soon = client.get(
        "/v1/districts/mesa-verde/worklist",
        params={"status": "open", "due_within": 14},
        headers=auth(),
    ).json()["items"]
    assert all(i["status"] == "open" and i["days"] <= 14 for i in soon)
    runs = client.get("/v1/districts/mesa-verde/runs", headers=auth()).json()["runs"]
    assert runs[0]["as_of"] == "2027-01-15"


def test_student_endpoint_matches_a_stateless_evaluation(client, auth):
    case = case_json("case-initial-referral.yaml")
    sid = case["student"]["id"]
    stored = client.get(f"/v1/districts/mesa-verde/students/{sid}", headers=auth()).json()
    fresh = client.post(
        "/v1/districts/mesa-verde/evaluate",
        json={"case": case, "as_of": "2027-01-15"},
        headers=auth(),
    ).json()
    assert stored["as_of"] == "2027-01-15"
    assert stored["obligations"] == fresh["obligations"]
    assert stored["info"]["id"] == sid
    assert client.get("/v1/districts/mesa-verde/students/NOPE", headers=auth()).status_code == 404


def test_dates_in_results_are_iso(client, auth):
    body = client.get("/v1/districts/mesa-verde/worklist", headers=auth()).json()
    for item in body["items"]:
        if item["due"]:
            date.fromisoformat(item["due"][:10])


def test_api_and_cli_give_the_same_work_list(client, auth, run_cli, web_store):
    """GET .../worklist and `spedrules worklist --format json` on the same store: the same
    rows in the same order, with and without a filter; a mistyped school is 400, not empty."""
    for params, args in [({}, []), ({"status": "overdue"}, ["--status", "overdue"])]:
        cli = run_cli(
            "worklist",
            "--district",
            "mesa-verde",
            "--db",
            web_store["url"],
            "--format",
            "json",
            *args,
        )
        assert cli.exit_code == 0, cli.output
        expected = json.loads(cli.stdout)
        rows = expected if isinstance(expected, list) else expected["items"]
        got = client.get("/v1/districts/mesa-verde/worklist", params=params, headers=auth())
        assert got.status_code == 200
        assert rows and got.json()["items"] == rows
    typo = client.get(
        "/v1/districts/mesa-verde/worklist", params={"school": "Walnut Elem"}, headers=auth()
    )
    assert typo.status_code == 400 and "Walnut Elementary" in typo.json()["detail"]


def test_unknown_api_paths_are_json_404_and_only_the_one_openapi_document_is_served(client):
    missing = client.get("/v1/no/such/path")
    assert missing.status_code == 404 and missing.json()["status_code"] == 404
    for path in ("/v1/openapi.yaml", "/v1/swagger", "/schema"):
        assert client.get(path).status_code == 404, path  # no UI loading scripts from elsewhere
    assert client.get("/v1/openapi.json").headers["content-type"] == "application/json"


def test_stored_results_are_stamped_with_the_runs_versions(client, auth):
    """A work list is stamped with the versions the run recorded, and each of its rules with
    the dated version in force on its items' trigger days (Florida's 2021 text for incidents of
    2026-27, Rule 6A-6.0331's 2015 amendment for referrals of these years)."""
    body = client.get("/v1/districts/gulf-shore/worklist", headers=auth("gulf-shore")).json()
    stamp = body["stamp"]
    assert [p["id"] for p in stamp["stack"]] == ["us-idea", "florida", "st-lucie"]
    assert set(stamp["rules"]) == {i["rule"] for i in body["items"]}
    incidents = {r: v for r, v in stamp["rules"].items() if r.startswith("fl.rs.")}
    assert incidents and set(incidents.values()) == {"2021-07-01 .. open-ended"}
    # Rule 6A-6.0331: items under its 2015 text (consents from 2015-11-20) and one under the
    # older text (ends 2014-10-15; a consent of 2011): the stamp names both, oldest first
    versions = stamp["rules"].get("fl.initial_evaluation")
    assert versions == "always .. 2014-10-15; 2015-11-20 .. open-ended"
    runs = client.get("/v1/districts/gulf-shore/runs", headers=auth("gulf-shore")).json()
    assert body["run"] == runs["runs"][0]["id"]
