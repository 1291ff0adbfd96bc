"""`spedrules plugins`, `plugins check` and `rules`, on the bundled set and on broken fixtures
installed as real distributions with entry points (a temporary dist-info on PYTHONPATH)."""

from __future__ import annotations

import json

BUNDLED = [
    "us-idea",
    "california",
    "florida",
    "st-lucie",
    "lahabra-best-practices",
    "wyandotte-case-management",
    "charter-independent-study",
]

US_XX = """
from spedrules import hookimpl
from spedrules.core.model.rules import (EventMatch, JurisdictionInfo, Period, SourceDocument,
                                  TimelineRule, Trigger)

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="us-xx", name="State of XX", level="state", parent="us-idea",
                            sources=(SourceDocument("XX Admin. Code 7-1"),))

@hookimpl
def spedrules_timeline_rules(ctx):
    return [TimelineRule(
        id="xx.initial_evaluation", kind="initial_evaluation", title="XX evaluation",
        citation="XX Admin. Code 7-1-4", replaces="idea.initial_evaluation",
        trigger=Trigger(events=(EventMatch("evaluation_consent_received"),)),
        period=Period(45, "school_days"),
        met_by=(EventMatch("evaluation_completed"),))]
"""

BROKEN = {
    "bad_import": "raise ImportError('missing dependency frobnicate')\n",
    "bad_raises": """
from spedrules import hookimpl
from spedrules.core.model.rules import JurisdictionInfo

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="us-raises", name="Raises", level="state", parent="us-idea")

@hookimpl
def spedrules_timeline_rules(ctx):
    raise KeyError("oops")
""",
    "bad_replace": """
from spedrules import hookimpl
from spedrules.core.model.rules import EventMatch, JurisdictionInfo, Period, TimelineRule, Trigger

@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(id="us-dangling", name="Dangling", level="state", parent="us-idea")

@hookimpl
def spedrules_timeline_rules():
    return [TimelineRule(id="dg.eval", kind="initial_evaluation", title="t", citation="",
        replaces="idea.no_such_rule",
        trigger=Trigger(events=(EventMatch("evaluation_consent_received"),)),
        period=Period(10, "calendar_days"))]
""",
}


