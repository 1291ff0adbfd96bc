"""The ``spedrules`` command: a thin shell over :mod:`spedrules.core.api`.

Every user mistake ends in one line on stderr naming the file, the field and what was expected,
and exit code 2; a problem found by a check exits 1; no traceback reaches a user unless
``SPEDRULES_DEBUG=1`` asks for one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import DBAPIError

from spedrules.cli import render
from spedrules.core import api
from spedrules.core.convert import converter
from spedrules.core.errors import InputError, SpedrulesError

CONFIG = click.option(
    "--config",
    "config",
    required=True,
    type=click.Path(dir_okay=False),
    help="District configuration (TOML, DESIGN.md section 7).",
)
CASES_FROM = click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(exists=False),
    help="A folder of case files, or one YAML/JSON file with 'cases: [...]'.",
)
AS_OF = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Evaluate as of this date (default: today in the district's timezone).",
)


def _format(*choices: str, default: str = "table"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


class Shell(click.Group):
    """Turns spedrules' own errors into one line and exit 2 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpedrulesError as exc:
            if os.environ.get("SPEDRULES_DEBUG"):
                raise
            click.echo(f"spedrules: error: {exc}", err=True)
            sys.exit(2)
        except DBAPIError as exc:  # e.g. a database that `spedrules init` has not set up
            if os.environ.get("SPEDRULES_DEBUG"):
                raise
            reason = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            click.echo(
                f"spedrules: error: database: expected an initialised spedrules database "
                f"(run `spedrules init`), got {reason!r}",
                err=True,
            )
            sys.exit(2)


@click.group(cls=Shell, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spedrules", prog_name="spedrules")
def cli() -> None:
    """spedrules: what is due for each student with a disability, by when, and why.

    Special-education law (federal IDEA, California, Florida) and local practice as plugins,
    layered by a district configuration. Every date comes with its citation and explanation.

    \b
    Start with:  spedrules demo
    Then:        spedrules evaluate --config DISTRICT.toml CASE.yaml
                 spedrules explain --config DISTRICT.toml CASE.yaml KIND
    """


@cli.group("plugins", cls=Shell, invoke_without_command=True)
@_format("table", "json")
@click.pass_context
def plugins(ctx: click.Context, fmt: str) -> None:
    """List installed plugins (or check them: `spedrules plugins check`)."""
    if ctx.invoked_subcommand is not None:
        return
    rows = api.plugin_summaries()
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(render.plugins_table(rows))


@plugins.command("check")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Check this district's stack instead of every plugin on its own ancestry.",
)
def plugins_check(config: str | None) -> None:
    """Validate plugins: rule ids, replaces/tightens targets, citations, kinds, crashes."""
    problems = api.check_plugins(config)
    for problem in problems:
        click.echo(f"problem: {problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("plugins check: no problems")


@cli.command("rules")
@CONFIG
@click.option("--kind", help="Only rules of this kind.")
@_format("table", "json")
def rules(config: str, kind: str | None, fmt: str) -> None:
    """Show the effective rule set of a district after layering, with provenance."""
    rows = api.rule_summaries(config, kind)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(render.rules_table(rows))


@cli.command("evaluate")
@CONFIG
@click.argument("case", type=click.Path(dir_okay=False))
@AS_OF
@_format("table", "json")
def evaluate(config: str, case: str, as_of: str | None, fmt: str) -> None:
    """Evaluate one student's case: obligations with due dates, status and citations."""
    result = api.evaluate(config, case, as_of)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render.evaluation_table(result))


@cli.command("explain")
@CONFIG
@click.argument("case", type=click.Path(dir_okay=False))
@click.argument("rule_or_kind")
@AS_OF
def explain(config: str, case: str, rule_or_kind: str, as_of: str | None) -> None:
    """Explain, step by step, how a rule's due date was computed for a case."""
    for ob in api.explain(config, case, rule_or_kind, as_of):
        click.echo(render.explanation(ob))


@cli.command("eligibility")
@CONFIG
@click.argument("case", type=click.Path(dir_okay=False))
@click.option("--category", required=True, help="IDEA code (SLD, SLI, ...) or category id.")
@_format("table", "json")
def eligibility(config: str, case: str, category: str, fmt: str) -> None:
    """Decide one eligibility category: met / not_met / insufficient_data, with each criterion."""
    result = api.eligibility(config, case, category)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(render.eligibility(result))


