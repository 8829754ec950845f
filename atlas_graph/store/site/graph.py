"""The graph the site's data is read from, and the small values every part of it shares.

A :class:`Graph` runs SELECT queries over the union of a generation's named graphs: a
generation's database, the in-memory store the builder loads a generation's N-Quads into, or the
server's reader of a remote store, each queried with the union default graph.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from atlas_graph import vocabulary

PREFIXES = vocabulary.sparql_prefixes("atlas", "skos", "dct", "org")

Term = ox.NamedNode | ox.Literal | ox.BlankNode


@dataclass(frozen=True)
class Named:
    """A resource of ours with its label: ``path`` is the part after ``B id/``."""

    iri: str
    path: str
    label: str


class Graph:
    """SELECT queries over ``store`` (anything with pyoxigraph's ``query``), with the union of
    its graphs as default graph; ``base_uri``: the base the paths of our IRIs are taken from."""

    def __init__(self, store, base_uri: str):
        self.store = store
        self.base_uri = base_uri

    def select(self, query: str) -> list[dict[str, Term]]:
        """One dict per row (unbound variables left out)."""
        results = self.store.query(PREFIXES + query, use_default_graph_as_union=True)
        names = [v.value for v in results.variables]
        return [{name: value for name, value in zip(names, row, strict=True) if value is not None} for row in results]

    def rows(self, query: str) -> list[tuple[Term | None, ...]]:
        """One tuple per row, its values in the order of the query's variables (None: unbound):
        cheaper than :meth:`select` for the many rows of the selection table."""
        return [tuple(row) for row in self.store.query(PREFIXES + query, use_default_graph_as_union=True)]

    def path_of(self, iri: str) -> str:
        """The part of one of our IRIs after ``B id/`` (another IRI is its own path)."""
        ours = self.base_uri + "id/"
        return iri[len(ours):] if iri.startswith(ours) else iri

    def named(self, iri_term: Term, label_term: Term | None = None) -> Named:
        path = self.path_of(iri_term.value)
        return Named(iri_term.value, path, label_term.value if label_term is not None else path)


def sort_key(label: str) -> str:
    """``label`` as it sorts for people: case and accents ignored."""
    return "".join(c for c in unicodedata.normalize("NFD", label.casefold()) if not unicodedata.combining(c))


def as_int(term: Term | None) -> int:
    return int(term.value) if term is not None else 0


def as_decimal(term: Term | None) -> Decimal:
    try:
        return Decimal(term.value) if term is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
