"""``/ontology``: the atlas ontology, negotiated (HTML documentation, Turtle, N-Triples,
RDF/XML, JSON-LD), and one URL per format (``/ontology.ttl``, ``.nt``, ``.rdf``, ``.jsonld``,
``.html``).

Turtle is the file as written (comments included); the other RDF formats are serialised from
it, and the HTML is pyLODE's documentation. Each is made once per process: the ontology ships
with the package and does not change while the server runs.
"""

from __future__ import annotations

from functools import cache

from flask import Blueprint, Response, request, url_for

from atlas_graph.formats import SERVED_SERIALIZATIONS, acceptable
from atlas_graph.resources import ontology_graph, ontology_html, ontology_turtle
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.http.graph_response import negotiated_response, negotiated_type, serialize

blueprint = Blueprint("ontology", __name__)

#: Offered media types, the first being the default: Turtle for clients that state no
#: preference (browsers ask for ``text/html`` explicitly).
OFFERED = acceptable(SERVED_SERIALIZATIONS, also=["text/html"])
EXTENSIONS = {**{f.extension: f.media_type for f in SERVED_SERIALIZATIONS}, "html": "text/html"}


@cache
def ontology_bytes(media_type: str) -> bytes:
    """The ontology as ``media_type``, computed once per process."""
    if media_type == "text/turtle":
        return ontology_turtle().encode("utf-8")
    if media_type == "text/html":
        return ontology_html().encode("utf-8")
    return serialize(ontology_graph(), media_type)


@blueprint.route("/ontology")
@blueprint.route("/ontology/")
def ontology() -> Response:
    media_type = negotiated_type(OFFERED)
    response = negotiated_response(ontology_bytes(media_type), media_type)
    extension = next(ext for ext, offered in EXTENSIONS.items() if offered == media_type)
    response.headers["Content-Location"] = url_for("ontology.ontology_file", extension=extension)
    return response


@blueprint.route("/ontology.<extension>")
def ontology_file(extension: str) -> Response:
    media_type = EXTENSIONS.get(extension)
    if media_type is None:
        raise HttpError(404, f"no ontology file '.{extension}'; use one of: "
                             + ", ".join(f".{ext}" for ext in EXTENSIONS))
    response = Response(ontology_bytes(media_type), content_type=f"{media_type}; charset=utf-8")
    response.add_etag()
    return response.make_conditional(request)
