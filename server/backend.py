"""Where the routes read the graph: the embedded Oxigraph store or a remote SPARQL 1.1 store.

A *reader* offers what entity descriptions and the service description need, each over the
dataset's union of named graphs (as the SPARQL endpoint's default graph), each triple once:

- ``query(text)``: a SELECT or ASK, as pyoxigraph solutions or a boolean;
- ``has_subject(node)``: whether the node is the subject of any triple;
- ``outgoing(node)`` / ``incoming(node)``: the triples with the node as subject / object;
- ``owned(entity, own, ours)``: the triples of the resources ``entity`` links to (but not
  through ``rdf:type``) that are blank nodes, under ``own`` or not under ``ours``;
- ``label_triples(iris, predicates)``: the triples ``iri predicate ?label``;
- ``named_graphs()``.

:class:`EmbeddedReader` answers from a pyoxigraph store with index lookups (fast, in process:
a description costs a few dozen lookups, no query to parse and plan; the incoming links, which
may be thousands, by one query);
:class:`RemoteReader` sends SPARQL to the remote store. :class:`RemoteQueryStore` is the remote
store as the store of the ``/sparql`` queries (:func:`~.sparql.execution.run_query`), as the
embedded one is in the query processes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from atlas_graph.remote.store import SOLUTIONS_TYPE, TRIPLES_TYPE, RemoteRejected, RemoteStore, RemoteTimeout
from atlas_graph.server.generation_cache import GenerationCache
from atlas_graph.server.sparql.execution import Dataset, QueryRejected
from atlas_graph.server.sparql.results import QueryTimeout
from atlas_graph.server.sparql.text import keywords

LABELS_PER_QUERY = 200  # IRIs per VALUES block when labels are read remotely
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_OUTGOING = "SELECT DISTINCT ?p ?o WHERE { ?entity ?p ?o }"
_INCOMING = "SELECT DISTINCT ?s ?p WHERE { ?s ?p ?entity }"
_OWNED = f"""
SELECT DISTINCT ?r ?p ?o WHERE {{
  ?entity ?link ?r . ?r ?p ?o .
  FILTER(?link != <{RDF_TYPE}>)
  FILTER(isBlank(?r) || STRSTARTS(STR(?r), ?own) || !STRSTARTS(STR(?r), ?ours))
}}
"""


def is_owned(link: ox.NamedNode, target, own: str, ours: str) -> bool:
    """Whether a description of the entity includes ``target``'s triples (see :meth:`EmbeddedReader.owned`)."""
    if link.value == RDF_TYPE:
        return False
    if isinstance(target, ox.BlankNode):
        return True
    return isinstance(target, ox.NamedNode) and (target.value.startswith(own) or not target.value.startswith(ours))


class EmbeddedReader:
    def __init__(self, store: ox.Store):
        self.store = store

    def query(self, text: str, use_default_graph_as_union: bool = True):
        return self.store.query(text, use_default_graph_as_union=use_default_graph_as_union)

    def has_subject(self, node: ox.NamedNode) -> bool:
        return any(not isinstance(q.graph_name, ox.DefaultGraph)
                   for q in self.store.quads_for_pattern(node, None, None))

    def outgoing(self, node: ox.NamedNode | ox.BlankNode) -> set[ox.Triple]:
        return {q.triple for q in self.store.quads_for_pattern(node, None, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)}

    def incoming(self, node: ox.NamedNode) -> set[ox.Triple]:
        """One query over the named graphs rather than an index lookup: for the thousands of
        links to a country, its two-column rows cost less than the lookup's quads."""
        return {ox.Triple(subject, predicate, node)
                for subject, predicate in self.store.query(f"SELECT ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }}")}

    def owned(self, entity: ox.NamedNode, own: str, ours: str,
              outgoing: Iterable[ox.Triple] | None = None) -> set[ox.Triple]:
        """The triples of the resources ``entity`` owns; ``outgoing``: its triples, when
        already read."""
        links = self.outgoing(entity) if outgoing is None else outgoing
        targets = {t.object for t in links if is_owned(t.predicate, t.object, own, ours)}
        return {triple for target in targets for triple in self.outgoing(target)}

    def label_triples(self, iris: Iterable[str], predicates: Sequence[str]) -> set[ox.Triple]:
        """One index lookup per IRI and predicate: for the thousand resources of a much-linked
        entity, far faster than a SPARQL join on a VALUES block."""
        nodes = [ox.NamedNode(p) for p in predicates]
        return {q.triple for iri in iris for predicate in nodes
                for q in self.store.quads_for_pattern(ox.NamedNode(iri), predicate, None)}

    def named_graphs(self) -> list[ox.NamedNode]:
        return [g for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)]


