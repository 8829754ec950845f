"""``/sparql``: the SPARQL 1.1 Protocol endpoint (query, update, service description).

The edge only: read the request (:mod:`.request`), check update rights, refuse ``SERVICE``,
hand the work to the service's ``query`` (query processes, :mod:`.pool`, or the remote store)
or ``update``, and turn the outcome into an HTTP response. Expects
``current_app.extensions["atlas"]`` to offer ``query(...)``, ``store()``, ``update(text)`` and
``config`` (``base_uri``, ``update_token``, ``query_timeout``, ``max_rows``, ``endpoint_url``).
"""

from __future__ import annotations

import hmac
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from atlas_graph import vocabulary
from atlas_graph.formats import JSON_LD, N_TRIPLES, RDF_XML, RESULTS_FORMATS, SERVED_SERIALIZATIONS, TURTLE, acceptable
from atlas_graph.server.generation_cache import START, WARM_UP
from atlas_graph.server.http.errors import RETRY_AFTER, HttpError
from atlas_graph.server.http.graph_response import negotiated_type, serialize
from atlas_graph.server.sparql.examples import EXAMPLES
from atlas_graph.server.sparql.execution import FormatUnknown, FormatWish, Limits, NotAcceptable, QueryRejected
from atlas_graph.server.sparql.pool import PoolBusy
from atlas_graph.server.sparql.query_dataset import query_dataset
from atlas_graph.server.sparql.request import QueryOperation, UpdateOperation, parse_operation
from atlas_graph.server.sparql.results import QueryTimeout
from atlas_graph.server.sparql.service_description import build_service_description
from atlas_graph.server.sparql.text import DatasetConflict, add_using_clauses, uses_load, uses_service

blueprint = Blueprint("sparql", __name__)


@blueprint.record_once
def _prepare_queries(state) -> None:
    state.app.extensions.setdefault(START, []).append(start_queries)
    state.app.extensions.setdefault(WARM_UP, []).append(prepare_queries)


def start_queries() -> None:
    """Start this worker's query processes before it takes its first request (and its holder's
    load of the union graph, which goes on in the background)."""
    ready = current_app.extensions["atlas"].start_queries(wait=QUERY_START_WAIT)
    if ready:
        print(f"atlas-graph: process {os.getpid()} started {ready} query processes", file=sys.stderr, flush=True)


def prepare_queries() -> None:
    """See this worker's holder of the union graph loaded, and its query processes forks of it
    (the log says so; a warm-up runs beside the requests, which never wait for it)."""
    current_app.extensions["atlas"].prepare_queries(wait=HOLDER_LOAD_WAIT)

CHUNK = 64 * 1024
HOLDER_LOAD_WAIT = 600.0  # seconds the warm-up waits to see the union graph loaded in memory
QUERY_START_WAIT = 10.0  # seconds a new worker waits at most for its query processes, before it serves
#: The vendored query editor (``make install``); without it the query page is a plain form.
YASGUI = Path(__file__).parents[1] / "static" / "vendor" / "yasgui" / "yasgui.min.js"
#: The service description's serializations, the first being the default; browsers get the query page.
DESCRIPTION_SERIALIZATIONS = (TURTLE, RDF_XML, JSON_LD, N_TRIPLES)
DESCRIPTION_OFFERED = acceptable(DESCRIPTION_SERIALIZATIONS, also=["text/html"])
EXAMPLE_QUERY = vocabulary.sparql_prefixes("atlas", "dct") + """SELECT ?partnership ?title WHERE {
  ?partnership a atlas:Partnership ; dct:title ?title .
}
LIMIT 20"""
#: Choices of the query page's format menu: ``format`` value, label ("" lets Accept decide).
PAGE_FORMATS = [
    ("", "Default (JSON or Turtle)"),
    *((f.short_names[0], f"{f.label} ({'SELECT, ASK' if f.booleans else 'SELECT'})") for f in RESULTS_FORMATS),
    *((f.short_names[0], f"{f.label} (CONSTRUCT, DESCRIBE)") for f in SERVED_SERIALIZATIONS),
]
DESCRIPTION_FORMATS = [(f.short_names[0], f.label) for f in DESCRIPTION_SERIALIZATIONS]
QUERY_ERROR_STATUS = {QueryRejected: 400, FormatUnknown: 400, NotAcceptable: 406, QueryTimeout: 503, PoolBusy: 503}


