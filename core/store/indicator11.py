"""Federal SPP/APR Indicator 11 (child find) from a district's latest completed run.

Indicator 11 is the percent of children evaluated within 60 days of receiving parental consent
for an initial evaluation or within the State's own timeframe (20 U.S.C. 1416(a)(3)(B); 34 CFR
300.301(c)(1)): (a) the children whose parents consented in the year, (b) those whose
evaluations were completed within the timeline, percent = b / a x 100, and for every child in
(a) but not in (b) the days beyond the timeline and the reason for the delay.

The timeline is the district's own: the legal obligation of kind ``initial_evaluation`` the run
derived (California's tolled 60 days to the IEP meeting, Florida's rule, else the federal 60
days), never a local target that tightens it. Each child's row comes from the run; its
explanation is computed on demand (:func:`explain`) as for any obligation.

Sorting a child (docs/indicator-11.md says what is verified against OSEP's text and what is not):

* a 34 CFR 300.301(d) exception (the parent repeatedly failed or refused to produce the child,
  (d)(1); a child who enrolled from another agency mid-timeline with an agreed date, (d)(2) and
  (e)) is listed apart with the exception named and counted in neither (a) nor (b);
* a child who left the district or whose parent revoked consent before the timeline ended is
  listed apart too (the reason given), counted in neither; so is one whose timeline another rule
  of the stack set aside (a state's own exemption), never guessed to be a 300.301(d) exception;
* a child whose timeline has not ended on the run's date is pending (counted next time);
* an undetermined due date is listed, never guessed into (b);
* any other extension the law allows (a parent's written extension, EC 56344(a); SLD by mutual
  agreement, 34 CFR 300.309(c)) is the timeline: completed by the agreed date counts in (b).
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.errors import InputError
from spedrules.core.files import write_output
from spedrules.core.store.database import Store

KIND = "initial_evaluation"
CONSENT = "evaluation_consent_received"
VERIFIED_ON = "2026-12-01"
# What the report rests on, as found on VERIFIED_ON (docs/indicator-11.md quotes them)
SOURCES = (
    "OSEP Part B SPP/APR Indicator 11 measurement, as quoted by the Indiana Department of "
    "Education, 'Indicator 11: Initial Evaluations' (doe.in.gov/specialed/indicator-11-"
    "initial-evaluations): a. # of children for whom parental consent to evaluate was received; "
    "b. # of children whose evaluations were completed within 60 days (or State-established "
    "timeline); account for children in a. but not in b., the range of days beyond the timeline "
    "and any reasons for the delays; percent = b / a x 100",
    "34 CFR 300.301(c)(1), (d), (e): the 60 days or the State's timeframe; the timeframe does not "
    "apply when the parent repeatedly fails or refuses to produce the child, or when a child "
    "enrolls in a school of another public agency after it began (with an agreed date)",
    "U.S. Department of Education, Analysis of Comments and Changes to the Part B regulations "
    "(71 FR, Aug. 14, 2006), on 300.301(d), as published at idea.ed.gov: no exceptions beyond "
    "those of the Act, but a State-adopted timeframe may have additional exceptions",
)
NOT_VERIFIED = (
    "OSEP's own measurement table (OMB 1820-0624) could not be read in full: how it treats the "
    "300.301(d) exceptions in (a) and (b) is taken as neither (the reading states apply, e.g. "
    "Maryland's Indicator 11 narrative lists them as exceptions), not verified against its text",
    "the reporting year July 1 - June 30 is the federal fiscal year's data period as state "
    "collections give it (Georgia, Colorado); OSEP's table was not read for it",
    "children who left the district or whose consent was revoked before the timeline ended are "
    "listed apart (Georgia excludes withdrawals); your State may count them otherwise",
    "an extension other than 300.301(d) that the State's law allows (a parent's written "
    "extension, EC 56344(a); SLD by mutual agreement, 300.309(c)) is taken as the timeline, so "
    "an evaluation completed by the agreed date is in (b); OSEP's text on State exceptions was "
    "not read",
)
EXCEPTIONS = {
    "child_not_produced": (
        "34 CFR 300.301(d)(1)",
        "the parent repeatedly failed or refused to produce the child for the evaluation",
    ),
    "transfer": (
        "34 CFR 300.301(d)(2), (e)",
        "the child enrolled from another public agency after the timeline began; the parent and "
        "the district agreed a date",
    ),
}


@frozen
class Child:
    """One child whose parent consented in the year, as the run saw the evaluation."""

    student: str
    school: str | None
    rule: str
    citation: str
    consent: date
    due: date | None  # the timeline's end (the agreed date where the law allows an extension)
    completed: date | None
    status: str  # of the run's obligation
    # on_time | late | not_completed | exception | exited | set_aside | pending | undetermined
    group: str
    days_beyond: int | None = None  # completed (or the run's date, if not) minus due
    delay_reason: str | None = None
    exception: str | None = None  # the exception (or exit) named, with its citation
    extended: bool = False  # due moved by an extension the law allows


@frozen
class Indicator11:
    district: str
    year: str
    period: tuple[date, date]
    run: dict[str, Any]
    timelines: tuple[tuple[str, str], ...]  # (rule, citation) of the timelines used
    children: tuple[Child, ...]

    def of(self, *groups: str) -> list[Child]:
        return [c for c in self.children if c.group in groups]

    @property
    def a(self) -> int:
        return len(self.of("on_time", "late", "not_completed"))

    @property
    def b(self) -> int:
        return len(self.of("on_time"))

    @property
    def percent(self) -> float | None:
        return round(100 * self.b / self.a, 2) if self.a else None

    @property
    def days_beyond_range(self) -> tuple[int, int] | None:
        days = [c.days_beyond for c in self.of("late", "not_completed") if c.days_beyond]
        return (min(days), max(days)) if days else None

    @property
    def delay_reasons(self) -> dict[str, int]:
        found = Counter(c.delay_reason or "none recorded" for c in self.of("late", "not_completed"))
        return dict(sorted(found.items()))

    def by_month(self) -> list[tuple[str, int, int]]:
        """(month of consent, a, b) for each month of the year, empty months included."""
        start = self.period[0]
        months = [
            (start.year + (start.month + i - 1) // 12, (start.month + i - 1) % 12 + 1)
            for i in range(12)
        ]
        counted = self.of("on_time", "late", "not_completed")
        rows = []
        for y, m in months:
            in_month = [c for c in counted if (c.consent.year, c.consent.month) == (y, m)]
            rows.append(
                (f"{y}-{m:02d}", len(in_month), sum(c.group == "on_time" for c in in_month))
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        from spedrules.core.model.convert import converter

        span = self.days_beyond_range
        return {
            "indicator": "SPP/APR Part B Indicator 11 (child find)",
            "district": self.district,
            "year": self.year,
            "period": [self.period[0].isoformat(), self.period[1].isoformat()],
            "run": {k: self.run[k] for k in ("run", "as_of", "finished")},
            "timelines": [{"rule": r, "citation": c} for r, c in self.timelines],
            "a_consents": self.a,
            "b_within_timeline": self.b,
            "percent": self.percent,
            "days_beyond_range": list(span) if span else None,
            "delay_reasons": self.delay_reasons,
            "not_in_b": [converter.unstructure(c) for c in self.of("late", "not_completed")],
            "exceptions": [converter.unstructure(c) for c in self.of("exception")],
            "exited": [converter.unstructure(c) for c in self.of("exited")],
            "set_aside": [converter.unstructure(c) for c in self.of("set_aside")],
            "pending": [converter.unstructure(c) for c in self.of("pending")],
            "undetermined": [converter.unstructure(c) for c in self.of("undetermined")],
            "by_month": [{"month": m, "a": a, "b": b} for m, a, b in self.by_month()],
            "sources": {
                "verified_on": VERIFIED_ON,
                "verified": list(SOURCES),
                "not_verified": list(NOT_VERIFIED),
            },
        }


def reporting_period(year: str) -> tuple[date, date]:
    """ "2026-27" -> 2026-07-01 .. 2027-06-30; anything else is an input error."""
    try:
        start = int(year[:4])
        ok = len(year) == 7 and year[4] == "-" and int(year[5:]) == (start + 1) % 100
    except ValueError:
        ok = False
    if not ok:
        raise InputError(None, "--year", "a school year such as 2026-27", year)
    return date(start, 7, 1), date(start + 1, 6, 30)


def indicator11(store: Store, district_id: str, year: str, run: dict | None = None) -> Indicator11:
    """Indicator 11 for one district and reporting year from its latest completed run."""
    period = reporting_period(year)
    run = run or store.published_run(district_id)
    legal = _legal_rules(store, district_id)
    rows = [
        r
        for r in store.obligation_rows(district_id, run["run"])
        if r["kind"] == KIND and r["rule"] in legal
    ]
    as_of = date.fromisoformat(run["as_of"])
    cases = stored_cases(store, district_id) if rows else {}
    children = []
    for row in rows:
        events = known_events(cases[row["student"]], as_of)
        consent = _consent(row, events)
        if consent is None or not period[0] <= consent <= period[1]:
            continue
        children.append(_child(row, consent, events, as_of))
    children.sort(key=lambda c: (c.consent, c.student))
    timelines = tuple(sorted({(r["rule"], r["citation"]) for r in rows}))
    return Indicator11(district_id, year, period, run, timelines, tuple(children))


def _legal_rules(store: Store, district_id: str) -> set[str]:
    """The district's evaluation rules that are law, not local targets tightening it."""
    from spedrules.core.store.sweep import district_from_store

    district = district_from_store(store.url, district_id)
    return {
        rule_id
        for rule_id, entry in district.ruleset.entries.items()
        if entry.latest.kind == KIND and entry.tightens is None
    }


