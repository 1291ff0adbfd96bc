"""The ``spedrules`` command: a thin shell over :mod:`spedrules.core.api`.

Every user mistake ends in one line on stderr naming the file, the field and what was expected,
and exit code 2; a problem found by a check exits 1; no traceback reaches a user unless
``SPEDRULES_DEBUG=1`` asks for one.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from spedrules import __version__
from spedrules.core.errors import InputError, SpedrulesError, one_line
from spedrules.core.store import PARTITION_SIZE


class _Lazy:
    """A module imported when a command first uses it: `spedrules --version` and `--help` must
    not pay for SQLAlchemy, numpy and the plugins (benchmarks/bench_startup.py)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


api = _Lazy("spedrules.core.api")
render = _Lazy("spedrules.cli.render")

CONFIG = click.option(
    "--config",
    "config",
    required=True,
    type=click.Path(dir_okay=False),
    help="District configuration (TOML, docs/file-formats.md).",
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

DB = click.option(
    "--db",
    help="Database URL or SQLite file (default: SPEDRULES_DATABASE_URL, else ./spedrules.sqlite).",
)
ACTOR = click.option(
    "--actor",
    envvar="SPEDRULES_ACTOR",
    help="Who makes this change, recorded in the audit trail (default: SPEDRULES_ACTOR).",
)
STORE_DISTRICT = click.option(
    "--district", "district_id", help="The district (required when the store holds several)."
)


PERCENT = click.IntRange(0, 100)


def _format(*choices: str, default: str = "table"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def _emit(fmt: str, data: Any, table: Callable[[], str], **dump: Any) -> None:
    """``data`` as JSON for --format json, else the table ``table()`` renders (a function, so
    JSON output never imports the renderer)."""
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, **dump))
    else:
        click.echo(table())


def _config(help: str):
    """An optional --config: the commands that read a district's stack only when given one."""
    return click.option("--config", "config", type=click.Path(dir_okay=False), help=help)


def _at_least_one(name: str, default: int, help: str):
    """A whole-number option of at least 1 with its default shown (workers, sizes)."""
    return click.option(
        name, default=default, show_default=True, type=click.IntRange(min=1), help=help
    )


def _port(help: str):
    return click.option(
        "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=help
    )


def _chart(help: str):
    return click.option("--chart", "chart_path", type=click.Path(dir_okay=False), help=help)


