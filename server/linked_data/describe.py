"""An entity's description, read from the store: what ``/data/...`` serves and ``/page/...`` shows.

Pure functions over a store (any graph: the union of the named graphs) and an entity URI; no
HTTP here. The store is a pyoxigraph store or a reader from :mod:`.backend` (a remote SPARQL
store): the same queries, and labels by index lookups in process or by a query remotely.
A description holds:

- the entity's own triples (it is their subject);
- its incoming links (it is their object), at most ``incoming_cap`` of them, with the total;
- the triples of the resources it *owns*, so one request is enough to use it: its
  sub-resources (URIs under its own, e.g. a partnership's funding rows with their amounts),
  blank nodes, and linked resources that are not dereferenceable here (outside ``B id/``,
  e.g. the capture named by ``prov:wasDerivedFrom``);
- the labels (``skos:prefLabel``, ``dct:title``, ``rdfs:label``) of every resource it links
  to or is linked from, so clients can show names instead of URIs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from atlas_graph import vocabulary
from atlas_graph.server.backend import reader_for

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
ATLAS = str(vocabulary.ATLAS)
#: Prefixes for serialisations and CURIEs.
PREFIXES = {
    "atlas": ATLAS, "dct": DCT, "skos": SKOS, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "foaf": FOAF,
    "void": VOID, "org": "http://www.w3.org/ns/org#", "prov": "http://www.w3.org/ns/prov#",
    "vcard": "http://www.w3.org/2006/vcard/ns#", "owl": "http://www.w3.org/2002/07/owl#",
}

#: Predicates whose values name a resource, best first.
LABEL_PREDICATES = (SKOS + "prefLabel", DCT + "title", RDFS + "label")
#: At most this many incoming links are described; the rest are counted.
INCOMING_CAP = 1000

@dataclass(frozen=True)
class Description:
    entity: ox.NamedNode
    outgoing: tuple[ox.Triple, ...]
    incoming: tuple[ox.Triple, ...]
    incoming_total: int
    owned: tuple[ox.Triple, ...]
    labels: tuple[ox.Triple, ...]

    @property
    def incoming_truncated(self) -> bool:
        return self.incoming_total > len(self.incoming)

    def triples(self) -> list[ox.Triple]:
        """Every triple of the description, each once, in a stable order."""
        return list(dict.fromkeys((*self.outgoing, *self.owned, *self.incoming, *self.labels)))


def entity_uri(base_uri: str, path: str) -> ox.NamedNode | None:
    """The URI ``B id/{path}``, or None when ``path`` cannot be part of an IRI."""
    try:
        return ox.NamedNode(f"{base_uri}id/{path}")
    except ValueError:
        return None


def exists(store, entity: ox.NamedNode) -> bool:
    """Whether the store says anything about ``entity`` (as a subject, in any graph)."""
    return reader_for(store).has_subject(entity)


def describe(store, entity: ox.NamedNode, base_uri: str,
             incoming_cap: int = INCOMING_CAP) -> Description | None:
    """The description of ``entity`` (see the module docstring), or None if it is unknown.

    Each part is in a stable order (the bytes served must not depend on the process that
    read them: the ETag says they do not)."""
    store = reader_for(store)
    outgoing = sorted(store.outgoing(entity), key=_triple_key)
    if not outgoing:
        return None
    links = sorted(store.incoming(entity), key=lambda t: (t.predicate.value, str(t.subject)))
    incoming = tuple(links[:incoming_cap])
    owned = sorted(store.owned(entity, entity.value + "/", f"{base_uri}id/", outgoing), key=_triple_key)
    linked = [t.object for t in (*outgoing, *owned)] + [t.subject for t in incoming]
    labels = tuple(label_triples(store, (r for r in linked if r != entity)))
    return Description(entity, tuple(outgoing), incoming, len(links), tuple(owned), labels)


def label_triples(store, resources: Iterable[ox.NamedNode | ox.BlankNode | ox.Literal]) -> list[ox.Triple]:
    """The label triples of the named nodes among ``resources``."""
    named = sorted({r.value for r in resources if isinstance(r, ox.NamedNode)})
    return sorted(reader_for(store).label_triples(named, LABEL_PREDICATES), key=str)


def _term_key(term) -> tuple:
    """SPARQL's order of kinds (blank nodes, IRIs, literals), then value, language, datatype."""
    if isinstance(term, ox.Literal):
        return 2, term.value, term.language or "", term.datatype.value
    return (0 if isinstance(term, ox.BlankNode) else 1), term.value


def _triple_key(triple: ox.Triple) -> tuple:
    return _term_key(triple.subject), triple.predicate.value, _term_key(triple.object)


# The document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """The data document about an entity: its URI, its formats, when the data last changed."""

    uri: str
    formats: tuple[tuple[str, str], ...]  # (URI of the document in that format, media type)
    dataset: str
    modified: str | None  # xsd:dateTime lexical form


def document_triples(document: Document, description: Description,
                     sparql_endpoint: str | None = None) -> list[ox.Triple]:
    """What the document says about itself: its topic, dataset, date, formats, and truncation."""
    doc = ox.NamedNode(document.uri)
    triples = [
        ox.Triple(doc, ox.NamedNode(RDF + "type"), ox.NamedNode(FOAF + "Document")),
        ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), description.entity),
        ox.Triple(doc, ox.NamedNode(VOID + "inDataset"), ox.NamedNode(document.dataset)),
    ]
    if document.modified:
        triples.append(ox.Triple(doc, ox.NamedNode(DCT + "modified"),
                                 ox.Literal(document.modified, datatype=ox.NamedNode(XSD + "dateTime"))))
    for uri, media_type in document.formats:
        variant = ox.NamedNode(uri)
        triples.append(ox.Triple(doc, ox.NamedNode(DCT + "hasFormat"), variant))
        triples.append(ox.Triple(variant, ox.NamedNode(DCT + "format"), ox.Literal(media_type)))
    if description.incoming_truncated:
        note = (f"Only {len(description.incoming)} of the {description.incoming_total} links to "
                f"{description.entity.value} are listed here"
                + (f"; query {sparql_endpoint} for all of them." if sparql_endpoint else "."))
        triples.append(ox.Triple(doc, ox.NamedNode(RDFS + "comment"), ox.Literal(note, language="en")))
    return triples
