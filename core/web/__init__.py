"""The HTTP API (``/v1/``) and the server-rendered dashboard, served by ``spedrules serve``.

Litestar serialises the attrs domain model (:mod:`spedrules.core.model`) and the API's results
(:mod:`spedrules.core.api`) as they are, so the JSON of the API and of the CLI come from one model.
The app needs the ``web`` extra; :mod:`.tokens` does not (``spedrules token`` works without it).
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_BODY_BYTES", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:  # imported on first use, so spedrules.core.web.tokens needs no Litestar
        from spedrules.core.web import app

        return getattr(app, name)
    raise AttributeError(name)
