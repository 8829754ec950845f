"""Negotiated responses: the media type a request asks for (its ``format`` parameter, else its
``Accept`` header, see :mod:`.negotiation`), and small RDF graphs (VoID, catalog, ontology)
serialised in it with ``Vary: Accept``, an ETag and conditional GET.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Response, request
from rdflib import Graph

from atlas_graph.formats import RDF_SERIALIZATIONS, SERVED_SERIALIZATIONS, acceptable
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.http.negotiation import UnknownFormat, negotiate

#: What a client may ask for to get a small graph, to the RDF format it gets; Turtle by default.
RDF_OFFERED = acceptable(SERVED_SERIALIZATIONS)
_RDFLIB_NAMES = {f.media_type: f.rdflib_name for f in RDF_SERIALIZATIONS}


def requested_type(offered: Mapping[str, str] | Sequence[str]) -> str | None:
    """The offered media type this request asks for (see :func:`.negotiation.negotiate`), or
    ``None`` when it accepts none of them; 400 for a ``format`` that names nothing."""
    try:
        return negotiate(offered, request.headers.get("Accept"), request.args.get("format"))
    except UnknownFormat as error:
        raise HttpError(400, str(error)) from error


def negotiated_type(offered: Mapping[str, str] | Sequence[str], resource: str = "this resource") -> str:
    """As :func:`requested_type`, with a 406 naming what is offered when nothing is acceptable."""
    media_type = requested_type(offered)
    if media_type is None:
        served = offered.values() if isinstance(offered, Mapping) else offered
        raise HttpError(406, f"{resource} is offered as: {', '.join(dict.fromkeys(served))}", {"Vary": "Accept"})
    return media_type


def serialize(graph: Graph, media_type: str) -> bytes:
    return graph.serialize(format=_RDFLIB_NAMES[media_type], encoding="utf-8")


def negotiated_response(body: bytes | str, media_type: str) -> Response:
    """``body`` as ``media_type`` (UTF-8), varying on ``Accept``, with an ETag of its bytes and
    an answer to ``If-None-Match`` (304)."""
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.add_etag()
    return response.make_conditional(request)
