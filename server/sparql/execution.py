"""Running one SPARQL query against a store and writing its result to a sink.

:func:`run_query` is the whole of query execution: plain data in (the query, its dataset, the
client's format wishes, the limits), a result written to a binary sink, a small report out. It
knows nothing of HTTP, so it can move into a killable worker process unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox

from atlas_graph.formats import RESULTS_FORMATS, SERVED_SERIALIZATIONS, acceptable

from atlas_graph.server.http.negotiation import UnknownFormat, negotiate
from atlas_graph.server.sparql.results import Written, write_boolean, write_solutions, write_triples
from atlas_graph.server.sparql.text import uses_service

#: What each kind of result can be written as, in order of preference (the first is the default).
FORMATS = {
    "solutions": RESULTS_FORMATS,
    "boolean": tuple(f for f in RESULTS_FORMATS if f.booleans),
    "graph": SERVED_SERIALIZATIONS,
}


@dataclass(frozen=True)
class Dataset:
    """The protocol's ``default-graph-uri`` / ``named-graph-uri``; empty: the store's dataset with
    the union of all named graphs as default graph."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    def is_given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class FormatWish:
    """What the client asked for: its ``Accept`` header and an overriding ``format`` parameter."""

    accept: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_rows: int


@dataclass(frozen=True)
class Outcome:
    kind: str  # "solutions", "boolean" or "graph"
    media_type: str
    rows: int
    truncated: bool


@dataclass(frozen=True)
class Answer:
    """A query's outcome and its written result: in memory (``body``) when small, else in a
    spool file (``spool``) that the receiver deletes."""

    outcome: Outcome
    body: bytes | None
    spool: str | None = None


class QueryRejected(Exception):
    """The query cannot be run: bad syntax, bad dataset IRI, a forbidden feature."""


class NotAcceptable(Exception):
    def __init__(self, kind: str, offered: Sequence[str]):
        super().__init__(
            f"cannot write a {kind} result in any format the request accepts; offered: {', '.join(offered)}"
        )
        self.kind = kind
        self.offered = list(offered)


class FormatUnknown(Exception):
    """The ``format`` parameter names no format."""


def execute(store: ox.Store, query: str, dataset: Dataset, *, base_iri: str | None = None):
    """Start the query; returns the engine's lazy result (solutions, boolean or triples)."""
    if uses_service(query):
        raise QueryRejected("SERVICE (federated query) is not available on this endpoint")
    try:
        if dataset.is_given():
            return store.query(
                query,
                base_iri=base_iri,
                default_graph=[ox.NamedNode(iri) for iri in dataset.default_graphs],
                named_graphs=[ox.NamedNode(iri) for iri in dataset.named_graphs],
            )
        return store.query(query, base_iri=base_iri, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise QueryRejected(f"query syntax error: {error}") from error
    except ValueError as error:
        raise QueryRejected(str(error)) from error


def result_kind(result) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "graph"


def pick_media_type(kind: str, wish: FormatWish) -> str:
    """The media type to write a ``kind`` result in.

    A client that prefers HTML over every format offered (a browser following a link) gets the
    default format rather than a 406: the endpoint writes no HTML results.
    """
    formats = FORMATS[kind]
    offered = {**acceptable(formats), "text/html": formats[0].media_type}
    try:
        chosen = negotiate(offered, wish.accept, wish.format)
    except UnknownFormat as error:
        raise FormatUnknown(str(error)) from error
    if chosen is None:
        raise NotAcceptable(kind, [f.media_type for f in formats])
    return chosen


def run_query(
    store: ox.Store,
    query: str,
    dataset: Dataset,
    wish: FormatWish,
    limits: Limits,
    sink: BinaryIO,
    *,
    base_iri: str | None = None,
) -> Outcome:
    """Run ``query`` and write its result, in the format the client wants, to ``sink``.

    Raises :class:`QueryRejected`, :class:`NotAcceptable`, :class:`FormatUnknown` or
    :class:`~atlas_graph.server.sparql.results.QueryTimeout`.
    """
    deadline = time.monotonic() + limits.timeout
    result = execute(store, query, dataset, base_iri=base_iri)
    kind = result_kind(result)
    media_type = pick_media_type(kind, wish)
    budget = {"max_rows": limits.max_rows, "deadline": deadline, "timeout": limits.timeout}
    try:
        written = _write(kind, result, media_type, sink, budget)
    except (RuntimeError, ValueError) as error:
        # Evaluation errors surface while iterating; store failures (OSError) stay server errors.
        raise QueryRejected(f"query evaluation failed: {error}") from error
    return Outcome(kind, media_type, written.rows, written.truncated)


def _write(kind: str, result, media_type: str, sink: BinaryIO, budget: dict) -> Written:
    if kind == "solutions":
        return write_solutions(result, media_type, sink, **budget)
    if kind == "boolean":
        return write_boolean(result, media_type, sink)
    return write_triples(result, media_type, sink, **budget)
