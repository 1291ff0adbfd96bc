"""Running the ASGI app with uvicorn (``spedrules serve`` and ``spedrules demo --serve``)."""

from __future__ import annotations

from collections.abc import Callable

from spedrules.core.errors import InputError, SpedrulesError


def run_server(db: str | None, host: str, port: int, echo: Callable[[str], None]) -> None:
    """Serve until interrupted. A missing web extra is named with its install line."""
    try:
        import uvicorn

        from spedrules.core.web import create_app
    except ImportError as exc:
        raise SpedrulesError(
            f"`spedrules serve` needs the web extra ({exc.name} is missing): "
            "pip install 'spedrules[web]'"
        ) from None
    if not 0 < port < 65536:
        raise InputError(None, "--port", "a port number 1-65535", port)
    from spedrules.core.store.database import Store

    Store(db).init()  # the schema, tokens table included, is current before the first request
    app = create_app(db)
    shown = f"[{host}]" if ":" in host else host
    echo(f"spedrules serving on http://{shown}:{port}/ (API: /v1/, OpenAPI: /v1/openapi.json)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve_demo(store, port: int, echo: Callable[[str], None]) -> None:
    """Serve the demo store on 127.0.0.1: one admin token per district, printed to sign in."""
    from spedrules.core.web.tokens import create_token

    echo("")
    for district_id in store.districts():
        token = create_token(store.engine, district_id, "admin", "demo")[1]
        echo(f"{district_id} token: {token}")
    echo(f"sign in at http://127.0.0.1:{port}/ with a token above (Ctrl-C stops the server)")
    run_server(store.url, "127.0.0.1", port, echo)
