"""Plain-text rendering for the terminal; JSON output comes straight from the API's dicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spedrules.core.api import Evaluation
from spedrules.core.model import Obligation


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def plugins_table(rows: list[dict[str, Any]]) -> str:
    kinds = list(rows[0]["rules"]) if rows else []
    short = {
        "TimelineRule": "timeline",
        "EligibilityCategory": "eligibility",
        "IncidentRule": "incident",
        "MeetingRule": "meeting",
        "FormDefinition": "forms",
        "ProgramRule": "programs",
        "Option": "options",
    }
    return table(
        ["id", "name", "version", "parent", "layer", *[short.get(k, k) for k in kinds]],
        [
            [
                r["id"],
                r["name"],
                r["version"],
                r["parent"] or "-",
                r["layer"],
                *[r["rules"][k] for k in kinds],
            ]
            for r in rows
        ],
    )


def rules_table(rows: list[dict[str, Any]]) -> str:
    out = []
    for r in rows:
        chain = "".join(f"; replaces {old}" for old in r["replaces"])
        if r["tightens"]:
            chain += f"; tightens {r['tightens']}"
        out.append([r["rule"], r["kind"], r["layer"], r["source"] + chain, r["citation"]])
    return table(["rule", "kind", "layer", "source", "citation"], out)


def _due(ob: Obligation) -> str:
    return "-" if ob.due is None else ob.due.isoformat()


def evaluation_table(result: Evaluation) -> str:
    lines = [f"student {result.student}, as of {result.as_of.isoformat()}", ""]
    if result.obligations:
        lines.append(
            table(
                ["due", "status", "kind", "layer", "rule", "citation"],
                [
                    [_due(o), o.status, o.kind, o.layer, o.rule, o.citation]
                    for o in result.obligations
                ],
            )
        )
    else:
        lines.append("no obligations")
    for v in result.violations:
        lines.append(f"VIOLATION {v.rule}: {v.message} [{v.citation}]")
    return "\n".join(lines)


def warnings(result: Evaluation) -> str:
    """The evaluation's warnings, one a line (the CLI prints them on stderr beside a table)."""
    return "\n".join(f"warning: {w}" for w in result.warnings)


def explanation(ob: Obligation) -> str:
    head = f"{ob.title} [{ob.rule}, {ob.layer}, from {ob.source}]"
    lines = [head, f"  due {_due(ob)} - {ob.status}", f"  citation: {ob.citation}"]
    lines += [f"  {i}. {step}" for i, step in enumerate(ob.explanation, 1)]
    return "\n".join(lines) + "\n"


def restraint_report(report) -> str:
    change = report.change_percent
    lines = [
        f"Restraint incidents {report.previous}: {report.previous_incidents}",
        f"Restraint incidents {report.year}: {report.incidents}",
    ]
    if change is not None:
        word = "decrease" if change < 0 else "increase"
        lines.append(f"Change: {abs(change)}% {word}")
    if report.goal_percent is not None and report.goal_met is not None:
        verdict = "met" if report.goal_met else "not met"
        lines.append(
            f"Goal: {report.goal_percent}% reduction - {verdict}, "
            f"{'exceeded' if report.goal_margin_points >= 0 else 'missed'} by "
            f"{abs(report.goal_margin_points)} point(s)"
        )
    if report.next_goal_percent is not None:
        lines.append(f"Next year's goal: {report.next_goal_percent}% reduction")
    for name, rows in report.breakdowns.items():
        labels = report.definition.types if name == "restraint_type" else {}  # not a position
        lines += [
            "",
            table(
                [name.replace("_", " "), "incidents", "%"],
                [[labels.get(k, k), v["count"], v["percent"]] for k, v in rows.items()],
            ),
        ]
    return "\n".join(lines)


