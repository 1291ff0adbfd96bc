"""spedrules: special-education law and local practice as executable, explainable rules.

The public Python API; the ``spedrules`` command is a thin shell over it.
"""

from spedrules.core.api import (
    District,
    Evaluation,
    check_plugins,
    evaluate,
    explain,
    fill_form,
    load_district,
)
from spedrules.core.case import load_case
from spedrules.core.config import load_config
from spedrules.core.hookspecs import hookimpl

__version__ = "0.1.0"

__all__ = [
    "District",
    "Evaluation",
    "__version__",
    "check_plugins",
    "evaluate",
    "explain",
    "fill_form",
    "hookimpl",
    "load_case",
    "load_config",
    "load_district",
]
