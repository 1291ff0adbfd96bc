"""California eligibility criteria for the 13 categories (5 CCR 3030, EC 56026, 56333, 56337;
NW SELPA Handbook 6.5.A-M, seed L4745-5480). Each criterion reads the case's ``evaluation``
section (docs/evaluation-data.md) and answers with reasons. Subsection letters of 5 CCR 3030 are
the handbook's (pre-2014 lettering: (c) speech or language, (j) learning disability).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from spedrules.core.eligibility import (
    Evidence,
    Finding,
    Lacking,
    judge,
    met,
    not_met,
    standard_score,
    z_score,
)
from spedrules.core.rules import Criterion, EligibilityCategory

HB = "NW SELPA Handbook"
NEEDS_CITE = "EC 56026; 5 CCR 3030"

SEED = "shared/seeds/001_911b07c5e4e92852.txt"  # source_ref: lines in the handbook text


def criterion(cid: str, title: str, citation: str):
    def wrap(fn: Callable[[Evidence], Finding]) -> Criterion:
        return Criterion(id=cid, title=title, citation=citation, check=fn)

    return wrap


def flag(path: str, yes: str, no: str) -> Callable[[Evidence], Finding]:
    return lambda ev: judge(bool(ev.need(path)), yes, no)


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
    """General factors that must not be the primary cause (handbook 6.2; L4652-4654)."""

    def check(ev: Evidence) -> Finding:
        primary = [f for f in ev.need("general.primary_factors") if f not in allowed]
        if primary:
            return not_met(f"the results are primarily due to: {', '.join(primary)}")
        return met("none of the exclusionary factors is a primary cause of the results")

    return check


def general(code: str, section: str, extra_exclusion: frozenset[str] = frozenset()):
    cite = f"{NEEDS_CITE}; {HB} {section}"
    return (
        Criterion(
            id=f"ca.{code}.adverse_effect",
            title="Adversely affects educational performance",
            citation=cite,
            check=adverse_effect,
        ),
        Criterion(
            id=f"ca.{code}.needs_special_education",
            title="Needs special education and related services",
            citation=cite,
            check=needs_special_education,
        ),
        Criterion(
            id=f"ca.{code}.exclusions",
            title="Not primarily due to exclusionary factors",
            citation=f"5 CCR 3023, 3030; {HB} 6.2",
            source_ref=f"{SEED} L4652-4654",
            check=exclusions(extra_exclusion),
        ),
    )


def category(
    code: str,
    idea: str,
    title: str,
    citation: str,
    *criteria: Criterion,
    with_general: bool = True,
    section: str = "",
) -> EligibilityCategory:
    items = tuple(criteria) + (general(code, section) if with_general else ())
    return EligibilityCategory(
        id=f"ca.eligibility.{code}",
        kind="eligibility",
        code=idea,
        title=title,
        citation=citation,
        criteria=items,
    )


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
    """5 CCR 3030(j)(4)(A)-(C), seed L5143-5186, exactly as written."""
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


def sld() -> EligibilityCategory:
    c = "5 CCR 3030(j); EC 56337; 34 CFR 300.8(c)(10); NW SELPA Handbook 6.5.J"
    return EligibilityCategory(
        id="ca.eligibility.sld",
        kind="eligibility",
        code="SLD",
        title="Specific learning disability",
        citation=c,
        criteria=(
            Criterion(
                id="ca.sld.severe_discrepancy",
                title="Severe discrepancy between ability and achievement",
                citation="5 CCR 3030(j)(4); EC 56337(a)",
                check=severe_discrepancy,
            ),
            Criterion(
                id="ca.sld.processing_disorder",
                title="Disorder in a basic psychological process",
                citation="5 CCR 3030(j)(1); EC 56337(b)",
                check=processing_disorder,
            ),
            Criterion(
                id="ca.sld.exclusions",
                title="Not primarily due to excluded factors",
                citation="EC 56337(b); 34 CFR 300.8(c)(10); handbook 6.5.J forms",
                check=sld_exclusions,
            ),
            Criterion(
                id="ca.sld.needs_special_education",
                title="Cannot be corrected in the regular program",
                citation="EC 56337(c)",
                check=needs_special_education,
            ),
        ),
    )


# ---- speech or language -------------------------------------------------------------------------
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
    """5 CCR 3030(c)(4)(A)/(B), handbook L5362-5412."""
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
    """5 CCR 3030(c)(1); handbook age bands L5319-5334."""
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
        return not_met(f"observed for {months:g} months; more than 6 required")  # L5076-5077
    if marked is not True:
        return not_met("not to a marked degree")
    return met(f"{', '.join(chars)} over {months:g} months (more than 6), to a marked degree")


def listed(path: str, minimum: int, what: str) -> Callable[[Evidence], Finding]:
    return lambda ev: judge(
        len(ev.need(path)) >= minimum,
        f"{what}: {', '.join(ev.need(path))}",
        f"fewer than {minimum} {what}",
    )


def eligibility_categories() -> list[EligibilityCategory]:
    def c(cid, title, cite, check):
        return Criterion(id=cid, title=title, citation=cite, check=check)

    return [
        category(
            "aut",
            "AUT",
            "Autism",
            f"5 CCR 3030; 34 CFR 300.8(c)(1); {HB} 6.5.A",
            c(
                "ca.aut.characteristics",
                "Autistic-like behaviors",
                "5 CCR 3030",  # source: seed 001 L4747-4761
                listed("autism.characteristics", 1, "autistic-like behaviors"),
            ),
            c(
                "ca.aut.not_primarily_ed",
                "Not primarily emotional disturbance",
                "34 CFR 300.8(c)(1)(ii)",
                lambda ev: judge(
                    ev.need("autism.primarily_emotional_disturbance") is False,
                    "the adverse effect is not primarily due to emotional disturbance",
                    "the adverse effect is primarily due to emotional disturbance",
                ),
            ),
            section="6.5.A",
        ),
        category(
            "db",
            "DB",
            "Deaf-blindness",
            f"5 CCR 3030; 34 CFR 300.8(c)(2); {HB} 6.5.B",
            c(
                "ca.db.concomitant",
                "Concomitant hearing and visual impairments",
                "34 CFR 300.8(c)(2)",
                flag(
                    "deaf_blindness.concomitant_impairments",
                    "hearing and visual impairments together",
                    "not both impairments",
                ),
            ),
            c(
                "ca.db.severe_needs",
                "Needs not met by programs solely for deafness or blindness",
                "34 CFR 300.8(c)(2)",
                flag(
                    "deaf_blindness.beyond_single_programs",
                    "the combined needs exceed single-impairment programs",
                    "a single-impairment program meets them",
                ),
            ),
            section="6.5.B",
        ),
        category(
            "deaf",
            "DEAF",
            "Deafness",
            f"5 CCR 3030; 34 CFR 300.8(c)(3); {HB} 6.5.C",
            c(
                "ca.deaf.processing",
                "Linguistic processing through hearing impaired with or without amplification",
                "34 CFR 300.8(c)(3)",
                flag(
                    "hearing.linguistic_processing_impaired_with_amplification",
                    "processing linguistic information through hearing is impaired even with "
                    "amplification",
                    "hearing processes linguistic information with amplification",
                ),
            ),
            section="6.5.C",
        ),
        category(
            "hi",
            "HI",
            "Hearing impairment",
            f"5 CCR 3030; 34 CFR 300.8(c)(5); {HB} 6.5.D",
            c(
                "ca.hi.impairment",
                "Permanent or fluctuating hearing impairment",
                "34 CFR 300.8(c)(5)",
                flag(
                    "hearing.permanent_or_fluctuating",
                    "permanent or fluctuating hearing impairment",
                    "no permanent or fluctuating impairment",
                ),
            ),
            c(
                "ca.hi.not_deafness",
                "Not within the definition of deafness",
                "34 CFR 300.8(c)(5)",
                lambda ev: judge(
                    ev.need("hearing.linguistic_processing_impaired_with_amplification") is False,
                    "not deafness",
                    "meets deafness instead (category DEAF)",
                ),
            ),
            section="6.5.D",
        ),
        category(
            "id",
            "ID",
            "Intellectual disability",
            f"5 CCR 3030; 34 CFR 300.8(c)(6); {HB} 6.5.E",
            c(
                "ca.id.subaverage",
                "Significantly below average intellectual functioning (at least 2 SD)",
                f"{HB} 6.5.E",  # source: seed 001 L4888-4890
                intellectual,
            ),
            c(
                "ca.id.adaptive",
                "Concurrent deficits in adaptive behavior",
                "34 CFR 300.8(c)(6)",
                flag(
                    "intellectual.adaptive_deficits",
                    "deficits in adaptive behavior",
                    "adaptive behavior not deficient",
                ),
            ),
            c(
                "ca.id.developmental_period",
                "Manifested in the developmental period",
                "34 CFR 300.8(c)(6)",
                flag(
                    "intellectual.developmental_period",
                    "manifested during the developmental period",
                    "not manifested in the developmental period",
                ),
            ),
            section="6.5.E",
        ),
        category(
            "md",
            "MD",
            "Multiple disabilities",
            f"34 CFR 300.8(c)(7); {HB} 6.5.F",
            c(
                "ca.md.concomitant",
                "Two or more concomitant impairments (not deaf-blindness)",
                f"{HB} 6.5.F",  # source: seed 001 L4939-4942
                lambda ev: judge(
                    len(set(ev.need("multiple.impairments")) - {"DB"}) >= 2,
                    f"impairments: {', '.join(ev.need('multiple.impairments'))}",
                    "fewer than two impairments (deaf-blindness has its own category)",
                ),
            ),
            c(
                "ca.md.combined_needs",
                "Combined needs beyond a single-impairment program",
                "34 CFR 300.8(c)(7)",
                flag(
                    "multiple.beyond_single_programs",
                    "the combination needs unique modifications",
                    "a single-impairment program meets the needs",
                ),
            ),
            section="6.5.F",
        ),
        category(
            "oi",
            "OI",
            "Orthopedic impairment",
            f"5 CCR 3030; 34 CFR 300.8(c)(8); {HB} 6.5.G",
            c(
                "ca.oi.severe",
                "Severe orthopedic impairment",
                "34 CFR 300.8(c)(8)",
                flag(
                    "orthopedic.severe",
                    "severe orthopedic impairment",
                    "the orthopedic impairment is not severe",
                ),
            ),
            section="6.5.G",
        ),
        category(
            "ohi",
            "OHI",
            "Other health impairment",
            f"5 CCR 3030; EC 56026(e); 34 CFR 300.8(c)(9); {HB} 6.5.H",
            c(
                "ca.ohi.limited",
                "Limited strength, vitality or alertness from a chronic or acute health problem",
                "34 CFR 300.8(c)(9)",
                flag(
                    "health.limited_strength_vitality_alertness",
                    "limited strength, vitality or alertness",
                    "no such limitation",
                ),
            ),
            c(
                "ca.ohi.not_temporary",
                "Not a temporary physical disability",
                "EC 56026(e); 5 CCR 3001(v)",
                lambda ev: judge(
                    ev.need("health.temporary") is False,
                    "the condition is not temporary",
                    "a temporary physical disability is excluded",
                ),
            ),
            section="6.5.H",
        ),
        category(
            "ed",
            "ED",
            "Emotional disturbance",
            f"5 CCR 3030; 34 CFR 300.8(c)(4); {HB} 6.5.I",
            c(
                "ca.ed.characteristics",
                "One or more characteristics over a long period and to a marked degree",
                f"34 CFR 300.8(c)(4)(i); {HB} 6.5.I",  # source: seed 001 L5076-5077
                emotional,
            ),
            c(
                "ca.ed.not_social_maladjustment",
                "Not social maladjustment alone",
                "34 CFR 300.8(c)(4)(ii); EC 56026(e)",
                lambda ev: judge(
                    ev.need("emotional.social_maladjustment_only") is False,
                    "not social maladjustment alone",
                    "social maladjustment alone is excluded",
                ),
            ),
            section="6.5.I",
        ),
        sld(),
        category(
            "sli",
            "SLI",
            "Speech or language impairment",
            f"5 CCR 3030(c); EC 56333; 34 CFR 300.8(c)(11); {HB} 6.5.K",
            c(
                "ca.sli.disorder",
                "Articulation, voice, fluency or language disorder",
                "5 CCR 3030(c); EC 56333",
                any_speech_language,
            ),
            section="6.5.K",
        ),
        category(
            "tbi",
            "TBI",
            "Traumatic brain injury",
            f"34 CFR 300.8(c)(12); {HB} 6.5.L",
            c(
                "ca.tbi.acquired",
                "Acquired by an external physical force",
                "34 CFR 300.8(c)(12)",
                lambda ev: judge(
                    ev.need("tbi.cause") == "external_force",
                    "acquired injury caused by an external physical force",
                    f"cause {ev.need('tbi.cause')} is excluded (congenital, degenerative or "
                    "birth trauma)",
                ),
            ),
            c(
                "ca.tbi.impairment",
                "Total or partial functional disability or psychosocial impairment",
                "34 CFR 300.8(c)(12)",
                flag(
                    "tbi.functional_impairment",
                    "functional or psychosocial impairment",
                    "no functional impairment",
                ),
            ),
            section="6.5.L",
        ),
        category(
            "vi",
            "VI",
            "Visual impairment including blindness",
            f"5 CCR 3030; 34 CFR 300.8(c)(13); {HB} 6.5.M",
            c(
                "ca.vi.acuity",
                "Partially sighted, legally blind or functionally blind",
                f"{HB} 6.5.M",  # source: seed 001 L5452-5480
                visual_impairment,
            ),
            section="6.5.M",
        ),
    ]


# ---- early childhood ------------------------------------------------------------------------
def age_in_months(ev: Evidence) -> int:
    on = date.fromisoformat(str(ev.need("date")))
    born = getattr(ev.student, "birth_date", None)
    if born is None:
        raise Lacking("student.birth_date")
    return (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)


def age_band(low: int, high: int, label: str) -> Callable[[Evidence], Finding]:
    def check(ev: Evidence) -> Finding:
        months = age_in_months(ev)
        return judge(
            low <= months < high,
            f"{months} months old: {label}",
            f"{months} months old: outside {label}",
        )

    return check


def early_start_delay(ev: Evidence) -> Finding:
    """Handbook 2.7 (L1307-1326; 17 CCR 52022, GC 95014 as cited there): an age equivalent one
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
    preschool_cite = f"EC 56441.11; 5 CCR 3030, 3031; {HB} 2.10.C"  # seed 001 L1470-1508
    return [
        EligibilityCategory(
            id="ca.eligibility.preschool_emd",
            kind="eligibility",
            code="DD",
            title="Preschool: established medical disability (ages 3-5)",
            citation=preschool_cite,
            criteria=(
                Criterion(
                    id="ca.preschool.age",
                    title="Ages three through five",
                    citation="EC 56441.11(a)",
                    check=age_band(36, 72, "ages 3 to 5"),
                ),
                Criterion(
                    id="ca.preschool.emd",
                    title="Disabling medical condition or congenital "
                    "syndrome highly likely to require special education",
                    citation="EC 56441.11(b)",
                    check=flag(
                        "preschool.established_medical_disability",
                        "an established medical disability",
                        "no established medical disability",
                    ),
                ),
                Criterion(
                    id="ca.preschool.ongoing_support",
                    title="Needs cannot be met in a "
                    "regular environment without ongoing monitoring or support",
                    citation=preschool_cite,
                    check=flag(
                        "preschool.needs_ongoing_support",
                        "needs cannot be met by modifying a regular environment without "
                        "ongoing monitoring or support",
                        "modifications would meet the needs",
                    ),
                ),
                *general("preschool", "2.10.C"),
            ),
        ),
        EligibilityCategory(
            id="ca.eligibility.early_start",
            kind="eligibility",
            code="DD",
            title="Early Start (Part C), birth through 2",
            citation=f"34 CFR 303.21; 17 CCR 52022; GC 95014; {HB} 2.7",
            source_ref=f"{SEED} L1307-1326",
            criteria=(
                Criterion(
                    id="ca.early_start.age",
                    title="Birth through two years",
                    citation=f"{HB} 2.7",
                    check=age_band(0, 36, "under 36 months"),
                ),
                Criterion(
                    id="ca.early_start.delay",
                    title="Delay one third below age expectation "
                    "in an area, or an established risk condition",
                    citation=f"17 CCR 52022; GC 95014 (as cited in {HB} 2.7)",
                    check=early_start_delay,
                ),
            ),
            notes="The one-third threshold is the handbook's; GC 95014 was amended later "
            "(not verified here).",
        ),
    ]


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
