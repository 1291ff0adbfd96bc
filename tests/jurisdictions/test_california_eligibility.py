"""California eligibility: each category met, not met and short of data, with the borderlines of
5 CCR 3030 worked by hand, and the two worked examples in examples/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from spedrules.core.engine.eligibility import determine
from spedrules.core.model import Student
from spedrules.jurisdictions.california.eligibility import eligibility_categories

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CATEGORIES = {c.code: c for c in eligibility_categories()}
GENERAL = {"needs_special_education": True, "adverse_effect": True, "primary_factors": []}
CHILD = Student(id="S", birth_date=date(2018, 3, 1))


def decide(code, student=CHILD, **sections):
    evaluation = {"general": dict(GENERAL), "date": "2026-10-01", **sections}
    return determine(CATEGORIES[code], evaluation, student)


def statuses(result):
    return {c.id: c.status for c in result.criteria}


def test_all_thirteen_categories_are_there():
    assert set(CATEGORIES) == {
        "AUT",
        "DB",
        "DEAF",
        "HI",
        "ID",
        "MD",
        "OI",
        "OHI",
        "ED",
        "SLD",
        "SLI",
        "TBI",
        "VI",
    }
    assert all(c.citation and all(x.citation for x in c.criteria) for c in CATEGORIES.values())


SLD = {
    "ability": {"score": 100},
    "sd_of_differences": 15,
    "sem": 5,
    "corroborated": True,
    "processing_disorders": ["visual_processing"],
}


@pytest.mark.parametrize(
    "achievement, sem, expected",
    [
        # criterion 1.5 x 15 = 22.5, SEM 5 capped at 4 -> threshold 18.5: 100 - 81.5 = 18.5 meets
        (81.5, 5, "met"),
        (81.6, 5, "not_met"),  # difference 18.4 < 18.5
        # SEM 3 (under the cap): threshold 19.5; 100 - 80.5 = 19.5 meets, 80.6 does not
        (80.5, 3, "met"),
        (80.6, 3, "not_met"),
    ],
)
def test_sld_severe_discrepancy_and_the_sem_cap(achievement, sem, expected):
    sld = dict(SLD, sem=sem, achievement=[{"area": "reading_comprehension", "score": achievement}])
    result = decide("SLD", sld=sld)
    assert statuses(result)["ca.sld.severe_discrepancy"] == expected


def test_sld_scores_on_other_scales_are_converted():
    # ability T-score 60 (mean 50, SD 10) = z +1 = standard score 115; achievement 92:
    # difference 23 >= 22.5 - 4 = 18.5
    sld = dict(
        SLD,
        ability={"score": 60, "mean": 50, "sd": 10},
        achievement=[{"area": "mathematics_calculation", "score": 92}],
    )
    (reason,) = [
        r
        for c in decide("SLD", sld=sld).criteria
        if c.id == "ca.sld.severe_discrepancy"
        for r in c.reasons
        if r.startswith("mathematics")
    ]
    assert reason == "mathematics_calculation: achievement 92.0, difference 23.0 >= 18.5"


def test_sld_not_corroborated_team_certification_exclusions_and_missing_data():
    low = [{"area": "written_expression", "score": 70}]
    uncorroborated = decide("SLD", sld=dict(SLD, achievement=low, corroborated=False))
    assert uncorroborated.status == "not_met"
    certified = decide(
        "SLD",
        sld=dict(
            SLD,
            achievement=[{"area": "written_expression", "score": 95}],
            team_certification={
                "area": "written_expression",
                "degree": "moderate",
                "basis": "work samples",
                "method": "observation",
            },
        ),
    )
    assert certified.status == "met"
    excluded = decide("SLD", sld=dict(SLD, achievement=low))
    assert excluded.status == "met"
    general = dict(GENERAL, primary_factors=["limited_english"])
    excluded = determine(CATEGORIES["SLD"], {"general": general, "sld": dict(SLD, achievement=low)})
    assert statuses(excluded)["ca.sld.exclusions"] == "not_met" and excluded.status == "not_met"
    missing = decide("SLD", sld={"ability": {"score": 100}})
    assert missing.status == "insufficient_data"
    assert ("sld.sd_of_differences",) in [c.missing for c in missing.criteria]


@pytest.mark.parametrize(
    "tests, sample, expected",
    [
        # exactly 1.5 SD below (77.5 on mean 100, SD 15) on two tests: met (A)
        ([{"area": "syntax", "score": 77.5}, {"area": "semantics", "score": 77.5}], None, "met"),
        # the 7th percentile itself is not "below the 7th percentile"
        (
            [{"area": "syntax", "percentile": 7}, {"area": "semantics", "percentile": 7}],
            None,
            "not_met",
        ),
        (
            [{"area": "syntax", "percentile": 6}, {"area": "pragmatics", "percentile": 6.9}],
            None,
            "met",
        ),
        # one low test plus a 50-utterance sample showing inadequate usage: met (B)
        ([{"area": "syntax", "percentile": 5}], {"utterances": 50, "inadequate": True}, "met"),
        ([{"area": "syntax", "percentile": 5}], {"utterances": 49, "inadequate": True}, "not_met"),
        # one low test and no sample yet: the sample is what is missing
        ([{"area": "syntax", "percentile": 5}], None, "insufficient_data"),
    ],
)
def test_language_disorder(tests, sample, expected):
    language = {"tests": tests, **({"sample": sample} if sample else {})}
    assert decide("SLI", sli={"language": language}).status == expected


@pytest.mark.parametrize(
    "born, errors, extra, expected",
    [
        ("2022-06-01", [{"sound": "k", "delay_months": 6}], {}, "met"),  # age 4: 6 months
        ("2022-06-01", [{"sound": "k", "delay_months": 5}], {}, "not_met"),
        ("2020-06-01", [{"sound": "r", "delay_months": 11}], {}, "not_met"),  # age 6: a year
        ("2020-06-01", [{"sound": "s", "delay_months": 2, "lateralized": True}], {}, "met"),
        ("2017-06-01", [{"sound": "r", "delay_months": 30}], {}, "not_met"),  # age 9: + a sign
        ("2017-06-01", [{"sound": "r", "delay_months": 30}], {"not_stimulable": True}, "met"),
    ],
)
def test_articulation_age_bands(born, errors, extra, expected):
    art = {"hearing_normal": True, "attracts_adverse_attention": True, "errors": errors, **extra}
    student = Student(id="S", birth_date=date.fromisoformat(born))
    assert decide("SLI", student=student, sli={"articulation": art}).status == expected


def test_swallowing_alone_is_not_articulation():
    art = {"hearing_normal": True, "sole_problem_swallowing": True, "errors": [{"sound": "s"}]}
    assert decide("SLI", sli={"articulation": art}).status == "not_met"


@pytest.mark.parametrize(
    "code, met_data, not_met_data",
    [
        (
            "AUT",
            {
                "autism": {
                    "characteristics": ["extreme_withdrawal"],
                    "primarily_emotional_disturbance": False,
                }
            },
            {
                "autism": {
                    "characteristics": ["extreme_withdrawal"],
                    "primarily_emotional_disturbance": True,
                }
            },
        ),
        (
            "DB",
            {"deaf_blindness": {"concomitant_impairments": True, "beyond_single_programs": True}},
            {"deaf_blindness": {"concomitant_impairments": True, "beyond_single_programs": False}},
        ),
        (
            "DEAF",
            {"hearing": {"linguistic_processing_impaired_with_amplification": True}},
            {"hearing": {"linguistic_processing_impaired_with_amplification": False}},
        ),
        (
            "HI",
            {
                "hearing": {
                    "permanent_or_fluctuating": True,
                    "linguistic_processing_impaired_with_amplification": False,
                }
            },
            {
                "hearing": {
                    "permanent_or_fluctuating": True,
                    "linguistic_processing_impaired_with_amplification": True,
                }
            },
        ),
        # exactly 2 SD below: 70 on mean 100, SD 15 meets; 71 does not
        (
            "ID",
            {
                "intellectual": {
                    "ability": {"score": 70},
                    "adaptive_deficits": True,
                    "developmental_period": True,
                }
            },
            {
                "intellectual": {
                    "ability": {"score": 71},
                    "adaptive_deficits": True,
                    "developmental_period": True,
                }
            },
        ),
        (
            "MD",
            {"multiple": {"impairments": ["ID", "OI"], "beyond_single_programs": True}},
            {"multiple": {"impairments": ["DB"], "beyond_single_programs": True}},
        ),
        ("OI", {"orthopedic": {"severe": True}}, {"orthopedic": {"severe": False}}),
        (
            "OHI",
            {"health": {"limited_strength_vitality_alertness": True, "temporary": False}},
            {"health": {"limited_strength_vitality_alertness": True, "temporary": True}},
        ),
        # more than 6 months: 6.5 meets, exactly 6 does not
        (
            "ED",
            {
                "emotional": {
                    "characteristics": ["pervasive_unhappiness"],
                    "months_observed": 6.5,
                    "marked_degree": True,
                    "social_maladjustment_only": False,
                }
            },
            {
                "emotional": {
                    "characteristics": ["pervasive_unhappiness"],
                    "months_observed": 6,
                    "marked_degree": True,
                    "social_maladjustment_only": False,
                }
            },
        ),
        (
            "TBI",
            {"tbi": {"cause": "external_force", "functional_impairment": True}},
            {"tbi": {"cause": "birth_trauma", "functional_impairment": True}},
        ),
        # 20/70 is partially sighted; 20/60 is not
        (
            "VI",
            {"vision": {"acuity_better_eye_corrected": "20/70"}},
            {"vision": {"acuity_better_eye_corrected": "20/60"}},
        ),
    ],
)
def test_each_category(code, met_data, not_met_data):
    assert decide(code, **met_data).status == "met"
    assert decide(code, **not_met_data).status == "not_met"
    assert decide(code).status == "insufficient_data"


def test_visual_field_makes_legal_blindness():
    vision = {"acuity_better_eye_corrected": "20/40", "field_degrees": 20}
    result = decide("VI", vision=vision)
    assert result.status == "met" and "legally blind" in result.criteria[0].reasons[0]


@pytest.mark.parametrize(
    "case, code", [("case-eligibility-sld.yaml", "SLD"), ("case-eligibility-sli.yaml", "SLI")]
)
def test_worked_examples_via_cli(run_cli, case, code):
    result = run_cli(
        "eligibility",
        "--config",
        EXAMPLES / "mesa-verde.toml",
        EXAMPLES / case,
        "--category",
        code,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "met" and data["code"] == code
    assert all(c["status"] == "met" and c["reasons"] and c["citation"] for c in data["criteria"])


@pytest.mark.parametrize(
    "category, expected",
    [
        ("XYZ", "--category: expected a category code"),
        ("DD", "ca.eligibility.early_start"),  # an ambiguous code asks for the id
    ],
    ids=["unknown_category", "ambiguous_code_asks_for_the_id"],
)
def test_a_category_that_names_no_one_rule(run_cli, category, expected):
    result = run_cli(
        "eligibility",
        "--config",
        EXAMPLES / "mesa-verde.toml",
        EXAMPLES / "case-eligibility-sld.yaml",
        "--category",
        category,
    )
    assert result.exit_code == 2 and expected in result.stderr


def test_preschool_established_medical_disability():
    from spedrules.jurisdictions.california.eligibility import early_childhood

    emd, early_start = early_childhood()
    preschooler = Student(id="P", birth_date=date(2022, 9, 1))  # 4 years 1 month on 2026-10-01
    data = {
        "date": "2026-10-01",
        "general": GENERAL,
        "preschool": {"established_medical_disability": True, "needs_ongoing_support": True},
    }
    assert determine(emd, data, preschooler).status == "met"
    assert determine(emd, data, CHILD).status == "not_met"  # 8 years old
    # Early Start: at 24 months an age equivalent of 16 months is exactly one third below
    toddler = Student(id="T", birth_date=date(2024, 10, 1))
    es = {
        "date": "2026-10-01",
        "early_start": {"age_equivalents": {"communication": 16, "motor": 22}},
    }
    result = determine(early_start, es, toddler)
    assert (
        result.status == "met"
        and "one third below in communication" in (result.criteria[1].reasons[0])
    )
    es["early_start"]["age_equivalents"]["communication"] = 17
    assert determine(early_start, es, toddler).status == "not_met"
