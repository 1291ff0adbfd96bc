"""Ed-Fi Data Standard 5.2 documents (ODS/API 7.x resource JSON) from a district's latest run.

Three resources, one JSON Lines file each (the shape lightbeam sends, docs/edfi.md):

* ``studentSpecialEducationProgramEligibilityAssociations``: one per initial evaluation (the
  legal ``initial_evaluation`` obligation of the run): consent, completion, the days beyond the
  timeline and the delay reason;
* ``studentSpecialEducationProgramAssociations``: one per student with an IEP review obligation:
  the last full IEP meeting (IEP begin and review dates), the review's due date (IEP end date),
  the last evaluation, disability and exit;
* ``restraintEvents``: one per restraint incident. Ed-Fi 5.2 holds no restraint type, method,
  position, duration or seclusion: what it cannot hold is counted and reported, never dropped
  silently, and a seclusion is not exported as a restraint.

Identities come from the district's ``[edfi]`` table (:func:`edfi_config`); descriptor code
values from the stack's plugins (``spedrules_edfi_descriptors``); a value no plugin maps is an
error naming it, and nothing is written.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from attrs import frozen

from spedrules.core.errors import ConfigError, InputError

FILES = {
    "eligibility": "studentSpecialEducationProgramEligibilityAssociations.jsonl",
    "program": "studentSpecialEducationProgramAssociations.jsonl",
    "restraint": "restraintEvents.jsonl",
}
REQUIRED = (
    "education_organization_id",
    "program_name",
    "program_type_descriptor",
    "descriptor_namespace",
)
KEYS = (*REQUIRED, "schools")
REVIEW_KINDS = ("annual_iep_review",)
EVALUATED = ("evaluation_completed", "reevaluation_completed")


@frozen
class EdfiConfig:
    education_organization_id: int
    program_name: str
    program_type_descriptor: str
    descriptor_namespace: str
    schools: dict[str, int]


def edfi_config(data: dict[str, Any], path=None, require: bool = False) -> EdfiConfig | None:
    """The ``[edfi]`` table checked: what is there must be right; with ``require`` (an export)
    what is missing is named too."""
    extra = sorted(set(data) - set(KEYS))
    if extra:
        raise ConfigError(path, f"edfi.{extra[0]}", f"one of {', '.join(KEYS)}")
    org = data.get("education_organization_id")
    if org is not None and (not isinstance(org, int) or isinstance(org, bool) or org <= 0):
        raise ConfigError(
            path,
            "edfi.education_organization_id",
            "the Ed-Fi education organization id (a positive integer, e.g. the LEA id of your ODS)",
            org,
        )
    for key in ("program_name", "descriptor_namespace", "program_type_descriptor"):
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ConfigError(path, f"edfi.{key}", "a non-empty string", value)
    namespace = data.get("descriptor_namespace")
    if namespace is not None and (not namespace.startswith("uri://") or "#" in namespace):
        raise ConfigError(
            path,
            "edfi.descriptor_namespace",
            "a descriptor namespace such as uri://ed-fi.org (no #code value)",
            namespace,
        )
    program = data.get("program_type_descriptor")
    if program is not None and not (program.startswith("uri://") and "#" in program):
        raise ConfigError(
            path,
            "edfi.program_type_descriptor",
            "a descriptor URI with its code value, "
            "e.g. uri://ed-fi.org/ProgramTypeDescriptor#Special Education",
            program,
        )
    schools = data.get("schools", {})
    if not isinstance(schools, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in schools.values()
    ):
        raise ConfigError(
            path, "edfi.schools", "a table of school name = Ed-Fi school id (integers)", schools
        )
    if not require:
        return None
    for key in REQUIRED:
        if data.get(key) is None:
            raise ConfigError(
                path,
                f"edfi.{key}",
                "set in the district's [edfi] table to export Ed-Fi documents (docs/edfi.md)",
            )
    return EdfiConfig(
        data["education_organization_id"],
        data["program_name"],
        data["program_type_descriptor"],
        data["descriptor_namespace"].rstrip("/"),
        dict(schools),
    )


@frozen
class EdfiExport:
    district: str
    run: dict[str, Any]
    documents: dict[str, list[dict[str, Any]]]  # resource key -> documents
    not_held: dict[str, int]  # what Ed-Fi 5.2 cannot hold -> how many records had it
    notes: tuple[str, ...] = ()


class Descriptors:
    """The stack's descriptor maps (general -> specific); an unmapped value is an error."""

    def __init__(self, district, namespace: str):
        self.namespace = namespace
        self.maps: dict[str, dict[str, str]] = {}
        for plugin_id in district.config.stack:
            found = district.registry.call(plugin_id, "spedrules_edfi_descriptors", None) or {}
            for name, values in found.items():
                self.maps.setdefault(name, {}).update(values)

    def uri(self, descriptor: str, value: Any, what: str) -> str:
        code = self.maps.get(descriptor, {}).get(str(value))
        if code is None:
            known = ", ".join(sorted(self.maps.get(descriptor, {}))) or "none"
            raise InputError(
                None,
                what,
                f"a value the stack maps to an Ed-Fi {descriptor}Descriptor (mapped: {known}; "
                "a plugin's spedrules_edfi_descriptors adds one)",
                value,
            )
        return f"{self.namespace}/{descriptor}Descriptor#{code}"


