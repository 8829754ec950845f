"""What the ``/id``, ``/data`` and ``/page`` routes share: finding the entity a path names,
the representations offered, validators (ETag, Last-Modified) and ``Link`` headers.

URIs *in the data* are built from the configured base URI (they are identifiers); URLs in
HTTP headers (``Location``, ``Link``, ``Content-Location``) are built from the request, so a
server reached under another name or port keeps its clients on itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from flask import Response, current_app, request, url_for
from werkzeug.http import http_date, is_resource_modified, quote_etag

from atlas_graph.formats import JSON_LD, N_TRIPLES, RDF_XML, TURTLE, RdfSerialization, acceptable
from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.linked_data.describe import Description, describe, entity_uri, exists
from atlas_graph.server.service import AtlasService
from atlas_graph.store.generations import Generation

#: The RDF representations of an entity's data, in the server's order of preference.
DATA_FORMATS = (TURTLE, JSON_LD, RDF_XML, N_TRIPLES)
BY_EXTENSION = {f.extension: f for f in DATA_FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in DATA_FORMATS}
#: What a client may ask for to get an entity's data, to the media type it gets.
RDF_OFFERED = acceptable(DATA_FORMATS)
HTML_TYPES = ["text/html", "application/xhtml+xml"]
CODE_VERSION = version("atlas-graph")


def content_type(fmt: RdfSerialization) -> str:
    """The ``Content-Type`` of data in ``fmt``: text types name their charset, the others are
    UTF-8 by definition."""
    return f"{fmt.media_type}; charset=utf-8" if fmt.media_type.startswith("text/") else fmt.media_type


def atlas() -> AtlasService:
    return current_app.extensions["atlas"]


@dataclass(frozen=True)
class Snapshot:
    """What one request reads: the current generation, and the graph to describe entities
    from (that generation's store, or the remote store). Taken once per request, so that the
    validators, the body and any cache entry all come from the same generation."""

    generation: Generation
    graph: object  # a pyoxigraph store or a reader from .backend
    remote: bool


def snapshot() -> Snapshot:
    service = atlas()
    generation = service.generation()
    if service.remote:
        return Snapshot(generation, service.store(), remote=True)
    return Snapshot(generation, generation.store, remote=False)


def find_entity(path: str) -> ox.NamedNode:
    """The entity ``B id/{path}``; HttpError 404 when the store knows nothing about it."""
    service = atlas()
    entity = entity_uri(service.config.base_uri, path)
    if entity is None or not exists(service.store(), entity):
        raise HttpError(404, f"No entity {service.config.base_uri}id/{path} in this dataset.")
    return entity


def describe_entity(path: str, entity: ox.NamedNode, graph, incoming_cap: int) -> Description:
    """The description of ``entity`` (``B id/{path}``, as :func:`find_entity` found it) in
    ``graph``, with at most ``incoming_cap`` incoming links; HttpError 404 when it is gone since."""
    service = atlas()
    description = describe(graph, entity, service.config.base_uri, incoming_cap)
    if description is None:  # removed by a load since find_entity looked
        raise HttpError(404, f"No entity {service.config.base_uri}id/{path} in this dataset.")
    return description


def data_document_uri(path: str, extension: str | None = None) -> str:
    """The canonical URI of the data document about ``B id/{path}`` (in one format or negotiated)."""
    return f"{atlas().config.base_uri}data/{path}" + (f".{extension}" if extension else "")


def dataset_uri() -> str:
    return f"{atlas().config.base_uri}id/dataset"


# Validators -------------------------------------------------------------------------------


def etag(path: str, variant: str, generation: Generation | None = None) -> str:
    """Strong ETag: the bytes depend only on the store generation, the entity and the variant
    (and on the code that renders them, hence the version)."""
    name = (generation or atlas().generation()).name
    digest = hashlib.sha256(f"{CODE_VERSION}\0{path}\0{variant}".encode()).hexdigest()[:16]
    return f"{name}-{digest}"


def last_modified(generation: Generation | None = None) -> datetime:
    """When the data last changed: the store's statistics, else the generation's folder."""
    generation = generation or atlas().generation()
    return _moment(generation.path, generation.stats().get("modified"))


#: The request headers (WSGI names) that can make a GET conditional here.
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_RANGE")


@lru_cache(maxsize=16)
def _http_date(moment: datetime) -> str:
    return http_date(moment)


@lru_cache(maxsize=16)
def _moment(folder: Path, modified: str | None) -> datetime:
    """``modified`` (ISO 8601) as a UTC datetime to the second, else the folder's mtime; the
    same for every request on a generation, so computed once."""
    try:
        moment = datetime.fromisoformat(modified) if modified else None
    except ValueError:
        moment = None
    if moment is None:
        moment = datetime.fromtimestamp(folder.stat().st_mtime, UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def validate(response: Response, path: str, variant: str, generation: Generation | None = None, *,
             language: str | None = None) -> Response | None:
    """Put the validators and caching headers on ``response``; when the client's copy is
    current (If-None-Match / If-Modified-Since), return the 304 to answer with instead.

    A variant rendered in the request's ``language`` (one URL, one rendering per language)
    names it in its ETag, and is not revalidated by date: the date is the same for every
    language, so it cannot tell that the client's copy is in the language asked for."""
    generation = generation or atlas().generation()
    tag = etag(path, variant, generation) + (f".{language}" if language else "")
    modified = last_modified(generation)
    response.headers["ETag"] = quote_etag(tag)
    response.headers["Last-Modified"] = _http_date(modified)
    response.headers["Cache-Control"] = "public, no-cache"  # always revalidate: a load may change the data
    if not any(name in request.environ for name in CONDITIONAL_HEADERS):
        return None
    if is_resource_modified(request.environ, etag=tag, last_modified=None if language else modified):
        return None
    not_modified = Response(status=304)
    for name in ("ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Location", "Link"):
        if name in response.headers:
            not_modified.headers[name] = response.headers[name]
    return not_modified


# Links ------------------------------------------------------------------------------------


def page_url(path: str) -> str:
    return _urls(request.root_url, path)[1]


def data_url(path: str, extension: str | None = None) -> str:
    url = _urls(request.root_url, path)[0]
    return f"{url}.{extension}" if extension else url  # an extension needs no quoting


@lru_cache(maxsize=4096)
def _urls(root: str, path: str) -> tuple[str, str]:
    """(data URL, page URL) of ``B id/{path}`` for requests under ``root`` (the request's
    scheme, host and script root, all that ``url_for`` takes from it). Remembered: every
    ``/data`` and ``/page`` response links both, and building them is most of a cached
    response's own work."""
    return (url_for("linked_data.data", path=path, _external=True),
            url_for("pages.page", path=path, _external=True))


def alternate_links(path: str, *, except_extension: str | None = None, html: bool = True) -> str:
    """A ``Link`` header value naming the entity's other representations."""
    data = data_url(path)
    links = [f'<{data}.{f.extension}>; rel="alternate"; type="{f.media_type}"'
             for f in DATA_FORMATS if f.extension != except_extension]
    if html:
        links.append(f'<{page_url(path)}>; rel="alternate"; type="text/html"')
    return ", ".join(links)
