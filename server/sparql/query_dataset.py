"""The dataset a query's own ``FROM`` / ``FROM NAMED`` clauses name, read from its text.

The endpoint runs queries with the union of the store's graphs as default graph, an engine
option that also makes it ignore the query's ``FROM`` clauses; so the endpoint reads them
itself and passes them as the query's dataset, as the protocol's ``default-graph-uri`` /
``named-graph-uri`` would be. They only ever name graphs of the store (a name that is not one
is an empty graph): nothing is fetched.

Prefixed names are expanded with the query's ``PREFIX`` declarations and relative IRIs
resolved against its ``BASE`` (else the endpoint URL), as the engine does. A clause this
reading cannot make out is left to the engine, which reports the syntax error.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from atlas_graph.server.sparql.execution import Dataset
from atlas_graph.server.sparql.text import keywords, may_contain

_IRI = r"<([^<>\"{}|^`\\\x00-\x20]*)>"
_PREFIX = r"([A-Za-z][\w.\-\u00b7\u00c0-\uffff]*)?"
_AFTER_FROM = re.compile(rf"\s*(NAMED\s+)?(?:{_IRI}|{_PREFIX}:([\w.:%\-\u00b7\u00c0-\uffff]*))", re.IGNORECASE)
_AFTER_PREFIX = re.compile(rf"\s*{_PREFIX}:\s*{_IRI}")
_AFTER_BASE = re.compile(rf"\s*{_IRI}")
_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def query_dataset(query: str, endpoint_url: str) -> Dataset:
    """The graphs of ``query``'s ``FROM`` (default graph) and ``FROM NAMED`` clauses."""
    if not may_contain(query, "FROM"):
        return Dataset()
    base = endpoint_url
    prefixes: dict[str, str] = {}
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    for keyword in keywords(query):
        if keyword.word == "BASE" and (match := _AFTER_BASE.match(query, keyword.end)):
            base = _resolve(base, match.group(1))
        elif keyword.word == "PREFIX" and (match := _AFTER_PREFIX.match(query, keyword.end)):
            prefixes[match.group(1) or ""] = _resolve(base, match.group(2))
        elif keyword.word == "FROM" and (match := _AFTER_FROM.match(query, keyword.end)):
            named, iri, prefix, local = match.groups()
            if iri is not None:
                graph = _resolve(base, iri)
            elif (prefix or "") in prefixes:
                graph = prefixes[prefix or ""] + local
            else:
                continue
            (named_graphs if named else default_graphs).append(graph)
    return Dataset(tuple(default_graphs), tuple(named_graphs))


def _resolve(base: str, iri: str) -> str:
    """``iri`` made absolute against ``base``; an absolute IRI as it is (even ending in '#')."""
    return iri if _ABSOLUTE.match(iri) else urljoin(base, iri)
