"""The web layer reads the latest *completed* run: its as-of date and time, and the students it
could not evaluate, on the API and on the dashboard page."""

from __future__ import annotations

from datetime import date

from litestar.testing import TestClient

from spedrules.core.store.database import Store
from spedrules.core.store.sweep import sweep
from spedrules.core.synthetic import population
from spedrules.core.web import create_app
from spedrules.core.web.tokens import create_token
from tests.factories import fail_student
from tests.web.conftest import EXAMPLES


def test_run_errors_and_the_run_shown_are_the_latest_completed_runs(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    store = Store(url)
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="t")
    store.add_cases(
        "mesa-verde", population("MV", 6, ["Walnut Elementary"], date(2027, 1, 15)), who="t"
    )
    token = create_token(store.engine, "mesa-verde", "readonly")[1]
    headers = {"Authorization": f"Bearer {token}"}
    client = TestClient(create_app(url))
    with client:
        empty = client.get("/v1/districts/mesa-verde/dashboard", headers=headers).json()
        assert empty["run"] is None and empty["obligations"] == 0
        assert (
            client.get("/v1/districts/mesa-verde/worklist", headers=headers).json()["items"] == []
        )
        sweep(store, date(2027, 1, 8), who="first")
        fail_student(monkeypatch, "MV-000002", RuntimeError("boom for one student"))
        sweep(store, date(2027, 1, 15), who="second", full=True)  # every student evaluated
        board = client.get("/v1/districts/mesa-verde/dashboard", headers=headers).json()
        assert board["run"]["as_of"] == "2027-01-15" and board["run"]["actor"] == "second"
        assert board["students_not_evaluated"] == 1
        (error,) = board["run"]["errors"]
        assert error["student"] == "MV-000002" and "boom" in error["message"]
        runs = client.get("/v1/districts/mesa-verde/runs", headers=headers).json()["runs"]
        assert [r["as_of"] for r in runs] == ["2027-01-15", "2027-01-08"]
        assert all(r["status"] == "completed" and r["finished"] for r in runs)
        work = client.get("/v1/districts/mesa-verde/worklist", headers=headers).json()
        assert work["run"] == runs[0]["id"] and work["as_of"] == "2027-01-15"
        assert "MV-000002" not in {i["student"] for i in work["items"]}
        client.cookies.set("spedrules_session", token)
        page = client.get("/districts/mesa-verde")
        assert "1 student could not be evaluated" in page.text
        assert "boom for one student" in page.text
        assert "as of <strong>2027-01-15</strong>" in page.text
