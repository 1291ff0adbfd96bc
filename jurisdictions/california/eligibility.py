"""California eligibility criteria for the 13 categories (5 CCR 3030, EC 56026, 56333, 56337;
NW SELPA Handbook 6.5.A-M). The categories and their criteria are tables in
rules/eligibility.yaml and rules/early_childhood.yaml; the checks they name are here. Each
reads the case's ``evaluation`` section (docs/evaluation-data.md) and answers with reasons.
Subsection letters of 5 CCR 3030 are the handbook's (pre-2014 lettering: (c) speech or language,
(j) learning disability).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from spedrules.plugin import (
    EligibilityCategory,
    Evidence,
    Finding,
    Lacking,
    judge,
    met,
    not_met,
    standard_score,
    z_score,
)


def flag(path: str, met: str, not_met: str) -> Callable[[Evidence], Finding]:
    """Met when the evaluation data at ``path`` is true (``use: flag`` in the rule files)."""
    return lambda ev: judge(bool(ev.need(path)), met, not_met)


def is_false(path: str, met: str, not_met: str) -> Callable[[Evidence], Finding]:
    """Met when the evaluation data at ``path`` is false: an exclusion the team ruled out."""
    return lambda ev: judge(ev.need(path) is False, met, not_met)


def needs_special_education(ev: Evidence) -> Finding:
    return judge(
        ev.need("general.needs_special_education") is True,
        "the IEP team found the needs cannot be met by modifying the regular program",
        "the needs can be met in the regular program: not an individual with exceptional needs",
    )


def adverse_effect(ev: Evidence) -> Finding:
    return judge(
        ev.need("general.adverse_effect") is True,
        "the disability adversely affects educational performance",
        "no adverse effect on educational performance",
    )


def exclusions(allowed: frozenset[str] = frozenset()) -> Callable[[Evidence], Finding]:
    """General factors that must not be the primary cause (handbook 6.2)."""

    def check(ev: Evidence) -> Finding:
        primary = [f for f in ev.need("general.primary_factors") if f not in allowed]
        if primary:
            return not_met(f"the results are primarily due to: {', '.join(primary)}")
        return met("none of the exclusionary factors is a primary cause of the results")

    return check


# ---- specific learning disability ------------------------------------------------------------
SLD_AREAS = (
    "oral_expression",
    "listening_comprehension",
    "written_expression",
    "basic_reading_skills",
    "reading_comprehension",
    "mathematics_calculation",
    "mathematics_reasoning",
    "reading_fluency",
)
PROCESSES = (
    "attention",
    "visual_processing",
    "auditory_processing",
    "sensory_motor",
    "cognitive_abilities",
)
SLD_EXCLUSIONS = (
    "visual_hearing_motor_disability",
    "intellectual_disability",
    "emotional_disturbance",
    "cultural_factors",
    "environmental_disadvantage",
    "economic_disadvantage",
    "limited_english",
    "limited_school_experience",
    "poor_attendance",
    "lack_of_instruction_reading_math",
)


def severe_discrepancy(ev: Evidence) -> Finding:
    """5 CCR 3030(j)(4)(A)-(C) as the handbook (6.5.J) prints it, exactly as written."""
    if ev.get("sld.tests_valid", True) is False:  # (B) alternative means in the assessment plan
        outcome = ev.need("sld.alternative_means_discrepancy")
        return judge(
            outcome is True,
            "standardized tests are invalid for the pupil; the alternative means in the "
            "assessment plan show a severe discrepancy (3030(j)(4)(B))",
            "standardized tests are invalid; the alternative means show no severe "
            "discrepancy (3030(j)(4)(B))",
        )
    ability = ev.need("sld.ability")
    sd_diff = float(ev.need("sld.sd_of_differences"))
    sem = float(ev.need("sld.sem"))
    corroborated = ev.need("sld.corroborated")
    criterion_value = 1.5 * sd_diff
    adjustment = min(sem, 4.0)
    threshold = criterion_value - adjustment
    ability_ss = standard_score(ability)
    reasons = [
        f"ability {ability.get('test', '')} {ability['score']} -> standard score "
        f"{ability_ss:.1f} (mean 100, SD 15)",
        f"criterion 1.5 x {sd_diff:g} (SD of computed differences) = {criterion_value:.1f}; "
        f"adjusted by one SEM {sem:g} (at most 4) -> {adjustment:g}: threshold {threshold:.1f}",
    ]
    severe_areas = []
    for test in ev.need("sld.achievement"):
        area = test.get("area")
        if area not in SLD_AREAS:
            raise ValueError(f"sld.achievement area {area!r} is not one of {', '.join(SLD_AREAS)}")
        ach_ss = standard_score(test)
        diff = ability_ss - ach_ss
        hit = diff >= threshold - 1e-9
        reasons.append(
            f"{area}: achievement {ach_ss:.1f}, difference {diff:.1f} "
            f"{'>=' if hit else '<'} {threshold:.1f}"
        )
        if hit:
            severe_areas.append(area)
    if severe_areas and corroborated is True:
        return Finding(
            "met",
            (
                *reasons,
                f"corroborated by other assessment data: severe "
                f"discrepancy in {', '.join(severe_areas)}",
            ),
        )
    if severe_areas:
        reasons.append("the computed difference is not corroborated by other assessment data")
    certification = ev.get("sld.team_certification")
    if certification:  # (C) the IEP team's written finding
        needed = ("area", "degree", "basis", "method")
        absent = [k for k in needed if not certification.get(k)]
        if absent:
            return not_met(*reasons, "IEP team certification lacks " + ", ".join(absent))
        return met(
            *reasons,
            f"no severe discrepancy by (A), but the IEP team certifies one in "
            f"{certification['area']} in a written report (3030(j)(4)(C))",
        )
    return not_met(*reasons, "no corroborated severe discrepancy in any area")


def processing_disorder(ev: Evidence) -> Finding:
    found = [p for p in ev.need("sld.processing_disorders") if p in PROCESSES]
    return judge(
        bool(found),
        f"disorder in {', '.join(found)} (3030(j)(1))",
        "no disorder in a basic psychological process documented",
    )


def sld_exclusions(ev: Evidence) -> Finding:
    primary = [f for f in ev.need("general.primary_factors") if f in SLD_EXCLUSIONS]
    if primary:
        return not_met(f"the discrepancy is primarily the result of {', '.join(primary)}")
    return met("not primarily the result of the exclusions A-H of the SLD forms")


SIBILANTS = {"s", "z", "sh", "ch", "j"}


def low_test(test: dict) -> bool:
    """At least 1.5 SD below the mean, or below (not at) the 7th percentile."""
    if test.get("percentile") is not None:
        return float(test["percentile"]) < 7
    return z_score(test) <= -1.5 + 1e-9


def describe_test(test: dict) -> str:
    if test.get("percentile") is not None:
        return f"{test.get('name', 'test')} ({test.get('area')}): percentile {test['percentile']}"
    return f"{test.get('name', 'test')} ({test.get('area')}): {z_score(test):+.2f} SD"


def language_disorder(ev: Evidence) -> Finding:
    """5 CCR 3030(c)(4)(A)/(B), handbook 6.5.K."""
    if ev.get("sli.language.commensurate_with_cognition") is True:
        return not_met("language is commensurate with general cognitive functioning")
    if ev.get("sli.language.tests_valid", True) is False:
        return judge(
            ev.need("sli.language.alternative_means_deficit") is True,
            "standardized tests invalid; alternative means in the assessment plan show the deficit",
            "standardized tests invalid; alternative means show none",
        )
    tests = ev.need("sli.language.tests")
    low = [t for t in tests if low_test(t)]
    reasons = [describe_test(t) + (" - low" if t in low else "") for t in tests]
    if len(low) >= 2:
        return met(
            *reasons,
            "two or more standardized tests at least 1.5 SD below the mean or "
            "below the 7th percentile (3030(c)(4)(A))",
        )
    sample = ev.get("sli.language.sample") or {}
    if low and sample:
        utterances = int(sample.get("utterances", 0))
        if utterances >= 50 and sample.get("inadequate") is True:
            return met(
                *reasons,
                f"one low test and a language sample of {utterances} utterances "
                "showing inadequate usage (3030(c)(4)(B))",
            )
        return not_met(
            *reasons,
            f"language sample of {utterances} utterances "
            f"{'(fewer than 50)' if utterances < 50 else 'not inadequate'}",
        )
    if low:
        raise Lacking("sli.language.sample")
    return not_met(
        *reasons, "no standardized test at least 1.5 SD below the mean or below the 7th percentile"
    )


def articulation_disorder(ev: Evidence) -> Finding:
    """5 CCR 3030(c)(1); the handbook's age bands (6.5.K)."""
    art = ev.need("sli.articulation")
    if art.get("sole_problem_swallowing") is True:
        return not_met(
            "the sole assessed problem is an abnormal swallowing pattern (3030(c)(1)(B))"
        )
    if art.get("hearing_normal") is not True:
        raise Lacking("sli.articulation.hearing_normal")
    on = date.fromisoformat(str(ev.need("date")))
    born = getattr(ev.student, "birth_date", None)
    if born is None:
        raise Lacking("student.birth_date")
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    errors = art.get("errors") or []
    if not errors:
        return not_met("no sound errors recorded")
    if age < 5:
        hit = [e for e in errors if int(e.get("delay_months", 0)) >= 6]
        rule = f"age {age} (preschool): a sound delayed at least 6 months"
    elif age < 8:
        hit = [
            e
            for e in errors
            if int(e.get("delay_months", 0)) >= 12
            or (
                e.get("lateralized")
                and e.get("sound") in SIBILANTS
                and int(e.get("delay_months", 0)) > 0
            )
        ]
        rule = (
            f"age {age} (kindergarten to 8): a sound delayed at least one year, or a "
            "lateralized s/z/sh/ch/j past its developmental age"
        )
    else:
        signs = [
            k
            for k in ("not_stimulable", "consistent_in_two_situations", "reduced_intelligibility")
            if art.get(k)
        ]
        hit = errors if signs else []
        rule = (
            f"age {age} (8 and above): a misarticulation plus one of not stimulable, "
            f"consistent in two situations, reduced intelligibility ({', '.join(signs) or 'none'})"
        )
    if hit and art.get("attracts_adverse_attention") is True:
        return met(rule, f"qualifying errors: {', '.join(str(e.get('sound')) for e in hit)}")
    if hit:
        return not_met(rule, "the errors do not attract adverse attention")
    return not_met(rule, "no error meets the age band")


