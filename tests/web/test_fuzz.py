"""API fuzzing with schemathesis against the served OpenAPI document, in process (ASGI):
no request gives a 500, and every response matches the document (status code, content type,
body schema). Bounded: a fixed number of derandomised examples per operation (well under a
minute in all)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 20


@pytest.fixture
def fuzz_app(tmp_path):
    """A store of its own (the fuzzer imports cases), with one swept district."""
    from spedrules.core.store.database import Store
    from spedrules.core.store.sweep import sweep
    from spedrules.core.synthetic import population
    from spedrules.core.web import create_app
    from spedrules.core.web.tokens import create_token
    from tests.web.conftest import AS_OF, EXAMPLES, case_json

    url = f"sqlite:///{tmp_path / 'fuzz.sqlite'}"
    store = Store(url)
    store.init()
    store.add_district(EXAMPLES / "mesa-verde.toml", who="test")
    cases = [
        *population("MV", 8, ["Walnut Elementary"], AS_OF),
        case_json("case-forms-meeting.yaml"),
    ]
    store.add_cases("mesa-verde", cases, who="test")
    sweep(store, AS_OF)
    return create_app(url), create_token(store.engine, "mesa-verde", "staff", "Fuzzer")[1]


def test_fuzz_every_operation(fuzz_app):
    app, token = fuzz_app
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            # the caller's own district, so requests get past tenancy (404s: test_auth.py)
            if "district_id" in (case.path_parameters or {}):
                case.path_parameters["district_id"] = "mesa-verde"
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
