"""Eligibility: a category is a set of named, cited criteria over a case's evaluation data.

Each criterion answers met, not_met or insufficient_data, always with its reasons (and, when data
are missing, the paths of what is missing: Docassemble's lesson of asking only for what is
needed). A category is met only when every criterion is met; one not_met decides not_met; else
missing data make it insufficient_data. Never a bare yes/no.
"""

from __future__ import annotations

from typing import Any

from attrs import asdict, frozen

from spedrules.core.errors import InputError
from spedrules.core.model.rules import EligibilityCategory

MET, NOT_MET, INSUFFICIENT = "met", "not_met", "insufficient_data"


@frozen
class Finding:
    status: str
    reasons: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


def met(*reasons: str) -> Finding:
    return Finding(MET, reasons)


def not_met(*reasons: str) -> Finding:
    return Finding(NOT_MET, reasons)


def judge(condition: bool, if_met: str, if_not: str) -> Finding:
    return met(if_met) if condition else not_met(if_not)


class Lacking(Exception):
    """Raised by :meth:`Evidence.need` when the evaluation data lack a value."""

    def __init__(self, path: str):
        self.path = path


class Evidence:
    """The case's ``evaluation`` section and the student, read by dotted paths."""

    def __init__(self, evaluation: dict[str, Any], student: Any = None):
        self.data = evaluation
        self.student = student

    def get(self, path: str, default: Any = None) -> Any:
        node: Any = self.data
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    def need(self, path: str) -> Any:
        value = self.get(path)
        if value is None:
            raise Lacking(path)
        return value


@frozen
class CriterionResult:
    id: str
    title: str
    citation: str
    status: str
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()


@frozen
class CategoryResult:
    category: str
    code: str
    title: str
    citation: str
    status: str
    criteria: tuple[CriterionResult, ...]
    source: str | None
    layer: str | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def determine(
    category: EligibilityCategory, evaluation: dict[str, Any], student: Any = None
) -> CategoryResult:
    evidence = Evidence(evaluation or {}, student)
    results = []
    for criterion in category.criteria:
        try:
            finding = criterion.check(evidence)
        except Lacking as lack:
            finding = Finding(INSUFFICIENT, (f"no value for evaluation.{lack.path}",), (lack.path,))
        except (TypeError, ValueError) as exc:
            raise InputError(
                None,
                f"evaluation ({criterion.id})",
                "values of the documented types (docs/evaluation-data.md)",
                str(exc),
            ) from None
        results.append(
            CriterionResult(
                criterion.id,
                criterion.title,
                criterion.citation,
                finding.status,
                finding.reasons,
                finding.missing,
            )
        )
    statuses = {r.status for r in results}
    status = NOT_MET if NOT_MET in statuses else INSUFFICIENT if INSUFFICIENT in statuses else MET
    return CategoryResult(
        category.id,
        category.code,
        category.title,
        category.citation,
        status,
        tuple(results),
        category.source,
        category.layer,
    )


def z_score(test: dict[str, Any]) -> float:
    """A test's distance from the mean in standard deviations (mean 100, SD 15 by default)."""
    return (float(test["score"]) - float(test.get("mean", 100))) / float(test.get("sd", 15))


def standard_score(test: dict[str, Any]) -> float:
    """The score on the common scale of mean 100 and SD 15."""
    return 100 + 15 * z_score(test)
