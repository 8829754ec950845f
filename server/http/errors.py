"""Error responses and CORS headers shared by the HTTP routes.

A 4xx/5xx body is a short human-readable message: ``text/plain`` by default, JSON
(``{"status": 400, "error": "Bad Request", "message": "..."}``) when the client prefers JSON.
CORS headers go on every response, errors included, so browser clients can read the message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from atlas_graph.server.http.negotiation import best_match

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


class HttpError(Exception):
    """An error to answer with ``status`` and ``message`` (plus any extra headers)."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """A plain-text (or JSON, when the client prefers it) error response, with CORS headers."""
    wants = best_match(["text/plain", "application/json"], request.headers.get("Accept"))
    if wants == "application/json":
        phrase = _reason(status)
        body = json.dumps({"status": status, "error": phrase, "message": message}, ensure_ascii=False)
        response = Response(body + "\n", status, content_type="application/json; charset=utf-8")
    else:
        response = Response(message + "\n", status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.vary.add("Accept")  # the body's format was negotiated
    return add_cors_headers(response)


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


def preflight_response() -> Response:
    """The answer to a CORS preflight ``OPTIONS`` request."""
    response = Response(status=204)
    response.headers["Allow"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = (
        request.headers.get("Access-Control-Request-Headers") or ALLOWED_REQUEST_HEADERS
    )
    response.headers["Access-Control-Max-Age"] = "86400"
    return add_cors_headers(response)


def handle_http_error(error: HttpError) -> Response:
    return error_response(error.status, error.message, error.headers)


def handle_werkzeug_error(error: HTTPException) -> Response:
    """Werkzeug's own errors (404, 405, 413, …) as short messages instead of HTML pages."""
    headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
    return error_response(error.code or 500, _werkzeug_message(error), headers)


def _werkzeug_message(error: HTTPException) -> str:
    """Werkzeug's description, except where it does not tell the client what to change."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if error.code == 413 and limit:
        size = f"{limit / (1 << 20):g} MiB" if limit >= 1 << 20 else f"{limit} bytes"
        return (f"the request body is too large: this server accepts at most {size}; "
                "split the update, or narrow the query")
    return error.description or _reason(error.code or 500)


def install(app: Flask) -> None:
    """Make every route of ``app`` answer errors this way and carry CORS headers."""
    app.register_error_handler(HttpError, handle_http_error)
    app.register_error_handler(HTTPException, handle_werkzeug_error)
    app.after_request(add_cors_headers)
