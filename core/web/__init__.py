"""The HTTP API (``/v1/``) and the server-rendered dashboard, served by ``spedrules serve``.

Litestar serialises the attrs domain model (:mod:`spedrules.core.model`) and the API's results
(:mod:`spedrules.core.api`) as they are, so the JSON of the API and of the CLI come from one model.
"""

from spedrules.core.web.app import MAX_BODY_BYTES, create_app

__all__ = ["MAX_BODY_BYTES", "create_app"]