def eligibility(result) -> str:
    lines = [f"{result.title} ({result.code}): {result.status}", f"  {result.citation}"]
    for c in result.criteria:
        lines.append(f"  [{c.status}] {c.title} - {c.citation}")
        lines += [f"      {reason}" for reason in c.reasons]
        if c.missing:
            lines.append(f"      missing: {', '.join('evaluation.' + m for m in c.missing)}")
    return "\n".join(lines)


def _carried(board: dict, run: dict) -> str:
    """An incremental run says how many students it evaluated and where the rest came from."""
    if not run.get("carried_from_run"):
        return ""
    carried = board["students"] - run.get("evaluated", 0)
    return (
        f"; {run.get('evaluated', 0)} student(s) evaluated, {carried} unchanged and carried "
        f"forward from run {run['carried_from_run']}"
    )


def dashboard(board: dict, fmt: str = "table") -> str:
    run = board.get("run") or {}
    if fmt == "csv":
        lines = ["measure,value"] + [
            f"{k},{v}" for k, v in board.items() if not isinstance(v, dict | list)
        ]
        lines.append(f"run,{run.get('run')}")
        lines.append(f"students_not_evaluated,{board['errors']['students']}")
        for group in ("by_school", "by_responsible_role"):
            for name, counts in board[group].items():
                lines += [f"{group}:{name}:{status},{n}" for status, n in sorted(counts.items())]
        for reason, n in board.get("delay_reasons", {}).items():
            lines.append(f"delay_reason:{reason},{n}")
        for d in board.get("program_duties") or []:
            lines.append(f"program:{d['district']}:{d['subject']}:{d['rule']},{d['status']}")
        return "\n".join(lines)
    head = [
        f"Compliance dashboard of {board['district']} as of {board['as_of']}: "
        f"{board['obligations']} obligations of {board['students']} students",
        f"  (run {run.get('run')}, {run.get('status')}, finished {run.get('finished')}"
        f"{_carried(board, run)})",
        f"  overdue            {board['overdue']}",
        f"  due in 7 days      {board['due_in_7_days']}",
        f"  due in 14 days     {board['due_in_14_days']}",
        f"  due in 30 days     {board['due_in_30_days']}",
        f"  met late           {board['met_late']}",
        f"  undetermined       {board['undetermined']}",
    ]
    errors = board["errors"]
    if errors["students"]:
        first = errors["first"][0]
        head.append(
            f"  {errors['students']} student(s) could not be evaluated, e.g. {first['student']}:"
            f" {first['message']} ({first['where']})"
        )
    for warning in board.get("warnings") or []:
        head.append(f"  warning: {warning}")
    if board.get("future_events"):
        head.append(
            f"  {board['future_events']} event(s) or incident(s) dated after {board['as_of']} "
            "were not counted"
        )
    statuses = ["overdue", "open", "late", "met", "not_applicable", "undetermined"]
    for group, title in (("by_school", "school"), ("by_responsible_role", "responsible role")):
        rows = [
            [name, *[counts.get(s, 0) for s in statuses]] for name, counts in board[group].items()
        ]
        head += ["", table([title, *statuses], rows)]
    if board.get("delay_reasons"):
        rows = [[k, v] for k, v in board["delay_reasons"].items()]
        head += ["", table(["delay reason", "obligations"], rows)]
    duties = board.get("program_duties") or []
    if duties:
        rows = [
            [d["district"], d["subject"], d["status"], d["due"] or "-", d["rule"]] for d in duties
        ]
        head += ["", "Program duties (rules over a school's roster):"]
        head += [table(["district", "program", "status", "due", "rule"], rows)]
    return "\n".join(head)


