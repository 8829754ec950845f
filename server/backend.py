"""Where the routes read the graph: the embedded Oxigraph store or a remote SPARQL 1.1 store.

A *reader* offers what entity descriptions and the service description need:

- ``query(text)``: a SELECT or ASK over the dataset (default graph: the union of the named
  graphs), as pyoxigraph solutions or a boolean;
- ``label_triples(iris, predicates)``: the triples ``iri predicate ?label``;
- ``named_graphs()``.

:class:`EmbeddedReader` answers from a pyoxigraph store with index lookups (fast, in process);
:class:`RemoteReader` sends SPARQL to the remote store. :func:`run_remote_query` is the remote
counterpart of the query processes: the ``/sparql`` query sent to the remote store, its result
written in the client's format with the same row cap.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from atlas_graph.remote import SOLUTIONS_TYPE, TRIPLES_TYPE, RemoteRejected, RemoteStore, RemoteTimeout

from .sparql_execution import Dataset, FormatWish, Limits, Outcome, QueryRejected, pick_media_type
from .sparql_results import QueryTimeout, write_boolean, write_solutions, write_triples
from .sparql_text import keywords, uses_service

LABELS_PER_QUERY = 200  # IRIs per VALUES block when labels are read remotely


class EmbeddedReader:
    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, text: str, use_default_graph_as_union: bool = True):
        return self.store.query(text, use_default_graph_as_union=use_default_graph_as_union)

    def label_triples(self, iris: Iterable[str], predicates: Sequence[str]) -> set[ox.Triple]:
        """One index lookup per IRI and predicate: for the thousand resources of a much-linked
        entity, far faster than a SPARQL join on a VALUES block."""
        nodes = [ox.NamedNode(p) for p in predicates]
        return {ox.Triple(q.subject, q.predicate, q.object)
                for iri in iris for predicate in nodes
                for q in self.store.quads_for_pattern(ox.NamedNode(iri), predicate, None)}

    def named_graphs(self) -> list[ox.NamedNode]:
        return [g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]


class RemoteReader:
    def __init__(self, remote: RemoteStore, timeout: float):
        self.remote = remote
        self.timeout = timeout

    def query(self, text: str, use_default_graph_as_union: bool = True):
        """As ``pyoxigraph.Store.query`` with the union default graph (the only dataset here)."""
        if not use_default_graph_as_union:
            raise ValueError("a remote store is queried with the union of its graphs as default graph")
        return self.remote.select(text, self.timeout)

    def label_triples(self, iris: Iterable[str], predicates: Sequence[str]) -> set[ox.Triple]:
        """A few SELECTs with VALUES blocks (one request per :data:`LABELS_PER_QUERY` IRIs)."""
        iris = list(iris)
        found: set[ox.Triple] = set()
        wanted = " ".join(f"<{p}>" for p in predicates)
        for start in range(0, len(iris), LABELS_PER_QUERY):
            subjects = " ".join(f"<{iri}>" for iri in iris[start:start + LABELS_PER_QUERY])
            rows = self.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {subjects} }} VALUES ?p {{ {wanted} }} ?s ?p ?o }}")
            found.update(ox.Triple(row["s"], row["p"], row["o"]) for row in rows)
        return found

    def named_graphs(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(g) for g in sorted(self.remote.graph_counts(self.timeout))]


def reader_for(store) -> EmbeddedReader | RemoteReader:
    """A reader over ``store``: a pyoxigraph store, or already a reader."""
    return EmbeddedReader(store) if isinstance(store, ox.Store) else store


def query_kind(query: str) -> str | None:
    """"solutions", "boolean" or "graph", from the query form (the first form keyword)."""
    for keyword in keywords(query):
        if keyword.word == "SELECT":
            return "solutions"
        if keyword.word == "ASK":
            return "boolean"
        if keyword.word in ("CONSTRUCT", "DESCRIBE"):
            return "graph"
    return None


def run_remote_query(remote: RemoteStore, query: str, dataset: Dataset, wish: FormatWish, limits: Limits,
                     base_iri: str | None, spool_dir: str) -> tuple[Outcome, str]:
    """Run a ``/sparql`` query on the remote store: (outcome, spool file holding the result).

    Raises what the embedded path raises: QueryRejected, NotAcceptable, FormatUnknown,
    QueryTimeout; and RemoteError when the remote store is unreachable or fails."""
    if uses_service(query):
        raise QueryRejected("SERVICE (federated query) is not available on this endpoint")
    kind = query_kind(query)
    if kind is None:
        raise QueryRejected("query syntax error: expected a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    media_type = pick_media_type(kind, wish)
    text = f"BASE <{base_iri}>\n{query}" if base_iri else query
    deadline = time.monotonic() + limits.timeout
    try:
        response = remote.query(text, TRIPLES_TYPE if kind == "graph" else SOLUTIONS_TYPE, limits.timeout,
                                default_graphs=dataset.default_graphs, named_graphs=dataset.named_graphs)
    except RemoteRejected as error:
        raise QueryRejected(f"query rejected by the SPARQL store: {error}") from None
    except RemoteTimeout as error:
        raise QueryTimeout(f"{error}; narrow the query or add a LIMIT") from None
    budget = {"max_rows": limits.max_rows, "deadline": deadline, "timeout": limits.timeout}
    fd, spool = tempfile.mkstemp(dir=spool_dir, suffix=".result")
    try:
        with os.fdopen(fd, "wb") as sink:
            if kind == "graph":
                triples = (ox.Triple(q.subject, q.predicate, q.object)
                           for q in ox.parse(response.body, ox.RdfFormat.N_TRIPLES))
                written = write_triples(triples, media_type, sink, **budget)
            else:
                result = ox.parse_query_results(response.body, ox.QueryResultsFormat.XML)
                if isinstance(result, ox.QueryBoolean):
                    kind, media_type = "boolean", pick_media_type("boolean", wish)
                    written = write_boolean(result, media_type, sink)
                else:
                    written = write_solutions(result, media_type, sink, **budget)
    except BaseException:
        os.unlink(spool)
        raise
    return Outcome(kind, media_type, written.rows, written.truncated), spool
