"""Writing output files that hold student data: atomically and private.

A report or an export is written to a temporary file beside its target, readable by its owner
only (mode 0600), flushed to disk and then renamed over the target: a reader never sees half a
file, an interrupted write leaves the old file (or none), and nobody else on the machine can
read what the district exported. A target that cannot be written is an input error naming it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from spedrules.core.errors import InputError

PRIVATE = 0o600


def write_private(path: str | Path, data: bytes | str, option: str = "--out") -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600 (text is written as UTF-8)."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(None, option, f"a file in an existing folder (no folder {folder})", path)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(None, option, "a file in a folder you may write to", exc) from None
    try:
        os.fchmod(fd, PRIVATE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        os.chmod(path, PRIVATE)  # a target that existed keeps no wider mode
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
