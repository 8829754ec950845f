"""A negotiated RDF response for a small graph (VoID, catalog, ontology): pick the format, then
serialise, with ``Vary: Accept``, an ETag and conditional GET.

The ``format`` query parameter overrides ``Accept`` (see :mod:`.negotiation`); generic XML and
JSON requests get RDF/XML and JSON-LD.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Response, request
from rdflib import Graph

from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.http.negotiation import UnknownFormat, best_match, format_media_type

#: Media type → rdflib serializer, the first being the default (for ``*/*`` or no ``Accept``).
RDF_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
ALIASES = {"application/xml": "application/rdf+xml", "text/xml": "application/rdf+xml",
           "application/json": "application/ld+json"}


def negotiate(offered: Sequence[str]) -> str:
    """The offered media type the request asks for; 400 for a bad ``format``, 406 for none."""
    format_param = request.args.get("format")
    try:
        wanted = format_media_type(format_param) if format_param else request.headers.get("Accept")
    except UnknownFormat as error:
        raise HttpError(400, str(error)) from error
    aliases = {alias: target for alias, target in ALIASES.items() if target in offered}
    chosen = best_match([*offered, *aliases], wanted)
    if chosen is None:
        raise HttpError(406, f"this resource is offered as: {', '.join(offered)}", {"Vary": "Accept"})
    return aliases.get(chosen, chosen)


def serialize(graph: Graph, media_type: str) -> bytes:
    return graph.serialize(format=RDF_FORMATS[media_type], encoding="utf-8")


def negotiated_response(body: bytes | str, media_type: str) -> Response:
    """``body`` as ``media_type`` (UTF-8), varying on ``Accept``, with an ETag of its bytes and
    an answer to ``If-None-Match`` (304)."""
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.add_etag()
    return response.make_conditional(request)
