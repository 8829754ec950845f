"""Cool URIs: ``/id/{path}`` answers ``303 See Other`` to the page or the data about the
entity, chosen by ``Accept``; ``/data/{path}[.ext]`` serves its description as RDF.

The description itself comes from :mod:`.describe`; this module only negotiates, serialises,
and sets the HTTP headers (Vary, ETag, Last-Modified, Link, Content-Location, CORS).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, request, url_for
from werkzeug.exceptions import HTTPException

from atlas_graph.store import StoreError

from .describe import PREFIXES, Document, document_triples
from .entity_http import (
    BY_EXTENSION,
    HTML_TYPES,
    RDF_FORMATS,
    RDF_OFFERED,
    RdfFormat,
    alternate_links,
    atlas,
    data_document_uri,
    data_url,
    dataset_uri,
    describe_entity,
    find_entity,
    last_modified,
    page_url,
    rdf_format,
    validate,
)
from .errors import (
    HttpError,
    add_cors_headers,
    error_response,
    handle_http_error,
    handle_werkzeug_error,
    preflight_response,
)
from .negotiation import best_match

blueprint = Blueprint("linked_data", __name__)
blueprint.register_error_handler(HttpError, handle_http_error)
blueprint.register_error_handler(HTTPException, handle_werkzeug_error)
blueprint.register_error_handler(StoreError, lambda error: error_response(503, str(error)))
blueprint.after_request(add_cors_headers)

#: ``B id/dataset`` names the dataset itself, which the VoID description describes.
DATASET_PATH = "dataset"

METHODS = ["GET", "HEAD", "OPTIONS"]


@blueprint.route("/id/<path:path>", methods=METHODS, provide_automatic_options=False)
def identifier(path: str) -> Response:
    """303 to ``/page/...`` for browsers (and ``*/*``, and no ``Accept``), ``/data/...`` for RDF."""
    if request.method == "OPTIONS":
        return preflight_response()
    if path == DATASET_PATH:
        response = redirect(url_for("publication.void", _external=True), 303)
        response.vary.add("Accept")  # the VoID description negotiates its format
        return response
    find_entity(path)
    wanted = best_match([*HTML_TYPES, *RDF_OFFERED], request.headers.get("Accept"))
    target = data_url(path) if wanted in RDF_OFFERED else page_url(path)
    response = redirect(target, 303)
    response.vary.add("Accept")
    return response


@blueprint.route("/data/<path:path>", methods=METHODS, provide_automatic_options=False)
def data(path: str) -> Response:
    """The entity's description: in the format its extension names, else the one negotiated."""
    if request.method == "OPTIONS":
        return preflight_response()
    stem, _, extension = path.rpartition(".")
    entity = _known(stem) if stem and extension in BY_EXTENSION else None
    if entity is not None:
        return _representation(stem, entity, BY_EXTENSION[extension], negotiated=False)
    entity = find_entity(path)
    wanted = best_match(RDF_OFFERED, request.headers.get("Accept"))
    if wanted is None:
        offered = ", ".join(f.media_type for f in RDF_FORMATS)
        suffixes = ", ".join(f".{f.extension}" for f in RDF_FORMATS)
        raise HttpError(406, f"Not acceptable: the data about this entity is offered as {offered} "
                             f"(or add {suffixes} to the URL); its HTML page is at {page_url(path)}.",
                        {"Link": alternate_links(path)})
    return _representation(path, entity, rdf_format(wanted), negotiated=True)


def _known(path: str) -> ox.NamedNode | None:
    """The entity of ``path``, or None when there is none (``path.ttl`` may then be a name)."""
    try:
        return find_entity(path)
    except HttpError:
        return None


def _representation(path: str, entity: ox.NamedNode, fmt: RdfFormat, *, negotiated: bool) -> Response:
    response = Response(content_type=fmt.content_type)
    response.headers["Link"] = alternate_links(path, except_extension=None if negotiated else fmt.extension)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = data_url(path, fmt.extension)
    not_modified = validate(response, path, fmt.extension)
    if not_modified is not None:
        return not_modified
    service = atlas()
    description = describe_entity(path, entity)
    document = Document(
        uri=data_document_uri(path),
        formats=tuple((data_document_uri(path, f.extension), f.media_type) for f in RDF_FORMATS),
        dataset=dataset_uri(),
        modified=last_modified().isoformat().replace("+00:00", "Z"),
    )
    triples = description.triples() + document_triples(
        document, description, service.config.endpoint_url or f"{service.config.base_uri}sparql")
    # grouped by subject, the entity first: Turtle and RDF/XML then nest each subject's triples
    triples.sort(key=lambda t: (t.subject != description.entity, str(t.subject)))
    response.set_data(ox.serialize(triples, format=fmt.serializer, prefixes=PREFIXES))
    if description.incoming_truncated:
        response.headers["X-Atlas-Truncated"] = (
            f"true; {len(description.incoming)} of {description.incoming_total} incoming links listed")
    return response
