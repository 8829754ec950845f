"""What differs between SPARQL 1.1 engines, in one place: a generic engine and Virtuoso.

Everything else speaks the standard protocols. An :class:`Engine` says where a store's update
and Graph Store endpoints are when only the query endpoint is given, how to ask the engine for
its own time limit and how to tell that it gave up, which graphs are the engine's own (not
data), and how to turn its results (SPARQL XML solutions, N-Triples) into standard ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from atlas_graph.vocabulary import GEO

#: Virtuoso's own type for the geometries it parses out of ``geo:wktLiteral`` values.
VIRTUOSO_GEOMETRY = b"http://www.openlinksw.com/schemas/virtrdf#Geometry"
WKT_LITERAL = str(GEO.wktLiteral).encode()


class Engine:
    """A standard SPARQL 1.1 store: update at the query URL, no engine time limit, no own graphs."""

    name = "generic"
    #: Graphs the engine keeps for itself, left out of the dataset of a query where it can be.
    system_graphs: tuple[str, ...] = ()

    def update_url(self, query_url: str, authenticated: bool) -> str:
        return query_url

    def graph_store_url(self, query_url: str, authenticated: bool) -> str | None:
        return None  # unknown: use SPARQL Update instead

    def query_text(self, query: str) -> str:
        return query

    def timeout_parameters(self, seconds: float) -> dict[str, str]:
        return {}

    def gave_up(self, headers: Mapping[str, str]) -> bool:
        """Whether a 200 response is a partial result cut by the engine's own time limit."""
        return False

    def standard_results(self, data: bytes) -> bytes:
        """SPARQL XML results as the standard has them."""
        return data

    def standard_triples(self, data: bytes) -> bytes:
        """N-Triples (a CONSTRUCT's or DESCRIBE's result) as the standard has them."""
        return data


class Virtuoso(Engine):
    """OpenLink Virtuoso 7: ``/sparql-auth`` and ``/sparql-graph-crud-auth`` (digest auth) beside
    ``/sparql``; ``timeout`` in milliseconds, after which it returns what it has with
    ``X-SQL-State: S1TAT`` ("anytime query"); its own graphs in every default dataset; blank
    nodes written ``nodeID://b1``; ASK answered as a one-column SELECT; ``geo:wktLiteral`` values
    stored as its own ``virtrdf:Geometry``, in single precision (openlink/virtuoso-opensource
    issues 456 and 808, with no setting to turn it off): the type is given back, the
    coordinates stay Virtuoso's (the exact ones are in ``wgs84:lat``/``wgs84:long``)."""

    name = "virtuoso"
    system_graphs = (
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://localuriqaserver/sparql",
        "http://www.w3.org/2002/07/owl#",
    )

    def update_url(self, query_url: str, authenticated: bool) -> str:
        return _sibling(query_url, "sparql-auth") if authenticated else query_url

    def graph_store_url(self, query_url: str, authenticated: bool) -> str | None:
        return _sibling(query_url, "sparql-graph-crud-auth" if authenticated else "sparql-graph-crud")

    def query_text(self, query: str) -> str:
        """The query with Virtuoso's own graphs left out of its default graph, when it has no
        ``GRAPH`` pattern: Virtuoso 7.2 answers ``GRAPH <iri> {…}`` with nothing once any
        ``input:*-graph-exclude`` is set, so a query with ``GRAPH`` is sent as it is (and
        ``GRAPH ?g`` can then meet Virtuoso's own graphs)."""
        if re.search(r"\bgraph\b", query, re.IGNORECASE):
            return query
        return "".join(f"define input:default-graph-exclude <{g}> " for g in self.system_graphs) + query

    def timeout_parameters(self, seconds: float) -> dict[str, str]:
        return {"timeout": str(int(seconds * 1000))}

    def gave_up(self, headers: Mapping[str, str]) -> bool:
        return (headers.get("X-SQL-State") or "").strip() == "S1TAT"

    def standard_results(self, data: bytes) -> bytes:
        """Blank node labels without ``nodeID://``; an ASK answer, which Virtuoso 7.2 writes as
        one ``__ASK_RETVAL`` column with a row when true, as the standard boolean."""
        if b'<variable name="__ASK_RETVAL"/>' in data:
            answer = b"true" if b"<result>" in data else b"false"
            return (b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                    b"<head/><boolean>" + answer + b"</boolean></sparql>")
        return (data.replace(b"<bnode>nodeID://", b"<bnode>")
                .replace(b'datatype="' + VIRTUOSO_GEOMETRY + b'"', b'datatype="' + WKT_LITERAL + b'"'))

    def standard_triples(self, data: bytes) -> bytes:
        return data.replace(b"^^<" + VIRTUOSO_GEOMETRY + b">", b"^^<" + WKT_LITERAL + b">")


ENGINES = {engine.name: engine for engine in (Engine(), Virtuoso())}


def detect(server_header: str | None) -> Engine:
    """The engine behind an endpoint, from its ``Server`` response header."""
    if server_header and server_header.lower().startswith("virtuoso"):
        return ENGINES["virtuoso"]
    return ENGINES["generic"]


def _sibling(url: str, name: str) -> str:
    """``http://h/sparql`` → ``http://h/{name}``: another endpoint in the same folder."""
    return re.sub(r"[^/]*/?$", name, url, count=1)