class Shell(click.Group):
    """Turns spedrules' own errors into one line and exit 2 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SpedrulesError as exc:
            if os.environ.get("SPEDRULES_DEBUG"):
                raise
            click.echo(f"spedrules: error: {one_line(str(exc))}", err=True)
            sys.exit(2)
        except click.UsageError as exc:  # a bad option value (--workers 0): one line too
            where = exc.ctx.command_path if exc.ctx else "spedrules"
            message = one_line(exc.format_message())
            click.echo(f"spedrules: error: {message} (`{where} --help`)", err=True)
            sys.exit(2)
        except Exception as exc:  # a database error: refused, locked, read-only, no schema...
            from spedrules.core.store.dberrors import describe

            message = describe(exc)
            if message is None or os.environ.get("SPEDRULES_DEBUG"):
                raise
            click.echo(f"spedrules: error: {one_line(message)}", err=True)
            sys.exit(2)


@click.group(cls=Shell, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spedrules")  # not from metadata: start-up cost
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
    _emit(fmt, rows, lambda: render.plugins_table(rows))


@plugins.command("check")
@_config("Check this district's stack instead of every plugin on its own ancestry.")
def plugins_check(config: str | None) -> None:
    """Validate plugins: rule ids, replaces/tightens targets, citations, kinds, crashes."""
    problems = api.check_plugins(config)
    for problem in problems:
        click.echo(f"problem: {problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("plugins check: no problems")


@cli.group("rules", cls=Shell, invoke_without_command=True)
@_config("District configuration (TOML, docs/file-formats.md).  [required]")
@click.option("--kind", help="Only rules of this kind.")
@_format("table", "json")
@click.pass_context
def rules(ctx: click.Context, config: str | None, kind: str | None, fmt: str) -> None:
    """Show the effective rule set of a district after layering, with provenance
    (or one rule in full: `spedrules rules show RULE_ID`)."""
    if ctx.invoked_subcommand is not None:
        return
    if config is None:
        raise click.UsageError("Missing option '--config'.", ctx)
    rows = api.rule_summaries(config, kind)
    _emit(fmt, rows, lambda: render.rules_table(rows))


@rules.command("show")
@click.argument("rule_id")
@_config(
    "Read the rule in this district's stack (its options and local add-ons) instead of "
    "the installed plugins."
)
@_format("text", "json", default="text")
def rules_show(rule_id: str, config: str | None, fmt: str) -> None:
    """One rule in full: trigger, each version's period, what meets or cancels it, exceptions,
    layering, the responsible role, the citation and the file and line it is defined in."""
    described = api.describe_rule(rule_id, config)
    if fmt == "json":
        click.echo(json.dumps(api.unstructure(described), indent=2))
    else:
        click.echo(render.rule_description(described))


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
        if result.warnings:
            click.echo(render.warnings(result), err=True)


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
    _emit(fmt, result.to_dict(), lambda: render.eligibility(result))


@cli.group("report", cls=Shell)
def report() -> None:
    """District reports over many cases."""


@report.command("restraint")
@CONFIG
@click.option("--year", required=True, metavar="YYYY-YY", help="School year, e.g. 2015-16.")
@CASES_FROM
@click.option("--goal", type=PERCENT, help="The reduction goal for the year, in percent (0-100).")
@click.option("--next-goal", type=PERCENT, help="Next year's reduction goal, in percent (0-100).")
@_chart("Write incidents by month and type as a chart (.png or .svg).")
@_format("table", "json")
def report_restraint(config, year, source, goal, next_goal, chart_path, fmt) -> None:
    """Restraint-reduction figures: year against year, goal, breakdowns (SP&P A.6)."""
    if chart_path:
        _check_chart(chart_path)
    result = api.restraint_report(config, source, year, goal, next_goal)
    if not result.definition.citation:  # no plugin of the stack defines its report
        click.echo(f"spedrules: warning: {result.definition.title}", err=True)
    if chart_path:
        api.write_chart(result, chart_path)
    _emit(fmt, result.to_dict(), lambda: render.restraint_report(result))


@report.command("indicator-11")
@STORE_DISTRICT
@click.option("--year", required=True, metavar="YYYY-YY", help="Reporting year (July 1 - June 30).")
@_chart("Write the on-time share by month of consent as a chart (.png or .svg).")
@click.option("--explain", "student", help="Explain this child's evaluation timeline instead.")
@DB
@_format("table", "csv", "json")
def report_indicator11(district_id, year, chart_path, student, db, fmt) -> None:
    """SPP/APR Indicator 11 (child find) from the district's latest completed sweep: (a)
    consents in the year, (b) evaluated within the district's timeline, the percent, each child
    in (a) but not (b), and the 300.301(d) exceptions apart (docs/indicator-11.md)."""
    if chart_path:
        _check_chart(chart_path)  # before any work: a typo in the folder costs nothing
    found = api.indicator11(year, db, district_id)
    if student is not None:
        obligations, warnings = api.indicator11_explain(found, student, db)
        for warning in warnings:
            click.echo(f"spedrules: warning: {warning}", err=True)
        if not obligations:
            raise InputError(
                None,
                "--explain",
                f"a child of {found.district} with an initial evaluation in the run",
                student,
            )
        for ob in obligations:
            click.echo(render.explanation(ob))
        return
    if chart_path:
        api.write_chart(found, chart_path)
    data = found.to_dict()
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, default=str))
    elif fmt == "csv":
        rows = [
            {"list": group, **{k: v for k, v in child.items()}}
            for group in (
                "not_in_b",
                "exceptions",
                "exited",
                "set_aside",
                "pending",
                "undetermined",
            )
            for child in data[group]
        ]
        click.echo(render.csv_rows(rows), nl=False)
    else:
        click.echo(render.indicator11(data))


@cli.group("forms", cls=Shell)
def forms() -> None:
    """Jurisdiction forms: list them, fill them from a case, render HTML/PDF/JSON."""


@forms.command("list")
@_config("Only the forms of this district's stack (default: every installed plugin's).")
@_format("table", "json")
def forms_list(config: str | None, fmt: str) -> None:
    """List forms: code, revision, title, what one form is about and its languages."""
    rows = api.form_summaries(config)
    _emit(fmt, rows, lambda: render.forms_table(rows), ensure_ascii=False)


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
    api.check_output(out, "--out")  # before any work: a typo in the folder costs nothing
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
    api.write_form(filled, out)
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
        rows = [api.unstructure(o) for o in found]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(render.program_duties(found))


@cli.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--plugin", "plugins", multiple=True, help="Run the law tests an installed plugin ships."
)
@click.option("--verbose", "-v", is_flag=True, help="List every case, not only the failures.")
def law_test(paths: tuple[str, ...], plugins: tuple[str, ...], verbose: bool) -> None:
    """Run law tests: YAML cases with hand-worked due dates (files or folders of *.yaml).

    Exit 0 when every case passes, 1 when one fails (each failure names the file, line, case and
    rule with expected against got), 2 on a bad file. Format: docs/law-tests.md."""
    report = api.law_tests(paths, plugins)
    for line in report.lines(verbose):
        click.echo(line)
    if report.failed:
        sys.exit(1)


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
@click.option(
    "--level",
    default="local",
    show_default=True,
    type=click.Choice(["state", "region", "district", "local"]),
    help="The plugin's layer: its rules' default layer (statutory for a state, regional, local).",
)
def new_plugin(name: str, parent: str, folder: str, level: str) -> None:
    """Write a ready-to-edit plugin package (entry point, one YAML rule, one YAML law case,
    a passing test)."""
    target = api.new_plugin(name, parent, folder, level)
    click.echo(f"wrote {target}: cd {target} && pip install -e '.[test]' && pytest")


def _actor(actor: str | None) -> str:
    """Every write of the store names its actor: the one given (``--actor``/SPEDRULES_ACTOR),
    else the documented default, the operating-system account running the command, read from
    the process itself (``os:NAME``), never from ``$USER``, which anyone can set. With
    SPEDRULES_REQUIRE_ACTOR=1 (a host where one OS account serves many people) an explicit
    actor is required."""
    if actor is not None and actor.strip():
        if len(actor) > 200:
            raise InputError(None, "--actor", "at most 200 characters", actor[:40] + "...")
        return actor.strip()
    if os.environ.get("SPEDRULES_REQUIRE_ACTOR", "") not in ("", "0"):
        raise InputError(
            None,
            "--actor",
            "the person or system making this change (or SPEDRULES_ACTOR): this host sets "
            "SPEDRULES_REQUIRE_ACTOR, so every write of the store names an explicit actor",
        )
    return os_account()


def os_account() -> str:
    import pwd

    try:
        return f"os:{pwd.getpwuid(os.getuid()).pw_name}"
    except KeyError:  # an account without a passwd entry (some containers)
        return f"os:uid {os.getuid()}"


@cli.command("init")
@DB
def init(db: str | None) -> None:
    """Create or upgrade the database tables (SQLite file by default)."""
    store = api.init_store(db)
    click.echo(f"initialised {store.url}")


@cli.group("district", cls=Shell)
def district_group() -> None:
    """Districts kept in the store."""


@district_group.command("add")
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace the stored config of this district id.")
@DB
@ACTOR
def district_add(config: str, replace: bool, db: str | None, actor: str | None) -> None:
    """Check a district config, its calendar and local add-ons, then store them (the add-ons'
    text and SHA-256 too: sweeps run what was stored). An existing id needs --replace."""
    who = _actor(actor)
    district_id = api.add_district(config, db, who=who, replace=replace)
    click.echo(f"district {district_id} {'replaced' if replace else 'stored'}")


@cli.group("import", cls=Shell)
def import_group() -> None:
    """Import cases, students or events: idempotent (the same file twice changes nothing),
    append-only (nothing is deleted), all or nothing (or --skip-bad)."""


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
@ACTOR
def import_cases(source: str, district_id: str, db: str | None, actor: str | None) -> None:
    """Case files: a folder of YAML/JSON cases, or one file with 'cases: [...]'."""
    who = _actor(actor)
    district = api.stored_district(district_id, db)
    cases, warnings = api.read_cases(source, district)
    for warning in warnings:
        click.echo(f"spedrules: warning: {warning}", err=True)
    summary = api.import_cases(district_id, cases, db, who=who)
    click.echo(f"imported {summary.cases:,} case(s) into {district_id}: {summary.describe()}")


@import_group.command("students")
@click.argument("source", type=click.Path(dir_okay=False))
@DISTRICT
@SKIP_BAD
@DB
@ACTOR
def import_students(source, district_id, skip_bad, db, actor) -> None:
    """Students from CSV (columns in spedrules/core/imports.py, sample in examples/)."""
    who = _actor(actor)
    done = api.import_students(source, district_id, db, who=who, skip_bad=skip_bad)
    _report_bad(done)
    summary = done.summary
    click.echo(
        f"imported {summary.cases:,} student(s) into {district_id}: {summary.students_new:,} "
        f"new, {summary.students_updated:,} updated, {summary.students_unchanged:,} unchanged"
    )


@import_group.command("events")
@click.argument("source", type=click.Path(dir_okay=False))
@DISTRICT
@SKIP_BAD
@DB
@ACTOR
def import_events(source, district_id, skip_bad, db, actor) -> None:
    """Events from CSV, appended to students already in the store (an optional `id` column is
    the source system's event id; without it an event is identified by its content)."""
    who = _actor(actor)
    done = api.import_events(source, district_id, db, who=who, skip_bad=skip_bad)
    _report_bad(done)
    summary = done.summary
    click.echo(
        f"imported {summary.events_new + summary.events_known + summary.events_repeated:,} "
        f"event(s) into {district_id}: "
        f"{summary.events_new:,} new, {summary.events_known:,} already stored{summary.repeated()}"
    )


def _report_bad(done) -> None:
    for row in done.bad:
        click.echo(f"spedrules: bad row: {row.message}", err=True)
    if done.summary is None:  # bad rows without --skip-bad: nothing was written
        click.echo(
            f"spedrules: error: {len(done.bad)} bad row(s); nothing was written "
            "(--skip-bad writes the good rows)",
            err=True,
        )
        sys.exit(2)


@cli.group("events", cls=Shell)
def events_group() -> None:
    """A student's stored events, and retracting a wrong one (audited, never deleted)."""


@events_group.command("list")
@click.argument("student")
@DISTRICT
@DB
@_format("table", "json")
def events_list(student: str, district_id: str, db: str | None, fmt: str) -> None:
    """The student's events with their keys (the key names an event for `events retract`)."""
    rows = api.student_events(district_id, student, db)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, default=str))
        return
    body = [
        [
            r["key"],
            r["event"].get("date") or r["event"].get("at"),
            r["event"]["type"],
            "retracted: " + r["retracted"]["reason"] if r["retracted"] else "",
        ]
        for r in rows
    ]
    click.echo(render.table(["key", "day", "type", "retracted"], body))


