"""Publication routes: the full dumps (``/dumps/``), the VoID description
(``/.well-known/void``) and the DCAT-AP 3 catalog (``/catalog``).

Everything comes from the current generation's ``stats.json`` (counts, dump sizes and
checksums, written at load time) and its dump files; the descriptions are built by
:func:`atlas_graph.publication.void.build_void` and :func:`atlas_graph.publication.catalog.build_catalog`.

Dumps are served as ``application/gzip`` without ``Content-Encoding``: ``curl -O`` and browsers
save the ``.gz`` file as is, no client decompresses it on the fly, and the catalog states the
RDF media type (``dcat:mediaType``) and the compression (``dcat:compressFormat``) separately.
The ETag is the file's sha256, the same value the catalog publishes.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, current_app, render_template, request, send_file, url_for

from atlas_graph.publication.catalog import build_catalog
from atlas_graph.publication.dataset_info import DUMP_CONTENT_TYPE, Site
from atlas_graph.publication.void import build_void
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.http.graph_response import RDF_OFFERED, negotiated_response, negotiated_type, serialize

blueprint = Blueprint("publication", __name__)

INDEX_TYPES = ["application/json", "text/html"]


def _atlas():
    return current_app.extensions["atlas"]


def _site() -> Site:
    config = _atlas().config
    return Site(config.base_uri, config.endpoint_url)


def _dumps() -> list[dict]:
    return _atlas().stats().get("dumps", [])


# dumps -----------------------------------------------------------------------------------------

@blueprint.route("/dumps/")
def dumps_index() -> Response:
    """The dumps with their sizes and checksums: JSON, or an HTML list for browsers."""
    site = _site()
    entries = [{
        "name": dump["name"],
        "url": str(site.dump(dump["name"])),
        "title": dump["title"],
        "content_type": DUMP_CONTENT_TYPE,
        "media_type": dump["media_type"],
        "compression": "gzip",
        "bytes": dump["bytes"],
        "sha256": dump["sha256"],
        ("quads" if dump["name"].endswith(".nq.gz") else "triples"): dump["records"],
    } for dump in _dumps()]
    chosen = negotiated_type(INDEX_TYPES)
    if chosen == "text/html":
        body = render_template("dumps.html", dumps=entries, catalog=url_for("publication.catalog"),
                               void=url_for("publication.void"))
        response = Response(body, content_type="text/html; charset=utf-8")
    else:
        response = current_app.json.response({"dumps": entries})
    response.headers["Vary"] = "Accept"
    response.add_etag()
    return response.make_conditional(request)


@blueprint.route("/dumps/<path:name>")
def dump(name: str) -> Response:
    known = {entry["name"]: entry for entry in _dumps()}
    entry = known.get(name)
    path = _atlas().dump_path(name) if entry else None
    if path is None:
        raise HttpError(404, f"no dump named {name!r}; the dumps are: {', '.join(known) or 'none yet'}")
    response = send_file(path, mimetype=DUMP_CONTENT_TYPE, as_attachment=True, download_name=name,
                         etag=entry["sha256"], conditional=True, max_age=None)
    digest = base64.b64encode(bytes.fromhex(entry["sha256"])).decode("ascii")
    response.headers["Repr-Digest"] = f"sha-256=:{digest}:"
    response.headers["Cache-Control"] = "public, no-cache"  # revalidate: a new load replaces it
    return response


# VoID and DCAT ---------------------------------------------------------------------------------

@blueprint.route("/.well-known/void")
def void() -> Response:
    media_type = negotiated_type(RDF_OFFERED)
    return negotiated_response(serialize(build_void(_atlas().stats(), _site()), media_type), media_type)


@blueprint.route("/catalog")
def catalog() -> Response:
    media_type = negotiated_type(RDF_OFFERED)
    return negotiated_response(serialize(build_catalog(_atlas().stats(), _site()), media_type), media_type)
