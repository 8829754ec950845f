"""Running one SPARQL query against a store and writing its result to a sink.

:func:`run_query` is the whole of query execution, whichever the store: plain data in (the
query, its dataset, the client's format wishes, the limits), a result written to a binary sink,
a small report out. The store is anything with :meth:`QueryStore.evaluate`: the embedded
Oxigraph store (:class:`EmbeddedStore`, in a killable query process, see :mod:`.pool`) or a
remote SPARQL store (:class:`~atlas_graph.server.backend.RemoteQueryStore`). It knows nothing
of HTTP; what the endpoint refuses (``SERVICE``) is refused before.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import pyoxigraph as ox

from atlas_graph.formats import RESULTS_FORMATS, SERVED_SERIALIZATIONS, acceptable
from atlas_graph.server.http.negotiation import UnknownFormat, negotiate
from atlas_graph.server.sparql.results import Written, write_boolean, write_solutions, write_triples

#: Results up to this size are answered in memory; larger ones through a spool file.
SMALL_RESULT = 1 << 20

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


class QueryStore(Protocol):
    def evaluate(self, query: str, dataset: Dataset, base_iri: str | None, timeout: float):
        """Start the query: its lazy result, as pyoxigraph solutions, boolean or triples.
        Raises QueryRejected for a query the store will not run, QueryTimeout."""


class EmbeddedStore:
    """An Oxigraph store, whose default graph is the union of its named graphs."""

    def __init__(self, store: ox.Store):
        self.store = store

    def evaluate(self, query: str, dataset: Dataset, base_iri: str | None, timeout: float):
        """``timeout`` is not the store's to keep: Oxigraph cannot stop a query, so the process
        running it is killed instead (:mod:`.pool`)."""
        if dataset.is_given():
            return _query(self.store, query, base_iri=base_iri,
                          default_graph=[ox.NamedNode(iri) for iri in dataset.default_graphs],
                          named_graphs=[ox.NamedNode(iri) for iri in dataset.named_graphs])
        return _query(self.store, query, base_iri=base_iri, use_default_graph_as_union=True)


def _query(store: ox.Store, query: str, **options):
    try:
        return store.query(query, **options)
    except SyntaxError as error:
        raise QueryRejected(f"query syntax error: {error}") from error
    except ValueError as error:
        raise QueryRejected(str(error)) from error


#: Words of a query that may make its dataset other than the union default graph: such a
#: query runs on the store on disk. A false alarm (the word in a string or an IRI) only costs speed.
_DATASET_WORDS = re.compile(r"\b(?:GRAPH|FROM)\b", re.IGNORECASE)


class UnionSnapshot:
    """A store's union default graph held in memory (a plain Oxigraph store loaded from the
    generation's N-Triples dump: each triple once), with the store on disk for the queries that
    name graphs (``GRAPH``, ``FROM``, a protocol dataset), which the copy has not kept."""

    def __init__(self, memory: ox.Store, store_path: str):
        self.memory = memory
        self.store_path = store_path
        self._disk: EmbeddedStore | None = None

    def evaluate(self, query: str, dataset: Dataset, base_iri: str | None, timeout: float):
        if dataset.is_given() or _DATASET_WORDS.search(query):
            if self._disk is None:
                self._disk = EmbeddedStore(ox.Store.read_only(self.store_path))
            return self._disk.evaluate(query, dataset, base_iri, timeout)
        return _query(self.memory, query, base_iri=base_iri)


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
    store: QueryStore,
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
    result = store.evaluate(query, dataset, base_iri, limits.timeout)
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


def answer_query(store: QueryStore, query: str, dataset: Dataset, wish: FormatWish, limits: Limits,
                 base_iri: str | None, spill: str, small_result: int = SMALL_RESULT) -> Answer:
    """:func:`run_query`, its result kept in memory up to ``small_result`` bytes, else written
    to the file ``spill`` (which the receiver of the answer deletes; on an error, nothing is left)."""
    sink = SpillingSink(spill, small_result)
    try:
        outcome = run_query(store, query, dataset, wish, limits, sink, base_iri=base_iri)
    except BaseException:
        sink.discard()
        raise
    return Answer(outcome, *sink.result())


class SpillingSink(io.RawIOBase):
    """A binary sink held in memory until it passes ``limit`` bytes, then moved to a new file
    at ``path``. ``result()`` is (the bytes, None) or (None, the path)."""

    def __init__(self, path: str, limit: int):
        self.path = path
        self.limit = limit
        self._memory: io.BytesIO | None = io.BytesIO()
        self._file: io.BufferedWriter | None = None

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if self._memory is not None:
            self._memory.write(data)
            if self._memory.tell() > self.limit:
                self._file = open(self.path, "xb")
                self._file.write(self._memory.getbuffer())
                self._memory = None
        else:
            self._file.write(data)
        return len(data)

    def result(self) -> tuple[bytes | None, str | None]:
        if self._file is None:
            return self._memory.getvalue(), None
        self._file.close()
        return None, self.path

    def discard(self) -> None:
        if self._file is not None:
            self._file.close()
            os.unlink(self.path)
