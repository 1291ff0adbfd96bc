"""The dashboard: server-rendered pages (Jinja2, no JavaScript) over the same data as the API.

Sign in with a token (kept in an HttpOnly, SameSite=Strict cookie) -> the district dashboard ->
a school -> its work list -> a student's timeline -> one obligation's explanation -> the form PDF.
Another district's page is the same 404 page as a district that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from litestar import Request, Response, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect

from spedrules.core import api
from spedrules.core.api import District
from spedrules.core.errors import InputError, SpedrulesError
from spedrules.core.model import STATUSES
from spedrules.core.web import data as stored
from spedrules.core.web.app import (
    SESSION_COOKIE,
    dashboard_of,
    form_response,
    student_of,
    token_of,
)
from spedrules.core.web.charts import bar_chart
from spedrules.core.web.tokens import Principal, authenticate

PAGE_ROWS = 300  # work-list rows on one page; the API and the CLI give every row
STATUS_LABELS = {
    "overdue": "Overdue",
    "open": "Open",
    "undetermined": "Undetermined",
    "late": "Met late",
    "met": "Met",
    "not_applicable": "Not applicable",
}

_env = Environment(
    loader=PackageLoader("spedrules.core.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["q"] = lambda value: quote(str(value), safe="")


def _status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _due(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date) and not hasattr(value, "hour"):
        return f"{value:%a %Y-%m-%d}"
    return f"{value:%a %Y-%m-%d %H:%M}"


_env.filters["status_label"] = _status_label
_env.filters["due"] = _due


class SignInRequired(Exception):
    """A page asked for without a valid session: the handler sends the browser to sign in."""


def render(template: str, status_code: int = 200, **context: Any) -> Response:
    from spedrules import __version__

    html = _env.get_template(template).render(version=__version__, rows=PAGE_ROWS, **context)
    return Response(html, status_code=status_code, media_type="text/html")


def viewer(request: Request) -> Principal:
    found = authenticate(request.app.state.store.engine, token_of(request))
    if found is None:
        raise SignInRequired()
    return found


def district_page(request: Request, district_id: str) -> tuple[Principal, District]:
    """The signed-in viewer and their district; any other district id is 404."""
    who = viewer(request)
    found = None
    if who.district == district_id:
        found = stored.district(request.app.state.store, district_id)
    if found is None:
        raise NotFoundException()
    return who, found


# ---- signing in and out --------------------------------------------------------------------
@get("/", sync_to_thread=True)
def home(request: Request) -> Redirect:
    try:
        who = viewer(request)
    except SignInRequired:
        return Redirect("/sign-in", status_code=303)
    return Redirect(f"/districts/{quote(who.district, safe='')}", status_code=303)


@get("/sign-in", sync_to_thread=False)
def sign_in_form() -> Response:
    return render("sign_in.html.j2", error=None)


@post("/sign-in", sync_to_thread=True, status_code=303)
def sign_in(
    request: Request,
    data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response:
    token = (data.get("token") or "").strip()
    who = authenticate(request.app.state.store.engine, token)
    if who is None:
        return render(
            "sign_in.html.j2",
            status_code=401,
            error="That token is not valid (unknown, mistyped or revoked).",
        )
    response = Redirect(f"/districts/{quote(who.district, safe='')}", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@post("/sign-out", sync_to_thread=False, status_code=303)
def sign_out() -> Response:
    response = Redirect("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---- the district ----------------------------------------------------------------------------
@get("/districts/{district_id:str}", sync_to_thread=True)
def dashboard_page(
    request: Request, district_id: FromPath[str], goal: FromQuery[str | None] = None
) -> Response:
    who, district = district_page(request, district_id)
    store = request.app.state.store
    board = dashboard_of(store, district)
    overdue = [(s.school, s.counts.get("overdue", 0)) for s in board.by_school]
    goal_value, goal_error = None, None
    if goal:
        if goal.isdigit() and 0 <= int(goal) <= 100:
            goal_value = int(goal)
        else:
            goal_error = f"'Reduction goal' expects a whole percentage 0-100, got {goal!r}."
    report, months = stored.restraint_trend(store, district, goal_value)
    return render(
        "dashboard.html.j2",
        who=who,
        district=district,
        board=board,
        statuses=[s for s in STATUSES if board.by_status.get(s)],
        chart=bar_chart(
            overdue,
            title="Overdue obligations by school",
            description="One bar per school; the number at the end of each bar is the count.",
            link=lambda school: (
                f"/districts/{quote(district_id, safe='')}/schools/{quote(school, safe='')}"
            ),
        ),
        restraint=report,
        goal=report.goal_percent if report else goal_value,  # typed, or the district's own
        goal_error=goal_error,
        goal_allowed=_goal_allowed(report),
        restraint_chart=bar_chart(
            months,
            title=f"Restraint incidents by month, {report.year}",
            description="One bar per month of the school year up to the as-of date; the number "
            "after each bar is the count of incidents.",
            show_zero_chart=True,
        )
        if report
        else None,
    )


def _goal_allowed(report) -> int | None:
    """The most incidents this year that still meets the goal (last year's less the goal)."""
    if report is None or report.goal_percent is None or not report.previous_incidents:
        return None
    return int(report.previous_incidents * (100 - report.goal_percent) / 100)


@get("/districts/{district_id:str}/schools/{school:str}", sync_to_thread=True)
def school_page(request: Request, district_id: FromPath[str], school: FromPath[str]) -> Response:
    who, district = district_page(request, district_id)
    store = request.app.state.store
    board = dashboard_of(store, district)
    counts = next((s.counts for s in board.by_school if s.school == school), None)
    if counts is None:
        raise NotFoundException()
    run, items, _ = stored.worklist(store, district_id, school=school)
    return render(
        "school.html.j2",
        who=who,
        district=district,
        school=school,
        counts=counts,
        statuses=[s for s in STATUSES if counts.get(s)],
        as_of=run["as_of"] if run else None,
        items=items,
    )


@get("/districts/{district_id:str}/worklist", sync_to_thread=True)
def worklist_page(
    request: Request,
    district_id: FromPath[str],
    school: FromQuery[str | None] = None,
    role: FromQuery[str | None] = None,
    person: FromQuery[str | None] = None,
    status: FromQuery[str | None] = None,
    due_within: FromQuery[str | None] = None,
) -> Response:
    who, district = district_page(request, district_id)
    error = None
    within = None
    if due_within:
        try:
            within = int(due_within)
        except ValueError:
            error = f"'Due within' expects a whole number of days, got {due_within!r}."
    if status and status not in stored.OPEN_STATUSES:
        error, status = f"'Status' expects one of {', '.join(stored.OPEN_STATUSES)}.", None
    filters = {"school": school, "role": role, "person": person, "status": status}
    try:
        run, items, _ = stored.worklist(
            request.app.state.store,
            district_id,
            **{k: v or None for k, v in filters.items()},
            due_within=within,
        )
    except InputError as exc:  # a filter naming nothing in the run: say so, list the known
        error = str(exc)
        run, items = stored.latest_run(request.app.state.store, district_id), []
    return render(
        "worklist.html.j2",
        who=who,
        district=district,
        as_of=run["as_of"] if run else None,
        items=items,
        filters={**filters, "due_within": due_within or ""},
        statuses=stored.OPEN_STATUSES,
        error=error,
    )


# ---- a student --------------------------------------------------------------------------------
@get("/districts/{district_id:str}/students/{student_id:str}", sync_to_thread=True)
def student_page(
    request: Request, district_id: FromPath[str], student_id: FromPath[str]
) -> Response:
    who, district = district_page(request, district_id)
    store = request.app.state.store
    result = student_of(store, district, student_id)
    mapping = stored.student_case(store, district_id, student_id) or {}
    return render(
        "student.html.j2",
        who=who,
        district=district,
        result=result,
        forms=_form_links(district, mapping),
    )


def _form_links(district: District, case: dict[str, Any]) -> list[dict[str, str]]:
    """One link per form the student's case can fill: a meeting's or incident's form once per
    meeting or incident, a student's form once."""
    links = []
    for form in api.form_summaries(district):
        code = form["code"].replace(" ", "")
        if form["subject"] == "meeting":
            subjects = [("meeting", m.get("id")) for m in case.get("meetings", [])]
        elif form["subject"] == "incident":
            subjects = [("incident", i.get("id")) for i in case.get("incidents", [])]
        else:
            subjects = [(None, None)]
        for key, value in subjects:
            query = f"?{key}={quote(str(value), safe='')}" if key else ""
            label = f"{form['code']}: {form['title']}" + (f" ({key} {value})" if key else "")
            links.append({"code": code, "query": query, "label": label})
    return links


@get("/districts/{district_id:str}/students/{student_id:str}/rules/{rule:str}", sync_to_thread=True)
def explanation_page(
    request: Request, district_id: FromPath[str], student_id: FromPath[str], rule: FromPath[str]
) -> Response:
    who, district = district_page(request, district_id)
    result = student_of(request.app.state.store, district, student_id)
    found = [o for o in result.obligations if o.rule == rule]
    if not found:
        raise NotFoundException()
    return render(
        "explanation.html.j2",
        who=who,
        district=district,
        result=result,
        obligations=found,
        rule_version=(result.stamp.rules.get(rule) if result.stamp else None),
    )


@get("/districts/{district_id:str}/students/{student_id:str}/forms/{code:str}", sync_to_thread=True)
def form_page(
    request: Request,
    district_id: FromPath[str],
    student_id: FromPath[str],
    code: FromPath[str],
    meeting: FromQuery[str | None] = None,
    incident: FromQuery[str | None] = None,
    format: FromQuery[str] = "pdf",
) -> Response:
    _, district = district_page(request, district_id)
    store = request.app.state.store
    mapping = stored.student_case(store, district_id, student_id)
    if mapping is None:
        raise NotFoundException()
    try:
        filled = api.fill_form(
            district,
            mapping,
            code,
            meeting=meeting,
            incident=incident,
            as_of=stored.latest_as_of(store, district_id),
        )
    except InputError as exc:
        return render(
            "error.html.j2", status_code=400, who=None, title="Form not filled", message=str(exc)
        )
    return form_response(district, filled, "html" if format == "html" else "pdf")


# ---- errors as pages ----------------------------------------------------------------------
def _sign_in(request: Request, exc: SignInRequired) -> Response:
    return Redirect("/sign-in", status_code=303)


def _not_found(request: Request, exc: Exception) -> Response:
    return not_found_page()


def not_found_page() -> Response:
    return render(
        "error.html.j2",
        status_code=404,
        who=None,
        title="Not found",
        message="There is no such page, or it is not one your token can open.",
    )


def _failed(request: Request, exc: SpedrulesError) -> Response:
    return render(
        "error.html.j2",
        status_code=400,
        who=None,
        title="Could not show this page",
        message=str(exc),
    )


ROUTES = [
    Router(
        path="/",
        route_handlers=[
            home,
            sign_in_form,
            sign_in,
            sign_out,
            dashboard_page,
            school_page,
            worklist_page,
            student_page,
            explanation_page,
            form_page,
        ],
        include_in_schema=False,
        exception_handlers={
            SignInRequired: _sign_in,
            NotFoundException: _not_found,
            SpedrulesError: _failed,
        },
    )
]