def stored_cases(store: Store, district_id: str) -> dict[str, dict[str, Any]]:
    """Every case of the district as stored (retracted events left out), read in one pass."""
    keys = store.student_keys(district_id)
    if not keys:
        return {}
    return {str(c["student"]["id"]): c for _, c in store.cases(district_id, keys[0], keys[-1] + 1)}


def known_events(case: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    """The case's events the run could know (dated on or before its as-of), in date order, each
    with its day as ``_day``."""
    found = []
    for event in case.get("events") or []:
        day = date.fromisoformat(str(event.get("date") or event.get("at"))[:10])
        if day <= as_of:
            found.append({**event, "_day": day})
    return sorted(found, key=lambda e: e["_day"])


def _consent(row: dict[str, Any], events: list[dict[str, Any]]) -> date | None:
    """The consent the obligation counts from: on its trigger day (a consent-triggered rule),
    else the first consent after it (California's end-of-year rule counts from the referral)."""
    trigger = date.fromisoformat(row["trigger"]["date"]) if row["trigger"] else None
    if trigger is None:
        return None
    consents = [e["_day"] for e in events if e["type"] == CONSENT and e["_day"] >= trigger]
    return consents[0] if consents else None


def _child(row: dict[str, Any], consent: date, events: list[dict], as_of: date) -> Child:
    due, completed, status = row["due_day"], row["met_day"], row["status"]
    base = dict(
        student=row["student"],
        school=row["school"],
        rule=row["rule"],
        citation=row["citation"],
        consent=consent,
        due=due,
        completed=completed,
        status=status,
        delay_reason=row["delay_reason"],
    )
    about = [e for e in events if e["_day"] >= consent and e.get("applies_to") in (KIND, None)]
    extension = next((e for e in about if e["type"] == "timeline_extension_agreed"), None)
    # applied by the run (its due date is the agreed one); one the law refused changed nothing
    extended = extension is not None and due is not None and _until(extension) == due
    transfer = extended and any(
        e["type"] == "transfer_enrolled" and consent <= e["_day"] <= extension["_day"]
        for e in events
    )
    if status == "not_applicable":
        group, why = _not_applicable(about, events, consent)
        return Child(**base, group=group, exception=why)
    if transfer:
        citation, what = EXCEPTIONS["transfer"]
        return Child(**base, group="exception", exception=f"{citation}: {what}", extended=True)
    if status == "undetermined" or due is None:
        return Child(**base, group="undetermined", extended=extended)
    if status == "met":
        return Child(**base, group="on_time", extended=extended)
    if status == "late":
        return Child(**base, group="late", days_beyond=(completed - due).days, extended=extended)
    if status == "overdue":
        return Child(
            **base, group="not_completed", days_beyond=(as_of - due).days, extended=extended
        )
    return Child(**base, group="pending", extended=extended)


def _until(extension: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(extension.get("until"))[:10])
    except ValueError:
        return None


def _not_applicable(about: list[dict], events: list[dict], consent: date) -> tuple[str, str]:
    """Why the run set the timeline aside: an exception of 300.301(d), or an exit."""
    for e in about:
        if e["type"] == "child_not_produced":
            citation, what = EXCEPTIONS["child_not_produced"]
            return "exception", f"{citation}: {what}"
    for e in events:
        if e["_day"] >= consent and e["type"] == "student_exited":
            return "exited", f"student exited ({e.get('reason', 'no reason given')}) on {e['_day']}"
        if e["_day"] >= consent and e["type"] == "consent_revoked":
            return "exited", f"consent revoked (34 CFR 300.300(b)(4)) on {e['_day']}"
    # another rule of the stack set it aside (a state's own exemption, e.g. California's
    # ca.assessment_exempt, EC 56302.1(b)): listed apart, never guessed to be 300.301(d)
    return "set_aside", "set aside by a rule of the stack: --explain STUDENT says which"


def explain(store: Store, district_id: str, student: str, run: dict | None = None):
    """The child's initial-evaluation obligations with their step-by-step explanations,
    computed on demand from the stored case as of the run's date (as any obligation)."""
    from spedrules.core.store.sweep import stored_evaluation

    result = stored_evaluation(store, district_id, student, run)
    return [ob for ob in result.obligations if ob.kind == KIND], list(result.warnings)


def chart(report: Indicator11, out: Path) -> Path:
    """The on-time share (b / a) by month of consent, every month of the year shown (a month
    with no consent says so instead of a zero bar)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import PercentFormatter

    rows = report.by_month()
    labels = [m for m, _, _ in rows]
    shares = [100 * b / a if a else 0 for _, a, b in rows]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bars = ax.bar(labels, shares, color="#3b7dd8")
    waiting = Counter(f"{c.consent:%Y-%m}" for c in report.of("pending"))
    for bar, (month, a, b) in zip(bars, rows, strict=True):
        text = f"{b}/{a}" if a else ("" if waiting[month] else "none")
        if waiting[month]:
            text += f"{' ' if a else ''}{waiting[month]} pending"
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            ha="center",
            va="bottom",
            fontsize="small",
            xytext=(0, 2),
            textcoords="offset points",
        )
    ax.axhline(100, color="#2a9d3a", linestyle="--", linewidth=1, label="target 100%")
    ax.set_ylim(0, 125)
    ax.set_yticks(range(0, 101, 20))
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylabel("evaluated within the timeline")
    ax.set_xlabel("month of parental consent")
    pct = "n/a" if report.percent is None else f"{report.percent:g}%"
    ax.set_title(f"Indicator 11, {report.district} {report.year}: {report.b}/{report.a} ({pct})")
    ax.legend(fontsize="small", loc="upper right")
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=Path(out).suffix.lstrip(".").lower() or "png")
    plt.close(fig)
    return write_output(out, buffer.getvalue(), "--chart")
