"""rdflib terms → pyoxigraph terms: the one place where the two libraries meet; and
:class:`OxTerms`, pyoxigraph terms built directly where only Oxigraph reads them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from atlas_graph.model import Triple


@lru_cache(maxsize=1 << 16)  # predicates, classes and shared entities recur in every record
def _named_node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _literal(value: Literal) -> ox.Literal:
    if value.language:
        return ox.Literal(str(value), language=value.language)
    if value.datatype:
        return ox.Literal(str(value), datatype=_named_node(str(value.datatype)))
    return ox.Literal(str(value))


def _same(value):
    return value


# By exact type first: rdflib's terms are ABCs, whose isinstance checks are slow when they fail.
_BY_TYPE = {URIRef: lambda value: _named_node(str(value)), Literal: _literal,
            BNode: lambda value: ox.BlankNode(str(value)),
            ox.NamedNode: _same, ox.Literal: _same, ox.BlankNode: _same}  # the last: built by OxTerms


def term(value) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    convert = _BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, URIRef):
        return _named_node(str(value))
    if isinstance(value, Literal):
        return _literal(value)
    if isinstance(value, BNode):
        return ox.BlankNode(str(value))
    raise TypeError(f"not an RDF term: {value!r}")


def quads(triples: Iterable[Triple], graph: URIRef) -> Iterator[ox.Quad]:
    """The quads of ``triples`` in ``graph``, one at a time: a store extended with them never
    holds them all in a list beside itself."""
    graph_node = ox.NamedNode(str(graph))
    return (ox.Quad(term(s), term(p), term(o), graph_node) for s, p, o in triples)


class OxTerms:
    """Builds pyoxigraph terms, with the signatures of the rdflib builders of
    :mod:`atlas_graph.ingest.mapping` (``iri``, ``literal``): for triples that only Oxigraph
    reads (the link triples of the loader's entities graph), which so skip building an rdflib
    term and converting it. :func:`quads` takes them as they are."""

    @staticmethod
    def iri(value: str) -> ox.NamedNode:
        return _named_node(str(value))

    @staticmethod
    def literal(text: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
        if language:
            return ox.Literal(text, language=language)
        if datatype:
            return ox.Literal(text, datatype=_named_node(str(datatype)))
        return ox.Literal(text)