@events_group.command("retract")
@click.argument("student")
@click.argument("key")
@DISTRICT
@click.option("--reason", required=True, help="Why the event is wrong (kept in the store).")
@DB
@ACTOR
def events_retract(student, key, district_id, reason, db, actor) -> None:
    """Retract one stored event: a retraction is appended with the reason and the actor; the
    event stays in the store and the next sweep no longer counts it."""
    who = _actor(actor)
    event = api.retract_event(district_id, student, key, reason, db, who=who)
    click.echo(f"retracted {event['type']} of {student} ({key}); the next sweep leaves it out")


EXIT_RUN_ERRORS = 3  # a run completed, but some students could not be evaluated
EXIT_BUSY = 4  # another sweep of the district is running


ALL_DISTRICTS = click.option(
    "--all-districts", is_flag=True, help="Every district of the store, each kept apart."
)


@cli.command("sweep")
@AS_OF
@STORE_DISTRICT
@ALL_DISTRICTS
@_at_least_one("--workers", 1, "Parallel processes.")
@_at_least_one(
    "--partition-size", PARTITION_SIZE, "Students per partition (the unit of work of a worker)."
)
@click.option(
    "--dask",
    "dask_address",
    metavar="SCHEDULER",
    help="Run the partitions on this Dask scheduler (tcp://HOST:8786; extra spedrules[dask]).",
)
@click.option("--history", is_flag=True, help="List the district's runs instead of sweeping.")
@click.option(
    "--full",
    is_flag=True,
    help="Evaluate every student, even those unchanged since the last run and still valid.",
)
@DB
@ACTOR
@_format("table", "json", "csv")
def sweep_command(
    as_of,
    district_id,
    all_districts,
    workers,
    partition_size,
    dask_address,
    history,
    full,
    db,
    actor,
    fmt,
) -> None:
    """Evaluate the students, publish the obligations as a run and print the dashboard.

    Incremental: a student unchanged since the last run, whose obligations there still hold
    on the as-of date, is carried forward; every student is evaluated after a change of the
    plugins, configuration or calendar, or with --full.

    Exit 0: the run completed; 3: it completed but some students could not be evaluated (listed
    on the dashboard); 4: another sweep of the district is running (nothing was done)."""
    from rich.progress import Progress

    if history:
        runs = api.run_history(db, district_id, all_districts)
        _emit(fmt, runs, lambda: render.runs_table(runs))
        return
    who = _actor(actor)
    # the bar goes to stderr and only on a terminal, so JSON and CSV output stay clean
    try:
        with Progress(transient=True, console=_stderr_console()) as bar:

            def progress(total: int):
                task = bar.add_task("sweeping", total=total)
                return lambda n: bar.advance(task, n)

            done = api.sweep(
                db,
                as_of,
                district_id,
                all_districts=all_districts,
                workers=workers,
                partition_size=partition_size,
                dask_address=dask_address,
                who=who,
                progress=progress,
                full=full,
            )
    except api.SweepBusy as exc:
        click.echo(f"spedrules: error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    boards = list(done.dashboards)
    if fmt == "json":
        out = boards[0] if len(boards) == 1 else {"districts": boards}
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo("\n\n".join(render.dashboard(b, fmt) for b in boards))
    if done.errors:
        sys.exit(EXIT_RUN_ERRORS)


@cli.command("worklist")
@STORE_DISTRICT
@click.option("--school", help="Only this school's items.")
@click.option("--role", help="Only items of this responsible role.")
@click.option("--person", help="Only the students of this case manager.")
@click.option(
    "--status",
    multiple=True,
    help="Only these statuses (repeatable; default: overdue, open, undetermined).",
)
@click.option("--due-within", type=int, help="Only items due within N days of the run's date.")
@DB
@_format("table", "json", "csv")
def worklist_command(district_id, school, role, person, status, due_within, db, fmt) -> None:
    """What to act on, most urgent first, from the district's latest completed sweep."""
    found = api.worklist(
        db,
        district_id,
        school=school,
        role=role,
        person=person,
        status=tuple(status),
        due_within=due_within,
    )
    rows = [api.unstructure(i) for i in found.items]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    elif fmt == "csv":
        click.echo(render.csv_rows(rows), nl=False)
    else:
        click.echo(render.worklist(found))


@cli.group("runs", cls=Shell)
def runs_group() -> None:
    """Published sweep runs (a district's compliance history)."""


@runs_group.command("prune")
@DISTRICT
@click.option("--keep", type=int, required=True, help="Completed runs to keep, newest first.")
@DB
@ACTOR
def runs_prune(district_id: str, keep: int, db: str | None, actor: str | None) -> None:
    """Drop the obligations of older runs (their run rows and counts stay, marked pruned).
    Exits 4, doing nothing, while a sweep of the district is running."""
    who = _actor(actor)
    try:
        pruned = api.prune_runs(district_id, keep, db, who=who)
    except api.SweepBusy as exc:
        click.echo(f"spedrules: error: {exc}", err=True)
        sys.exit(EXIT_BUSY)
    click.echo(f"pruned {pruned} run(s) of {district_id}; kept the {keep} newest completed")


@cli.group("audit", cls=Shell)
def audit_group() -> None:
    """The audit trail of the store."""


@audit_group.command("verify")
@DB
def audit_verify(db: str | None) -> None:
    """Check that every audit row chains to the one before it (exit 1 at the first that
    does not: the trail was edited outside spedrules)."""
    checked, broken = api.verify_audit(db)
    if broken is not None:
        click.echo(f"audit row {broken} does not chain to the row before it ({checked} verified)")
        sys.exit(1)
    click.echo(f"audit trail intact: {checked:,} row(s) chained")


@cli.group("export", cls=Shell)
def export() -> None:
    """Exports for other tools."""


@export.command("ics")
@AS_OF
@STORE_DISTRICT
@click.option("--student", help="Only this student's deadlines.")
@click.option("--role", help="Only deadlines of this responsible role.")
@click.option("--person", help="Only the deadlines of this case manager's students.")
@click.option("--out", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@DB
def export_ics(as_of, district_id, student, role, person, out, db) -> None:
    """Open and overdue deadlines of the latest completed run as an iCalendar file a case
    manager subscribes to (with --as-of: the latest completed run of that date)."""
    if out:
        api.check_output(out, "--out")  # before any work
    text = api.deadlines_ics(db, district_id, as_of, student=student, role=role, person=person)
    if out:
        api.write_output(out, text)
    else:
        click.echo(text.decode())


@export.command("edfi")
@STORE_DISTRICT
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Folder for the .jsonl files."
)
@DB
def export_edfi(district_id, out, db) -> None:
    """Ed-Fi Data Standard 5.2 documents (JSON Lines, one file per resource) from the latest
    completed sweep, with the district's [edfi] identities; what Ed-Fi cannot hold is listed."""
    result, written = api.export_edfi(out, db, district_id)
    for key, path in written.items():
        click.echo(f"wrote {len(result.documents[key]):,} document(s) to {path}")
    if result.not_held:
        click.echo("not held by Ed-Fi 5.2 RestraintEvent (kept in spedrules, not exported):")
        for what, n in result.not_held.items():
            click.echo(f"  {what}: {n:,} record(s)")
    click.echo(
        f"from run {result.run['run']} as of {result.run['as_of']}; load with lightbeam "
        "(docs/edfi.md)"
    )


def _check_chart(path: str) -> None:
    if Path(path).suffix.lower() not in (".png", ".svg"):
        raise InputError(None, "--chart", "a file name ending in .png or .svg", path)
    api.check_output(path, "--chart")


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


@cli.command("demo")
@_at_least_one("--students", 500, "Synthetic students per district.")
@_at_least_one("--workers", 2, "Parallel processes for the sweep.")
@click.option("--serve", is_flag=True, help="Then serve the dashboard on the demo store.")
@_port("Port for --serve.")
def demo(students: int, workers: int, serve: bool, port: int) -> None:
    """The main job on a fresh SQLite store: two districts, a synthetic population, a sweep."""
    from spedrules.cli.demo import run_demo

    store = run_demo(click.echo, students, workers)
    if serve:
        from spedrules.cli.serving import serve_demo

        serve_demo(store, port, click.echo)


@cli.command("serve")
@DB
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (only this machine by default).",
)
@_port("Port to listen on.")
def serve(db: str | None, host: str, port: int) -> None:
    """Serve the HTTP API (/v1/, OpenAPI at /v1/openapi.json) and the dashboard."""
    from spedrules.cli.serving import run_server

    run_server(db, host, port, click.echo)


@cli.group("token", cls=Shell)
def token_group() -> None:
    """API tokens for `spedrules serve` (only their hashes are stored)."""


@token_group.command("create")
@click.option("--district", "district_id", required=True, help="The district the token reads.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["admin", "staff", "readonly"]),
    help="admin and staff may write; readonly may only read.",
)
@click.option("--person", help="Who holds the token: the audit actor of its writes.")
@DB
def token_create(district_id: str, role: str, person: str | None, db: str | None) -> None:
    """Create a token; it is printed once, alone on the last line."""
    token_id, token = api.create_token(district_id, role, person, db)
    click.echo(f"token {token_id} for {district_id} ({role}); it is shown only now:")
    click.echo(token)


@token_group.command("list")
@click.option("--district", "district_id", help="Only this district's tokens.")
@DB
def token_list(district_id: str | None, db: str | None) -> None:
    """Tokens: id, district, role, person, created, revoked (never the token)."""
    for t in api.list_tokens(district_id, db):
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
    t = api.revoke_token(token_id, db)
    click.echo(f"token {t.id} ({t.district}, {t.role}) revoked")


def main() -> None:
    cli(prog_name="spedrules")


if __name__ == "__main__":  # pragma: no cover
    main()
