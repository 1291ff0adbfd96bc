"""Case-manager expectations of a Kansas cooperative, layered directly on the federal baseline.

Planning, parent-contact and paperwork targets arrive with issue 6."""

from __future__ import annotations

from spedrules.core.hookspecs import hookimpl
from spedrules.core.rules import JurisdictionInfo, SourceDocument


@hookimpl
def spedrules_jurisdiction():
    return JurisdictionInfo(
        id="wyandotte-case-management",
        name="Wyandotte Comprehensive Special Education Cooperative case management (Kansas)",
        level="region",
        parent="us-idea",
        sources=(
            SourceDocument(
                "Case manager roles and expectations, "
                "Wyandotte Comprehensive Special Education Cooperative",
                "shared/seeds/002_3f674b55049ea3c1.txt",
            ),
        ),
    )
