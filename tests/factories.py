"""Model objects the tests build by hand, with filler for the fields a test does not look at."""

from __future__ import annotations

from pathlib import Path

from spedrules.core.model import Obligation

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

FILLER = {
    "kind": "k",
    "title": "t",
    "due": None,
    "status": "open",
    "citation": "c",
    "layer": "statutory",
    "source": "xx",
    "explanation": (),
}


def obligation(rule: str, **fields) -> Obligation:
    """An Obligation of `rule`: `fields` as given, FILLER for the rest."""
    return Obligation(rule=rule, **{**FILLER, **fields})


def fail_student(monkeypatch, student_id: str, exc: Exception) -> None:
    """Make one student's evaluation raise ``exc`` (as a plugin raising for him would): the
    batch hands him to the per-case engine, which raises; everyone else is swept as usual."""
    import spedrules.core.api as api_module
    import spedrules.core.engine.batch as batch_module

    real_evaluate, real_uncovered = api_module.evaluate, batch_module._Batch.mark_uncovered

    def uncovered(batch) -> None:
        real_uncovered(batch)
        for s, case in enumerate(batch.cases):
            if case.student.id == student_id:
                batch.per_case[s] = True

    def evaluate(district, case, as_of=None):
        if case.student.id == student_id:
            raise exc
        return real_evaluate(district, case, as_of)

    monkeypatch.setattr(batch_module._Batch, "mark_uncovered", uncovered)
    monkeypatch.setattr(api_module, "evaluate", evaluate)


def gulf_shore_with(folder: Path, tables: str) -> Path:
    """Gulf Shore's example config and calendar copied into ``folder``, with ``tables`` (TOML)
    added to the config: a district that differs from the example in one table."""
    for name in ("gulf-shore.toml", "gulf-shore-2026-27.yaml"):
        (folder / name).write_text((EXAMPLES / name).read_text())
    config = folder / "gulf-shore.toml"
    config.write_text(config.read_text() + "\n" + tables)
    return config
