"""A deterministic synthetic population for the demo and the scale benchmark: case mappings in the
case-file format (docs/file-formats.md) with multi-year histories. Same prefix and seed, same
students; the first k students of a population of n are the students of a population of k.

Each student who is served entered special education years ago (referral, assessment plan,
consent, evaluation, eligibility, initial IEP and consent), then had an IEP meeting about every
year (most a little before the anniversary, some late) and a reevaluation with a triennial
meeting every three years, with amendments now and then; some transferred in and the district
has only the previous agency's last eligibility and IEP dates. In the current school year: the
days absent, disciplinary removals (a few over 10 school days), restraints and seclusions with
their notices and reports, records requests, parents' requests for a meeting, and the meetings
of the year as case-file ``meetings`` with attendees (some missing a required member, some
notices late). A few percent are new referrals still in evaluation. docs/synthetic-population.md
gives the measured distribution and how to regenerate it.

Core knows no state: events that only a plugin declares (``lahabra.iep_at_a_glance_sent``) are
recorded only when the caller passes them as :class:`FollowUp` rules (cli/demo.py does so for the
bundled districts). Shares are approximate unless a comment names a source.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from attrs import field, frozen
from attrs.validators import in_

from spedrules.core.calendar import SchoolCalendar

# Children 3-21 served under IDEA Part B by disability, 2022-23 (NCES, Digest of Education
# Statistics 2023, Table 204.50): SLD 32.0%, SLI 19.0%, OHI 15.3%, AUT 13.0%, DD 6.9%, ID 5.8%,
# ED 4.3%, MD 1.7%, HI 0.9%, OI 0.4%, TBI 0.3%, VI 0.3%, DB 0.02%. The table has no separate
# deafness count (it is within hearing impairment), so DEAF is not generated.
DISABILITY_COUNTS = {
    "SLD": 2_408_411,
    "SLI": 1_429_556,
    "OHI": 1_149_816,
    "AUT": 980_272,
    "DD": 518_045,
    "ID": 434_179,
    "ED": 326_875,
    "MD": 126_209,
    "HI": 69_595,
    "OI": 31_635,
    "VI": 24_843,
    "TBI": 24_653,
    "DB": 1_852,
}
# The same table, by race/ethnicity (3-21 years old).
ETHNICITY_COUNTS = {
    "white": 3_438_067,
    "hispanic": 2_106_840,
    "black": 1_269_666,
    "two_or_more": 390_536,
    "asian": 213_901,
    "american_indian": 85_066,
    "pacific_islander": 21_378,
}
# Students served by age (thousands): approximate, the shape of the OSEP child counts (a peak
# around 9-12, few past 18); not a cited table.
AGE_COUNTS = {
    3: 150, 4: 230, 5: 330, 6: 400, 7: 470, 8: 520, 9: 550, 10: 560, 11: 560, 12: 550, 13: 540,
    14: 530, 15: 520, 16: 500, 17: 470, 18: 250, 19: 90, 20: 45, 21: 20,
}  # fmt: skip
# How likely each disability is in an age band relative to the national share (approximate:
# developmental delay only to age 9, 34 CFR 300.8(b); learning disabilities found in school;
# speech and autism found early, emotional disturbance late). The tables below are fitted so
# that the population's overall shares are the national ones.
AGE_BANDS = ((3, 5), (6, 9), (10, 21))
BAND_FACTORS = {
    "DD": (4.0, 1.0, 0.0),
    "SLD": (0.0, 0.6, 1.3),
    "SLI": (3.0, 1.5, 0.5),
    "AUT": (1.5, 1.0, 0.9),
    "ED": (0.2, 0.6, 1.3),
    "OHI": (0.4, 0.9, 1.1),
}
# Age (years) at which students of a disability were first found eligible: a uniform range
# (approximate: early for speech, autism and low-incidence, school age for SLD, OHI and ED).
ENTRY_AGES = {
    "DD": (3, 5), "SLI": (3, 8), "AUT": (3, 8), "ID": (3, 8), "MD": (3, 5), "DB": (3, 4),
    "HI": (3, 7), "OI": (3, 6), "VI": (3, 7), "TBI": (4, 14), "OHI": (6, 12), "SLD": (7, 11),
    "ED": (7, 14),
}  # fmt: skip
BIP_SHARE = {"ED": 0.55, "AUT": 0.3, "OHI": 0.12, "ID": 0.1, "MD": 0.15}  # others: 0.03
SECONDARY = {"AUT": "SLI", "ID": "SLI", "OHI": "SLD", "ED": "OHI", "MD": "OI", "DD": "SLI"}
EXIT_REASONS = (  # shares of exits within a school year (approximate)
    ("moved", 0.45), ("graduated", 0.2), ("no_longer_eligible", 0.15), ("dropped_out", 0.1),
    ("aged_out", 0.03), ("other", 0.07),
)  # fmt: skip
LANGUAGES = ("es",) * 15 + ("vi", "zh", "ar", "tl", "ko")  # of English learners (approximate)

FIRST_NAMES = """Sofia Liam Olivia Noah Emma Mateo Ava Elijah Isabella Lucas Mia Ethan Camila
Aiden Amelia Jayden Harper Diego Evelyn Caleb Aaliyah Jordan Zoe Marcus Layla Xavier Nevaeh
Adrian Chloe Isaiah Valeria Gabriel Aria Julian Ximena Josiah Maya Daniel Leah Andre Nora Kai
Imani Samuel Lily Omar Ruby Angel Hana Malik Grace Tyler Jasmine Wyatt Destiny Luis Paisley
Dominic Naomi Carter Alondra Ezra Brianna Miguel Savannah Cameron""".split()
LAST_NAMES = """Garcia Smith Johnson Rodriguez Martinez Williams Hernandez Brown Lopez Jones
Gonzalez Davis Perez Miller Sanchez Wilson Ramirez Anderson Torres Taylor Flores Thomas Rivera
Moore Gomez Jackson Diaz Martin Reyes Lee Cruz Thompson Morales White Ortiz Harris Gutierrez
Clark Chavez Lewis Nguyen Robinson Ramos Walker Kim Young Ruiz Allen Alvarez King Mendoza Wright
Castillo Scott Romero Green Vasquez Baker Herrera Adams Medina Nelson Aguilar Hill Patel
Campbell Tran Mitchell Chen Carter Jimenez Roberts Moreno Phillips Vargas Evans Castro Turner
Guzman Parker Fernandez Collins Silva Edwards Ortega Stewart Delgado Morris Pham Murphy Soto
Cook Rojas Rogers""".split()
ELEMENTARY_STEMS = """Walnut|El Cerrito|Sycamore|Oak Grove|Cesar Chavez|Lincoln|Las Palmas
|Ridgecrest|Harbor View|Sunset|Mesa Vista|Rancho Verde|Washington|Loma Linda|Palm Avenue
|Coral Reef|Pelican Bay|Cypress Creek|Bayside|Magnolia|Mary McLeod Bethune|Sandpiper|Live Oak
|Jefferson|Maple Hill|Highland|Riverside|Port|Willow Creek|Golden Hills"""
ELEMENTARY_STEMS = ELEMENTARY_STEMS.replace("\n", "").split("|")
MIDDLE_STEMS = """Vista|Lakewood|Sierra|Thomas Edison|Ridgeview|Canyon|Mariner|Seminole|John Muir
|Palmetto|Coastal""".replace("\n", "").split("|")
HIGH_STEMS = (
    """Gulf Shore|Mesa Verde|Valley|Lakeside|Canyon Crest|Westwood|Harbor|Northridge""".split("|")
)
ROOMS = ("Room 4", "Room 12", "Room 21", "Classroom 7", "Library", "Conference Room", "Cafeteria")

FOLLOW_AFTER = ("iep_meeting", "incident", "restraint", "school_year")
TABLE = 4096  # resolution of the weighted draws (a list lookup is much cheaper than bisection)
YEAR = 365.2425


@frozen
class FollowUp:
    """An event a district's add-on expects after something in the case, recorded for a share of
    the cases: ``after`` is ``iep_meeting``, ``incident``, ``restraint`` or ``school_year``;
    ``days`` the range of calendar days after it; ``details`` extra keys of the event;
    ``moment`` records it with ``at`` (same time of day plus up to two hours); ``flag`` limits it
    to students who carry that flag."""

    type: str
    after: str = field(validator=in_(FOLLOW_AFTER))
    share: float
    days: tuple[int, int] = (0, 0)
    details: tuple[tuple[str, Any], ...] = ()
    moment: bool = False
    flag: str | None = None


@frozen
class IncidentFact:
    """A fact a district's incident records carry (a key of the incident): ``value`` for a share
    of the incidents of the types in ``applies_to``, ``other`` for the rest (None: not
    recorded). For keys only a jurisdiction's rules read, which core does not name."""

    key: str
    share: float
    value: Any = True
    other: Any = False
    applies_to: tuple[str, ...] = ("restraint", "seclusion")


