"""St. Lucie County School District's local restraint procedures, layered on Florida (SP&P A.4-A.6).

PostVention meeting, IEP review after a restraint and follow-up calls arrive with issue 5."""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import JurisdictionInfo, SourceDocument


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="st-lucie",
        name="St. Lucie County (Florida) SP&P local procedures",
        level="district",
        parent="florida",
        sources=(
            SourceDocument(
                "St. Lucie ESE Policies and Procedures (SP&P) 2016-17 to 2018-19",
                "shared/seeds/004_8a2533d47235dded.txt",
            ),
        ),
    )