def any_speech_language(ev: Evidence) -> Finding:
    checks = {
        "language": language_disorder,
        "articulation": articulation_disorder,
        "voice": lambda e: judge(
            e.need("sli.voice.persistent_defective") is True,
            "persistent defective voice quality, pitch or loudness",
            "voice within normal limits",
        ),
        "fluency": lambda e: judge(
            e.need("sli.fluency.disorder") is True,
            "abnormal flow of verbal expression affecting communication",
            "fluency within normal limits",
        ),
    }
    reasons, missing = [], []
    for area, check in checks.items():
        if ev.get(f"sli.{area}") is None:
            continue
        try:
            finding = check(ev)
        except Lacking as lack:
            missing.append(lack.path)
            continue
        reasons += [f"{area}: {r}" for r in finding.reasons]
        if finding.status == "met":
            return met(*reasons)
    if missing:
        return Finding("insufficient_data", tuple(reasons), tuple(missing))
    if not reasons:
        raise Lacking("sli")
    return not_met(*reasons)


# ---- the other categories -----------------------------------------------------------------------
def acuity_denominator(value: str) -> float:
    top, _, bottom = str(value).partition("/")
    return float(bottom) * 20 / float(top)


def visual_impairment(ev: Evidence) -> Finding:
    if ev.get("vision.functionally_blind") is True:
        return met("vision cannot be a major channel of learning (functionally blind)")
    denominator = acuity_denominator(ev.need("vision.acuity_better_eye_corrected"))
    field = ev.get("vision.field_degrees")
    acuity = f"20/{denominator:g}"
    if denominator >= 200 or (field is not None and float(field) <= 20):
        return met(
            f"legally blind: acuity {acuity} (20/200 or less) or field {field} degrees (20 or less)"
        )
    if denominator >= 70:
        return met(f"partially sighted: acuity {acuity}, between 20/70 and 20/200")
    return not_met(f"acuity {acuity} is better than 20/70 in the better eye with correction")


