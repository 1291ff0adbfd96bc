"""Generated bad (and good) input fed to the CLI in-process (issue 13 item 5): case files,
calendars (YAML and .ics), district configs and CSVs with random keys, types, dates, encodings
and nesting. Every run ends in exit 0 or 2 (1 where the command documents it), never a
traceback, and a refused import leaves the store as it was. Bounded: 50 examples per test (300
in all); set SPEDRULES_FUZZ_EXAMPLES for a deeper run."""

from __future__ import annotations

import itertools
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spedrules.cli.main import cli
from spedrules.core.model.vocabulary import EVENT_TYPES
from spedrules.core.store.database import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FUZZ = settings(
    max_examples=int(os.environ.get("SPEDRULES_FUZZ_EXAMPLES", "50")),  # more for a deeper run
    deadline=None,
    database=None,  # nothing written into the work tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
COUNTER = itertools.count()

# ---- values: the shapes real files have, and the ones they should not --------------------------

dates = st.one_of(
    st.dates().map(str),  # valid
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-13-40", "2026-02-30", "yesterday", "", "0000-00-00", "2026-9-8"]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.text(min_size=60, max_size=300),  # longer than the store's columns
    dates,
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
event_types = st.sampled_from(sorted(EVENT_TYPES)) | st.text(max_size=12)


def mapping_with(known: list[str], value=values) -> st.SearchStrategy[dict]:
    """Mostly the keys a file should have, sometimes others; any values."""
    keys = st.sampled_from(known) | st.text(max_size=10)
    return st.dictionaries(keys, value, max_size=len(known) + 1)


events = st.fixed_dictionaries(
    {"type": event_types},
    optional={"date": dates, "at": dates, "days": values, "meeting_type": values, "id": scalars},
)
students = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=70) | st.integers(),
        "birth_date": dates,
        "disability": st.sampled_from(["SLD", "AUT", "XYZ", ""]) | scalars,
        "grade": scalars,
        "school": scalars,
        "has_bip": scalars,
        "name": scalars,
    },
)
cases = st.one_of(
    st.fixed_dictionaries(
        {"student": students | values},
        optional={
            "events": st.lists(events | values, max_size=4) | values,
            "incidents": st.lists(mapping_with(["id", "type", "started_at", "released_at"])),
            "meetings": st.lists(mapping_with(["id", "type", "start", "end", "attendees"])),
            "evaluation": values,
        },
    ),
    mapping_with(["student", "events", "incidents", "meetings", "evaluation"]),
    values,
)


def encoded(text: str, how: str) -> bytes:
    if how == "utf-8":
        return text.encode("utf-8")
    if how == "bom":
        return text.encode("utf-8-sig")
    if how == "utf-16":
        return text.encode("utf-16")
    return text.encode("latin-1", errors="replace")


encodings = st.sampled_from(["utf-8", "utf-8", "bom", "utf-16", "latin-1"])


def run(*args) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def fresh(folder: Path, name: str) -> Path:
    return folder / f"{next(COUNTER)}-{name}"


def expect_clean(result, allowed=(0, 2)) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.output)
    if result.exit_code == 2:
        lines = result.stderr.strip().splitlines()
        assert lines and lines[-1].startswith("spedrules: error: "), result.stderr


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz")
    for name in ("mesa-verde.toml", "mesa-verde-2026-27.yaml"):
        shutil.copy(EXAMPLES / name, path)
    return path


@pytest.fixture(scope="module")
def store(folder) -> Path:
    db = folder / "fuzz.sqlite"
    assert run("district", "add", folder / "mesa-verde.toml", "--db", db).exit_code == 0
    return db


def snapshot(db: Path):
    s = Store(str(db))
    return [c for _, c in s.cases("mesa-verde", 0, 10**12)], len(s.audit_rows())


@FUZZ
@given(case=cases, as_json=st.booleans(), how=encodings)
def test_case_files(folder, case, as_json, how):
    text = json.dumps(case, default=str) if as_json else yaml.safe_dump(case, allow_unicode=True)
    path = fresh(folder, "case.json" if as_json else "case.yaml")
    path.write_bytes(encoded(text, how))
    result = run("evaluate", "--config", folder / "mesa-verde.toml", path, "--as-of", "2026-12-10")
    expect_clean(result)


@FUZZ
@given(batch=st.lists(cases, min_size=1, max_size=3), how=encodings)
def test_case_imports(folder, store, batch, how):
    path = fresh(folder, "cases.yaml")
    path.write_bytes(encoded(yaml.safe_dump({"cases": batch}, allow_unicode=True), how))
    before = snapshot(store)
    result = run("import", "cases", path, "--district", "mesa-verde", "--db", store)
    expect_clean(result)
    if result.exit_code == 2:
        assert snapshot(store) == before  # a refused import writes nothing


years = st.fixed_dictionaries(
    {},
    optional={
        "name": scalars,
        "first_day": dates,
        "last_day": dates,
        "closures": st.lists(mapping_with(["name", "date", "start", "end"], dates | values)),
    },
)
calendars = (
    st.fixed_dictionaries(
        {},
        optional={
            "name": scalars,
            "timezone": st.sampled_from(["America/Los_Angeles", "Mars/Olympus", ""]) | scalars,
            "school_day": mapping_with(
                ["start", "end"], st.sampled_from(["08:15", "25:00"]) | scalars
            ),
            "weekdays": st.lists(st.sampled_from(["mon", "tue", "fri", "sun", "xyz"]) | scalars),
            "years": st.lists(years, max_size=3) | values,
        },
    )
    | values
)


