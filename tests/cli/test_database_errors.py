"""Database errors say what happened (issue 13 item 5): a URL or driver that cannot work names
the package, a refused connection names host and port, a locked SQLite file says retry, a
read-only one names its path, a server gone says so, a value too long names field and limit;
only a missing schema says "run `spedrules init`"."""

from __future__ import annotations

import importlib.util
import os
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DataError, InvalidRequestError, OperationalError

from spedrules.core.store import dberrors
from spedrules.core.store.database import Store


def sweep(run_cli, db):
    return run_cli("sweep", "--as-of", "2026-12-10", "--db", db)


@pytest.mark.skipif(importlib.util.find_spec("MySQLdb") is not None, reason="mysqlclient present")
def test_a_driver_that_is_not_installed_names_its_package(run_cli, one_line_error):
    line = one_line_error(sweep(run_cli, "mysql://u:secret@localhost/x"), "--db", "mysqlclient")
    assert "secret" not in line and "u:***@localhost" in line


@pytest.mark.parametrize("url", ["notadriver://x", "http://example.com/x", "postgresql://x:y:z"])
def test_a_url_sqlalchemy_does_not_know(run_cli, one_line_error, url):
    line = one_line_error(sweep(run_cli, url), "--db", "sqlite:///FILE")
    assert "init" not in line


def test_the_environment_variable_is_named_when_it_holds_the_url(
    run_cli, one_line_error, monkeypatch
):
    monkeypatch.setenv("SPEDRULES_DATABASE_URL", "notadriver://x")
    one_line_error(run_cli("sweep", "--as-of", "2026-12-10"), "SPEDRULES_DATABASE_URL")


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is None, reason="psycopg not installed")
def test_connection_refused_names_host_and_port(run_cli, one_line_error):
    line = one_line_error(
        sweep(run_cli, "postgresql://u@127.0.0.1:1/x"), "127.0.0.1 port 1 refused"
    )
    assert "init" not in line


def test_a_missing_sqlite_file_is_not_created(tmp_path, run_cli, one_line_error):
    db = tmp_path / "typo.sqlite"
    one_line_error(sweep(run_cli, db), "--db", "run `spedrules init`", "no file")
    assert not db.exists()
    one_line_error(sweep(run_cli, tmp_path / "nope" / "x.sqlite"), "run `spedrules init`")
    line = one_line_error(run_cli("init", "--db", tmp_path / "nope" / "x.sqlite"), "--db")
    assert "can create" in line


def test_only_a_missing_schema_says_init(tmp_path, run_cli, one_line_error):
    db = tmp_path / "empty.sqlite"
    sqlite3.connect(db).close()
    one_line_error(sweep(run_cli, db), "no spedrules tables", "run `spedrules init`")


def test_a_read_only_store_names_its_path(tmp_path, run_cli, examples, one_line_error):
    db = tmp_path / "ro.sqlite"
    assert run_cli("district", "add", examples / "mesa-verde.toml", "--db", db).exit_code == 0
    url = f"sqlite:///file:{db}?mode=ro&uri=true"  # read-only even for root (tests may run as root)
    result = run_cli(
        "import", "students", examples / "import-students.csv", "--district", "mesa-verde",
        "--db", url,
    )  # fmt: skip
    line = one_line_error(result, str(db), "read-only")
    assert "init" not in line


def test_a_locked_store_says_retry_later(tmp_path, run_cli):
    db = tmp_path / "locked.sqlite"
    assert run_cli("init", "--db", db).exit_code == 0
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        engine = create_engine(f"sqlite:///{db}", connect_args={"timeout": 0})
        dberrors.mark_url(engine)
        with pytest.raises(OperationalError) as err, engine.begin() as con:
            # a write: with the store's write-ahead log, readers never wait for a writer
            con.execute(text("CREATE TABLE probe (x)"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = dberrors.describe(err.value)
    assert "locked" in message and "retry later" in message and str(db) in message


def test_server_gone_and_value_too_long_are_told_apart():
    gone = OperationalError(
        "SELECT 1", {}, Exception("server closed the connection unexpectedly\nThis probably...")
    )
    assert "closed the connection" in dberrors.describe(gone)
    gone.spedrules_url = "postgresql://u:pw@db.example:5432/sped"
    assert dberrors.describe(gone).startswith("database postgresql://u:***@db.example:5432/sped:")
    long_id = DataError(
        "INSERT INTO students (district_id, student_id, school) VALUES (%(a)s, %(b)s, %(c)s)",
        {"district_id": "d", "student_id": "x" * 70, "school": None},
        Exception("value too long for type character varying(64)"),
    )
    assert dberrors.describe(long_id) == (
        "database: students.student_id: expected at most 64 characters, got 70"
    )
    assert dberrors.describe(ValueError("not a database error")) is None
    # SQLAlchemy's own errors are bugs in spedrules, not user input: keep their traceback
    assert dberrors.describe(InvalidRequestError("a bad query")) is None


@pytest.mark.skipif(
    not os.environ.get("SPEDRULES_TEST_POSTGRES_URL"), reason="SPEDRULES_TEST_POSTGRES_URL not set"
)
def test_postgresql_value_too_long_names_field_and_limit(examples):
    from tests.core.test_store import clean_postgres

    clean_postgres(os.environ["SPEDRULES_TEST_POSTGRES_URL"])
    store = Store(os.environ["SPEDRULES_TEST_POSTGRES_URL"])
    store.init()
    store.add_district(examples / "mesa-verde.toml", who="test")
    with pytest.raises(DataError) as err:  # past the input checks, straight to the store
        store.add_cases("mesa-verde", [{"student": {"id": "x" * 70}}], who="test")
    message = dberrors.describe(err.value)
    assert "student_id: expected at most 64 characters, got 70" in message