def intellectual(ev: Evidence) -> Finding:
    ability = ev.need("intellectual.ability")
    z = z_score(ability)
    return judge(
        z <= -2 + 1e-9,
        f"ability {ability['score']} is {-z:.2f} SD below the mean (at least 2)",
        f"ability {ability['score']} is {-z:.2f} SD below the mean (2 required)",
    )


def emotional(ev: Evidence) -> Finding:
    chars = ev.need("emotional.characteristics")
    months = float(ev.need("emotional.months_observed"))
    marked = ev.need("emotional.marked_degree")
    if not chars:
        return not_met("none of the five characteristics")
    if months <= 6:
        return not_met(f"observed for {months:g} months; more than 6 required")  # handbook 6.5.I
    if marked is not True:
        return not_met("not to a marked degree")
    return met(f"{', '.join(chars)} over {months:g} months (more than 6), to a marked degree")


def listed(path: str, at_least: int, what: str) -> Callable[[Evidence], Finding]:
    """Met when the list at ``path`` holds at least ``at_least`` items (``use: listed``)."""
    return lambda ev: judge(
        len(ev.need(path)) >= at_least,
        f"{what}: {', '.join(ev.need(path))}",
        f"fewer than {at_least} {what}",
    )


def multiple_impairments(ev: Evidence) -> Finding:
    """34 CFR 300.8(c)(7): two or more concomitant impairments, deaf-blindness aside."""
    return judge(
        len(set(ev.need("multiple.impairments")) - {"DB"}) >= 2,
        f"impairments: {', '.join(ev.need('multiple.impairments'))}",
        "fewer than two impairments (deaf-blindness has its own category)",
    )


