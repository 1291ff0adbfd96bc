"""`spedrules demo --serve` leaves the demo store up behind the dashboard, on 127.0.0.1, and
prints the address and a token per district that signs in."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytest.importorskip("uvicorn", reason="the web extra (uvicorn) is not installed")

from tests.web.conftest import free_port  # noqa: E402


def _get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_demo_serve_prints_the_address_and_tokens_that_sign_in():
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "spedrules",
            "demo",
            "--students",
            "40",
            "--workers",
            "1",
            "--serve",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines, tokens, address = [], {}, None
        deadline = time.monotonic() + 120
        while address is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if m := re.fullmatch(r"(\S+) token: (\S+)\n", line):
                tokens[m[1]] = m[2]
            if m := re.match(r"sign in at (http://127\.0\.0\.1:\d+/)", line):
                address = m[1]
        assert address == f"http://127.0.0.1:{port}/", "".join(lines)
        assert set(tokens) == {"mesa-verde", "gulf-shore"}
        for _ in range(100):  # the server starts just after the line is printed
            try:
                status, board = _get(
                    f"{address}v1/districts/mesa-verde/dashboard", tokens["mesa-verde"]
                )
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and board["students"] == 40 and board["run"]["actor"] == "demo"
        status, _ = _get(f"{address}v1/districts/gulf-shore/dashboard", tokens["mesa-verde"])
        assert status == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
