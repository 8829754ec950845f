"""Cool URIs: ``/id/{path}`` answers ``303 See Other`` to the page or the data about the
entity, chosen by ``Accept``; ``/data/{path}[.ext]`` serves its description as RDF, in the
format the extension names, else the one negotiated (``format`` parameter, else ``Accept``).

The description itself comes from :mod:`.describe`; this module only negotiates, serialises,
and sets the HTTP headers (Vary, ETag, Last-Modified, Link, Content-Location).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, redirect, request, url_for

from atlas_graph.formats import RdfSerialization
from atlas_graph.server.backend import RememberedLabels, reader_for
from atlas_graph.server.generation_cache import GenerationCache
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.http.graph_response import requested_type
from atlas_graph.server.http.negotiation import negotiate
from atlas_graph.server.linked_data.describe import PREFIXES, Document, describe, document_triples, entity_uri, exists
from atlas_graph.server.linked_data.entity import (
    BY_EXTENSION,
    BY_MEDIA_TYPE,
    DATA_FORMATS,
    HTML_TYPES,
    RDF_OFFERED,
    Snapshot,
    alternate_links,
    atlas,
    content_type,
    data_document_uri,
    data_url,
    dataset_uri,
    find_entity,
    last_modified,
    page_url,
    snapshot,
    validate,
)

blueprint = Blueprint("linked_data", __name__)

#: Resources whose labels each process remembers (a few hundred bytes each).
LABELS_REMEMBERED = 20_000
#: Where each app keeps its caches (one per app, hence per server process).
CACHE = "atlas.data_cache"
LABEL_CACHE = "atlas.label_cache"


@dataclass(frozen=True)
class Rendered:
    """A rendered body and the headers that depend on the data (not on the request)."""

    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def data_cache(mib: float) -> GenerationCache[Rendered]:
    """A cache of rendered bodies holding at most ``mib`` MiB (0: none): the ``/data`` documents,
    and the ``/page`` HTML (:mod:`.pages`)."""
    return GenerationCache(max(0, int(mib * (1 << 20))), size_of=lambda rendered: len(rendered.body))


@blueprint.record_once
def _make_caches(state) -> None:
    state.app.extensions.setdefault(CACHE, data_cache(state.app.extensions["atlas"].config.data_cache_mib))
    state.app.extensions.setdefault(LABEL_CACHE, GenerationCache(LABELS_REMEMBERED))


def body_cache(now: Snapshot) -> GenerationCache[Rendered] | None:
    """This worker's cache of rendered bodies, for a request on ``now``; None on a remote store,
    whose changes the generations do not follow."""
    return None if now.remote else current_app.extensions[CACHE]


def described_graph(now: Snapshot):
    """The graph descriptions read: the remote store, or the generation's store with the labels
    this process remembers for it."""
    if now.remote:
        return now.graph
    return RememberedLabels(reader_for(now.graph), current_app.extensions[LABEL_CACHE], now.generation.name)


#: ``B id/dataset`` names the dataset itself, which the VoID description describes.
DATASET_PATH = "dataset"


@blueprint.route("/id/<path:path>")
def identifier(path: str) -> Response:
    """303 to ``/page/...`` for browsers (and ``*/*``, and no ``Accept``), ``/data/...`` for RDF."""
    if path == DATASET_PATH:
        response = redirect(url_for("publication.void", _external=True), 303)
        response.vary.add("Accept")  # the VoID description negotiates its format
        return response
    find_entity(path)
    wanted = negotiate([*HTML_TYPES, *RDF_OFFERED], request.headers.get("Accept"))
    target = data_url(path) if wanted in RDF_OFFERED else page_url(path)
    response = redirect(target, 303)
    response.vary.add("Accept")
    return response


@blueprint.route("/data/<path:path>")
def data(path: str) -> Response:
    """The entity's description: in the format its extension names, else the one negotiated."""
    now = snapshot()
    stem, _, extension = path.rpartition(".")
    if stem and extension in BY_EXTENSION:  # else, or when ``stem`` names nothing, ``path.ttl`` may be a name
        response = _representation(now, stem, BY_EXTENSION[extension], negotiated=False)
        if response is not None:
            return response
    wanted = requested_type(RDF_OFFERED)
    response = _representation(now, path, BY_MEDIA_TYPE[wanted], negotiated=True) if wanted else None
    if response is not None:
        return response
    find_entity(path)  # 404 when there is nothing to describe
    offered = ", ".join(f.media_type for f in DATA_FORMATS)
    suffixes = ", ".join(f".{f.extension}" for f in DATA_FORMATS)
    raise HttpError(406, f"Not acceptable: the data about this entity is offered as {offered} "
                         f"(or add {suffixes} to the URL); its HTML page is at {page_url(path)}.",
                    {"Link": alternate_links(path)})


def _representation(now: Snapshot, path: str, fmt: RdfSerialization, *, negotiated: bool) -> Response | None:
    """The description of ``B id/{path}`` as ``fmt`` (or a 304); None when there is no such entity.

    Rendered bodies are kept per generation (:mod:`.generation_cache`): a popular entity is
    described and serialised once per worker process and generation."""
    response = Response(content_type=content_type(fmt))
    response.headers["Link"] = alternate_links(path, except_extension=None if negotiated else fmt.extension)
    if negotiated:
        response.vary.add("Accept")
        response.headers["Content-Location"] = data_url(path, fmt.extension)
    not_modified = validate(response, path, fmt.extension, now.generation)
    cache = body_cache(now)
    key = (path, fmt.extension)
    rendered = cache.get(now.generation.name, key) if cache is not None else None
    if rendered is None:
        entity = entity_uri(atlas().config.base_uri, path)
        if entity is None:
            return None
        if not_modified is not None:
            return not_modified if exists(now.graph, entity) else None
        rendered = _render(now, path, entity, fmt)
        if rendered is None:
            return None
        if cache is not None:
            cache.put(now.generation.name, key, rendered)
    if not_modified is not None:
        return not_modified
    response.set_data(rendered.body)
    response.headers.extend(rendered.headers)
    return response


def _render(now: Snapshot, path: str, entity: ox.NamedNode, fmt: RdfSerialization) -> Rendered | None:
    """The data document about ``entity`` serialised as ``fmt``, or None if it is unknown."""
    config = atlas().config
    description = describe(described_graph(now), entity, config.base_uri)
    if description is None:
        return None
    document = Document(
        uri=data_document_uri(path),
        formats=tuple((data_document_uri(path, f.extension), f.media_type) for f in DATA_FORMATS),
        dataset=dataset_uri(),
        modified=last_modified(now.generation).isoformat().replace("+00:00", "Z"),
    )
    triples = description.triples() + document_triples(
        document, description, config.endpoint_url or f"{config.base_uri}sparql")
    # grouped by subject, the entity first: Turtle and RDF/XML then nest each subject's triples
    triples.sort(key=lambda t: (t.subject != description.entity, t.subject.value))
    headers = ()
    if description.incoming_truncated:
        headers = (("X-Atlas-Truncated",
                    f"true; {len(description.incoming)} of {description.incoming_total} incoming links listed"),)
    return Rendered(ox.serialize(triples, format=fmt.oxigraph, prefixes=PREFIXES), headers)
