"""A deterministic synthetic population: realistic referral, consent, IEP and incident histories
for the demo and the scale benchmark. Same seed, same students."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

DISABILITIES = ["SLD"] * 8 + ["SLI"] * 5 + ["OHI"] * 4 + ["AUT"] * 3 + ["ED", "ID", "HI", "OI"]
ETHNICITIES = ["hispanic", "white", "black", "asian", "mixed"]


def population(
    prefix: str, n: int, schools: list[str], as_of: date, seed: int = 7, incidents: bool = False
) -> Iterator[dict[str, Any]]:
    rng = random.Random(f"{prefix}-{seed}")
    for i in range(n):
        yield student_case(rng, f"{prefix}-{i:06d}", rng.choice(schools), as_of, incidents)


def _day(d: date) -> str:
    return d.isoformat()


def student_case(
    rng: random.Random, sid: str, school: str, as_of: date, incidents: bool
) -> dict[str, Any]:
    age = rng.randint(5, 19)
    born = as_of - timedelta(days=365 * age + rng.randint(0, 364))
    grade = str(max(0, min(12, age - 5))) if age > 5 else "K"
    student = {
        "id": sid,
        "birth_date": _day(born),
        "grade": grade,
        "school": school,
        "disability": rng.choice(DISABILITIES),
        "ethnicity": rng.choice(ETHNICITIES),
    }
    if grade in ("K", "1") and "Elementary" in school and sum(map(ord, sid)) % 3 == 0:
        student["flags"] = ["inclusion"]  # (no rng draw: the rest of the population is unchanged)
    events: list[dict[str, Any]] = []
    case: dict[str, Any] = {"student": student, "events": events}
    start = as_of - timedelta(days=rng.randint(20, 140))
    if rng.random() < 0.15:  # a new referral this school year
        events.append({"type": "referral_received", "date": _day(start)})
        if rng.random() < 0.85:
            plan = start + timedelta(days=rng.randint(3, 20))
            events.append({"type": "assessment_plan_provided", "date": _day(plan)})
            if rng.random() < 0.8:
                consent = plan + timedelta(days=rng.randint(2, 15))
                events.append({"type": "evaluation_consent_received", "date": _day(consent)})
                if rng.random() < 0.5:
                    done = consent + timedelta(days=rng.randint(30, 75))
                    events += [
                        {"type": "evaluation_completed", "date": _day(done)},
                        {"type": "eligibility_determined", "date": _day(done), "eligible": True},
                        {"type": "iep_meeting_held", "date": _day(done), "meeting_type": "initial"},
                    ]
        case["events"] = [e for e in events if e["date"] <= _day(as_of)]
        return case
    last = as_of - timedelta(days=rng.randint(30, 400))
    events += [
        {
            "type": "eligibility_determined",
            "date": _day(last - timedelta(days=rng.randint(300, 1000))),
            "eligible": True,
        },
        {
            "type": "iep_meeting_held",
            "date": _day(last),
            "meeting_type": "annual",
            "transition_plan": age >= 15,
            "age_of_majority_notice": age >= 17,
        },
    ]
    if rng.random() < 0.05:
        request = as_of - timedelta(days=rng.randint(1, 60))
        events.append({"type": "records_request_received", "date": _day(request)})
        if rng.random() < 0.7:
            events.append(
                {
                    "type": "records_provided",
                    "date": _day(request + timedelta(days=rng.randint(1, 9))),
                }
            )
    if rng.random() < 0.04:
        events.append(
            {
                "type": "parent_meeting_request_received",
                "date": _day(as_of - timedelta(days=rng.randint(1, 40))),
            }
        )
    if incidents and rng.random() < 0.03:
        day = as_of - timedelta(days=rng.randint(3, 90))
        while day.weekday() > 4:
            day -= timedelta(days=1)
        at = f"{_day(day)}T{rng.randint(9, 13):02d}:{rng.randint(0, 59):02d}:00"
        end = at[:-5] + "59:00"
        case["incidents"] = [
            {
                "id": f"R-{sid}",
                "type": "restraint",
                "method": "physical",
                "position": rng.choice(["standing", "seated", "prone"]),
                "started_at": at,
                "released_at": end,
                "location": "classroom",
                "staff": [{"name": "staff member"}],
                "injuries": "none",
            }
        ]
        events.append({"type": "parent_notified", "at": at[:11] + "15:30:00", "method": "phone"})
    case["events"] = [e for e in events if str(e.get("date") or e.get("at"))[:10] <= _day(as_of)]
    return case
