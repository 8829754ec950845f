"""The full-text index of the site's search: an SQLite FTS5 table of titles, names and texts,
ignoring accents and case (``unicode61 remove_diacritics 2``: "kpalime" finds "Kpalimé").

Only what :data:`INDEXED` names is indexed: partnership titles and texts, and the labels of
collectivities, organisations, countries and themes. Contacts and volunteers (``vcard:``,
present only in stores loaded with ``--include-contacts``) are never read, so never indexed.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from atlas_graph.store.site.graph import Graph

#: kind → the SPARQL pattern binding ?s and its ?label, for each kind of searchable resource.
INDEXED = {
    "partnership": "?s a atlas:Partnership ; dct:title ?label .",
    "french": "?s a atlas:FrenchCollectivity ; skos:prefLabel ?label .",
    "foreign": "?s a atlas:ForeignCollectivity ; skos:prefLabel ?label .",
    "organization": "?s a org:Organization ; skos:prefLabel ?label . FILTER NOT EXISTS { ?s a atlas:Collectivity }",
    "country": "?s a atlas:Country ; skos:prefLabel ?label .",
    "theme": """?s a skos:Concept ; skos:prefLabel ?label . FILTER(CONTAINS(STR(?s), "/id/theme/"))""",
}
#: The texts indexed with a resource, besides its label: partnerships' texts, other spellings.
BODY = "?s atlas:context|atlas:history|atlas:objective|dct:description|skos:altLabel ?text ."
SCHEMA = ('CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, kind UNINDEXED, label, body, '
          'tokenize="unicode61 remove_diacritics 2")')

Document = tuple[str, str, str, str]  # path, kind, label, body


def documents(graph: Graph) -> Iterator[Document]:
    """(path, kind, label, body) for every searchable resource.

    A few simple queries joined here: much faster than grouping texts in SPARQL."""
    bodies: dict[str, list[str]] = defaultdict(list)
    for row in graph.select(f"SELECT ?s ?text WHERE {{ {BODY} }}"):
        bodies[row["s"].value].append(row["text"].value)
    for kind, pattern in INDEXED.items():
        found: dict[str, tuple[str, str, list[str]]] = {}  # a country has a label per language: French first
        for row in graph.select(f"SELECT ?s ?label WHERE {{ {pattern} }} ORDER BY ?s DESC(lang(?label) = 'fr')"):
            named = graph.named(row["s"], row["label"])
            if named.iri in found:
                found[named.iri][2].append(named.label)
            else:
                found[named.iri] = (named.path, named.label, [])
        for iri, (path, label, other_labels) in found.items():
            yield path, kind, label, "\n".join([*bodies.get(iri, []), *other_labels])


def fill(connection: sqlite3.Connection, found: Iterable[Document]) -> sqlite3.Connection:
    """``connection`` with the index of ``found`` (an empty database: a file, or in memory)."""
    connection.execute(SCHEMA)
    connection.executemany("INSERT INTO docs (path, kind, label, body) VALUES (?, ?, ?, ?)", found)
    connection.commit()
    return connection


def write_index(path: Path, graph: Graph) -> None:
    """The index of ``graph`` into a new file ``path``."""
    path.unlink(missing_ok=True)
    fill(sqlite3.connect(path), documents(graph)).close()
