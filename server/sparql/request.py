"""Reading a SPARQL 1.1 Protocol request into a query or update operation.

Works on the raw pieces of the request (method, query-string bytes, Content-Type, body bytes)
and decodes them strictly itself: malformed UTF-8 or percent-encoding is the client's error
(400), never a silently mangled query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from atlas_graph.server.http.errors import HttpError
from atlas_graph.server.sparql.execution import Dataset

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class QueryOperation:
    query: str
    dataset: Dataset

    @property
    def text(self) -> str:
        return self.query


@dataclass(frozen=True)
class UpdateOperation:
    update: str
    using_graphs: tuple[str, ...]
    using_named_graphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.update


def parse_operation(
    method: str, query_string: bytes, content_type: str | None, body: bytes
) -> QueryOperation | UpdateOperation | None:
    """The operation the request asks for; ``None`` for a GET with neither query nor update."""
    params = _decode_params(query_string, "the URL query string")
    if method in ("GET", "HEAD"):
        if "update" in params:
            raise HttpError(400, "an update must be sent with POST, not GET")
        if "query" not in params:
            return None
        return _operation(params)
    if method != "POST":
        raise HttpError(405, f"{method} is not allowed here; use GET or POST", {"Allow": "GET, HEAD, POST, OPTIONS"})
    media_type, charset = _content_type(content_type)
    if charset not in (None, "utf-8", "utf8"):
        raise HttpError(415, f"the request body must be UTF-8, not {charset}")
    if media_type == FORM:
        for name, values in _decode_params(body, "the form body").items():
            params.setdefault(name, []).extend(values)
        if "query" not in params and "update" not in params:
            raise HttpError(400, "the form has neither a 'query' nor an 'update' parameter")
        return _operation(params)
    if media_type in (QUERY, UPDATE):
        if "query" in params or "update" in params:
            raise HttpError(400, "give the query or update either in the body or in the URL, not both")
        name = "query" if media_type == QUERY else "update"
        params[name] = [_decode_utf8(body, "the request body")]
        return _operation(params)
    expected = f"{FORM}, {QUERY} or {UPDATE}"
    if media_type is None:
        raise HttpError(415, f"a POST needs a Content-Type: {expected}")
    raise HttpError(415, f"unsupported Content-Type {media_type!r}; use {expected}")


def _operation(params: dict[str, list[str]]) -> QueryOperation | UpdateOperation:
    if "query" in params and "update" in params:
        raise HttpError(400, "a request carries either a query or an update, not both")
    name = "query" if "query" in params else "update"
    if len(params[name]) > 1:
        raise HttpError(400, f"more than one '{name}' parameter; send exactly one")
    text = params[name][0]
    if not text.strip():
        raise HttpError(400, f"the '{name}' parameter is empty")
    if name == "query":
        return QueryOperation(
            text,
            Dataset(_iris(params, "default-graph-uri"), _iris(params, "named-graph-uri")),
        )
    return UpdateOperation(text, _iris(params, "using-graph-uri"), _iris(params, "using-named-graph-uri"))


def _iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    iris = params.get(name, [])
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise HttpError(400, f"{name} {iri!r} is not an absolute IRI: {error}") from error
    return tuple(iris)


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.strip():
        return None, None
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _decode_utf8(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"{where} is not valid UTF-8 (byte {error.start})") from error


def _decode_params(data: bytes, where: str) -> dict[str, list[str]]:
    text = _decode_utf8(data, where)
    bad = _BAD_PERCENT.search(text)
    if bad:
        raise HttpError(400, f"{where} has a malformed percent-escape at character {bad.start()}")
    try:
        pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise HttpError(400, f"{where} percent-encodes bytes that are not UTF-8") from error
    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)
    return params
