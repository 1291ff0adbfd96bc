"""IEP process of a California independent-study charter (SEIS, DocuSign), layered on California.

Notice-by-the-10th, feedback, agenda-window and draft rules arrive with issue 6."""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import JurisdictionInfo, SourceDocument


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="charter-independent-study",
        name="Independent-study charter IEP procedures (California)",
        level="local",
        parent="california",
        sources=(
            SourceDocument(
                "IEP process, procedures and meetings of an independent-study charter",
                "shared/seeds/003_b692dd508e664a0f.txt",
            ),
        ),
    )
