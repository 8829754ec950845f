"""Error responses and CORS, installed once on the application by :func:`install`.

An error's body is its message, in the form the client prefers: an HTML page for browsers (a
client that prefers ``text/html`` to plain text and JSON), JSON (``{"status": 400, "error":
"Bad Request", "message": "..."}``) for clients that prefer JSON, else ``text/plain``. CORS
headers go on every response, errors included, so browser clients can read the message; a CORS
preflight (``OPTIONS``) is answered here for every route.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from atlas_graph.server.http.negotiation import negotiate
from atlas_graph.store.generations import StoreError, is_storage_error

#: Response headers a browser script may read besides the CORS-safelisted ones.
EXPOSED_HEADERS = (
    "Content-Disposition",
    "Content-Length",
    "Content-Location",
    "ETag",
    "Link",
    "Location",
    "Vary",
    "WWW-Authenticate",
    "X-Atlas-Row-Cap",
    "X-Atlas-Truncated",
)
EXPOSED = ", ".join(EXPOSED_HEADERS)
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED_REQUEST_HEADERS = "Accept, Authorization, Content-Type"
#: The forms of an error message, plain text for clients that state no preference.
ERROR_TYPES = ["text/plain", "application/json", "text/html"]
RETRY_AFTER = "30"  # seconds, on 503: the store is missing or busy, or a remote store failed


class HttpError(Exception):
    """An error to answer with ``status`` and ``message`` (plus any extra headers)."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """The error ``message`` as an HTML page, JSON or plain text, as the client prefers."""
    wants = negotiate(ERROR_TYPES, request.headers.get("Accept"))
    if wants == "text/html":
        body = render_template("error.html", status=status, message=message)
        response = Response(body, status, content_type="text/html; charset=utf-8")
    elif wants == "application/json":
        body = json.dumps({"status": status, "error": _reason(status), "message": message}, ensure_ascii=False)
        response = Response(body + "\n", status, content_type="application/json; charset=utf-8")
    else:
        response = Response(message + "\n", status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.vary.add("Accept")  # the body's form was negotiated
    return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def add_cors_headers(response: Response) -> Response:
    """Let any origin read the response (the data is public; updates need a bearer token,
    which is not a cookie, so ``*`` is safe)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def answer_preflight() -> Response | None:
    """The answer to a CORS preflight ``OPTIONS`` request on any route; None for other requests."""
    if request.method != "OPTIONS" or request.url_rule is None:
        return None
    response = Response(status=204)
    response.headers["Allow"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = (
        request.headers.get("Access-Control-Request-Headers") or ALLOWED_REQUEST_HEADERS
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def handle_http_error(error: HttpError) -> Response:
    return error_response(error.status, error.message, error.headers)


def handle_werkzeug_error(error: HTTPException) -> Response:
    """Werkzeug's own errors (404, 405, 413, …) as short messages instead of its HTML pages."""
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return error_response(error.code or 500, _werkzeug_message(error), headers)


def handle_store_error(error: StoreError) -> Response:
    """The store is missing or damaged, or a remote store failed: not the request's fault."""
    return error_response(503, str(error), {"Retry-After": RETRY_AFTER})


def handle_storage_error(error: Exception) -> Response:
    """A storage error while reading (a damaged generation, an I/O error): 503 with a body that
    says so, logged with the generation. Any other exception is a bug, left to Flask (500)."""
    if not is_storage_error(error):
        raise error
    atlas = current_app.extensions.get("atlas")
    if atlas is not None:
        atlas.note_storage_error(error)
    store = getattr(atlas, "store_dir", None)
    target = store.current_target() if store else None
    generation = target.rsplit("/", 1)[-1] if target else "unknown"
    current_app.logger.error("storage error on generation %s of %s: %s (run 'atlas-graph check --store %s')",
                             generation, store.path if store else "the store", error,
                             store.path if store else "DIR")
    # The client is told which generation, not the server's paths (they are in the log).
    return error_response(503, f"the store could not be read (a storage error on generation {generation}); "
                               "the error is in the server's log; try again later", {"Retry-After": RETRY_AFTER})


def _werkzeug_message(error: HTTPException) -> str:
    """Werkzeug's description, except where it does not tell the client what to change."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if error.code == 413 and limit:
        size = f"{limit / (1 << 20):g} MiB" if limit >= 1 << 20 else f"{limit} bytes"
        return (f"the request body is too large: this server accepts at most {size}; "
                "split the update, or narrow the query")
    return error.description or _reason(error.code or 500)


def install(app: Flask) -> None:
    """Make every route of ``app`` answer errors this way, preflights too, and carry CORS headers."""
    app.register_error_handler(HttpError, handle_http_error)
    app.register_error_handler(HTTPException, handle_werkzeug_error)
    app.register_error_handler(StoreError, handle_store_error)
    app.register_error_handler(OSError, handle_storage_error)
    app.register_error_handler(RuntimeError, handle_storage_error)
    app.before_request(answer_preflight)
    app.after_request(add_cors_headers)