def population(
    prefix: str,
    n: int,
    schools: Sequence[str] | None,
    as_of: date,
    seed: int = 7,
    incidents: bool = True,
    *,
    calendar: SchoolCalendar | None = None,
    follow_ups: Sequence[FollowUp] = (),
    incident_facts: Sequence[IncidentFact] = (),
    exits: bool = False,
) -> Iterator[dict[str, Any]]:
    """``n`` case mappings as of ``as_of``. ``schools`` are names (a name with Elementary, Middle
    or High takes those grades; without, any); None gives the district realistic names of its
    own. With ``calendar`` the current year's events fall on its instructional days (weekdays
    outside it). ``follow_ups`` and ``incident_facts`` add what a district's add-ons read.
    ``exits`` records ``student_exited`` for a few percent (off until the engine knows the event
    type)."""
    builder = _Builder(
        prefix, schools, as_of, seed, incidents, calendar, follow_ups, incident_facts, exits
    )
    for i in range(n):
        yield builder.case(i)


def school_names(prefix: str, seed: int = 7, counts: tuple[int, int, int] = (8, 3, 2)) -> list[str]:
    """Elementary, middle and high schools for a district: names that sound real."""
    rng = random.Random(f"{prefix}-{seed}-schools")
    elementary, middle, high = counts
    return (
        [f"{s} Elementary" for s in rng.sample(ELEMENTARY_STEMS, elementary)]
        + [f"{s} Middle" for s in rng.sample(MIDDLE_STEMS, middle)]
        + [f"{s} High" for s in rng.sample(HIGH_STEMS, high)]
    )


