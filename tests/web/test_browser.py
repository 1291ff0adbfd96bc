"""The dashboard in a real browser: Debian's chromium driven by Playwright, against
`spedrules serve` running on 127.0.0.1 on a free port. Screenshots go to .artifacts/web/.

Playwright's own browser download is not used (nor reachable here): the system chromium is
launched by path. Locally the tests skip when it is absent; in CI (.ci/run installs it and sets
SPEDRULES_REQUIRE_BROWSER=1) a missing browser is a failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.web.conftest import free_port

CHROMIUM = os.environ.get("SPEDRULES_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / ".artifacts" / "web"

if not Path(CHROMIUM).exists():
    if os.environ.get("SPEDRULES_REQUIRE_BROWSER"):
        raise RuntimeError(f"chromium is missing at {CHROMIUM}: .ci/chromium.sh installs it")
    pytest.skip(
        f"no chromium at {CHROMIUM} (apt-get install chromium, or set SPEDRULES_CHROMIUM)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def server(web_store):
    """`spedrules serve` in a subprocess, on the test store; stopped at the end."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "spedrules", "serve", "--db", web_store["url"], "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/v1/plugins", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"spedrules serve did not start: {proc.stdout.read()!r}"
                ) from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


def sign_in(page, server: str, token: str) -> None:
    page.goto(f"{server}/")
    assert page.url.endswith("/sign-in")
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Sign in").click()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_sign_in_sets_a_strict_httponly_session_and_shows_the_dashboard(page, server, web_store):
    page.goto(f"{server}/sign-in")
    page.get_by_label("Token").fill("not-a-token")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That token is not valid")
    shot(page, "sign-in-refused")
    sign_in(page, server, web_store["tokens"]["mesa-verde"])
    assert page.url == f"{server}/districts/mesa-verde"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Mesa Verde Unified School District"
    assert "as of 2027-01-15" in page.locator("p.meta").inner_text()
    (cookie,) = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    titles = page.locator("svg.chart > title").all_text_contents()
    assert titles == ["Overdue obligations by school", "Restraint incidents by month, 2026-27"]
    shot(page, "dashboard")
    page.get_by_role("button", name="Sign out").click()
    assert page.url.endswith("/sign-in")
    page.goto(f"{server}/districts/mesa-verde")
    assert page.url.endswith("/sign-in")


def test_drill_down_from_the_dashboard_to_an_explanation(page, server, web_store):
    sign_in(page, server, web_store["tokens"]["mesa-verde"])
    page.get_by_role("table", name="Obligations by school and status").get_by_role(
        "link", name="Walnut Elementary"
    ).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Walnut Elementary"
    shot(page, "school")
    rows = page.get_by_role("table", name="most urgent first").locator("tbody tr")
    assert rows.count() > 0
    first_student = rows.first.locator("td").nth(3).get_by_role("link")
    student_id = first_student.inner_text()
    first_student.click()
    assert student_id in page.get_by_role("heading", level=1).inner_text()
    timeline = page.get_by_role("table", name="Every obligation of this student, by due date")
    assert timeline.locator("tbody tr").count() > 0
    shot(page, "student")
    timeline.locator("tbody tr").first.get_by_role("link").click()
    assert page.get_by_role("heading", name="How the date was computed").first.is_visible()
    steps = page.locator("ol.steps").first.locator("li")
    assert steps.count() >= 2
    assert "Citation" in page.locator("dl.facts").first.inner_text()
    shot(page, "explanation")


def test_the_form_pdf_link(page, server, web_store):
    sign_in(page, server, web_store["tokens"]["mesa-verde"])
    page.goto(f"{server}/districts/mesa-verde/students/MV-0107")
    link = page.get_by_role("link", name="NC 6A", exact=False).first
    href = link.get_attribute("href")
    assert "/forms/NC6A?meeting=" in href
    shot(page, "student-forms")
    pdf = page.context.request.get(f"{server}{href}")  # the browser's own session cookie
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_district_a_token_gets_404_on_district_b_pages(page, server, web_store):
    sign_in(page, server, web_store["tokens"]["gulf-shore"])
    assert page.url == f"{server}/districts/gulf-shore"
    for path in [
        "/districts/mesa-verde",
        "/districts/mesa-verde/worklist",
        "/districts/mesa-verde/schools/Walnut%20Elementary",
        "/districts/mesa-verde/students/MV-0107",
        "/districts/mesa-verde/students/MV-0107/forms/NC6A",
    ]:
        response = page.goto(f"{server}{path}")
        assert response.status == 404, path
        assert page.get_by_role("heading", level=1).inner_text() == "Not found"
        assert "Mesa Verde" not in page.content()
    shot(page, "other-district-404")


def test_keyboard_first_tab_reaches_skip_link_and_worklist_filters_are_labelled(
    page, server, web_store
):
    sign_in(page, server, web_store["tokens"]["mesa-verde"])
    page.goto(f"{server}/districts/mesa-verde/worklist")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.get_by_label("Status").select_option("overdue")
    page.get_by_label("Due within (days)").fill("")
    page.get_by_role("button", name="Filter").click()
    assert "status=overdue" in page.url
    statuses = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert statuses and set(statuses) == {"Overdue"}
    shot(page, "worklist-overdue")
