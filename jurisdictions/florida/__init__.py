"""Florida: s. 1003.57 and 1003.573 F.S., Rules 6A-6.03011 ff. F.A.C., as in the SP&P template.

The district options the SP&P asks a district to choose (SP&P Part I, B.1 and A.6) and the
restraint and seclusion rules of s. 1003.573 F.S. in its versions (see restraint.py). The
initial evaluation of Rule 6A-6.0331 and the ages-served exit date are in rules/timeline_rules.yaml
(the exit date's computation in timelines.py). The options are in rules/options.yaml.

Florida declares no extensions or suspensions of its own: the seed (004) has none of Rule
6A-6.0331's text (digest florida_and_addons.md, section 2), so none is cited. The federal ones
of us-idea (34 CFR 300.301(d)-(e), 300.309(c)) hold for fl.initial_evaluation, since 300.301(d)
covers a State's own timeframe too.
"""

from __future__ import annotations

from pathlib import Path

from spedrules.plugin import RuleFiles

from .report import spedrules_restraint_report  # noqa: F401 (a hook implementation)
from .timelines import fape_end_policy

RULES = RuleFiles(Path(__file__).parent / "rules", {"fape_end_policy": fape_end_policy})
(
    spedrules_jurisdiction,
    spedrules_options,
    spedrules_timeline_rules,
    spedrules_incident_rules,
    spedrules_forms,
) = RULES.hooks("jurisdiction", "options", "timeline_rules", "incident_rules", "forms")
