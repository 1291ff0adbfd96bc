"""Tokens and tenancy: 401 without a valid token, 404 for another district's data (exactly as
for a district that does not exist), readonly cannot write, the principal is the audit actor."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from spedrules.core.store.database import Store
from spedrules.core.web.tokens import api_tokens, create_token
from tests.web.conftest import case_json

DISTRICT_GETS = ["dashboard", "worklist", "runs", "rules", "students/MV-0042"]


def test_no_token_or_a_bad_one_is_401(client):
    for path in DISTRICT_GETS:
        url = f"/v1/districts/mesa-verde/{path}"
        assert client.get(url).status_code == 401
        bad = client.get(url, headers={"Authorization": "Bearer not-a-token"})
        assert bad.status_code == 401
        assert bad.headers["www-authenticate"] == "Bearer"
        basic = client.get(url, headers={"Authorization": "Basic bWU6cHc="})
        assert basic.status_code == 401
    post = client.post("/v1/districts/mesa-verde/evaluate", json={"case": {}})
    assert post.status_code == 401


def test_another_districts_data_is_404_like_a_missing_district(client, auth):
    """Gulf Shore's token on Mesa Verde: the same status and body as for a district that does
    not exist, so a response never says whether a district is there."""
    gulf = auth("gulf-shore")
    for path in DISTRICT_GETS:
        other = client.get(f"/v1/districts/mesa-verde/{path}", headers=gulf)
        missing = client.get(f"/v1/districts/no-such-district/{path}", headers=gulf)
        assert other.status_code == missing.status_code == 404
        assert other.json()["detail"].replace("mesa-verde", "X") == missing.json()[
            "detail"
        ].replace("no-such-district", "X")
    body = {"case": case_json("case-initial-referral.yaml"), "as_of": "2027-01-15"}
    assert (
        client.post("/v1/districts/mesa-verde/evaluate", json=body, headers=gulf).status_code == 404
    )
    forms = client.post("/v1/districts/mesa-verde/forms/NC6A", json=body, headers=gulf)
    assert forms.status_code == 404
    # and its own district answers
    assert client.get("/v1/districts/gulf-shore/dashboard", headers=gulf).status_code == 200


def test_a_revoked_token_is_401(client, web_store):
    store: Store = web_store["store"]
    from spedrules.core.web.tokens import revoke_token

    token_id, token = create_token(store.engine, "mesa-verde", "admin", "Temp")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/districts/mesa-verde/runs", headers=headers).status_code == 200
    revoke_token(store.engine, token_id)
    assert client.get("/v1/districts/mesa-verde/runs", headers=headers).status_code == 401


def test_writes_name_the_principal_in_the_audit_trail_and_readonly_cannot_write(
    client, auth, web_store
):
    case = case_json("case-initial-referral.yaml")
    case["student"] = {**case["student"], "id": "MV-API-1"}
    body = {"cases": [case]}
    readonly = client.post(
        "/v1/districts/mesa-verde/cases", json=body, headers=auth("mesa-verde-readonly")
    )
    assert readonly.status_code == 403
    store: Store = web_store["store"]
    assert not [a for a in store.audit_rows() if a.what == "mesa-verde/MV-API-1"]
    got = client.post("/v1/districts/mesa-verde/cases", json=body, headers=auth())
    assert got.status_code == 201, got.text
    assert got.json()["summary"]["students_new"] == 1
    rows = [a for a in store.audit_rows() if a.what.startswith("mesa-verde/MV-API-1")]
    assert rows and {a.who for a in rows} == {"MV Lead (mesa-verde, staff, via API)"}
    again = client.post("/v1/districts/mesa-verde/cases", json=body, headers=auth())
    assert again.json()["summary"]["students_unchanged"] == 1  # idempotent, and says so
    assert again.json()["message"].startswith("0 new event(s)")
    bad = {"cases": [case, {"student": {"id": "MV-API-2"}, "events": [{"type": "x"}]}]}
    refused = client.post("/v1/districts/mesa-verde/cases", json=bad, headers=auth())
    assert refused.status_code == 400 and refused.json()["detail"].startswith(
        "cases[1]: events[0].type"
    )
    assert not [a for a in store.audit_rows() if a.what == "mesa-verde/MV-API-2"]


def test_token_commands_print_the_token_once_and_store_only_its_hash(run_cli, tmp_path, examples):
    db = str(tmp_path / "t.sqlite")
    assert run_cli("district", "add", examples / "mesa-verde.toml", "--db", db).exit_code == 0
    made = run_cli(
        "token",
        "create",
        "--district",
        "mesa-verde",
        "--role",
        "staff",
        "--person",
        "R. Diaz",
        "--db",
        db,
    )
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert len(token) >= 40 and " " not in token
    store = Store(db)
    with store.engine.connect() as c:
        rows = c.execute(select(api_tokens)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert all(token not in str(tuple(r)) for r in rows)  # the token itself is nowhere
    listed = run_cli("token", "list", "--db", db)
    assert "mesa-verde\tstaff\tR. Diaz" in listed.stdout and token not in listed.stdout
    assert "active" in listed.stdout
    revoked = run_cli("token", "revoke", str(rows[0].id), "--db", db)
    assert revoked.exit_code == 0 and "revoked" in run_cli("token", "list", "--db", db).stdout


def test_token_command_errors_are_one_line_exit_2(run_cli, tmp_path, examples):
    db = str(tmp_path / "t.sqlite")
    unknown = run_cli("token", "create", "--district", "nowhere", "--role", "admin", "--db", db)
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == (
        "spedrules: error: --district: expected a district added with "
        "`spedrules district add`, got 'nowhere'"
    )
    role = run_cli("token", "create", "--district", "x", "--role", "owner", "--db", db)
    assert role.exit_code == 2 and "owner" in role.stderr
    missing = run_cli("token", "revoke", "99", "--db", db)
    assert missing.exit_code == 2 and "TOKEN_ID" in missing.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_tokens_on_each_database(backend, tmp_path):
    """Create, authenticate and revoke on SQLite and on the real PostgreSQL server of CI."""
    import os

    from spedrules.core.web.tokens import authenticate, list_tokens, revoke_token

    url = str(tmp_path / "t.sqlite")
    if backend == "postgresql":
        url = os.environ.get("SPEDRULES_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("SPEDRULES_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
        from tests.core.test_store import clean_postgres

        clean_postgres(url)
    store = Store(url)
    store.init()
    first_id, first = create_token(store.engine, "d1", "admin", "A")
    second_id, second = create_token(store.engine, "d2", "readonly")
    assert first != second and first_id != second_id
    assert authenticate(store.engine, first).district == "d1"
    assert authenticate(store.engine, second).role == "readonly"
    assert authenticate(store.engine, first + "x") is None
    revoke_token(store.engine, first_id)
    assert authenticate(store.engine, first) is None
    assert [t.revoked_at is not None for t in list_tokens(store.engine)] == [True, False]
    assert [t.id for t in list_tokens(store.engine, "d2")] == [second_id]
