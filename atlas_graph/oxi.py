"""rdflib terms → pyoxigraph terms: the one place where the two libraries meet."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from atlas_graph.model import Triple


@lru_cache(maxsize=1 << 16)  # predicates, classes and shared entities recur in every record
def _named_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def term(value) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(value, URIRef):
        return _named_node(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    raise TypeError(f"not an RDF term: {value!r}")


def quads(triples: Iterable[Triple], graph: URIRef) -> list[ox.Quad]:
    graph_node = ox.NamedNode(str(graph))
    return [ox.Quad(term(s), term(p), term(o), graph_node) for s, p, o in triples]