class RememberedLabels:
    """A reader whose label lookups are remembered for the generation it reads: the labels of
    countries, themes, statuses and funders recur in most descriptions. Everything else is
    the wrapped reader's."""

    def __init__(self, reader: EmbeddedReader, cache: GenerationCache, generation: str):
        self.reader = reader
        self.cache = cache
        self.generation = generation

    def __getattr__(self, name: str):
        return getattr(self.reader, name)

    def label_triples(self, iris: Iterable[str], predicates: Sequence[str]) -> set[ox.Triple]:
        predicates = tuple(predicates)
        found: set[ox.Triple] = set()
        missing = []
        for iri in iris:
            known = self.cache.get(self.generation, (iri, predicates))
            if known is None:
                missing.append(iri)
            else:
                found.update(known)
        if missing:
            fresh = self.reader.label_triples(missing, predicates)
            by_iri: dict[str, list[ox.Triple]] = {iri: [] for iri in missing}
            for triple in fresh:
                by_iri[triple.subject.value].append(triple)
            for iri, triples in by_iri.items():
                self.cache.put(self.generation, (iri, predicates), tuple(triples))
            found.update(fresh)
        return found


class RemoteReader:
    def __init__(self, remote: RemoteStore, timeout: float):
        self.remote = remote
        self.timeout = timeout

    def query(self, text: str, use_default_graph_as_union: bool = True):
        """As ``pyoxigraph.Store.query`` with the union default graph (the only dataset here)."""
        if not use_default_graph_as_union:
            raise ValueError("a remote store is queried with the union of its graphs as default graph")
        return self.remote.select(text, self.timeout)

    def has_subject(self, node: ox.NamedNode) -> bool:
        return bool(self.query(f"ASK {{ {node} ?p ?o }}"))

    def outgoing(self, node: ox.NamedNode) -> set[ox.Triple]:
        return {ox.Triple(node, row["p"], row["o"]) for row in self.query(_fill(_OUTGOING, entity=node))}

    def incoming(self, node: ox.NamedNode) -> set[ox.Triple]:
        return {ox.Triple(row["s"], row["p"], node) for row in self.query(_fill(_INCOMING, entity=node))}

    def owned(self, entity: ox.NamedNode, own: str, ours: str,
              outgoing: Iterable[ox.Triple] | None = None) -> set[ox.Triple]:
        """One query (the store joins; ``outgoing`` is not needed)."""
        text = _fill(_OWNED, entity=entity, own=ox.Literal(own), ours=ox.Literal(ours))
        return {ox.Triple(row["r"], row["p"], row["o"]) for row in self.query(text)}

    def label_triples(self, iris: Iterable[str], predicates: Sequence[str]) -> set[ox.Triple]:
        """A few SELECTs with VALUES blocks (one request per :data:`LABELS_PER_QUERY` IRIs)."""
        iris = list(iris)
        found: set[ox.Triple] = set()
        wanted = " ".join(f"<{p}>" for p in predicates)
        for start in range(0, len(iris), LABELS_PER_QUERY):
            subjects = " ".join(f"<{iri}>" for iri in iris[start:start + LABELS_PER_QUERY])
            rows = self.query(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {subjects} }} VALUES ?p {{ {wanted} }} ?s ?p ?o }}")
            found.update(ox.Triple(row["s"], row["p"], row["o"]) for row in rows)
        return found

    def named_graphs(self) -> list[ox.NamedNode]:
        return [ox.NamedNode(g) for g in sorted(self.remote.graph_counts(self.timeout))]


def _fill(query: str, **terms: ox.NamedNode | ox.Literal) -> str:
    """``query`` with each ``?name`` of ``terms`` replaced by that term, in one pass.

    Remote stores take no bindings, so the terms are written into the text, in their
    N-Triples form (safe: NamedNode and Literal validate and escape)."""
    return re.sub(r"\?(\w+)", lambda m: str(terms[m[1]]) if m[1] in terms else m[0], query)


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


class RemoteQueryStore:
    """A remote SPARQL 1.1 store, queried with the protocol's dataset, its results read back as
    pyoxigraph objects (the query form picks the result format asked of it)."""

    def __init__(self, remote: RemoteStore):
        self.remote = remote

    def evaluate(self, query: str, dataset: Dataset, base_iri: str | None, timeout: float):
        kind = query_kind(query)
        if kind is None:
            raise QueryRejected("query syntax error: expected a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        text = f"BASE <{base_iri}>\n{query}" if base_iri else query
        try:
            response = self.remote.query(text, TRIPLES_TYPE if kind == "graph" else SOLUTIONS_TYPE, timeout,
                                         default_graphs=dataset.default_graphs, named_graphs=dataset.named_graphs)
        except RemoteRejected as error:
            raise QueryRejected(f"query rejected by the SPARQL store: {error}") from None
        except RemoteTimeout as error:
            raise QueryTimeout(f"{error}; narrow the query or add a LIMIT") from None
        if kind == "graph":
            quads = ox.parse(response.body, ox.RdfFormat.N_TRIPLES)
            return (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
        return ox.parse_query_results(response.body, ox.QueryResultsFormat.XML)
