"""Florida's restraint-reduction report: the figures a district's SP&P reports (Exceptional
Student Education Policies and Procedures, Part I, A.6-A.7): incidents by the FDOE's types of
restraint, by primary exceptionality, race/ethnicity and grade band, school year against school
year.

The SP&P names its years as school years ("2014-15", "2015-16") and gives no day they change;
they are counted July 1 to June 30, so that a year outside any loaded calendar still counts.
The types are those the SP&P prints ("standing 63%, prone 23%, seated 9%, immobilization <1%,
mechanical 3%"): a mechanical restraint is one type, and a physical restraint is typed by the
student's position in it. The grade band is the one the SP&P reports ("52% in PK-3").
"""

from __future__ import annotations

from spedrules.plugin import GradeBand, Incident, RestraintReportDefinition, hookimpl

# The keys are the published names (the report's JSON); the labels say which are positions of a
# physical restraint, so "standing" never reads as a kind of its own.
TYPE_LABELS = {
    "standing": "Physical, standing position",
    "seated": "Physical, seated position",
    "prone": "Physical, prone position",
    "immobilization": "Physical, immobilization (supine)",
    "mechanical": "Mechanical",
    "unspecified": "Not recorded (no method or position)",
}
GRADE_BANDS = (GradeBand("PK-3", ("PK", "K", "1", "2", "3")), GradeBand("4-12"))


def restraint_type(incident: Incident) -> str:
    """The FDOE restraint type: ``mechanical``, or a physical restraint by the student's position
    (``standing``, ``seated``, ``prone``, ``immobilization`` for supine), else ``unspecified``.
    :data:`TYPE_LABELS` prints them."""
    if incident.method == "mechanical":
        return "mechanical"
    return {
        "standing": "standing",
        "seated": "seated",
        "prone": "prone",
        "supine": "immobilization",
    }.get(incident.position or "", "unspecified")


REPORT = RestraintReportDefinition(
    title="Restraint-reduction figures (SP&P Part I A.6)",
    citation="s. 1003.573 F.S.; SP&P Part I A.6-A.7",
    types=TYPE_LABELS,
    restraint_type=restraint_type,
    grade_bands=GRADE_BANDS,
    year_start_month=7,
)


@hookimpl
def spedrules_restraint_report():
    return REPORT