@cli.group("report", cls=Shell)
def report() -> None:
    """District reports over many cases."""


@report.command("restraint")
@CONFIG
@click.option("--year", required=True, metavar="YYYY-YY", help="School year, e.g. 2015-16.")
@CASES_FROM
@click.option("--goal", type=int, help="The reduction goal for the year, in percent.")
@click.option("--next-goal", type=int, help="Next year's reduction goal, in percent.")
@click.option(
    "--chart",
    "chart_path",
    type=click.Path(dir_okay=False),
    help="Write incidents by month and type as a chart (.png or .svg).",
)
@_format("table", "json")
def report_restraint(config, year, source, goal, next_goal, chart_path, fmt) -> None:
    """Restraint-reduction figures: year against year, goal, breakdowns (SP&P A.6)."""
    result = api.restraint_report(config, source, year, goal, next_goal)
    if chart_path:
        from spedrules.core.restraint_report import chart

        chart(result, Path(chart_path))
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        click.echo(render.restraint_report(result))


@cli.group("forms", cls=Shell)
def forms() -> None:
    """Jurisdiction forms: list them, fill them from a case, render HTML/PDF/JSON."""


@forms.command("list")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False),
    help="Only the forms of this district's stack (default: every installed plugin's).",
)
@_format("table", "json")
def forms_list(config: str | None, fmt: str) -> None:
    """List forms: code, revision, title, what one form is about and its languages."""
    rows = api.form_summaries(config)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(render.forms_table(rows))