@FUZZ
@given(calendar=calendars, how=encodings)
def test_calendars(folder, calendar, how):
    sub = fresh(folder, "cal")
    sub.mkdir()
    (sub / "cal.yaml").write_bytes(encoded(yaml.safe_dump(calendar, allow_unicode=True), how))
    config = (folder / "mesa-verde.toml").read_text().replace("mesa-verde-2026-27.yaml", "cal.yaml")
    (sub / "d.toml").write_text(config)
    shutil.copy(EXAMPLES / "case-initial-referral.yaml", sub / "case.yaml")
    expect_clean(
        run("evaluate", "--config", sub / "d.toml", sub / "case.yaml", "--as-of", "2026-12-10")
    )


ics_lines = st.lists(
    st.sampled_from(
        [
            "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "VERSION:2.0",
            "X-WR-TIMEZONE:America/Los_Angeles", "X-WR-TIMEZONE:Mars/Olympus",
            "SUMMARY:First Day of School", "SUMMARY:Last Day of School", "SUMMARY:Winter Break",
            "DTSTART;VALUE=DATE:20260819", "DTSTART;VALUE=DATE:20261340", "DTSTART:20260819T080000",
            "DTEND;VALUE=DATE:20260818", "DTEND;VALUE=DATE:20270611", "DTSTART;VALUE=DATE:2026",
        ]
    )
    | st.text(max_size=30),
    max_size=14,
)  # fmt: skip


@FUZZ
@given(lines=ics_lines, how=encodings)
def test_ics_calendars(folder, lines, how):
    sub = fresh(folder, "ics")
    sub.mkdir()
    (sub / "cal.ics").write_bytes(encoded("\r\n".join(lines) + "\r\n", how))
    config = (folder / "mesa-verde.toml").read_text().replace("mesa-verde-2026-27.yaml", "cal.ics")
    (sub / "d.toml").write_text(config)
    shutil.copy(EXAMPLES / "case-initial-referral.yaml", sub / "case.yaml")
    result = run("evaluate", "--config", sub / "d.toml", sub / "case.yaml", "--as-of", "2026-12-10")
    expect_clean(result)


def toml_value(value) -> str:
    """A tiny TOML writer for the generated values (strings, numbers, booleans, lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and value == value and abs(value) != float("inf"):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


toml_values = st.one_of(
    st.sampled_from(["us-idea", "california", "florida", "lahabra-best-practices"]),
    st.lists(st.sampled_from(["us-idea", "california", "florida", "oregon", ""]), max_size=4),
    st.sampled_from(["mesa-verde-2026-27.yaml", "missing.yaml", "../x.yaml", "/etc/passwd"]),
    st.text(max_size=70),
    st.integers(),
    st.booleans(),
)
district_keys = ["id", "name", "state", "timezone", "stack", "calendar", "local_plugins", "x"]


@FUZZ
@given(
    district=mapping_with(district_keys, toml_values),
    options=st.dictionaries(st.sampled_from(["us-idea.age_of_majority", "x"]), toml_values),
    responsible=st.dictionaries(st.sampled_from(["assessment_plan", "nope"]), toml_values),
    keep_good=st.booleans(),
    garbage=st.binary(max_size=20),
)
def test_district_configs(folder, district, options, responsible, keep_good, garbage):
    base = {
        "id": "t", "name": "T", "state": "CA", "timezone": "America/Los_Angeles",
        "stack": ["us-idea", "california"], "calendar": "mesa-verde-2026-27.yaml",
    }  # fmt: skip
    fields = {**base, **district} if keep_good else district
    lines = ["[district]", *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in fields.items())]
    for table, entries in (("options", options), ("responsible", responsible)):
        if entries:
            lines += [
                f"[{table}]",
                *(f"{json.dumps(k)} = {toml_value(v)}" for k, v in entries.items()),
            ]
    path = fresh(folder, "d.toml")
    path.write_bytes("\n".join(lines).encode() + b"\n" + garbage)
    expect_clean(run("rules", "--config", path))
    expect_clean(run("plugins", "check", "--config", path), allowed=(0, 1, 2))
    db = path.with_suffix(".sqlite")
    added = run("district", "add", path, "--db", db)
    expect_clean(added)
    if added.exit_code == 2:
        assert not db.exists() or Store(str(db)).districts() == []


STUDENT_HEADER = ["id", "birth_date", "name", "grade", "disability", "school", "has_bip", "idd"]
EVENT_HEADER = ["student_id", "type", "date", "at", "days", "meeting_type", "student"]
cells = st.one_of(
    st.sampled_from(["MV-1", "MV-2", "S-1", "absence", "referral_received", "2026-10-01"]),
    dates,
    st.text(max_size=12),
    st.text(min_size=60, max_size=210),
    st.sampled_from(["true", "false", "12", '"quoted, comma"', '"open quote']),
)


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    def line(fields):
        return ",".join(f.replace("\n", " ") for f in fields)

    return "\n".join([line(header), *(line(r) for r in rows)]) + "\n"


@FUZZ
@given(
    kind=st.sampled_from(["students", "events"]),
    header=st.lists(st.sampled_from(STUDENT_HEADER + EVENT_HEADER), min_size=0, max_size=6),
    rows=st.lists(st.lists(cells, max_size=7), max_size=6),
    how=encodings,
    skip_bad=st.booleans(),
)
def test_csv_imports(folder, store, kind, header, rows, how, skip_bad):
    path = fresh(folder, f"{kind}.csv")
    path.write_bytes(encoded(csv_text(header, rows), how))
    before = snapshot(store)
    args = ["import", kind, path, "--district", "mesa-verde", "--db", store]
    result = run(*args, *(["--skip-bad"] if skip_bad else []))
    expect_clean(result)
    if result.exit_code == 2:
        assert snapshot(store) == before  # a refused import writes nothing
