"""Restraint-reduction statistics over many cases: the figures a district plan reports
(incidents per reporting year, the change against the prior year and the district's goal, and
breakdowns by disability, restraint type, race/ethnicity and grade band).

What the categories are, how grades are banded and when a reporting year starts is the
jurisdiction's, not core's: a plugin contributes a :class:`RestraintReportDefinition` through
the ``spedrules_restraint_report`` hook (docs/plugin-hooks.md), and the most specific plugin of
the stack that gives one decides. A stack without one is counted by the core vocabulary (the
recorded restraint method, no grade bands) in years starting July 1, the federal reporting year
(the SPP/APR's July 1 - June 30), and says so. Percentages are rounded to whole numbers as
published; a share above 0 and below 1% is shown as "<1".
"""

from __future__ import annotations

import calendar as _stdcal
import math
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

from attrs import field, frozen

from spedrules.core.errors import InputError
from spedrules.core.files import output_file, read_data
from spedrules.core.model import Case, Incident, Student
from spedrules.core.model.case import case_from_dict, load_case


@frozen
class GradeBand:
    """A named band of grades (``PK-3``: ``PK, K, 1, 2, 3``); a band without grades takes every
    grade no other band names."""

    name: str
    grades: tuple[str, ...] = ()


@frozen
class RestraintReportDefinition:
    """A jurisdiction's restraint report: the restraint types it counts (each key with its
    label, in the order a chart stacks them), the function that types an incident, its grade
    bands and the month its reporting year starts."""

    title: str
    citation: str
    types: dict[str, str] = field(hash=False)  # key (as published, the JSON's) -> label
    restraint_type: Callable[[Incident], str] = field(eq=False, hash=False)
    grade_bands: tuple[GradeBand, ...] = ()
    year_start_month: int = 7  # the reporting year runs from the 1st of this month


def _by_method(incident: Incident) -> str:
    return incident.method or "unspecified"


# A stack whose plugins define no report: the core vocabulary's methods, the federal year.
CORE_REPORT = RestraintReportDefinition(
    title="Restraint incidents by recorded method (no jurisdiction report in the stack)",
    citation="",
    types={
        "physical": "Physical",
        "mechanical": "Mechanical",
        "chemical": "Chemical",
        "unspecified": "Not recorded",
    },
    restraint_type=_by_method,
)


def school_year(d: date, start_month: int = 7) -> str:
    """The reporting year of a day, named by its two calendar years ("2015-16")."""
    start = d.year if d.month >= start_month else d.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


def school_months(name: str, start_month: int = 7) -> list[str]:
    """Every month of a reporting year ("2015-16", July -> "2015-07" .. "2016-06")."""
    start = int(name[:4])
    months = [*range(start_month, 13), *range(1, start_month)]
    return [f"{start + (m < start_month)}-{m:02d}" for m in months]


def year_after(name: str, years: int = 1) -> str:
    """The school year ``years`` after ``name`` ("2015-16", -1 -> "2014-15")."""
    start = int(name[:4]) + years
    return f"{start}-{str(start + 1)[-2:]}"


def grade_band(student: Student, bands: tuple[GradeBand, ...]) -> str:
    """The band of the student's grade; ``unspecified`` without a grade or without bands."""
    grade = (student.grade or "").upper()
    if not grade or not bands:
        return "unspecified"
    for band in bands:
        if grade in band.grades:
            return band.name
    rest = [b.name for b in bands if not b.grades]
    return rest[0] if rest else "unspecified"


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "0"
    share = 100 * part / whole
    return "<1" if 0 < share < 1 else str(round(share))