def worklist(found) -> str:
    run = found.run
    head = (
        f"Work list of {found.district} as of {run['as_of']} (run {run['run']}): "
        f"{len(found.items)} item(s), most urgent first"
    )
    if not found.items:
        return head
    body = []
    for i in found.items:
        if i.days is None:
            when = "no date" if i.status == "undetermined" else "no deadline"
        elif i.days < 0:
            when = f"{-i.days} day(s) overdue"
        else:
            when = f"{i.days} day(s) left"
        body.append(
            [
                i.student,
                i.school or "-",
                i.case_manager or "-",
                i.responsible or "-",
                i.title,
                i.due or "-",
                i.status,
                when,
                i.citation,
            ]
        )
    headers = [
        "student",
        "school",
        "case manager",
        "responsible",
        "what",
        "due",
        "status",
        "when",
        "citation",
    ]
    return head + "\n" + table(headers, body)


def csv_rows(rows: list[dict[str, Any]]) -> str:
    import csv
    import io

    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def runs_table(runs: list[dict[str, Any]]) -> str:
    if not runs:
        return "no runs"
    body = [
        [
            r["run"],
            r["district"],
            r["as_of"],
            r["status"],
            r["started"][:19],
            (r["finished"] or "-")[:19],
            r["counts"].get("students", "-"),
            r["counts"].get("obligations", "-"),
            r["counts"].get("errors", "-"),
            r["actor"],
            r["note"] or "",
        ]
        for r in runs
    ]
    headers = [
        "run",
        "district",
        "as of",
        "status",
        "started",
        "finished",
        "students",
        "obligations",
        "errors",
        "actor",
        "note",
    ]
    return table(headers, body)


def forms_table(rows: list[dict[str, Any]]) -> str:
    headers = ["code", "revision", "title", "subject", "languages", "source", "trigger"]
    body = [
        [
            r["code"],
            r["revision"],
            r["title"],
            r["subject"],
            ",".join(r["languages"]),
            r["source"],
            r["trigger"],
        ]
        for r in rows
    ]
    return table(headers, body) if body else "no forms"


def filled_form(filled, out: str) -> str:
    """What was written, in which language, and what is still to be filled in (and from where)."""
    status = "DRAFT" if filled.draft else "complete"
    about = f", {filled.subject}" if filled.subject else ""
    revision = f" ({filled.form.revision})" if filled.form.revision else ""
    # no student name here: terminal output ends up in logs (the file itself holds the name)
    lines = [
        f"wrote {out}: {filled.form.code}{revision} {filled.form.title}"
        f"{about}, language {filled.language}, {status}"
    ]
    lines += [f"note: {n}" for n in filled.notes]
    if filled.missing:
        lines.append(f"missing ({len(filled.missing)} required field(s)):")
        for f in filled.missing:
            where = f"not in the case (source {f.source})" if f.source else "entered by hand"
            lines.append(f"  {f.name}: {f.label.en} - {where}")
    else:
        lines.append("no required field is missing")
    return "\n".join(lines)


def program_duties(obligations) -> str:
    if not obligations:
        return "no program duties: no student of this roster carries a program's flag"
    return "\n\n".join(explanation(ob) for ob in obligations)


