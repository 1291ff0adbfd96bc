"""California: Education Code part 30, 5 CCR, as practised in the NW SELPA handbook.

Timelines, eligibility, emergency interventions and team rules arrive with issue 4; the plugin is
registered now so that districts can name it in their stack."""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import JurisdictionInfo, SourceDocument


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="california",
        name="California (Education Code, 5 CCR; NW SELPA Handbook)",
        level="state",
        parent="us-idea",
        sources=(
            SourceDocument(
                "NW SELPA Special Education Procedural Handbook",
                "shared/seeds/001_911b07c5e4e92852.txt",
            ),
            SourceDocument("California Education Code, Part 30", "EC 56000 et seq."),
            SourceDocument("California Code of Regulations, Title 5", "5 CCR 3000 et seq."),
        ),
    )