@frozen
class RestraintReport:
    year: str
    previous: str
    incidents: int
    previous_incidents: int
    change_percent: int | None  # negative is a decrease
    goal_percent: int | None
    goal_met: bool | None
    goal_margin_points: int | None
    next_goal_percent: int | None
    breakdowns: dict[str, dict[str, dict[str, Any]]]
    by_month: dict[str, dict[str, int]]
    # what the figures were counted by: labels and year for the text and the chart, not the JSON
    definition: RestraintReportDefinition = field(default=CORE_REPORT, eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        from attrs import asdict, fields

        return asdict(self, filter=lambda a, _: a is not fields(RestraintReport).definition)


def restraint_report(
    cases: Iterable[Case],
    year: str,
    goal: int | None = None,
    next_goal: int | None = None,
    definition: RestraintReportDefinition = CORE_REPORT,
) -> RestraintReport:
    previous = year_after(year, -1)
    rows = [
        (case.student, inc) for case in cases for inc in case.incidents if inc.type == "restraint"
    ]
    first = definition.year_start_month
    this_year = [(s, i) for s, i in rows if school_year(i.started_at.date(), first) == year]
    last_year = [(s, i) for s, i in rows if school_year(i.started_at.date(), first) == previous]
    restraint_type = definition.restraint_type
    n, m = len(this_year), len(last_year)
    change = round(100 * (n - m) / m) if m else None
    met = margin = None
    if goal is not None and change is not None:
        decrease = -change
        met, margin = decrease >= goal, decrease - goal

    def breakdown(label) -> dict[str, dict[str, Any]]:
        counts = Counter(label(s, i) for s, i in this_year)
        return {k: {"count": c, "percent": percent(c, n)} for k, c in counts.most_common()}

    months: dict[str, Counter] = {}
    for _, inc in this_year:
        months.setdefault(inc.started_at.strftime("%Y-%m"), Counter())[restraint_type(inc)] += 1
    return RestraintReport(
        year=year,
        previous=previous,
        incidents=n,
        previous_incidents=m,
        change_percent=change,
        goal_percent=goal,
        goal_met=met,
        goal_margin_points=margin,
        next_goal_percent=next_goal,
        breakdowns={
            "primary_disability": breakdown(lambda s, i: s.disability or "unspecified"),
            "restraint_type": breakdown(lambda s, i: restraint_type(i)),
            "ethnicity": breakdown(lambda s, i: s.ethnicity or "unspecified"),
            "grade_band": breakdown(lambda s, i: grade_band(s, definition.grade_bands)),
        },
        by_month={k: dict(v) for k, v in sorted(months.items())},
        definition=definition,
    )


def report_definition(registry, stack: Iterable[str], ctx=None) -> RestraintReportDefinition:
    """The restraint report of the most specific plugin of the stack that defines one (the
    core's count by method when none does). A plugin returning something else is an error
    naming it."""
    from spedrules.core.engine.plugins import HookContext
    from spedrules.core.errors import PluginError

    for plugin_id in reversed(list(stack)):
        try:
            found = registry.call(plugin_id, "spedrules_restraint_report", ctx or HookContext())
        except Exception as exc:
            raise PluginError(plugin_id, f"spedrules_restraint_report() raised {exc!r}") from exc
        if found is None:
            continue
        if not isinstance(found, RestraintReportDefinition):
            what = type(found).__name__
            raise PluginError(
                plugin_id, f"spedrules_restraint_report() returned {what}, not a definition"
            )
        return found
    return CORE_REPORT


def load_cases(path: str | Path, extra_event_types: frozenset[str] = frozenset()) -> list[Case]:
    """Cases from a folder of case files, one case file, or one YAML/JSON file holding
    ``cases: [...]``."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml", ".json"))
        return [load_case(p, extra_event_types) for p in files]
    data = read_data(path, "a case, or a mapping with a list of 'cases'")
    if "student" in data and "cases" not in data:
        return [case_from_dict(data, str(path), extra_event_types)]
    items = data.get("cases")
    if not isinstance(items, list):
        raise InputError(path, "cases", "a list of case mappings", type(items).__name__)
    cases = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(path, f"cases[{i}]", "a case mapping", item)
        try:
            cases.append(case_from_dict(item, str(path), extra_event_types))
        except InputError as exc:  # name the case inside the file
            field = f"cases[{i}].{exc.field}" if exc.field else f"cases[{i}]"
            raise InputError(path, field, exc.expected, exc.got) from None
    return cases


def goal_per_month(report: RestraintReport) -> float | None:
    """The monthly average the year's goal allows: the prior year's count less the goal's
    percentage, over 12 months (None without a goal or without a prior year to reduce)."""
    if report.goal_percent is None or not report.previous_incidents:
        return None
    return report.previous_incidents * (100 - report.goal_percent) / 100 / 12


def figure(report: RestraintReport):
    """The chart as a matplotlib figure: one stacked bar per month of the school year (July to
    June, months without incidents included), whole-number ticks, the goal as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    definition = report.definition
    first = definition.year_start_month
    months = school_months(report.year, first)
    labels = [f"{_stdcal.month_abbr[int(m[5:])]} {m[2:4]}" for m in months]
    kinds = [k for k in definition.types if any(k in report.by_month.get(m, {}) for m in months)]
    fig, ax = plt.subplots(figsize=(11, 4.8))
    bottom = [0] * len(months)
    for kind in kinds:
        values = [report.by_month.get(m, {}).get(kind, 0) for m in months]
        ax.bar(range(len(months)), values, bottom=bottom, label=definition.types[kind])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    goal = goal_per_month(report)
    if goal is not None:
        target = math.floor(report.previous_incidents * (100 - report.goal_percent) / 100)
        ax.axhline(
            goal,
            color="black",
            linestyle="--",
            linewidth=1,
            label=f"Goal: {report.goal_percent}% fewer than {report.previous}'s "
            f"{report.previous_incidents}:\nat most {target} in the year, {goal:.1f} a month",
        )
    ax.set_xticks(range(len(months)), labels)
    ax.set_xlim(-0.6, len(months) - 0.4)
    ax.set_ylim(0, max([*bottom, goal or 0, 1]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # incidents are whole
    ax.set_title(f"Restraint incidents by month and type, {report.year} ({report.incidents})")
    ax.set_ylabel("incidents")
    last = first - 1 or 12
    span = f"{_stdcal.month_name[first]} 1 to {_stdcal.month_name[last]} "
    span += str(_stdcal.monthrange(int(report.year[:4]) + (first > 1), last)[1])
    ax.set_xlabel(f"school year {report.year} ({span})")
    if goal is None and report.goal_percent is not None:
        ax.text(
            0.01,
            0.97,
            f"no goal line: no incidents recorded in {report.previous} to reduce by "
            f"{report.goal_percent}%",
            transform=ax.transAxes,
            va="top",
            fontsize="small",
            color="#444",
        )
    if report.incidents == 0:
        ax.text(
            0.5,
            0.5,
            f"no incidents recorded in {report.year}",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize="large",
            color="#444",
        )
    if ax.get_legend_handles_labels()[0]:  # beside the bars, never over them
        ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    plt.setp(ax.get_xticklabels(), rotation=45, ha="right")
    fig.tight_layout()
    return fig


def chart(report: RestraintReport, out: Path) -> Path:
    """Incidents by month and restraint type as a stacked bar chart (PNG or SVG by suffix)."""
    import matplotlib.pyplot as plt

    fig = figure(report)
    try:
        with output_file(out, "--chart") as fh:  # atomic and 0600, like every output file
            fig.savefig(fh, format=Path(out).suffix.lower().lstrip(".") or "png")
    finally:
        plt.close(fig)
    return out
