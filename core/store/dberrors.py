"""What a database failure means, in one line a user can act on.

Every database problem used to read "expected an initialised spedrules database (run `spedrules
init`)", whether the server was down, the file locked or a value too long. Here each failure is
classified once, for the CLI's Shell (and any other front end): refused (host and port), locked
(retry later), read-only (the path), server gone, value too long (field and limit), a URL or driver
that cannot work (which package to install); only a missing schema says "run `spedrules init`".

Nothing here imports SQLAlchemy at module level: ``spedrules --version`` must stay cheap.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from spedrules.core.errors import InputError

# the module a SQLAlchemy dialect imports -> the package that provides it
DRIVER_PACKAGES = {
    "MySQLdb": "mysqlclient",
    "pymysql": "PyMySQL",
    "mysql": "mysql-connector-python",
    "mariadb": "mariadb",
    "psycopg": "psycopg[binary]",
    "psycopg2": "psycopg2-binary",
    "pg8000": "pg8000",
    "asyncpg": "asyncpg",
    "oracledb": "oracledb",
    "cx_Oracle": "cx_Oracle",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
}
URL_EXAMPLES = "a SQLite file name, sqlite:///FILE or postgresql+psycopg://USER@HOST:PORT/DB"


def safe_url(url: str) -> str:
    """The URL with any password masked: error messages end up in logs and tickets."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", str(url))


def engine_error(url: str, option: str, exc: Exception) -> InputError | None:
    """Why ``create_engine(url)`` failed, as an error naming ``option`` (``--db`` or the
    environment variable); None when the failure is not about the URL or its driver."""
    shown = safe_url(url)
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        top = exc.name.split(".")[0]
        package = DRIVER_PACKAGES.get(exc.name) or DRIVER_PACKAGES.get(top) or top
        scheme = url.split("://", 1)[0]
        return InputError(
            None,
            option,
            f"a database whose driver is installed ({scheme} needs the Python package "
            f"{package!r}: pip install {package})",
            shown,
        )
    name = type(exc).__name__
    if name in ("NoSuchModuleError", "ArgumentError") or isinstance(exc, ValueError):
        return InputError(None, option, URL_EXAMPLES, shown)
    return None


def describe(exc: BaseException) -> str | None:
    """One line saying what a database error means, or None when ``exc`` is not one."""
    if "sqlalchemy" not in sys.modules:
        return None  # nothing can have raised a database error yet
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None  # SQLAlchemy's own errors (a bad query) are bugs: their traceback is wanted
    url = getattr(exc, "spedrules_url", None)
    where = f"database {safe_url(url)}" if url else "database"
    text = _first_line(exc.orig if exc.orig is not None else exc)
    low = text.lower()
    host, port = _host_port(text, url)
    if "refused" in low:
        return f"{where}: the server at {host} port {port} refused the connection (is it running?)"
    if "could not translate host name" in low or "name or service not known" in low:
        return f"{where}: no such host {host!r}"
    if "timed out" in low or "timeout expired" in low:
        return f"{where}: no answer from {host} port {port} (timed out)"
    if "password authentication failed" in low or "authentication failed" in low:
        return f"{where}: the server refused the user name or password"
    if re.search(r'database "[^"]*" does not exist', low):
        return f"{where}: the server has no such database; create it, then `spedrules init`"
    if "database is locked" in low or "database table is locked" in low:
        return f"{where}: the SQLite file is locked by another process (busy); retry later"
    if "readonly database" in low or "read-only" in low or "unable to open database file" in low:
        path = _sqlite_path(url)
        return f"{where}: cannot open or write {path} (read-only, or its folder is missing)"
    if exc.connection_invalidated or _gone(low):
        return f"{where}: the server closed the connection (it restarted or went away); retry"
    too_long = re.search(r"value too long for type character varying\((\d+)\)", low)
    if too_long:
        return f"{where}: {_too_long(exc, int(too_long.group(1)))}"
    if re.search(r"no such table|relation \"[^\"]*\" does not exist|undefinedtable", low):
        return f"{where}: no spedrules tables here; run `spedrules init` first ({text})"
    if re.search(r"no such column|column \"[^\"]*\" does not exist", low):
        return f"{where}: the tables are from an older spedrules; run `spedrules init` ({text})"
    return f"{where}: {text}"


def mark_url(engine: Any) -> None:
    """Make every error an engine raises carry its URL, so :func:`describe` can name the
    host, port or file (a DBAPI error does not know where it came from)."""
    from sqlalchemy import event

    def note(ctx: Any) -> None:
        if ctx.sqlalchemy_exception is not None:
            ctx.sqlalchemy_exception.spedrules_url = str(ctx.engine.url)

    event.listen(engine, "handle_error", note)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__


def _gone(low: str) -> bool:
    signs = (
        "server closed the connection",
        "terminating connection",
        "connection already closed",
        "connection is closed",
        "the connection is lost",
        "connection reset",
        "broken pipe",
        "server has gone away",
        "lost connection",
    )
    return any(s in low for s in signs)


def _host_port(text: str, url: str | None) -> tuple[str, str]:
    found = re.search(r'server at "([^"]+)"(?: \([^)]*\))?, port (\d+)', text)
    if found:
        return found.group(1), found.group(2)
    if url:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        return parsed.host or "localhost", str(parsed.port or "the default port")
    return "the server", "?"


def _sqlite_path(url: str | None) -> str:
    if url and url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        return (make_url(url).database or "the database").removeprefix("file:")
    return "the database"


def _too_long(exc: Any, limit: int) -> str:
    """Name the table and column whose value exceeds ``limit`` (from the statement and its
    parameters) when they can be found."""
    table = re.search(r"(?:insert into|update)\s+\"?(\w+)", str(exc.statement or ""), re.I)
    params = exc.params
    rows = params if isinstance(params, list | tuple) else [params]
    for row in rows:
        if isinstance(row, dict):
            for key, value in row.items():
                if isinstance(value, str) and len(value) > limit:
                    field = f"{table.group(1)}.{key}" if table else key
                    return f"{field}: expected at most {limit} characters, got {len(value)}"
    field = table.group(1) if table else "a value"
    return f"{field}: a value longer than {limit} characters"