def export(store, district_id: str) -> EdfiExport:
    """The three resources' documents for one district from its latest completed run."""
    from spedrules.core.store.indicator11 import _legal_rules, known_events, stored_cases
    from spedrules.core.store.sweep import district_from_store

    run = store.published_run(district_id)
    district = district_from_store(store.url, district_id)
    cfg = edfi_config(district.config.edfi, f"district {district_id} config", require=True)
    names = Descriptors(district, cfg.descriptor_namespace)
    as_of = date.fromisoformat(run["as_of"])
    rows = store.obligation_rows(district_id, run["run"])
    legal = _legal_rules(store, district_id)
    cases = stored_cases(store, district_id)
    events = {sid: known_events(case, as_of) for sid, case in cases.items()}
    program = {
        "educationOrganizationId": cfg.education_organization_id,
        "programName": cfg.program_name,
        "programTypeDescriptor": cfg.program_type_descriptor,
    }
    org = {"educationOrganizationId": cfg.education_organization_id}
    eligibility = [
        _eligibility(r, events[r["student"]], org, program, names)
        for r in rows
        if r["kind"] == "initial_evaluation" and r["rule"] in legal and r["trigger"]
    ]
    programs = _programs(rows, cases, events, org, program, names, as_of)
    restraints, not_held = _restraints(cases, cfg, names, as_of)
    return EdfiExport(
        district_id,
        run,
        {"eligibility": eligibility, "program": programs, "restraint": restraints},
        not_held,
    )


def _student(sid: str) -> dict[str, str]:
    return {"studentUniqueId": sid}


def _eligibility(row, events, org, program, names: Descriptors) -> dict[str, Any]:
    consent = row["trigger"]["date"]
    doc: dict[str, Any] = {
        "educationOrganizationReference": org,
        "studentReference": _student(row["student"]),
        "programReference": program,
        "consentToEvaluationReceivedDate": consent,
        "ideaPartDescriptor": names.uri("IDEAPart", "part_b", "IDEAPart"),
    }
    done = row["met_day"]
    if row["status"] != "not_applicable":
        doc["evaluationCompleteIndicator"] = done is not None
    if done is not None:
        doc["eligibilityEvaluationDate"] = done.isoformat()
    if done is not None and row["due_day"] is not None and done > row["due_day"]:
        doc["evaluationDelayDays"] = (done - row["due_day"]).days
    determined = [
        e
        for e in events
        if e["type"] == "eligibility_determined" and e["_day"].isoformat() >= consent
    ]
    if determined:
        doc["eligibilityDeterminationDate"] = determined[0]["_day"].isoformat()
        if "eligible" in determined[0]:
            doc["ideaIndicator"] = bool(determined[0]["eligible"])
    if row["delay_reason"]:
        doc["eligibilityDelayReasonDescriptor"] = names.uri(
            "EligibilityDelayReason",
            row["delay_reason"],
            f"student {row['student']}: delay_reason_recorded reason",
        )
        note = _delay_note(events, row["delay_reason"])
        if note:
            doc["evaluationLateReason"] = note[:255]
    return doc


def _delay_note(events, reason: str) -> str | None:
    for e in reversed(events):
        if e["type"] == "delay_reason_recorded" and str(e.get("reason")) == reason:
            return e.get("note")
    return None


