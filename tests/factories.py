"""Model objects the tests build by hand, with filler for the fields a test does not look at."""

from __future__ import annotations

from spedrules.core.model import Obligation

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