def test_plugins_lists_the_seven_bundled(run_console):
    proc = run_console("plugins", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = {r["id"]: r for r in json.loads(proc.stdout)}
    assert set(BUNDLED) <= set(rows)
    assert rows["st-lucie"]["parent"] == "florida" and rows["st-lucie"]["layer"] == "district"
    assert rows["us-idea"]["rules"]["TimelineRule"] >= 10
    assert rows["florida"]["rules"]["Option"] == 7
    table = run_console("plugins").stdout
    assert "lahabra-best-practices" in table and "timeline" in table


def test_plugins_check_passes_on_the_bundled_set(run_console):
    proc = run_console("plugins", "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no problems" in proc.stdout


def test_plugins_check_with_a_district(run_console, examples):
    for config in ("mesa-verde.toml", "gulf-shore.toml"):
        proc = run_console("plugins", "check", "--config", examples / config)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_plugins_check_names_each_broken_plugin_and_checks_the_rest(
    tmp_path, make_dist, run_console
):
    folder = make_dist(
        tmp_path / "site",
        "spedrules-broken",
        BROKEN,
        {"us-badimport": "bad_import", "us-raises": "bad_raises", "us-dangling": "bad_replace"},
    )
    proc = run_console("plugins", "check", path=folder)
    assert proc.returncode == 1
    out = proc.stdout
    assert "problem: us-badimport: cannot be imported" in out and "frobnicate" in out
    assert "problem: us-raises: spedrules_timeline_rules() raised KeyError('oops')" in out
    assert "problem: us-dangling: rule dg.eval has no citation" in out
    assert "problem: us-dangling: rule dg.eval replaces idea.no_such_rule" in out
    assert "Traceback" not in out + proc.stderr
    # the healthy plugins are still listed
    listing = run_console("plugins", "--format", "json", path=folder)
    assert set(BUNDLED) <= {r["id"] for r in json.loads(listing.stdout)}


def test_a_third_party_state_is_listed_and_used(tmp_path, make_dist, run_console, examples):
    """A fictional state published as its own distribution replaces one federal rule."""
    folder = make_dist(
        tmp_path / "site",
        "spedrules-us-xx",
        {"spedrules_us_xx": US_XX},
        {"us-xx": "spedrules_us_xx"},
    )
    rows = {
        r["id"]: r
        for r in json.loads(run_console("plugins", "--format", "json", path=folder).stdout)
    }
    assert rows["us-xx"]["parent"] == "us-idea" and rows["us-xx"]["version"] == "0.1"
    assert rows["us-xx"]["rules"]["TimelineRule"] == 1
    assert run_console("plugins", "check", path=folder).returncode == 0

    (tmp_path / "cal.yaml").write_text((examples / "mesa-verde-2026-27.yaml").read_text())
    (tmp_path / "xx.toml").write_text(
        '[district]\nid = "xx1"\nname = "XX One"\nstate = "XX"\n'
        'timezone = "America/Los_Angeles"\nstack = ["us-idea", "us-xx"]\ncalendar = "cal.yaml"\n'
    )
    (tmp_path / "case.yaml").write_text(
        "student: {id: X-1, birth_date: 2016-01-01}\n"
        "events:\n  - {type: evaluation_consent_received, date: 2026-11-02}\n"
    )
    rules = json.loads(
        run_console(
            "rules", "--config", tmp_path / "xx.toml", "--format", "json", path=folder
        ).stdout
    )
    evaluation = [r for r in rules if r["kind"] == "initial_evaluation"]
    assert [(r["rule"], r["source"], r["replaces"]) for r in evaluation] == [
        ("xx.initial_evaluation", "us-xx", ["idea.initial_evaluation"])
    ]
    proc = run_console(
        "evaluate",
        "--config",
        tmp_path / "xx.toml",
        tmp_path / "case.yaml",
        "--as-of",
        "2026-11-20",
        "--format",
        "json",
        path=folder,
    )
    assert proc.returncode == 0, proc.stderr
    (ob,) = [o for o in json.loads(proc.stdout)["obligations"] if o["kind"] == "initial_evaluation"]
    # 45 school days after Mon 2026-11-02 (day 0) on the Mesa Verde calendar. November: 3-6 (4),
    # 9-10 (6), 12-13 (8; Veterans Day the 11th), 16-20 (13), 23-24 (15; Thanksgiving 25-27),
    # 30 (16). December: 1-4 (20), 7-11 (25), 14-17 (29); winter break 18 Dec - 4 Jan.
    # January: 5-8 (33), 11-15 (38), MLK Day the 18th, 19-22 (42), 25-27 (45) -> Wed 2027-01-27.
    assert ob["rule"] == "xx.initial_evaluation" and ob["source"] == "us-xx"
    assert ob["due"] == "2027-01-27"
    assert any("replaces idea.initial_evaluation" in step for step in ob["explanation"])


def test_rules_lists_effective_rules_with_provenance(run_cli, examples):
    result = run_cli("rules", "--config", examples / "mesa-verde.toml", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    ids = {r["rule"] for r in rows}
    assert {"ca.initial_evaluation", "ca.annual_review", "ca.transition_plan"} <= ids
    assert "idea.initial_evaluation" not in ids  # replaced by California
    assert all(r["citation"] and r["source"] and r["layer"] for r in rows)
    only = json.loads(
        run_cli(
            "rules",
            "--config",
            examples / "mesa-verde.toml",
            "--kind",
            "records_access",
            "--format",
            "json",
        ).stdout
    )
    assert [(r["rule"], r["replaces"]) for r in only] == [
        ("ca.records_access", ["idea.records_access"])
    ]


def test_version_and_help(run_cli):
    assert "spedrules, version" in run_cli("--version").output
    text = run_cli("--help").output
    for command in ("demo", "evaluate", "explain", "plugins", "rules"):
        assert command in text