def tbi_external_force(ev: Evidence) -> Finding:
    """34 CFR 300.8(c)(12): an acquired injury caused by an external physical force."""
    return judge(
        ev.need("tbi.cause") == "external_force",
        "acquired injury caused by an external physical force",
        f"cause {ev.need('tbi.cause')} is excluded (congenital, degenerative or birth trauma)",
    )


def eligibility_categories() -> list[EligibilityCategory]:
    """The 13 categories of 5 CCR 3030 (rules/eligibility.yaml)."""
    return _categories("eligibility.yaml")


def _categories(file: str) -> list[EligibilityCategory]:
    from . import RULES  # the package's rule files, which name the checks below

    return [c for c in RULES.eligibility_categories() if c.defined_at.split(":")[0].endswith(file)]


# ---- early childhood ------------------------------------------------------------------------
def age_in_months(ev: Evidence) -> int:
    on = date.fromisoformat(str(ev.need("date")))
    born = getattr(ev.student, "birth_date", None)
    if born is None:
        raise Lacking("student.birth_date")
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def age_band(months_from: int, months_to: int, label: str) -> Callable[[Evidence], Finding]:
    """Met when the child's age in months is in [months_from, months_to) (``use: age_band``)."""

    def check(ev: Evidence) -> Finding:
        months = age_in_months(ev)
        return judge(
            months_from <= months < months_to,
            f"{months} months old: {label}",
            f"{months} months old: outside {label}",
        )

    return check


def early_start_delay(ev: Evidence) -> Finding:
    """Handbook 2.7 (17 CCR 52022, GC 95014 as cited there): an age equivalent one
    third below age expectation in one of five areas, or an established risk condition."""
    if ev.get("early_start.established_risk") is True:
        return met("established risk condition of known etiology")
    months = age_in_months(ev)
    areas = ev.need("early_start.age_equivalents")  # {area: months}
    delayed = [a for a, m in areas.items() if float(m) <= months * 2 / 3 + 1e-9]
    reasons = "; ".join(
        f"{a}: age equivalent {m} months at {months} months" for a, m in areas.items()
    )
    return judge(
        bool(delayed),
        f"{reasons} - one third below in {', '.join(delayed)}",
        f"{reasons} - no area one third below age expectation",
    )


def early_childhood() -> list[EligibilityCategory]:
    """Preschool (ages 3-5) and Early Start (birth through 2): rules/early_childhood.yaml."""
    return _categories("early_childhood.yaml")


# What rules/eligibility.yaml and rules/early_childhood.yaml name: the checks (``check: NAME``)
# and the functions that make one from the file's values (``use: NAME``).
CHECKS = {
    "adverse_effect": adverse_effect,
    "needs_special_education": needs_special_education,
    "exclusions": exclusions(),
    "severe_discrepancy": severe_discrepancy,
    "processing_disorder": processing_disorder,
    "sld_exclusions": sld_exclusions,
    "any_speech_language": any_speech_language,
    "visual_impairment": visual_impairment,
    "intellectual": intellectual,
    "emotional": emotional,
    "multiple_impairments": multiple_impairments,
    "tbi_external_force": tbi_external_force,
    "early_start_delay": early_start_delay,
    "flag": flag,
    "is_false": is_false,
    "listed": listed,
    "age_band": age_band,
}


# CALPADS disability codes (California's state reporting) to IDEA codes. The numbers are not in
# the seed: they are CALPADS' published code set (external, to verify against the current CALPADS
# code sets before relying on them).
CALPADS_TO_IDEA = {
    "210": "ID",
    "220": "HI",
    "230": "DEAF",
    "240": "SLI",
    "250": "VI",
    "260": "ED",
    "270": "OI",
    "280": "OHI",
    "290": "SLD",
    "300": "DB",
    "310": "MD",
    "320": "AUT",
    "330": "TBI",
}