def _table(weights: dict[Any, float]) -> list[Any]:
    """A lookup list in which each key fills a share of the TABLE slots proportional to its
    weight: ``table[int(random() * TABLE)]`` is a weighted draw."""
    keys, total = list(weights), sum(weights.values())
    cumulative, running = [], 0.0
    for key in keys:
        running += weights[key] / total
        cumulative.append(running)
    return [
        keys[min(bisect_right(cumulative, (j + 0.5) / TABLE), len(keys) - 1)] for j in range(TABLE)
    ]


def _band_tables() -> list[list[str]]:
    """Disability draws per age band, fitted (iterative proportional fitting) so that the whole
    population's shares are the national ones while each band keeps its BAND_FACTORS shape."""
    ages = sum(AGE_COUNTS.values())
    band_share = [
        sum(c for a, c in AGE_COUNTS.items() if lo <= a <= hi) / ages for lo, hi in AGE_BANDS
    ]
    total = sum(DISABILITY_COUNTS.values())
    target = {k: v / total for k, v in DISABILITY_COUNTS.items()}
    cells = [
        {k: target[k] * BAND_FACTORS.get(k, (1, 1, 1))[b] for k in target}
        for b in range(len(AGE_BANDS))
    ]
    for _ in range(200):
        for b, row in enumerate(cells):
            scale = band_share[b] / sum(row.values())
            for k in row:
                row[k] *= scale
        for k in target:
            have = sum(row[k] for row in cells)
            for row in cells:
                row[k] *= target[k] / have if have else 0.0
    return [_table({k: v for k, v in row.items() if v > 0}) for row in cells]


AGE_TABLE = _table(AGE_COUNTS)
BAND_TABLES = _band_tables()
ETHNICITY_TABLE = _table(ETHNICITY_COUNTS)
EXIT_TABLE = _table(dict(EXIT_REASONS))


class _Days:
    """Every day from 24 years before the as-of date to 4 years after, as indices: ISO text,
    the nearest school day on or after / on or before, the same date one and three years on,
    and the current school year's school days up to the as-of date. Built once per as-of date
    and calendar, so that a student costs list lookups, not date arithmetic."""

    def __init__(self, as_of: date, calendar: SchoolCalendar | None) -> None:
        first = date(as_of.year - 24, 1, 1)
        self.base = base = first.toordinal()
        days = [
            date.fromordinal(base + i)
            for i in range((date(as_of.year + 4, 12, 31) - first).days + 1)
        ]
        self.iso = [d.isoformat() for d in days]
        covered = calendar.coverage if calendar is not None else None
        school = [
            calendar.is_instructional(d)
            if covered and covered[0] <= d <= covered[1]
            else _usual_school_day(d)
            for d in days
        ]
        n = len(days)
        self.nxt, self.prv = [0] * n, [0] * n
        following = n - 1
        for i in range(n - 1, -1, -1):
            following = i if school[i] else following
            self.nxt[i] = following
        previous = 0
        for i in range(n):
            previous = i if school[i] else previous
            self.prv[i] = previous
        self.year1 = [_index(_plus_years(d, 1), base, n) for d in days]
        self.year3 = [_index(_plus_years(d, 3), base, n) for d in days]
        self.today = as_of.toordinal() - base
        start, end = _current_year(as_of, calendar)
        self.year_start = max(0, start.toordinal() - base)
        last = min(self.today, end.toordinal() - base)
        self.school_days = [i for i in range(self.year_start, last + 1) if school[i]]
        self.weekday = [d.weekday() for d in days]
        if calendar is not None:
            self.day_start = calendar.school_day_start.hour * 60 + calendar.school_day_start.minute
            self.day_end = calendar.school_day_end.hour * 60 + calendar.school_day_end.minute
        else:
            self.day_start, self.day_end = 8 * 60, 15 * 60


def _usual_school_day(d: date) -> bool:
    """Outside the district's calendar: a weekday between late August and mid June, not in the
    winter break (an approximation, used only to place past meetings on plausible days)."""
    if d.weekday() > 4:
        return False
    md = (d.month, d.day)
    return not ((6, 12) <= md <= (8, 18) or md >= (12, 21) or md <= (1, 3))


def _plus_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # Feb 29 -> Feb 28 (docs/counting.md)
        return d.replace(year=d.year + years, day=28)


