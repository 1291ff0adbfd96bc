"""spedrules: special-education law and local practice as executable, explainable rules.

The public Python API; the ``spedrules`` command is a thin shell over it.
"""

import importlib
from typing import Any

# What each public name is imported from, on first use (PEP 562): `import spedrules` (and so the
# `spedrules` command's start-up) must not pay for SQLAlchemy, numpy and the plugins.
_EXPORTS = {
    "District": "spedrules.core.api",
    "Evaluation": "spedrules.core.api",
    "RuleDescription": "spedrules.core.api",
    "check_plugins": "spedrules.core.api",
    "describe_rule": "spedrules.core.api",
    "evaluate": "spedrules.core.api",
    "explain": "spedrules.core.api",
    "fill_form": "spedrules.core.api",
    "law_tests": "spedrules.core.api",
    "load_district": "spedrules.core.api",
    "add_district": "spedrules.core.api",
    "import_cases": "spedrules.core.api",
    "import_events": "spedrules.core.api",
    "import_students": "spedrules.core.api",
    "init_store": "spedrules.core.api",
    "read_cases": "spedrules.core.api",
    "sweep": "spedrules.core.api",
    "worklist": "spedrules.core.api",
    "load_case": "spedrules.core.model.case",
    "load_config": "spedrules.core.model.config",
    "hookimpl": "spedrules.core.hookspecs",
}

__version__ = "0.1.0"

__all__ = [
    "District",
    "Evaluation",
    "RuleDescription",
    "__version__",
    "add_district",
    "check_plugins",
    "describe_rule",
    "evaluate",
    "explain",
    "fill_form",
    "hookimpl",
    "import_cases",
    "import_events",
    "import_students",
    "init_store",
    "law_tests",
    "load_case",
    "load_config",
    "load_district",
    "read_cases",
    "sweep",
    "worklist",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'spedrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # imported once
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
