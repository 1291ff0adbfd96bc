"""Locally negotiated best practices of a California elementary district, layered on California.

Meeting-time, notice, agenda and IEP-at-a-Glance targets arrive with issue 6."""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import JurisdictionInfo, SourceDocument


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="lahabra-best-practices",
        name="Negotiated Special Education Best Practices (California elementary district)",
        level="district",
        parent="california",
        sources=(
            SourceDocument(
                "Special Education Best Practices (negotiated, 2019-20)",
                "shared/seeds/000_3c030d13ce65e17a.txt",
            ),
        ),
    )