def _index(d: date, base: int, n: int) -> int:
    return min(d.toordinal() - base, n - 1)


def _current_year(as_of: date, calendar: SchoolCalendar | None) -> tuple[date, date]:
    if calendar is not None:
        started = [y for y in calendar.years if y.first_day <= as_of]
        if started:
            return started[-1].first_day, started[-1].last_day
    year = as_of.year if as_of.month >= 8 else as_of.year - 1
    return date(year, 8, 18), date(year + 1, 6, 11)


_DAYS: dict[tuple[date, int], tuple[Any, _Days]] = {}


def _days(as_of: date, calendar: SchoolCalendar | None) -> _Days:
    key = (as_of, id(calendar))
    hit = _DAYS.get(key)
    if hit is None or hit[0] is not calendar:
        if len(_DAYS) > 8:
            _DAYS.clear()
        hit = _DAYS[key] = (calendar, _Days(as_of, calendar))
    return hit[1]


class _School:
    """A school's grades (E elementary, M middle, H high, A any) and its staff."""

    def __init__(self, name: str, rng: random.Random) -> None:
        self.name = name
        self.level = next(
            (c for w, c in (("Elementary", "E"), ("Middle", "M"), ("High", "H")) if w in name), "A"
        )

        def person() -> str:
            return f"{rng.choice('ABCDEFGHJKLMNPRSTW')}. {rng.choice(LAST_NAMES)}"

        self.case_managers = [person() for _ in range(rng.randint(3, 6))]
        self.teachers = [person() for _ in range(8)]
        self.administrator = person()
        self.psychologist = person()
        self.speech = person()
        self.staff = [person() for _ in range(4)]
        self.rooms = [f"{name}, {room}" for room in ROOMS]


class _Builder:
    """The state of one population: day tables, schools with staff, the random stream."""

    def __init__(self, prefix, schools, as_of, seed, incidents, calendar, follow_ups, facts, exits):
        self.prefix = prefix
        self.days = _days(as_of, calendar)
        self.random = random.Random(f"{prefix}-{seed}")
        names = list(schools) if schools else school_names(prefix, seed)
        staff = random.Random(f"{prefix}-{seed}-staff")
        self.schools = [_School(name, staff) for name in names]
        by_level = {lv: [s for s in self.schools if s.level in (lv, "A")] for lv in "EMH"}
        self.by_level = {lv: found or self.schools for lv, found in by_level.items()}
        # inclusion classes (K and 1) at up to three elementary schools, most at the first two
        hosts = [s for s in self.schools if s.level == "E"][:3]
        self.inclusion = _table(dict(zip(hosts, (0.45, 0.4, 0.15), strict=False))) if hosts else []
        self.incidents = incidents
        self.incident_facts: tuple[IncidentFact, ...] = tuple(facts)
        self.exits = exits
        self.after = {  # as plain tuples: a follow-up is looked at for every IEP meeting
            kind: [
                (f.type, f.share, f.days[0], f.days[1] - f.days[0] + 1, dict(f.details))
                + (f.moment, f.flag)
                for f in follow_ups
                if f.after == kind
            ]
            for kind in FOLLOW_AFTER
        }
        self.after_iep = bool(self.after["iep_meeting"])

    # -- one student -------------------------------------------------------------------------

    def case(self, i: int) -> dict[str, Any]:
        r = self.random.random
        d = self.days
        today = d.today
        sid = f"{self.prefix}-{i:06d}"
        age = AGE_TABLE[int(r() * TABLE)]
        born = today - int((age + r()) * YEAR)
        age_at_start = int((d.year_start - born) / YEAR)
        grade_n = age_at_start - 5 - (r() < 0.04)  # a few were held back a year
        grade = "PK" if grade_n < 0 else "K" if grade_n == 0 else str(min(grade_n, 12))
        level = "E" if grade_n <= 5 else "M" if grade_n <= 8 else "H"
        band = 0 if age <= 5 else 1 if age <= 9 else 2
        disability = BAND_TABLES[band][int(r() * TABLE)]
        inclusion = grade_n in (0, 1) and self.inclusion and r() < 0.4
        if inclusion:
            school = self.inclusion[int(r() * TABLE)]
        else:
            options = self.by_level[level]
            school = options[int(r() * len(options))]
        first = FIRST_NAMES[int(r() * len(FIRST_NAMES))]
        last = LAST_NAMES[int(r() * len(LAST_NAMES))]
        parent = FIRST_NAMES[int(r() * len(FIRST_NAMES))]
        student: dict[str, Any] = {
            "id": sid,
            "name": f"{first} {last}",
            "birth_date": d.iso[born],
            "grade": grade,
            "school": school.name,
            "case_manager": school.case_managers[int(r() * len(school.case_managers))],
            "ethnicity": ETHNICITY_TABLE[int(r() * TABLE)],
            "contacts": [
                {
                    "name": f"{parent} {last}",
                    "relationship": "parent",
                    "phone": f"555-{int(r() * 9000) + 1000}",
                }
            ],
        }
        english_learner = r() < 0.15  # about 15% of students with disabilities (approximate)
        if english_learner:
            student["english_learner"] = True
            student["home_language"] = LANGUAGES[int(r() * len(LANGUAGES))]
        flags = ["inclusion"] if inclusion else []
        x = r()
        if x < 0.04:
            flags.append("homeless" if x < 0.03 else "foster")
        if flags:
            student["flags"] = flags
        events: list[dict[str, Any]] = []
        meetings: list[tuple[int, str]] = []  # IEP meetings of the current year: day, type
        case: dict[str, Any] = {"student": student, "events": events}
        history = _History(self, student, events, meetings, born, school, band, age)
        if r() < 0.07:
            history.referral_this_year()
        else:
            student["disability"] = disability
            if r() < 0.1 and disability in SECONDARY:
                student["secondary_disability"] = SECONDARY[disability]
            if r() < BIP_SHARE.get(disability, 0.03):
                student["has_bip"] = True
            history.served(disability, age)
        history.this_year()
        if self.after_iep and history.iep_days:
            history.follow("iep_meeting", 0, days=history.iep_days)
        if self.exits and history.served_now and r() < 0.03:
            history.exit()
        if meetings:
            case["meetings"] = [
                history.meeting(day, kind, n) for n, (day, kind) in enumerate(meetings)
            ]
        if history.incidents:
            case["incidents"] = history.incidents
        return case