@forms.command("fill")
@click.argument("code")
@CONFIG
@click.argument("case", type=click.Path(dir_okay=False))
@click.option("--meeting", help="The meeting the form is about (its id in the case).")
@click.option("--incident", help="The incident the form is about (its id in the case).")
@click.option(
    "--values",
    type=click.Path(dir_okay=False),
    help="YAML/JSON file of values entered by hand (field name: value), signatures included.",
)
@click.option("--language", type=click.Choice(["en", "es"]), help="Default: the student's.")
@AS_OF
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="Output file: .html, .pdf or .json.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when a required field is still empty.")
def forms_fill(code, config, case, meeting, incident, values, language, as_of, out, strict):
    """Fill form CODE (e.g. NC6A) from CASE and write it; list what is still missing."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".html", ".pdf", ".json"):
        raise InputError(None, "--out", "a file name ending in .html, .pdf or .json", out)
    filled = api.fill_form(
        config,
        case,
        code,
        meeting=meeting,
        incident=incident,
        values=values,
        as_of=as_of,
        language=language,
    )
    from spedrules.core import form_render

    if suffix == ".pdf":
        form_render.to_pdf(filled, out)
    elif suffix == ".html":
        Path(out).write_text(form_render.to_html(filled), encoding="utf-8")
    else:
        Path(out).write_text(
            json.dumps(filled.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    click.echo(render.filled_form(filled, out))
    if strict and filled.missing:
        sys.exit(1)


@cli.command("programs")
@CONFIG
@CASES_FROM
@AS_OF
@_format("table", "json")
def programs(config: str, source: str, as_of: str | None, fmt: str) -> None:
    """Duties over a roster: program rules counted per school (e.g. inclusion staffing)."""
    found = api.program_obligations(config, source, as_of)
    if fmt == "json":
        rows = [converter.unstructure(o) for o in found]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(render.program_duties(found))


@cli.command("new-plugin")
@click.argument("name")
@click.option("--parent", required=True, help="The plugin id this one layers on.")
@click.option(
    "--dir",
    "folder",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the package folder.",
)
def new_plugin(name: str, parent: str, folder: str) -> None:
    """Write a ready-to-edit plugin package (entry point, one rule, a passing test)."""
    from spedrules.core.scaffold import new_plugin as scaffold

    target = scaffold(name, parent, folder)
    click.echo(f"wrote {target}: cd {target} && pip install -e '.[test]' && pytest")


DB = click.option(
    "--db",
    help="Database URL or SQLite file (default: SPEDRULES_DATABASE_URL, else ./spedrules.sqlite).",
)


@cli.command("init")
@DB
def init(db: str | None) -> None:
    """Create the database tables (SQLite file by default)."""
    from spedrules.core.store import Store

    store = Store(db)
    store.init()
    click.echo(f"initialised {store.url}")


@cli.group("district", cls=Shell)
def district_group() -> None:
    """Districts kept in the store."""


@district_group.command("add")
@click.argument("config", type=click.Path(dir_okay=False))
@DB
def district_add(config: str, db: str | None) -> None:
    """Check a district config and its calendar, then store them."""
    from spedrules.core.store import Store

    api.load_district(config)  # every check first: nothing is stored for a bad config
    store = Store(db)
    store.init()
    click.echo(f"district {store.add_district(Path(config), who=_who())} stored")


@cli.group("import", cls=Shell)
def import_group() -> None:
    """Import cases, students or events into the store: all or nothing (or --skip-bad)."""


SKIP_BAD = click.option(
    "--skip-bad",
    is_flag=True,
    help="Write the good rows and report the bad ones instead of writing none.",
)
DISTRICT = click.option(
    "--district", "district_id", required=True, help="The district the records belong to."
)


@import_group.command("cases")
@click.argument("source", type=click.Path())
@DISTRICT
@DB
def import_cases(source: str, district_id: str, db: str | None) -> None:
    """Case files: a folder of YAML/JSON cases, or one file with 'cases: [...]'."""
    from spedrules.core.store import Store
    from spedrules.core.sweep import district_from_store

    store = Store(db)
    district = district_from_store(store.url, district_id)
    count = store.add_cases(district_id, api.read_cases(source, district), who=_who())
    click.echo(f"imported {count} case(s) into {district_id}")


@import_group.command("students")
@click.argument("source", type=click.Path(dir_okay=False))
@DISTRICT
@SKIP_BAD
@DB
def import_students(source: str, district_id: str, skip_bad: bool, db: str | None) -> None:
    """Students from CSV (columns in spedrules/core/imports.py, sample in examples/)."""
    from spedrules.core.imports import read_students
    from spedrules.core.store import Store
    from spedrules.core.sweep import district_from_store

    store = Store(db)
    district = district_from_store(store.url, district_id)
    good, bad = read_students(Path(source), district.event_types)
    _report_bad(bad, skip_bad)
    count = store.add_cases(district_id, [{"student": s} for s in good], who=_who())
    click.echo(f"imported {count} student(s) into {district_id}")


@import_group.command("events")
@click.argument("source", type=click.Path(dir_okay=False))
@DISTRICT
@SKIP_BAD
@DB
def import_events(source: str, district_id: str, skip_bad: bool, db: str | None) -> None:
    """Events from CSV, appended to students already in the store."""
    from spedrules.core.imports import read_events
    from spedrules.core.store import Store
    from spedrules.core.sweep import district_from_store

    store = Store(db)
    district = district_from_store(store.url, district_id)
    good, bad = read_events(Path(source), district.event_types)
    _report_bad(bad, skip_bad)
    count = store.add_events(district_id, good, who=_who())
    click.echo(f"imported {count} event(s) into {district_id}")


def _report_bad(bad, skip_bad: bool) -> None:
    for row in bad:
        click.echo(f"spedrules: bad row: {row.message}", err=True)
    if bad and not skip_bad:
        click.echo(
            f"spedrules: error: {len(bad)} bad row(s); nothing was written "
            "(--skip-bad writes the good rows)",
            err=True,
        )
        sys.exit(2)


@cli.command("sweep")
@AS_OF
@click.option("--district", "district_id", help="Only this district.")
@click.option("--workers", default=1, show_default=True, help="Parallel processes.")
@DB
@_format("table", "json", "csv")
def sweep_command(as_of, district_id, workers, db, fmt) -> None:
    """Evaluate every student, store the obligations and print the compliance dashboard."""
    from rich.progress import Progress

    from spedrules.core.store import Store
    from spedrules.core.sweep import dashboard, partitions, program_duties, sweep

    store = Store(db)
    day = _day(as_of)
    districts = [district_id] if district_id else store.districts()
    total = sum(len(partitions(store, d)) for d in districts)
    # the bar goes to stderr and only on a terminal, so JSON and CSV output stay clean
    with Progress(transient=True, console=_stderr_console()) as bar:
        task = bar.add_task("sweeping", total=total)
        sweep(store, day, districts, workers, progress=lambda n: bar.advance(task, n))
    board = dashboard(
        store.obligations(day, district_id), day, program_duties(store, day, district_id)
    )
    click.echo(json.dumps(board, indent=2) if fmt == "json" else render.dashboard(board, fmt))


@cli.group("export", cls=Shell)
def export() -> None:
    """Exports for other tools."""


@export.command("ics")
@AS_OF
@click.option("--student", help="Only this student's deadlines.")
@click.option("--role", help="Only deadlines of this responsible role.")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@DB
def export_ics(as_of, student, role, out, db) -> None:
    """Upcoming deadlines as an iCalendar file a case manager subscribes to."""
    from spedrules.core.export import deadlines_ics
    from spedrules.core.store import Store

    day = _day(as_of)
    text = deadlines_ics(Store(db).obligations(day), day, student=student, role=role)
    if out:
        Path(out).write_bytes(text)
    else:
        click.echo(text.decode())


def _day(as_of: str | None):
    """--as-of for store commands: a date, or today; a bad one is an input error (exit 2)."""
    from datetime import date

    if as_of is None:
        return date.today()
    try:
        return date.fromisoformat(as_of)
    except ValueError:
        raise InputError(None, "--as-of", "a date YYYY-MM-DD", as_of) from None


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _who() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "spedrules"


@cli.command("demo")
@click.option(
    "--students", default=1500, show_default=True, help="Synthetic students per district."
)
@click.option("--workers", default=2, show_default=True, help="Parallel processes for the sweep.")
def demo(students: int, workers: int) -> None:
    """The main job on a fresh SQLite store: two districts, a synthetic population, a sweep."""
    from spedrules.cli.demo import run_demo

    run_demo(click.echo, students, workers)


@cli.command("serve")
@DB
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (only this machine by default).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
def serve(db: str | None, host: str, port: int) -> None:
    """Serve the HTTP API (/v1/, OpenAPI at /v1/openapi.json) and the dashboard."""
    from spedrules.cli.serving import run_server

    run_server(db, host, port, click.echo)


@cli.group("token", cls=Shell)
def token_group() -> None:
    """API tokens for `spedrules serve` (only their hashes are stored)."""


@token_group.command("create")
@click.option("--district", "district_id", required=True, help="The district the token reads.")
@click.option("--role", required=True, type=click.Choice(["admin", "staff", "readonly"]),
              help="admin and staff may write; readonly may only read.")
@click.option("--person", help="Who holds the token: the audit actor of its writes.")
@DB
def token_create(district_id: str, role: str, person: str | None, db: str | None) -> None:
    """Create a token; it is printed once, alone on the last line."""
    from spedrules.core.store import Store
    from spedrules.core.web.tokens import create_token

    store = Store(db)
    store.init()
    if store.district(district_id) is None:
        raise InputError(
            None, "--district", "a district added with `spedrules district add`", district_id
        )
    token_id, token = create_token(store.engine, district_id, role, person)
    click.echo(f"token {token_id} for {district_id} ({role}); it is shown only now:")
    click.echo(token)


@token_group.command("list")
@click.option("--district", "district_id", help="Only this district's tokens.")
@DB
def token_list(district_id: str | None, db: str | None) -> None:
    """Tokens: id, district, role, person, created, revoked (never the token)."""
    from spedrules.core.store import Store
    from spedrules.core.web.tokens import list_tokens

    store = Store(db)
    store.init()
    for t in list_tokens(store.engine, district_id):
        revoked = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(
            f"{t.id}\t{t.district}\t{t.role}\t{t.person or '-'}\t"
            f"created {t.created_at:%Y-%m-%d %H:%M}\t{revoked}"
        )


@token_group.command("revoke")
@click.argument("token_id", type=int)
@DB
def token_revoke(token_id: int, db: str | None) -> None:
    """Revoke a token by its id: requests with it get 401 from then on."""
    from spedrules.core.store import Store
    from spedrules.core.web.tokens import revoke_token

    store = Store(db)
    store.init()
    t = revoke_token(store.engine, token_id)
    click.echo(f"token {t.id} ({t.district}, {t.role}) revoked")


def main() -> None:
    cli(prog_name="spedrules")


if __name__ == "__main__":  # pragma: no cover
    main()
