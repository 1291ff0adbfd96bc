"""Duties the source gives no deadline: shown without a due date, open until done, never overdue.

One builder for every rule type that has such duties (timeline rules without a ``period``,
incident rules such as Florida's acknowledgements), so that they all read the same way: what
started the duty, "the source states no deadline", and what met it or is still needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spedrules.core.calendar.counting import day_name
from spedrules.core.model import Event, EventRef, Obligation

NO_DEADLINE = "the source states no deadline: shown without a due date until it is done"


def no_deadline(
    rule: Any,
    *,
    steps: Sequence[str],
    trigger: EventRef | None,
    done: Event | None,
    cancelled: Event | None = None,
    attempts: Sequence[Event] = (),
    attempts_required: int | None = None,
    subject: str | None = None,
) -> Obligation:
    """The obligation of a duty without a deadline: ``met`` by ``done`` (or by
    ``attempts_required`` documented ``attempts``), ``not_applicable`` after ``cancelled``,
    otherwise ``open`` with no due date."""
    steps = [*steps, NO_DEADLINE]
    status, last = "open", None
    if cancelled is not None and (done is None or cancelled.day <= done.day):
        status, last = "not_applicable", cancelled
        steps.append(f"not applicable: {_what(cancelled)} on {day_name(cancelled.day)}")
    elif done is not None:
        status, last = "met", done
        steps.append(f"met by {_what(done)} on {day_name(done.day)}")
    elif attempts_required and len(attempts) >= attempts_required:
        status, last = "met", attempts[-1]
        days = ", ".join(day_name(e.day) for e in attempts)
        steps.append(f"{len(attempts)} attempts documented ({days}): the parent did not respond")
    else:
        needed = " or ".join(m.describe() for m in rule.met_by) or "the duty"
        if attempts_required:
            steps.append(
                f"open: {len(attempts)} attempt(s) documented so far; {needed} or "
                f"{attempts_required} documented attempts needed"
            )
        else:
            steps.append(f"open: no {needed} recorded yet")
    return Obligation.of(
        rule,
        status=status,
        due=None,
        steps=steps,
        trigger=trigger,
        met_by=EventRef(last.type, last.day) if last is not None else None,
        subject=subject,
    )


def _what(event: Event) -> str:
    return event.type.replace("_", " ")