def indicator11(data: dict[str, Any]) -> str:
    """Indicator 11 as a director reads it: the figures, then each child who is not in (b),
    then the children treated apart, then where the measurement comes from."""
    pct = "n/a (no consent counted)" if data["percent"] is None else f"{data['percent']:g}%"
    span = data["days_beyond_range"]
    lines = [
        f"SPP/APR Indicator 11 (child find), {data['district']} {data['year']} "
        f"({data['period'][0]} - {data['period'][1]}), run {data['run']['run']} as of "
        f"{data['run']['as_of']}",
        "timeline: " + "; ".join(f"{t['rule']} ({t['citation']})" for t in data["timelines"]),
        f"(a) parental consents received: {data['a_consents']}",
        f"(b) evaluated within the timeline: {data['b_within_timeline']}",
        f"percent b/a: {pct}",
        "days beyond the timeline: "
        + (f"{span[0]} - {span[1]}" if span else "none")
        + "; delay reasons: "
        + (", ".join(f"{k} {v}" for k, v in data["delay_reasons"].items()) or "none"),
    ]
    columns = ["student", "school", "consent", "due", "completed", "days_beyond", "delay_reason"]
    sections = [
        ("in (a), not in (b)", "not_in_b", columns),
        (
            "34 CFR 300.301(d) exceptions (in neither (a) nor (b))",
            "exceptions",
            ["student", "consent", "due", "completed", "exception"],
        ),
        (
            "exited before the timeline ended (in neither)",
            "exited",
            ["student", "consent", "due", "exception"],
        ),
        (
            "timeline set aside by another rule of the stack (in neither)",
            "set_aside",
            ["student", "consent", "rule", "exception"],
        ),
        ("timeline not yet ended (counted when it ends)", "pending", ["student", "consent", "due"]),
        ("due date undetermined (see its explanation)", "undetermined", ["student", "consent"]),
    ]
    for title, key, cols in sections:
        if data[key]:
            lines += ["", f"{title}:", table(cols, [[c.get(k) for k in cols] for c in data[key]])]
    lines += ["", f"sources (verified {data['sources']['verified_on']}):"]
    lines += [f"  - {s}" for s in data["sources"]["verified"]]
    lines += ["not verified:"] + [f"  - {s}" for s in data["sources"]["not_verified"]]
    lines.append("explain a child: spedrules report indicator-11 ... --explain STUDENT")
    return "\n".join(lines)


def rule_description(d) -> str:
    """``rules show``: one rule, a labelled line per fact (the JSON has the same fields)."""
    lines = [f"{d.id}: {d.title}", f"  {'kind':<13}{d.kind} ({d.type}, hook {d.hook})"]
    lines.append(f"  {'plugin':<13}{d.plugin} (layer {d.layer}; read in {_scope(d)})")
    lines.append(f"  {'trigger':<13}{d.trigger or '-'}")
    for v in d.versions:
        periods = "; ".join(f"{p.role} {p.text}" for p in v.periods) or "no deadline in the source"
        checked = f" (verified {v.verified_on})" if v.verified_on else ""
        cited = f" [{v.citation}]" if v.citation != d.citation else ""
        lines.append(f"  {'version':<13}{v.interval}: {periods}{checked}{cited}")
    lines.append(f"  {'met by':<13}{' or '.join(d.met_by) or '-'}")
    if d.cancelled_by:
        lines.append(f"  {'cancelled by':<13}{' or '.join(d.cancelled_by)}")
    if d.exception_to:
        lines.append(f"  {'exception to':<13}{d.exception_to} (displaces it when it applies)")
    if d.exceptions:
        lines.append(f"  {'exceptions':<13}{', '.join(d.exceptions)}")
    lines.extend(_layering(d))
    lines.append(f"  {'responsible':<13}{d.responsible or '-'}")
    lines.append(f"  {'citation':<13}{d.citation}")
    how = {
        "rule": "",
        "search": " (found by search)",
        "hook": " (its hook; id not found by search)",
    }
    lines.append(f"  {'defined at':<13}{d.defined_at}{how.get(d.defined_how, '')}")
    if d.notes:
        lines.append(f"  {'notes':<13}{d.notes}")
    return "\n".join(lines)


def _scope(d) -> str:
    options = "default options" if d.scope == "installed plugins" else "the district's options"
    return f"{d.scope}: stack {', '.join(d.stack)}, {options}"


def _layering(d) -> list[str]:
    lines = []
    if d.replaces:
        lines.append(f"  {'replaces':<13}{d.replaces}")
    if d.tightens:
        lines.append(f"  {'tightens':<13}{d.tightens}")
    if d.replaced_by:
        note = "" if d.effective else " (not in force in this stack)"
        lines.append(f"  {'replaced by':<13}{', '.join(d.replaced_by)}{note}")
    if d.tightened_by:
        lines.append(f"  {'tightened by':<13}{', '.join(d.tightened_by)}")
    return lines