def _programs(rows, cases, events, org, program, names, as_of) -> list[dict[str, Any]]:
    """One document per student with an IEP review obligation (its latest one)."""
    latest: dict[str, dict] = {}
    for r in rows:
        if r["kind"] in REVIEW_KINDS and r["trigger"] and r["student"]:
            seen = latest.get(r["student"])
            if seen is None or r["trigger"]["date"] > seen["trigger"]["date"]:
                latest[r["student"]] = r
    docs = []
    for sid, r in sorted(latest.items()):
        evs = events[sid]
        meetings = [e["_day"] for e in evs if e["type"] == "iep_meeting_held"]
        review = r["trigger"]["date"]
        doc: dict[str, Any] = {
            "educationOrganizationReference": org,
            "programReference": program,
            "studentReference": _student(sid),
            "beginDate": min(meetings).isoformat() if meetings else review,
            "iepBeginDate": review,
            "iepReviewDate": review,
        }
        if r["due_day"] is not None:
            doc["iepEndDate"] = r["due_day"].isoformat()
        evaluated = [e["_day"] for e in evs if e["type"] in EVALUATED]
        if evaluated:
            doc["lastEvaluationDate"] = max(evaluated).isoformat()
        disability = cases[sid]["student"].get("disability")
        if disability:
            doc["disabilities"] = [
                {
                    "disabilityDescriptor": names.uri(
                        "Disability", disability, f"student {sid}: disability"
                    )
                }
            ]
        exits = [e for e in evs if e["type"] == "student_exited"]
        if exits:
            doc["specialEducationExitDate"] = exits[-1]["_day"].isoformat()
            doc["specialEducationExitReasonDescriptor"] = names.uri(
                "SpecialEducationExitReason",
                exits[-1].get("reason"),
                f"student {sid}: student_exited reason",
            )
            doc["endDate"] = doc["specialEducationExitDate"]
        docs.append(doc)
    return docs


def _restraints(cases, cfg: EdfiConfig, names: Descriptors, as_of: date):
    docs: list[dict[str, Any]] = []
    not_held: Counter = Counter()
    for sid, case in sorted(cases.items()):
        school = case["student"].get("school")
        for inc in case.get("incidents") or []:
            started = _moment(inc.get("started_at"))
            if started is None or started.date() > as_of:
                continue
            if inc.get("type") != "restraint":
                not_held[f"{inc.get('type')} incidents (Ed-Fi 5.2 has no seclusion event)"] += 1
                continue
            if school not in cfg.schools:
                known = ", ".join(sorted(cfg.schools)) or "none"
                raise ConfigError(
                    None,
                    "edfi.schools",
                    f"an Ed-Fi school id for school {school!r} of student {sid} "
                    f"(the table has: {known})",
                )
            doc: dict[str, Any] = {
                "restraintEventIdentifier": str(inc["id"])[:36],
                "schoolReference": {"schoolId": cfg.schools[school]},
                "studentReference": _student(sid),
                "eventDate": started.date().isoformat(),
            }
            reasons = (inc.get("details") or {}).get("reasons") or inc.get("reasons") or []
            if reasons:
                doc["reasons"] = [
                    {
                        "restraintEventReasonDescriptor": names.uri(
                            "RestraintEventReason", r, f"incident {inc['id']}: reason"
                        )
                    }
                    for r in reasons
                ]
            for key, label in (("method", "restraint method (type)"), ("position", "position")):
                if inc.get(key):
                    not_held[label] += 1
            if inc.get("released_at"):
                not_held["duration (started_at to released_at)"] += 1
            for key in ("staff", "witnesses", "injuries", "location"):
                if inc.get(key):
                    not_held[key] += 1
            docs.append(doc)
    return docs, dict(sorted(not_held.items()))


def _moment(value) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def write(result: EdfiExport, out: Path) -> dict[str, Path]:
    """One JSON Lines file per resource in ``out``, each written atomically with mode 0600
    (core/files.py); every document is built and checked before any file is written."""
    from spedrules.core.files import write_output

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(None, "--out", "a folder", out)
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    texts = {
        key: "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n" for d in docs)
        for key, docs in result.documents.items()
    }
    return {key: write_output(out / FILES[key], text) for key, text in texts.items()}
