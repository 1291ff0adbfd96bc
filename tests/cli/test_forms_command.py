"""`spedrules forms list|fill` end to end: each contributed form filled from a worked case, the
PDF's own text checked for the filled values, a page rendered to PNG for a person to look at.

PNG pages go to $SPEDRULES_ARTIFACTS (default: .artifacts/forms in the project) so a reviewer
can open them after a run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SPEDRULES_ARTIFACTS", ROOT / ".artifacts")) / "forms"

MV, GS = "mesa-verde.toml", "gulf-shore.toml"
MEETING, CA_INCIDENT, FL_INCIDENT = (
    "case-forms-meeting.yaml",
    "case-forms-incident-ca.yaml",
    "case-forms-incident-fl.yaml",
)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def save_png(pdf: Path, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    document = pypdfium2.PdfDocument(str(pdf))
    document[0].render(scale=1.5).to_pil().save(out)
    document.close()
    return out


def fill(run_cli, examples, tmp_path, code, config, case, *extra, suffix="pdf", as_of=None):
    out = tmp_path / f"{code}.{suffix}"
    args = ["forms", "fill", code, "--config", examples / config, examples / case, "--out", out]
    if as_of:
        args += ["--as-of", as_of]
    extra = [examples / a if str(a).endswith(".yaml") else a for a in extra]
    result = run_cli(*args, *extra)
    return result, out


# Each contributed form, the case it is filled from, and what its PDF must say (worked out from
# the case file by hand: dates as the form prints them, times in 12-hour English).
CASES = [
    (
        "NC6A",
        MV,
        MEETING,
        ["--language", "en"],
        "2026-11-24",
        [
            "Notice of IEP Team Meeting".upper(),
            "Sam Ortiz",
            "March 19, 2015",
            "November 20, 2026",  # the notice's date is notice_sent, not the form's (Nov 24)
            "December 2, 2026",
            "3:10 PM",
            "Walnut Elementary, Room 12",
            "☒ Development or revision of the IEP",
            "☐ Eligibility for special education",
            "C. Diaz",
            "E. Fox",
            "B. Lowe, Case Manager",
        ],
    ),
    (
        "NC3",
        MV,
        "case-forms-assessment-plan.yaml",
        ["--values", "values-nc3.yaml"],
        "2026-12-20",
        [
            "ASSESSMENT PLAN",
            "Jordan Ames",
            "January 23, 2017",
            "December 9, 2026",
            "Spanish",
            "Elena Ames",
            "B. Lowe",
            "☒ Initial evaluation",
            "Intellectual Development",
            "Speech-Language Pathologist (bilingual)",
            "☒ I consent to the assessment",
            "Signed: Elena Ames",
            # consent received 2026-12-14 starts the 60-day clock (EC 56043(f))
            "December 14, 2026",
            # IEP due: Dec 14 is day 0; Dec 15-17 days 1-3; Winter Break Dec 18 - Jan 4 (12
            # school days, more than 5) not counted; Jan 5 day 4, Jan 31 day 30, Feb 28 day 58,
            # Mar 2 day 60
            "March 2, 2027",
        ],
    ),
    (
        "NC7",
        MV,
        MEETING,
        ["--values", "values-nc7.yaml"],
        "2026-11-26",
        [
            "IEP TEAM MEMBER EXCUSAL",
            "G. Ruiz",
            "School Psychologist",
            "Psychological services",
            "Signed: C. Diaz",
            "Signed: Ana Ortiz",
            "☒ I agree to excuse",
        ],
    ),
    (
        "IEP1",
        MV,
        MEETING,
        ["--values", "values-iep1.yaml"],
        "2026-11-20",
        [
            "IEP - DEMOGRAPHIC DATA",
            "MV-0107",
            "Ana Ortiz",
            "562-555-0101",
            "September 13, 2021",
            "November 18, 2021",
            "November 22, 2021",
            "December 3, 2025",
            "☒ Annual",
            "B. Lowe",
            "7012345678",
            "☒ Parent/Guardian",
            # computed: the next annual review is the one this meeting starts, 2026-12-02 + 1
            # year (not 2025-12-03 + 1 year, the one it meets); next assessment 2024-11-14 + 3
            # years
            "December 2, 2027",
            "November 14, 2027",
        ],
    ),
    (
        "IEP2A",
        MV,
        MEETING,
        [],
        "2026-12-02",
        [
            "IEP - ELIGIBILITY",
            "☒ Speech or Language Impairment (SLI)",  # student.disability SLI
            "☒ Expressive Language",
            "☒ Articulation/Voice/Fluency",
            "speak up more in class",
        ],
    ),
    (
        "BER",
        MV,
        CA_INCIDENT,
        ["--values", "values-ber.yaml"],
        "2026-11-17",
        [
            "BEHAVIORAL EMERGENCY REPORT",
            "Drew Navarro",
            "November 16, 2026",
            "10:42 AM",
            "10:49 AM",
            "Playground, near the lunch tables",
            "R. Vega, S. Cho",
            "☒ Physical Restraint: Seated Restraint",
            "Paraprofessional: scratch",
            "☒ Student does not have a current Behavior Intervention Plan",
            "Signed: R. Vega",
            "November 17, 2026",
            "JM",
        ],
    ),
    (
        "FL-RS-REPORT",
        GS,
        FL_INCIDENT,
        [],
        "2026-11-12",
        [
            "RESTRAINT AND SECLUSION INCIDENT REPORT",
            "Mateo Herrera",
            "hispanic",
            "☒ Autism spectrum disorder (ASD)",
            "November 10, 2026",
            "9:20 AM",
            "9:26 AM",
            "6",  # 09:20 to 09:26
            "Classroom 14",
            "☒ Standing",
            "T. Nguyen",
            "Behavior technician",
            "M. Diaz",
            "T. Nguyen 2026-08-04",
            "window pane",
            "break card",
            "calm-down area",
            "Phone call to the mother",
            "☒ Telephone",  # 10:05 phone call and 14:30 written notice: both ways shown
            "☒ Written notice",
            "November 12, 2026",
            # mailing due 3 school days after Tue 2026-11-10: Nov 11, 12, 13 are school days on
            # the Gulf Shore calendar (no closure that week) -> due Fri Nov 13
            "November 13, 2026",
        ],
    ),
    (
        "IEP-GLANCE",
        MV,
        MEETING,
        [],
        "2026-12-03",
        [
            "IEP AT A GLANCE",
            "Sam Ortiz",
            "December 2, 2026",
            "Preferential seating",
            "30 min weekly",
            "visual supports daily",
            "B. Lowe",
        ],
    ),
]


@pytest.mark.parametrize("code,config,case,extra,as_of,expected", CASES, ids=[c[0] for c in CASES])
def test_each_form_fills_from_its_case_into_a_pdf(
    run_cli, examples, tmp_path, code, config, case, extra, as_of, expected
):
    result, out = fill(run_cli, examples, tmp_path, code, config, case, *extra, as_of=as_of)
    assert result.exit_code == 0, result.output + result.stderr
    text = pdf_text(out)
    for value in expected:
        assert value in text, f"{code}: {value!r} not in the PDF text"
    save_png(out, code)


def test_the_florida_notice_goes_out_in_the_parents_language(run_cli, examples, tmp_path):
    # home_language "Spanish" -> the Spanish text; the phone call at 10:05 and the written
    # notice at 14:30 are the two efforts of the day (s. 1003.573; SP&P A.3 item 1)
    result, out = fill(
        run_cli,
        examples,
        tmp_path,
        "FL-RS-NOTICE",
        GS,
        FL_INCIDENT,
        "--values",
        "values-fl-notice.yaml",
        as_of="2026-11-10",
    )
    assert result.exit_code == 0, result.stderr
    assert "language es, complete" in result.output
    text = pdf_text(out)
    for value in (
        "AVISO A LOS PADRES",
        "Lucía Herrera",
        "10 de noviembre de 2026",
        "09:20",
        "09:26",
        "☒ De pie",
        "☒ Teléfono",
        "☒ Este aviso por escrito",
        "10:05",
        "Firmado: R. Santos",
        "tres días escolares",
    ):
        assert value in text, value
    assert "DRAFT" not in text and "BORRADOR" not in text
    save_png(out, "FL-RS-NOTICE-es")


def test_a_parent_facing_form_without_the_parents_language_says_so(run_cli, examples, tmp_path):
    # NC 3 goes to a Spanish-speaking parent but has only English text here (EC 56321(b)(2))
    result, _ = fill(
        run_cli,
        examples,
        tmp_path,
        "NC3",
        MV,
        "case-forms-assessment-plan.yaml",
        suffix="json",
        as_of="2026-12-20",
    )
    assert "note: this form has no 'es' text; printed in English: arrange a translation" in (
        result.output
    )


def test_nc6a_in_spanish_and_english(run_cli, examples, tmp_path):
    result, out = fill(run_cli, examples, tmp_path, "NC6A", MV, MEETING, as_of="2026-11-20")
    assert result.exit_code == 0
    text = pdf_text(out)
    assert "NOTIFICACIÓN DE REUNIÓN DEL EQUIPO DEL IEP" in text
    assert "2 de diciembre de 2026" in text and "15:10" in text
    assert "Maestro/a de educación general" in text  # the role column, translated
    save_png(out, "NC6A-es")


@pytest.mark.parametrize("code,config,case,extra,as_of,expected", CASES, ids=[c[0] for c in CASES])
def test_no_value_of_the_case_is_dropped(examples, code, config, case, extra, as_of, expected):
    # a case value that does not fit its field (a choice the form lacks, a wrong type) would be
    # a note; with the worked cases every value the case holds reaches the form
    from spedrules.core.api import fill_form

    values = examples / extra[1] if extra[:1] == ["--values"] else None
    language = extra[1] if extra[:1] == ["--language"] else None
    filled = fill_form(
        examples / config, examples / case, code, values=values, as_of=as_of, language=language
    )
    dropped = [n for n in filled.notes if "the case gives" in n]
    assert dropped == []
    # and no required field the case should answer is left empty
    assert not [f.name for f in filled.missing if f.source]


def test_a_draft_lists_what_is_missing_and_strict_fails(run_cli, examples, tmp_path):
    # NC 7 without the values file: both signatures and the parent's decision are missing
    result, out = fill(run_cli, examples, tmp_path, "NC7", MV, MEETING, as_of="2026-11-26")
    assert result.exit_code == 0
    assert "DRAFT" in result.output
    for name in ("lea_signature", "lea_title", "parent_agreement", "parent_signature_date"):
        assert f"  {name}:" in result.output
    assert "entered by hand" in result.output
    assert "DRAFT" in pdf_text(out)  # the watermark
    strict, _ = fill(
        run_cli, examples, tmp_path, "NC7", MV, MEETING, "--strict", as_of="2026-11-26"
    )
    assert strict.exit_code == 1
    complete, _ = fill(
        run_cli,
        examples,
        tmp_path,
        "NC7",
        MV,
        MEETING,
        "--strict",
        "--values",
        "values-nc7.yaml",
        as_of="2026-11-26",
    )
    assert complete.exit_code == 0 and "no required field is missing" in complete.output


def test_missing_case_data_names_its_source(run_cli, examples, tmp_path):
    # the plain restraint example has no (h) narrative: each gap says where the case should say it
    result, _ = fill(
        run_cli, examples, tmp_path, "FL-RS-REPORT", GS, "case-restraint.yaml", as_of="2026-10-20"
    )
    assert "context: (h)1." in result.output
    assert "not in the case (source incident.context)" in result.output


def test_json_output_holds_values_origins_and_gaps(run_cli, examples, tmp_path):
    result, out = fill(
        run_cli, examples, tmp_path, "BER", MV, CA_INCIDENT, suffix="json", as_of="2026-11-17"
    )
    assert result.exit_code == 0
    doc = json.loads(out.read_text())
    assert doc["form"] == "BER" and doc["status"] == "draft"
    assert doc["values"]["time_began"] == "10:42" and doc["values"]["incident_date"] == "2026-11-16"
    assert doc["origins"]["location"] == "incident.location"
    assert [m["field"] for m in doc["missing"]] == ["signature"]
    # the student has no BIP: item 6 of the checklist does not apply
    assert "c6_date" in doc["not_applicable"] and doc["values"]["c5_date"] == "2026-11-17"


def test_html_output_is_one_page_with_the_watermark(run_cli, examples, tmp_path):
    result, out = fill(
        run_cli,
        examples,
        tmp_path,
        "IEP-GLANCE",
        MV,
        "case-annual-meeting.yaml",
        suffix="html",
        as_of="2026-12-03",
    )
    assert result.exit_code == 0
    html = out.read_text()
    assert '<div class="watermark">DRAFT</div>' in html and "Mesa Verde Unified" in html


def test_a_florida_report_on_a_2020_incident_has_no_2021_field(run_cli, examples, tmp_path):
    # item (f)'s training date was added from 2021-07-01 (ch. 2021-140): not on a 2020 report
    case = (examples / FL_INCIDENT).read_text().replace("2026-11-1", "2020-11-1")
    path = tmp_path / "old.yaml"
    path.write_text(case)
    out = tmp_path / "old.json"
    result = run_cli(
        "forms",
        "fill",
        "FL-RS-REPORT",
        "--config",
        examples / GS,
        path,
        "--out",
        out,
        "--as-of",
        "2020-11-20",
    )
    assert result.exit_code == 0, result.stderr
    assert "pbis_training" not in json.loads(out.read_text())["values"]


def test_the_glance_speaks_of_this_meeting_not_the_last_one(run_cli, examples, tmp_path):
    # the case's previous glance was sent 2025-12-05; this meeting (2026-12-02) is held and its
    # glance sent 2026-12-04: due 5 days after the meeting, Mon 2026-12-07 (lahabra.iep_at_a_glance)
    text = (
        (examples / MEETING)
        .read_text()
        .replace(
            "meetings:",
            "  - {type: iep_meeting_held, date: 2026-12-02, meeting_type: annual}\n"
            "  - {type: lahabra.iep_at_a_glance_sent, date: 2026-12-04}\nmeetings:",
        )
    )
    case = tmp_path / "held.yaml"
    case.write_text(text)
    out = tmp_path / "glance.json"
    result = run_cli(
        "forms",
        "fill",
        "IEP-GLANCE",
        "--config",
        examples / MV,
        case,
        "--out",
        out,
        "--as-of",
        "2026-12-05",
    )
    assert result.exit_code == 0, result.stderr
    values = json.loads(out.read_text())["values"]
    assert values["distributed_on"] == "2026-12-04" and values["due_by"] == "2026-12-07"
    assert values["next_annual_due"] == "2027-12-02"  # 2026-12-02 + 1 year
    # before it is held, nothing of the year before is shown as this meeting's: the glance of
    # 2025-12-05 is not this one's, and its deadlines run from this meeting's own day (Wed
    # 2026-12-02 + 5 days = Mon 2026-12-07; next annual review 2027-12-02), with a note saying so
    result, _ = fill(
        run_cli, examples, tmp_path, "IEP-GLANCE", MV, MEETING, suffix="json", as_of="2026-12-01"
    )
    earlier = json.loads((tmp_path / "IEP-GLANCE.json").read_text())["values"]
    assert "distributed_on" not in earlier
    assert earlier["due_by"] == "2026-12-07" and earlier["next_annual_due"] == "2027-12-02"
    assert "computed as if the meeting is held on its day, 2026-12-02" in result.output
    assert earlier["next_assessment_due"] == "2027-11-14"  # 2024-11-14 + 3 years, not this one's
    assert "next_assessment_due" not in result.output  # the meeting did not start that one


def test_forms_list(run_cli, examples):
    result = run_cli("forms", "list", "--config", examples / MV, "--format", "json")
    codes = {row["code"] for row in json.loads(result.output)}
    assert codes == {"NC 6A", "NC 3", "NC 7", "BER", "IEP 1", "IEP 2A", "IEP-GLANCE"}
    everything = json.loads(run_cli("forms", "list", "--format", "json").output)
    assert {"FL-RS-NOTICE", "FL-RS-REPORT"} <= {row["code"] for row in everything}
    assert "NC 6A" in run_cli("forms", "list").output


@pytest.mark.parametrize(
    "args,message",
    [
        (["NC99", "--config", MV, MEETING, "--out", "x.pdf"], "CODE: expected a form of this"),
        (["NC6A", "--config", MV, MEETING, "--out", "x.docx"], "--out: expected a file name"),
        (
            ["NC6A", "--config", MV, MEETING, "--meeting", "M-9", "--out", "x.pdf"],
            "--meeting: expected the id of one of the case's meetings (M-2026-12-02)",
        ),
        (["BER", "--config", MV, MEETING, "--out", "x.pdf"], "--incident naming one of"),
        # the BER's hand-entered values are not NC 7's fields
        (
            ["NC7", "--config", MV, MEETING, "--values", "values-ber.yaml", "--out", "x.pdf"],
            "values-ber.yaml: signature: expected a field of form NC 7",
        ),
        # a value of the wrong type names the field
        (
            ["NC7", "--config", MV, MEETING, "--values", "case-restraint.yaml", "--out", "x.pdf"],
            "case-restraint.yaml: student: expected a text",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(run_cli, examples, tmp_path, args, message):
    args = [str(examples / a) if a.endswith((".toml", ".yaml")) else a for a in args]
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = run_cli("forms", "fill", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_nc6a_is_dated_when_sent_and_reads_the_meetings_location(run_cli, examples, tmp_path):
    # the case writes `location:` (as incidents and iCalendar do) and has no notice_sent: the
    # Place is filled, the Date is missing (never the form's own date, 2026-12-01)
    text = (examples / MEETING).read_text()
    text = text.replace("location: Walnut Elementary, Room 12", "location: Room 14")
    text = text.replace("    notice_sent: 2026-11-20\n", "")
    case = tmp_path / "unsent.yaml"
    case.write_text(text)
    out = tmp_path / "nc6a.pdf"
    args = ["forms", "fill", "NC6A", "--config", examples / MV, case, "--language", "en"]
    result = run_cli(*args, "--out", out, "--as-of", "2026-12-01")
    assert result.exit_code == 0, result.stderr
    assert "DRAFT" in result.output
    assert "  date: Date - not in the case (source meeting.notice_sent)" in result.output
    pdf = pdf_text(out)
    assert "Room 14" in pdf and "DRAFT" in pdf
    assert "December 1, 2026" not in pdf.split("Prepared with spedrules")[0]
    save_png(out, "NC6A-unsent")


def test_iep1_without_what_only_the_district_knows_is_a_draft(run_cli, examples, tmp_path):
    result, out = fill(run_cli, examples, tmp_path, "IEP1", MV, MEETING, as_of="2026-11-20")
    assert result.exit_code == 0
    assert "IEP 1 (11/16) IEP - Demographic Data, M-2026-12-02, language en, DRAFT" in (
        result.output
    )
    for name in ("ssid", "gender", "educational_rights"):
        assert f"  {name}: " in result.output and "entered by hand" in result.output
    assert "DRAFT" in pdf_text(out)
    # next annual review: the meeting is not yet recorded as held, so its day is used, and said
    assert "next_annual_due: computed as if the meeting is held on its day, 2026-12-02" in (
        result.output
    )
    save_png(out, "IEP1-draft")


@pytest.mark.parametrize(
    "language,second_column,last_line",
    [
        ("en", "I plan to attend", "agency representatives"),
        ("es", "Pienso asistir", "correspondientes"),
    ],
)
def test_nc6a_checkbox_text_stays_in_its_column(
    run_cli, examples, tmp_path, language, second_column, last_line
):
    # the parent-response grid: every character of a left-column option ends at least 6 pt
    # before the right column's boxes (a long option wraps in its own column)
    result, out = fill(
        run_cli, examples, tmp_path, "NC6A", MV, MEETING, "--language", language, as_of="2026-11-20"
    )
    assert result.exit_code == 0
    document = pypdfium2.PdfDocument(str(out))
    try:
        page = next(p for p in document if second_column in p.get_textpage().get_text_range())
        chars = page.get_textpage()
        start, _ = chars.search(second_column).get_next()
        assert chars.get_text_range(start - 2, 1) == "☐"
        column_left = chars.get_charbox(start - 2)[0]
        top = chars.get_charbox(start)[3] + 2
        end, length = chars.search(last_line).get_next()
        bottom = chars.get_charbox(end + length - 1)[1] - 2
        crowded = []
        for i in range(chars.count_chars()):
            left, low, right, high = chars.get_charbox(i)
            if chars.get_text_range(i, 1).strip() and low >= bottom and high <= top:
                if left < column_left - 1 and right > column_left - 6:
                    crowded.append(chars.get_text_range(i, 1))
        assert crowded == [], f"left-column text runs into the right column: {crowded}"
    finally:
        document.close()