class _History:
    """The events of one student's case, built in date order (day indices into _Days)."""

    def __init__(self, builder: _Builder, student, events, meetings, born, school, band, age):
        self.b = builder
        self.d = builder.days
        self.r = builder.random.random
        self.student = student
        self.events = events
        self.meetings = meetings
        self.born = born
        self.school = school
        self.band = band
        self.age = age
        self.iso = self.d.iso
        self.flags = student.get("flags", ())
        self.iep_days: list[int] = []  # this district's IEP meetings, for their follow-ups
        self.at_14_5 = born + int(14.5 * YEAR)
        self.at_16 = born + int(16 * YEAR)
        self.incidents: list[dict[str, Any]] = []
        self.served_now = False
        self.enrolled = self.d.year_start  # first day in the district this year

    def add(self, kind: str, day: int, **details: Any) -> None:
        """An event on ``day``, unless that is after the as-of date (not known yet)."""
        if day <= self.d.today:
            self.events.append({"type": kind, "date": self.iso[day], **details})

    def iep_meeting(self, day: int, kind: str, extra: str | None = None) -> None:
        """An IEP meeting (and, in the current year, its ``meetings`` record)."""
        event = {"type": "iep_meeting_held", "date": self.iso[day], "meeting_type": kind}
        if day >= self.at_14_5:
            if self.r() < 0.95:
                event["transition_plan"] = True
            if day >= self.at_16 and self.r() < 0.92:
                event["age_of_majority_notice"] = True
        if extra:
            event[extra] = True
        self.events.append(event)
        if self.d.year_start <= day < self.d.today:  # held: its record is complete
            self.meetings.append((day, kind))
        self.iep_days.append(day)

    def follow(
        self, after: str, day: int, minute: int = 0, days: Sequence[int] = (), about: str = ""
    ) -> None:
        """The follow-up events the caller asked for after an incident, the start of the year or
        (``days``) each IEP meeting."""
        r, today, append = self.r, self.d.today, self.events.append
        for kind, share, first, span, details, moment, flag in self.b.after[after]:
            if flag is not None and flag not in self.flags:
                continue
            for start in days or (day,):
                if r() >= share:
                    continue
                when = start + first + int(r() * span)
                if when > today:
                    continue
                if moment:
                    event = {"type": kind, "at": _at(self.d, when, minute + int(r() * 120))}
                else:
                    event = {"type": kind, "date": self.iso[when]}
                if details:
                    event.update(details)
                if about:
                    event["incident"] = about
                append(event)

    # -- the evaluation that started it --------------------------------------------------------

    def evaluation(self, referral: int) -> int | None:
        """Referral to initial IEP; returns the IEP meeting day, or None when not yet held (or
        the student was found not eligible, or consent was refused)."""
        r, d, today, iso, append = self.r, self.d, self.d.today, self.iso, self.events.append
        referral = d.nxt[referral]
        append({"type": "referral_received", "date": iso[referral]})
        plan = d.nxt[referral + (2 + int(r() * 12) if r() < 0.9 else 16 + int(r() * 20))]
        if plan > today:
            return None
        append({"type": "assessment_plan_provided", "date": iso[plan]})
        if r() < 0.03:
            refused = plan + 3 + int(r() * 14)
            if refused <= today:
                append({"type": "evaluation_consent_refused", "date": iso[refused]})
            return None
        consent = plan + 1 + int(r() * 15)
        if consent > today:
            return None
        append({"type": "evaluation_consent_received", "date": iso[consent]})
        done = d.prv[consent + (30 + int(r() * 28) if r() < 0.88 else 60 + int(r() * 35))]
        if done > today:
            return None
        append({"type": "evaluation_completed", "date": iso[done]})
        meeting = d.nxt[done + int(r() * 8)]
        if meeting > today:
            return None
        eligible = r() < 0.85 or "disability" in self.student
        append({"type": "eligibility_determined", "date": iso[meeting], "eligible": eligible})
        if not eligible:
            return None
        self.iep_meeting(meeting, "initial")
        if r() < 0.95:
            append(
                {"type": "iep_consent_received", "date": iso[min(meeting + int(r() * 10), today)]}
            )
        return meeting

    def referral_this_year(self) -> None:
        """A referral of this school year, still in evaluation or just decided."""
        d = self.d
        referral = d.year_start + int(self.r() * (d.today - d.year_start + 1))
        meeting = self.evaluation(referral)
        if meeting is not None:
            self.student["disability"] = BAND_TABLES[self.band][int(self.r() * TABLE)]
            self.served_now = True

    # -- years of annual reviews --------------------------------------------------------------

    def served(self, disability: str, age: int) -> None:
        r, d, today, nxt, prv = self.r, self.d, self.d.today, self.d.nxt, self.d.prv
        lo, hi = ENTRY_AGES[disability]
        # referred at an age in the disability's range, and before today (a child of 3 was
        # referred before the third birthday, in the transition from Part C)
        top = min(hi + 1.0, (today - self.born) / YEAR - 0.3)
        low = max(min(lo, top - 1.5), 2.7)
        referral = min(self.born + int((low + r() * max(top - low, 0.0)) * YEAR), today)
        transfer = None
        if r() < 0.08:  # transferred in, within the last four years
            moved = today - int(r() * 4 * YEAR)
            transfer = moved if moved > referral + 200 else None
        if transfer is None:
            first = self.evaluation(referral)
            if first is None:  # referred recently, still in evaluation: not served yet
                for key in ("disability", "secondary_disability", "has_bip"):
                    self.student.pop(key, None)
                return
        else:  # evaluated by the previous agency: its dates are not in this district's record
            first = d.nxt[referral + 60 + int(r() * 40)]
        self.served_now = True
        last_full, evaluated = first, first
        reeval_due = d.year3[evaluated]
        moved_in, last_amended = transfer is None, -1
        while True:
            due = d.year1[last_full]
            if not moved_in and min(due, reeval_due) > transfer:
                moved_in = True
                self.transfer_in(transfer, evaluated, last_full)
                late = r() >= 0.85
                adopted = d.nxt[transfer + (35 if late else 5) + int(r() * 30)]
                if adopted > today:
                    return
                self.iep_meeting(adopted, "annual", "transfer_review")
                last_full = adopted
                continue
            triennial = reeval_due <= due + 45  # the reevaluation and a triennial meeting
            if triennial:
                due = reeval_due
            x = r()  # held mostly a few weeks early, sometimes late
            if x < 0.88:
                held = prv[due - 1 - int(r() * 40)]
            else:
                held = nxt[due + 1 + int(r() * 30) if x < 0.97 else due + 31 + int(r() * 90)]
            if held > today:
                return
            if triennial:
                meeting = nxt[held + int(r() * 3)]
                if moved_in:
                    self.events.append({"type": "reevaluation_completed", "date": self.iso[held]})
                    if meeting <= today:
                        self.iep_meeting(meeting, "triennial")
                evaluated, last_full = held, meeting
                reeval_due = d.year3[held]
            else:
                if moved_in:
                    self.iep_meeting(held, "annual")
                last_full = held
            if r() < 0.3 and moved_in:  # an amendment during the year
                amended = d.nxt[last_full + 40 + int(r() * 250)]
                if amended <= today and amended != last_amended:  # (summer: the same day)
                    self.iep_meeting(amended, "amendment")
                    last_amended = amended

    def transfer_in(self, day: int, evaluated: int, last_full: int) -> None:
        """From the previous agency only the last eligibility and IEP dates are known."""
        r = self.r
        source = "other_selpa" if r() < 0.5 else "within_selpa" if r() < 0.5 else "out_of_state"
        if evaluated < day:
            self.add("eligibility_determined", evaluated, eligible=True, previous_agency=True)
        if last_full < day:
            self.events.append(
                {
                    "type": "iep_meeting_held",
                    "date": self.d.iso[last_full],
                    "meeting_type": "annual",
                    "previous_agency": True,
                }
            )
        self.add("transfer_enrolled", day, **{"from": source})
        if day >= self.d.year_start:
            self.enrolled = day

    # -- the current school year ---------------------------------------------------------------

    def this_year(self) -> None:
        r, d = self.r, self.d
        days = (
            [x for x in d.school_days if x >= self.enrolled]
            if self.enrolled > d.year_start
            else d.school_days
        )
        if not days:
            return
        if self.served_now and self.b.after["school_year"]:
            self.follow("school_year", d.year_start)
        rate = 0.015 + r() * r() * 0.25  # days absent: mean about 7%, a long tail (approximate)
        count, iso, append = len(days), self.iso, self.events.append
        absent, previous = min(int(rate * count + r()), count), -1
        for j in range(absent):  # one day in each of ``absent`` equal stretches of the year
            k = max(int((j + r()) * count / absent), previous + 1)
            if k >= count:
                break
            previous = k
            append({"type": "absence", "date": iso[days[k]]})
        if r() < 0.11 and self.served_now:
            self.removals(days)
        if r() < 0.06:
            request = days[int(r() * len(days))]
            self.add("records_request_received", request)
            if r() < 0.9:
                provided = request + 1 + int(r() * 6) if r() < 0.9 else request + 8 + int(r() * 10)
                if provided <= d.today:
                    self.add("records_provided", provided)
        if r() < 0.05 and self.served_now:
            request = days[int(r() * len(days))]
            self.add("parent_meeting_request_received", request)
            if r() < 0.85:
                held = d.nxt[request + 7 + int(r() * 30)]
                if held <= d.today:
                    self.iep_meeting(held, "amendment", "requested_by_parent")
        if self.b.incidents and r() < 0.025:
            for n in range(1 + int(r() * r() * 6)):
                self.incident(days, n)

    def removals(self, days: list[int]) -> None:
        """Suspensions; a few long enough (more than 10 school days) to change the placement."""
        r, used = self.r, set()
        for _ in range(1 + int(r() * r() * 4)):
            start = days[int(r() * len(days))]
            if start in used:  # one removal a day
                continue
            used.add(start)
            x = r()
            if x < 0.1:  # a long removal: change of placement and a manifestation determination
                length = 11 + int(r() * 10)
                self.add("disciplinary_removal", start, days=length)
                self.add("placement_change_decision", start)
                self._manifestation(start, days)
            elif x < 0.12:  # weapons, drugs or serious bodily injury: an interim setting
                self.add("disciplinary_removal", start, days=45, iaes=True)
                self._manifestation(start, days)
            else:
                self.add("disciplinary_removal", start, days=1 + int(r() * r() * 5))

    def _manifestation(self, start: int, days: list[int]) -> None:
        if self.r() < 0.85:
            later = [x for x in days if x > start][: 3 + int(self.r() * 9)]
            if later:
                self.iep_meeting(later[-1], "manifestation_determination")

    def incident(self, days: list[int], n: int) -> None:
        """A restraint (most) or seclusion, with the notices and the report."""
        r, d = self.r, self.d
        day = days[int(r() * len(days))]
        minute = d.day_start + 30 + int(r() * (d.day_end - d.day_start - 60))
        seclusion = r() < 0.12
        kind = "seclusion" if seclusion else "restraint"
        released = minute + 2 + int(r() * 25)
        school, sid = self.school, self.student["id"]
        staff = [{"name": school.staff[j], "role": "staff"} for j in range(1 + int(r() * 2.5))]
        incident: dict[str, Any] = {
            "id": f"I-{sid}-{n + 1}",
            "type": kind,
            "started_at": _at(d, day, minute),
            "released_at": _at(d, day, released),
            "location": ROOMS[int(r() * len(ROOMS))],
            "staff": staff,
            "injuries": "none" if r() < 0.9 else "minor redness on the forearm",
            "description": "aggression toward a peer; held until calm",
            "context": "transition between activities",
            "behavior_leading_up": "threats, then hitting a peer: an imminent risk of injury",
            "de_escalation": "verbal redirection, offered a break, reduced demands",
            "after": "returned to class after a cool-down",
            "monitor_present": r() < 0.97,
        }
        if not seclusion:
            x = r()
            incident["method"] = "physical" if x < 0.97 else "mechanical"
            incident["position"] = ("standing", "seated", "supine", "prone")[
                min(int(r() * r() * 4.4), 3)
            ]
        else:
            incident["observation"] = "direct" if r() < 0.95 else "camera"
        if r() < 0.8:
            incident["witnesses"] = [
                {"name": school.teachers[int(r() * len(school.teachers))], "role": "teacher"}
            ]
        if r() < 0.9:
            incident["parent_notification_evidence"] = "phone call log"
        for fact in self.b.incident_facts:
            if kind in fact.applies_to:
                value = fact.value if r() < fact.share else fact.other
                if value is not None:
                    incident[fact.key] = value
        self.incidents.append(incident)
        about = incident["id"]  # the notices name their incident (two may fall on one day)
        self._notices(day, released, about)
        self.follow("incident", day, minute, about=about)
        if not seclusion:
            self.follow("restraint", day, minute, about=about)

    def _notices(self, day: int, released: int, about: str) -> None:
        r, d, add, events = self.r, self.d, self.add, self.events
        if r() < 0.9:
            events.append(
                {
                    "type": "parent_notified",
                    "at": _at(d, day, released + 10 + int(r() * 150)),
                    "method": "phone",
                    "incident": about,
                }
            )
        else:
            events.append(
                {
                    "type": "parent_contact_attempted",
                    "at": _at(d, day, released + 20),
                    "method": "phone",
                    "incident": about,
                }
            )
        if r() < 0.85:
            add("parent_notified", d.nxt[day + (r() < 0.15)], method="written", incident=about)
        if r() < 0.92:
            events.append(
                {
                    "type": "incident_report_completed",
                    "at": _at(d, day, released + 30 + int(r() * 120)),
                    "incident": about,
                }
            )
        if r() < 0.85:
            add("incident_report_sent", d.nxt[day + int(r() * 4)], incident=about)
        for purpose in ("notice", "report"):
            if r() < 0.6:
                add(
                    "parent_acknowledgement_received",
                    d.nxt[day + 2 + int(r() * 8)],
                    of=purpose,
                    incident=about,
                )
            elif r() < 0.7:
                add(
                    "parent_contact_attempted",
                    d.nxt[day + 2 + int(r() * 3)],
                    purpose=f"{purpose}_acknowledgement",
                    incident=about,
                )
        if "has_bip" not in self.student or r() < 0.3:
            if r() < 0.85:
                add("iep_meeting_scheduled", d.nxt[day + int(r() * 2)], incident=about)

    def exit(self) -> None:
        """Left special education this year; nothing is recorded after that day."""
        d, r = self.d, self.r
        day = d.year_start + int(r() * (d.today - d.year_start + 1))
        reason = EXIT_TABLE[int(r() * TABLE)]
        if self.age < 17 and reason in ("graduated", "aged_out", "dropped_out"):
            reason = "moved"
        cut = d.iso[day]
        self.events[:] = [e for e in self.events if (e.get("date") or e["at"][:10]) <= cut]
        self.meetings[:] = [m for m in self.meetings if m[0] <= day]
        self.incidents[:] = [i for i in self.incidents if i["started_at"][:10] <= cut]
        self.add("student_exited", day, reason=reason)

    # -- the meetings of this year -------------------------------------------------------------

    def meeting(self, day: int, kind: str, n: int) -> dict[str, Any]:
        """The case-file record of an IEP meeting: times, notices and who came."""
        r, d, school, iso = self.r, self.d, self.school, self.iso
        if r() < 0.7:  # after school
            start = d.day_end + (int(r() * 16) if r() < 0.93 else 20 + int(r() * 40))
        else:
            start = d.day_start + 30 + int(r() * (d.day_end - d.day_start - 90))
        length = 40 + int(r() * 25) if r() < 0.75 else 65 + int(r() * 40)
        meeting: dict[str, Any] = {
            "id": f"M-{self.student['id']}-{n + 1}",
            "type": kind if kind != "manifestation_determination" else "other",
            "start": iso[day] + TIMES[start],
            "end": iso[day] + TIMES[min(start + length, 1439)],
            "location": school.rooms[int(r() * len(ROOMS))],
            "notice_sent": iso[day - (10 + int(r() * 12) if r() < 0.92 else 3 + int(r() * 7))],
        }
        if length > 60 and r() < 0.5:
            meeting["agreed_extension"] = True
        if r() < 0.9:
            meeting["agenda_sent"] = iso[day - 1 - int(r() * 4)]
        if r() < 0.88:
            meeting["draft_sent"] = iso[day - 1 - int(r() * 4)]
        if start < d.day_end and r() < 0.6:
            meeting["coverage_coordinated"] = True
        student = self.student
        attendees = []
        if r() < 0.95:
            attendees.append({"name": student["contacts"][0]["name"], "role": "parent"})
        attendees.append({"name": student["case_manager"], "role": "special_education_teacher"})
        x = r()
        teacher = school.teachers[int(r() * len(school.teachers))]
        if x < 0.9:
            attendees.append({"name": teacher, "role": "general_education_teacher"})
        elif x < 0.95:
            attendees.append(
                {
                    "name": teacher,
                    "role": "general_education_teacher",
                    "excused": True,
                    "written_agreement": True,
                }
            )
        if r() < 0.96:
            attendees.append({"name": school.administrator, "role": "lea_representative"})
        if kind in ("initial", "triennial") or student.get("disability") == "SLD":
            attendees.append({"name": school.psychologist, "role": "school_psychologist"})
        if student.get("disability") == "SLI" or student.get("secondary_disability") == "SLI":
            attendees.append({"name": school.speech, "role": "speech_language_pathologist"})
        if day >= self.at_14_5:
            meeting["transition_discussed"] = True
            if r() < 0.9:
                attendees.append({"name": student["name"], "role": "student"})
        if student.get("english_learner") and r() < 0.8:
            attendees.append({"name": "district interpreter", "role": "interpreter"})
        meeting["attendees"] = attendees
        return meeting


TIMES = [f"T{m // 60:02d}:{m % 60:02d}:00" for m in range(1440)]


def _at(days: _Days, day: int, minute: int) -> str:
    """The moment ``minute`` minutes after midnight of ``day`` (the next day past midnight)."""
    if minute >= 1440:
        day, minute = day + minute // 1440, minute % 1440
    return days.iso[day] + TIMES[minute]