@blueprint.route("/sparql", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
def endpoint() -> Response:
    operation = parse_operation(
        request.method, request.query_string, request.headers.get("Content-Type"), request.get_data()
    )
    if operation is None:
        return _service_description()
    if isinstance(operation, UpdateOperation):
        _check_update_rights(_atlas().config.update_token)
    # the one refusal of federated queries, for both stores: SERVICE would make the server fetch URLs
    if uses_service(operation.text):
        raise HttpError(400, "SERVICE (federated query) is not available on this endpoint")
    if isinstance(operation, UpdateOperation):
        return _update(operation)
    return _query(operation)


def endpoint_url() -> str:
    """The endpoint's absolute URL as clients see it: configured, else from the request."""
    return _atlas().config.endpoint_url or url_for("sparql.endpoint", _external=True)


def _atlas():
    return current_app.extensions["atlas"]


def _query(operation: QueryOperation) -> Response:
    """Run the query in a killable query process; send its result."""
    atlas = _atlas()
    config = atlas.config
    wish = FormatWish(request.headers.get("Accept"), request.args.get("format"))
    base_iri = endpoint_url()
    # the protocol's dataset, else the query's own FROM clauses, else the union of all graphs
    dataset = operation.dataset if operation.dataset.is_given() else query_dataset(operation.query, base_iri)
    try:
        answer = atlas.query(operation.query, dataset, wish, Limits(config.query_timeout, config.max_rows), base_iri)
    except Exception as error:
        status = next((code for kind, code in QUERY_ERROR_STATUS.items() if isinstance(error, kind)), None)
        if status is None:
            raise
        headers = {"Retry-After": RETRY_AFTER} if status == 503 else None
        raise HttpError(status, str(error), headers) from error
    outcome = answer.outcome
    content_type = f"{outcome.media_type}; charset=utf-8"
    if answer.body is not None:
        response = Response(answer.body, content_type=content_type)
    else:
        response = _spooled_response(answer.spool, content_type)
    response.headers["Vary"] = "Accept"
    if outcome.kind != "boolean":
        response.headers["X-Atlas-Row-Cap"] = str(config.max_rows)
    if outcome.truncated:
        response.headers["X-Atlas-Truncated"] = f"true; the result has more than {config.max_rows} rows"
    return response


def _spooled_response(spool: str, content_type: str) -> Response:
    """A response streaming a spool file, deleted at once (the open handle keeps its data)."""
    sink = open(spool, "rb")
    os.unlink(spool)
    response = Response(_chunks(sink), content_type=content_type)
    response.call_on_close(sink.close)
    response.headers["Content-Length"] = str(os.fstat(sink.fileno()).st_size)
    return response


def _chunks(sink: BinaryIO) -> Iterator[bytes]:
    while chunk := sink.read(CHUNK):
        yield chunk


def _update(operation: UpdateOperation) -> Response:
    """Apply an update (its sender has the rights: :func:`_check_update_rights`)."""
    atlas = _atlas()
    if uses_load(operation.update):
        raise HttpError(400, "LOAD is not available on this endpoint: the server fetches no URL; "
                             "send the data with INSERT DATA instead")
    try:
        text = add_using_clauses(operation.update, operation.using_graphs, operation.using_named_graphs)
    except DatasetConflict as error:
        raise HttpError(400, str(error)) from error
    # Relative IRIs in the update resolve against the endpoint URL (the protocol's service base).
    base = f"BASE <{endpoint_url()}> "
    try:
        atlas.update(base + text)
    except (ValueError, SyntaxError) as error:
        raise HttpError(400, f"update rejected: {_unshift_location(str(error), len(base))}") from error
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


def _unshift_location(message: str, columns: int) -> str:
    """The engine's "error at 1:C" counted in the client's text, before the added BASE."""
    return re.sub(r"at 1:(\d+)", lambda m: f"at 1:{max(int(m.group(1)) - columns, 1)}", message, count=1)


def _check_update_rights(token: str | None) -> None:
    if token is None:
        raise HttpError(403, "this endpoint is read-only: updates are disabled")
    authorization = request.headers.get("Authorization", "")
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HttpError(
            401,
            "updates need an 'Authorization: Bearer <token>' header",
            {"WWW-Authenticate": 'Bearer realm="atlas-graph SPARQL update"'},
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HttpError(403, "the bearer token does not grant updates")


def _service_description() -> Response:
    media_type = negotiated_type(DESCRIPTION_OFFERED, "the service description")
    atlas = _atlas()
    url = endpoint_url()
    if media_type == "text/html":
        body = render_template(
            "sparql.html",
            endpoint_url=url,
            update_enabled=atlas.config.update_token is not None,
            example_query=EXAMPLE_QUERY,
            examples=EXAMPLES,
            yasgui_installed=YASGUI.is_file(),
            formats=PAGE_FORMATS,
            description_formats=DESCRIPTION_FORMATS,
        )
    else:
        description = build_service_description(
            url,
            base_uri=atlas.config.base_uri,
            named_graphs=(g.value for g in atlas.store().named_graphs() if isinstance(g, ox.NamedNode)),
            update_enabled=atlas.config.update_token is not None,
        )
        body = serialize(description, media_type)
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response
