"""The ASGI app: the JSON API under ``/v1/`` and the dashboard pages (:mod:`.pages`).

Every district route authenticates its caller (``Authorization: Bearer TOKEN`` or the dashboard's
session cookie) and answers 404, exactly as for a district that does not exist, when the token
belongs to another district. Request bodies over :data:`MAX_BODY_BYTES` are refused with 413.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from attrs import frozen
from litestar import Litestar, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide
from litestar.enums import MediaType
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.params import FromPath, FromQuery, JSONBody

from spedrules.core import api
from spedrules.core.api import District
from spedrules.core.errors import InputError, SpedrulesError
from spedrules.core.model.case import case_from_dict
from spedrules.core.store.database import ImportSummary, Store
from spedrules.core.web import data as stored
from spedrules.core.web.results import (
    Catalogue,
    Dashboard,
    EvaluationResult,
    ExplainResult,
    PluginInfo,
    RuleInfo,
    Runs,
    SchoolCount,
    StudentResult,
    Worklist,
    stamp,
)
from spedrules.core.web.tokens import Principal, authenticate

MAX_BODY_BYTES = 10_000_000  # 10 MB: a larger request body is refused with 413
SESSION_COOKIE = "spedrules_session"


@frozen
class Problem:
    """An error response: the HTTP status and one line saying what was wrong."""

    status_code: int
    detail: str
    extra: dict[str, Any] | list[Any] | None = None


@frozen
class CaseRequest:
    """A case in the case-file format (docs/file-formats.md) as JSON, and the as-of date
    (default: today in the district's timezone)."""

    case: dict[str, Any]
    as_of: date | None = None


@frozen
class ExplainRequest:
    case: dict[str, Any]
    rule: str  # a rule id or an obligation kind
    as_of: date | None = None


@frozen
class FormRequest:
    case: dict[str, Any]
    as_of: date | None = None
    meeting: str | None = None  # the meeting the form is about (its id in the case)
    incident: str | None = None
    values: dict[str, Any] | None = None  # entered by hand: field name -> value
    language: Literal["en", "es"] | None = None
    format: Literal["pdf", "html"] = "pdf"


@frozen
class CasesRequest:
    cases: list[dict[str, Any]]


@frozen
class ImportResult:
    """What an import changed (re-sending the same cases changes nothing and says so)."""

    district: str
    summary: ImportSummary
    message: str
    actor: str  # the audit trail's actor: the token's principal


def _problem(description: str) -> ResponseSpec:
    return ResponseSpec(Problem, description=description, generate_examples=False)


UNAUTHORIZED = _problem("No token, or an unknown or revoked one.")
NOT_FOUND = _problem("No such district (also when the token belongs to another district).")
BAD_INPUT = _problem("The case or a parameter is invalid: the detail names the field.")
TOO_LARGE = _problem("The request body is larger than 10 MB.")
DISTRICT_READ = {401: UNAUTHORIZED, 404: NOT_FOUND}
DISTRICT_POST = {**DISTRICT_READ, 400: BAD_INPUT, 413: TOO_LARGE}
SECURITY = [{"BearerToken": []}]


# ---- dependencies --------------------------------------------------------------------------
def token_of(connection: ASGIConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return connection.cookies.get(SESSION_COOKIE)


def principal_of(request: Request) -> Principal:
    found = authenticate(request.app.state.store.engine, token_of(request))
    if found is None:
        raise NotAuthorizedException(
            "a valid token: Authorization: Bearer TOKEN (see `spedrules token create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


def district_for(
    request: Request, district_id: FromPath[str], principal: NamedDependency[Principal]
) -> District:
    """The caller's district: any other id is 404, whether or not it exists."""
    found = None
    if principal.district == district_id:
        found = stored.district(request.app.state.store, district_id)
    if found is None:
        raise NotFoundException(f"no district {district_id!r}")
    return found


DEPENDENCIES = {
    "principal": Provide(principal_of, sync_to_thread=True),
    "district": Provide(district_for, sync_to_thread=True),
}


def _district_get(path: str, tags: list[str], bad_input: bool = False):
    """A GET of one district's data: its problems (and 400 where a query can be bad), the token."""
    responses = {**DISTRICT_READ, 400: BAD_INPUT} if bad_input else DISTRICT_READ
    return get(path, sync_to_thread=True, responses=responses, security=SECURITY, tags=tags)


def _district_post(path: str, **kwargs: Any):
    """A stateless POST on one district's configuration: 200, its problems, the token."""
    return post(
        path,
        status_code=200,
        sync_to_thread=True,
        responses=DISTRICT_POST,
        security=SECURITY,
        **kwargs,
    )


# ---- stateless evaluation ------------------------------------------------------------------
def _case(district: District, mapping: dict[str, Any], where: str = "case"):
    return case_from_dict(mapping, where, district.event_types)


@_district_post(
    "/v1/districts/{district_id:str}/evaluate",
    tags=["evaluation"],
)
def evaluate(district: NamedDependency[District], data: JSONBody[CaseRequest]) -> EvaluationResult:
    """Every obligation of one student's case as of a date, with status, citation and
    explanation: the same result as `spedrules evaluate --format json`, stamped."""
    result = api.evaluate(district, _case(district, data.case), data.as_of)
    return EvaluationResult(
        student=result.student,
        as_of=result.as_of,
        obligations=result.obligations,
        violations=result.violations,
        warnings=result.warnings,
        stamp=stamp(district, result.obligations),
    )


@_district_post(
    "/v1/districts/{district_id:str}/explain",
    tags=["evaluation"],
)
def explain(district: NamedDependency[District], data: JSONBody[ExplainRequest]) -> ExplainResult:
    """The obligations of one rule id or kind, each with its step-by-step explanation."""
    case = _case(district, data.case)
    found = api.explain(district, case, data.rule, data.as_of)
    day = api.as_date(data.as_of, district)
    return ExplainResult(case.student.id, day, data.rule, tuple(found), stamp(district, found))


@_district_post(
    "/v1/districts/{district_id:str}/forms/{code:str}",
    media_type="application/pdf",
    tags=["forms"],
)
def fill_form(
    district: NamedDependency[District], code: FromPath[str], data: JSONBody[FormRequest]
) -> Response[bytes]:
    """One of the district's forms filled from the case, as PDF (default) or HTML. The
    ``X-Spedrules-*`` headers stamp it; ``X-Spedrules-Missing`` counts required fields still
    empty (the form then carries a DRAFT watermark)."""
    filled = api.fill_form(
        district,
        _case(district, data.case),
        code,
        meeting=data.meeting,
        incident=data.incident,
        values=data.values,
        as_of=data.as_of,
        language=data.language,
    )
    return form_response(district, filled, data.format)


def form_response(district: District, filled, fmt: str) -> Response[bytes]:
    from spedrules.core.forms import render as form_render

    if fmt == "html":
        body, media = form_render.to_html(filled).encode("utf-8"), "text/html"
    else:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "form.pdf"
            form_render.to_pdf(filled, out)
            body, media = out.read_bytes(), "application/pdf"
    return Response(body, media_type=media, headers=stamp_headers(district, filled))


def stamp_headers(district: District, filled=None) -> dict[str, str]:
    s = stamp(district)
    headers = {
        "X-Spedrules-Version": s.spedrules,
        "X-Spedrules-Stack": ", ".join(f"{p.id} {p.version}" for p in s.stack),
    }
    if filled is not None:
        form = filled.form
        headers["X-Spedrules-Form"] = f"{form.id} {form.revision or ''} {form.interval()}".strip()
        headers["X-Spedrules-Missing"] = str(len(filled.missing))
    return headers


# ---- rules and plugins (no district data: public) ------------------------------------------
@lru_cache(maxsize=1)
def installed_rules() -> tuple[RuleInfo, ...]:
    """Every installed plugin's rules, each id with its dated versions."""
    from spedrules.core.engine.layering import resolve_options
    from spedrules.core.engine.plugins import HookContext, Registry
    from spedrules.core.model.rules import RULE_HOOKS

    registry = Registry.discover()
    found: dict[str, list] = {}
    for plugin_id in sorted(registry.plugins):
        try:
            options = resolve_options(registry, registry.ancestry(plugin_id), {})
        except InputError:
            options = {}
        for hook_name in RULE_HOOKS:
            try:
                rules = registry.rules(plugin_id, hook_name, HookContext(options=options))
            except SpedrulesError:
                continue
            for rule in rules:
                found.setdefault(rule.id, []).append(rule)
    infos = []
    for rule_id in sorted(found):
        versions = found[rule_id]
        latest = versions[-1]
        infos.append(
            RuleInfo(
                rule=rule_id,
                kind=latest.kind,
                type=type(latest).__name__,
                title=latest.title,
                citation=latest.citation,
                layer=latest.layer,
                source=latest.source,
                replaces=(latest.replaces,) if latest.replaces else (),
                tightens=latest.tightens,
                versions=tuple(v.interval() for v in versions),
            )
        )
    return tuple(infos)


def _version() -> str:
    from spedrules import __version__

    return __version__


@get("/v1/rules", sync_to_thread=True, tags=["rules"])
def rules() -> Catalogue:
    """The rules of every installed plugin: id, kind, citation, layer, plugin, versions."""
    return Catalogue(_version(), rules=installed_rules())


@get(
    "/v1/rules/{rule_id:str}",
    sync_to_thread=True,
    tags=["rules"],
    responses={404: _problem("No installed rule has this id.")},
)
def rule(rule_id: FromPath[str]) -> Catalogue:
    """One installed rule by id."""
    found = tuple(r for r in installed_rules() if r.rule == rule_id)
    if not found:
        raise NotFoundException(f"no installed rule {rule_id!r}")
    return Catalogue(_version(), rules=found)


@get("/v1/plugins", sync_to_thread=True, tags=["rules"])
def plugins() -> Catalogue:
    """Installed plugins: version, parent (layering), level and rule counts per type."""
    rows = [PluginInfo(**row) for row in api.plugin_summaries()]
    return Catalogue(_version(), plugins=tuple(rows))


@_district_get("/v1/districts/{district_id:str}/rules", ["rules"])
def district_rules(district: NamedDependency[District]) -> Catalogue:
    """The district's effective rules after layering (what replaced or tightens what)."""
    rows = [
        RuleInfo(**{**r, "replaces": tuple(r["replaces"]), "versions": tuple(r["versions"])})
        for r in api.rule_summaries(district)
    ]
    return Catalogue(_version(), rules=tuple(rows))


# ---- the store: work list, dashboard, students, runs ---------------------------------------
@_district_get("/v1/districts/{district_id:str}/worklist", ["store"], bad_input=True)
def worklist(
    request: Request,
    district: NamedDependency[District],
    school: FromQuery[str | None] = None,
    role: FromQuery[str | None] = None,
    person: FromQuery[str | None] = None,
    status: FromQuery[Literal["overdue", "open", "undetermined"] | None] = None,
    due_within: FromQuery[int | None] = None,
) -> Worklist:
    """Open, overdue and undetermined obligations of the latest completed run, most urgent
    first; the filters of `spedrules worklist` (``due_within``: days). A filter that names
    nothing in the run (a mistyped school) is 400 listing the known values."""
    run, items, rows = stored.worklist(
        request.app.state.store,
        district.config.id,
        school=school,
        role=role,
        person=person,
        status=status,
        due_within=due_within,
    )
    return Worklist(
        district.config.id,
        date.fromisoformat(run["as_of"]) if run else None,
        run["run"] if run else None,
        tuple(items),
        stamp(district, rows, run),
    )


@_district_get("/v1/districts/{district_id:str}/dashboard", ["store"])
def dashboard(request: Request, district: NamedDependency[District]) -> Dashboard:
    """The compliance dashboard of the latest completed run: counts by status, school and role,
    the students it could not evaluate."""
    return dashboard_of(request.app.state.store, district)


def dashboard_of(store: Store, district: District) -> Dashboard:
    district_id = district.config.id
    name = district.config.name or district_id
    board = stored.dashboard(store, district_id)
    if board is None:
        return Dashboard(district_id, name, None, stamp=stamp(district))
    run = stored.latest_run(store, district_id)
    return Dashboard(
        district=district_id,
        name=name,
        run=stored.run_of(store, district_id),
        students=board["students"],
        obligations=board["obligations"],
        overdue=board["overdue"],
        due_in_7_days=board["due_in_7_days"],
        due_in_14_days=board["due_in_14_days"],
        due_in_30_days=board["due_in_30_days"],
        met_late=board["met_late"],
        undetermined=board["undetermined"],
        by_status=board["by_status"],
        by_school=tuple(SchoolCount(k, v) for k, v in board["by_school"].items()),
        by_responsible_role=board["by_responsible_role"],
        delay_reasons=board["delay_reasons"],
        future_events=board["future_events"],
        students_not_evaluated=board["errors"]["students"],
        warnings=tuple(board["warnings"]),
        program_duties=tuple(board["program_duties"]),
        stamp=stamp(district, (), run),
    )


@_district_get("/v1/districts/{district_id:str}/students/{student_id:str}", ["store"])
def student(
    request: Request, district: NamedDependency[District], student_id: FromPath[str]
) -> StudentResult:
    """A stored student's obligations with explanations, evaluated from the stored case as of
    the latest completed run's date (today before the first run)."""
    return student_of(request.app.state.store, district, student_id)


def student_of(store: Store, district: District, student_id: str) -> StudentResult:
    district_id = district.config.id
    mapping = stored.student_case(store, district_id, student_id)
    if mapping is None:
        raise NotFoundException(f"no student {student_id!r} in {district_id}")
    result, run = stored.student_evaluation(store, district, student_id)
    return StudentResult(
        student=result.student,
        as_of=result.as_of,
        obligations=result.obligations,
        violations=result.violations,
        warnings=result.warnings,
        stamp=stamp(district, result.obligations, run),
        district=district_id,
        info=api.as_case(mapping, district).student,
        run=run["run"] if run else None,
    )


@_district_get("/v1/districts/{district_id:str}/runs", ["store"])
def runs(request: Request, district: NamedDependency[District]) -> Runs:
    """The district's sweeps, newest first: completed, failed, running or pruned, each with the
    students it could not evaluate."""
    found = stored.runs(request.app.state.store, district.config.id)
    return Runs(district.config.id, tuple(found), stamp(district))


@post(
    "/v1/districts/{district_id:str}/cases",
    status_code=201,
    sync_to_thread=True,
    responses={**DISTRICT_POST, 403: _problem("The token's role is readonly.")},
    security=SECURITY,
    tags=["store"],
)
def import_cases(
    request: Request,
    district: NamedDependency[District],
    principal: NamedDependency[Principal],
    data: JSONBody[CasesRequest],
) -> ImportResult:
    """Add or extend students' cases (as `spedrules import cases`); all or nothing. The audit
    trail names the token's principal as the actor."""
    if not principal.can_write:
        raise PermissionDeniedException("a token with the role admin or staff")
    for i, mapping in enumerate(data.cases):
        _case(district, mapping, f"cases[{i}]")  # every case checked before anything is written
    summary = stored.import_cases(
        request.app.state.store, district.config.id, data.cases, principal.actor
    )
    return ImportResult(district.config.id, summary, summary.describe(), principal.actor)


# ---- the documents -------------------------------------------------------------------------
SCHEMA_NAMES = {
    "evaluation": "EvaluationResult",
    "explain": "ExplainResult",
    "student": "StudentResult",
    "worklist": "Worklist",
    "dashboard": "Dashboard",
    "runs": "Runs",
}


@get(
    "/v1/schemas/{name:str}",
    sync_to_thread=False,
    tags=["documents"],
    responses={404: _problem("No result type of this name.")},
)
def result_schema(request: Request, name: FromPath[str]) -> dict[str, Any]:
    """A JSON Schema (2020-12) of one result: evaluation, explain, student, worklist,
    dashboard or runs (``.json`` may follow the name)."""
    name = name.removesuffix(".json")
    if name not in SCHEMA_NAMES:
        raise NotFoundException(f"a result name ({', '.join(SCHEMA_NAMES)})")
    return json_schema(openapi(request.app), SCHEMA_NAMES[name])


class OpenAPIDocument(JsonRenderPlugin):
    """Serves /v1/openapi.json: the document as :func:`openapi` gives it (and nothing else:
    no UI that would load scripts from elsewhere)."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return json.dumps(openapi(request.app)).encode("utf-8")


def openapi(app: Litestar) -> dict[str, Any]:
    """The OpenAPI document, with ``oneOf`` read as ``anyOf`` (a date string is valid as both
    ``date`` and ``date-time`` to a validator that does not check formats) and each form
    response offered as PDF or HTML."""
    doc = _any_of(app.openapi_schema.to_schema())
    for path, item in doc.get("paths", {}).items():
        if "/forms/" in path:
            ok = item["post"]["responses"]["200"]
            ok["description"] = "The filled form (PDF, or HTML with format: html)"
            ok["content"] = {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "text/html": {"schema": {"type": "string"}},
            }
    return doc


def _any_of(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _any_of(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_any_of(v) for v in node]
    return node


def json_schema(doc: dict[str, Any], component: str) -> dict[str, Any]:
    """One component of the OpenAPI document as a standalone JSON Schema with ``$defs``."""
    schemas = doc["components"]["schemas"]
    needed: dict[str, Any] = {}

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in needed:
                    needed[name] = None
                    needed[name] = visit(schemas[name])
                return {"$ref": f"#/$defs/{name}"}
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    root = visit(schemas[component])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://spedrules.invalid/v1/schemas/{component}",
        **root,
        "$defs": dict(sorted(needed.items())),
    }


# ---- the app -------------------------------------------------------------------------------
def _input_error(request: Request, exc: InputError) -> Response:
    return Response(Problem(400, str(exc)), status_code=400)


def _not_found(request: Request, exc: NotFoundException) -> Response:
    """JSON under /v1/, the dashboard's page elsewhere (also for paths no route matches)."""
    if request.url.path.startswith("/v1/") or request.url.path == "/v1":
        return Response(Problem(404, exc.detail or "Not Found"), status_code=404)
    from spedrules.core.web.pages import not_found_page

    return not_found_page()


def _spedrules_error(request: Request, exc: SpedrulesError) -> Response:
    return Response(Problem(422, str(exc)), status_code=422)


SECURITY_HEADERS = {
    # student records: never kept by a shared cache or the browser's back-forward history
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # the pages load nothing from elsewhere and run no script (styles are inline)
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


def _security_headers(app: Any) -> Any:
    """ASGI middleware: the headers above on every response, errors included."""
    from litestar.datastructures import MutableScopeHeaders

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await app(scope, receive, send_with_headers)

    return middleware


def create_app(db: str | None = None) -> Litestar:
    """The app over the store at ``db`` (a URL or SQLite file; default as for the CLI)."""
    from spedrules.core.web import pages

    store = Store(db)
    app = Litestar(
        route_handlers=[
            evaluate,
            explain,
            fill_form,
            rules,
            rule,
            plugins,
            district_rules,
            worklist,
            dashboard,
            student,
            runs,
            import_cases,
            result_schema,
            *pages.ROUTES,
        ],
        dependencies=DEPENDENCIES,
        exception_handlers={
            InputError: _input_error,
            SpedrulesError: _spedrules_error,
            NotFoundException: _not_found,
        },
        openapi_config=OpenAPIConfig(
            title="spedrules",
            version=_version(),
            description=(
                "What is due for each student with a disability, by when, and why. Results are "
                "stamped with the spedrules version, the district's stack (each plugin's version) "
                "and each rule's version. Request bodies are limited to 10 MB (413 beyond)."
            ),
            path="/v1",
            render_plugins=[OpenAPIDocument(path="/openapi.json", media_type=MediaType.JSON)],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="A token from `spedrules token create`.",
                    )
                }
            ),
        ),
        request_max_body_size=MAX_BODY_BYTES,
        middleware=[_security_headers],
        state=None,
        debug=False,
    )
    app.state.store = store
    return app


def dump_openapi(app: Litestar) -> str:
    """The document as committed in docs/openapi.json (sorted keys, one trailing newline)."""
    return json.dumps(openapi(app), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["MAX_BODY_BYTES", "create_app", "dump_openapi"]
