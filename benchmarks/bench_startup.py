"""Start-up cost of the ``spedrules`` command: CPU time (user + sys) of ``spedrules --version``
against ``python -c pass``, each the median of several runs in fresh processes.

Run: python benchmarks/bench_startup.py [RUNS] [--json OUT]     (not part of the test run)
Goal (issue 17 item 5): ``spedrules --version`` at most 0.15 s CPU above ``python -c pass``.
CPU time, not wall time: the machine running it may be shared.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

GOAL_SECONDS = 0.15
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "spedrules --version": [sys.executable, "-m", "spedrules", "--version"],
    "spedrules --help": [sys.executable, "-m", "spedrules", "--help"],
}


def cpu_seconds(argv: list[str]) -> float:
    """User + system CPU of one child process (os.wait4 reports it for that child alone)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv and argv[0].isdigit() else 9
    out = argv[argv.index("--json") + 1] if "--json" in argv else None
    medians = {
        name: statistics.median(cpu_seconds(cmd) for _ in range(runs))
        for name, cmd in COMMANDS.items()
    }
    base = medians["python -c pass"]
    for name, seconds in medians.items():
        print(f"{name:22} {seconds:6.3f} s CPU  (+{seconds - base:.3f} s over python -c pass)")
    extra = medians["spedrules --version"] - base
    verdict = "meets" if extra <= GOAL_SECONDS else "misses"
    print(f"spedrules --version: +{extra:.3f} s CPU, {verdict} the goal of +{GOAL_SECONDS} s")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"runs": runs, "cpu_seconds": medians, "extra_seconds": extra}, fh, indent=2)
    return 0 if extra <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
