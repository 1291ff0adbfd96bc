"""A store with two districts (Mesa Verde, CA; Gulf Shore, FL), a small synthetic population
swept as of 2027-01-15, the example cases imported, and one token per district."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
import yaml

pytest.importorskip("litestar", reason="the web extra (litestar) is not installed")

from litestar.testing import TestClient  # noqa: E402

from spedrules.core.store.database import Store  # noqa: E402
from spedrules.core.store.sweep import sweep  # noqa: E402
from spedrules.core.synthetic import population  # noqa: E402
from spedrules.core.web import create_app  # noqa: E402
from spedrules.core.web.tokens import create_token  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
AS_OF = date(2027, 1, 15)
DISTRICTS = {
    "mesa-verde": ("mesa-verde.toml", "MV", ["Walnut Elementary", "Vista Middle"], False),
    "gulf-shore": ("gulf-shore.toml", "GS", ["Port Elementary", "Gulf Shore High"], True),
}
EXAMPLE_CASES = {
    "mesa-verde": ["case-initial-referral.yaml", "case-forms-meeting.yaml"],
    "gulf-shore": ["case-forms-incident-fl.yaml"],
}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server the test starts)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def case_json(name: str) -> dict:
    """An example case file as the JSON a client sends (dates as ISO strings)."""
    return json.loads(json.dumps(yaml.safe_load((EXAMPLES / name).read_text()), default=str))


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def web_store(request, tmp_path_factory) -> dict:
    """The API and pages are tested on SQLite and on the real PostgreSQL server CI starts."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}"
    else:
        url = os.environ.get("SPEDRULES_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("SPEDRULES_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL)")
        from sqlalchemy import create_engine, text

        from spedrules.core.store.database import Base

        with create_engine(url).begin() as connection:  # a clean database for the session
            Base.metadata.drop_all(connection)
            for table in ("alembic_version", "api_tokens"):
                connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    store = Store(url)
    store.init()
    tokens = {}
    for district_id, (config, prefix, schools, incidents) in DISTRICTS.items():
        assert store.add_district(EXAMPLES / config, who="test") == district_id
        cases = list(population(prefix, 30, schools, AS_OF, incidents=incidents))
        cases += [case_json(n) for n in EXAMPLE_CASES[district_id]]
        store.add_cases(district_id, cases, who="test")
        tokens[district_id] = create_token(store.engine, district_id, "staff", f"{prefix} Lead")[1]
    tokens["mesa-verde-readonly"] = create_token(store.engine, "mesa-verde", "readonly")[1]
    sweep(store, AS_OF)
    return {"url": url, "store": store, "tokens": tokens}


@pytest.fixture(scope="session")
def app(web_store):
    return create_app(web_store["url"])


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


@pytest.fixture
def auth(web_store):
    def headers(district: str = "mesa-verde") -> dict[str, str]:
        return {"Authorization": f"Bearer {web_store['tokens'][district]}"}

    return headers
