"""Full-text search over titles, names and descriptions, ignoring accents and case.

An SQLite FTS5 index (``unicode61 remove_diacritics 2``: "kpalime" finds "Kpalimé") per store
generation, built on the first search of that generation. It lives in the generation's folder as
``search.sqlite`` (written to a temporary name, then renamed, so concurrent workers never see
half an index); when that folder is not writable, each worker keeps it in memory. Each worker
keeps its connection to the current generation's index (:mod:`..generation_cache`).

Only what :data:`INDEXED` names is indexed: partnership titles and texts, and the labels of
collectivities, organisations, countries and themes. Contacts and volunteers (``vcard:``,
present only in stores loaded with ``--include-contacts``) are never read, so never indexed.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from atlas_graph.server.site import data as site_data

INDEX_FILE = "search.sqlite"
#: Where each app keeps the current generation's index (made by the site's blueprint).
CACHE = "atlas.search_index"
#: Result groups, in display order: kind → the rdf:type that makes it.
GROUPS = ["partnership", "french", "foreign", "organization", "country", "theme"]
PER_GROUP = 20
MAX_TERMS = 12

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


@dataclass(frozen=True)
class Hit:
    path: str
    label: str
    snippet: str | None  # an excerpt of the body around the match, for partnerships


@dataclass(frozen=True)
class Group:
    kind: str
    hits: list[Hit]
    total: int


def search(text: str) -> list[Group]:
    """The resources matching every word of ``text`` (words as prefixes), grouped by kind."""
    match = match_expression(text)
    if match is None:
        return []
    connection = _index()
    groups = []
    with _lock:
        for kind in GROUPS:
            total = connection.execute("SELECT count(*) FROM docs WHERE docs MATCH ? AND kind = ?",
                                       (match, kind)).fetchone()[0]
            if not total:
                continue
            rows = connection.execute(
                "SELECT path, label, snippet(docs, 3, '', '', '…', 24) FROM docs "
                "WHERE docs MATCH ? AND kind = ? ORDER BY bm25(docs, 0, 0, 10, 1), label LIMIT ?",
                (match, kind, PER_GROUP)).fetchall()
            groups.append(Group(kind, [Hit(path, label, snippet if kind == "partnership" and snippet else None)
                                       for path, label, snippet in rows], total))
    return groups


def matching_paths(text: str, kind: str) -> frozenset[str]:
    """The paths of every resource of ``kind`` matching ``text`` as :func:`search` matches it (the
    last few answers are kept per generation: a selection's pages and exports ask the same)."""
    match = match_expression(text)
    if match is None:
        return frozenset()
    generation = site_data.generation().name
    key = (generation, match, kind)
    with _lock:
        found = _recent_matches.get(key)
    if found is not None:
        return found
    connection = _index()
    with _lock:
        rows = connection.execute("SELECT path FROM docs WHERE docs MATCH ? AND kind = ?", (match, kind)).fetchall()
        found = frozenset(path for (path,) in rows)
        if any(k[0] != generation for k in _recent_matches):
            _recent_matches.clear()
        _recent_matches[key] = found
        while len(_recent_matches) > RECENT_MATCHES:
            _recent_matches.pop(next(iter(_recent_matches)))
    return found


def match_expression(text: str) -> str | None:
    """An FTS5 query from what a person typed: each word a quoted prefix, all required."""
    words = re.findall(r"\w+", text)[:MAX_TERMS]
    return " ".join(f'"{word}"*' for word in words) or None


# The index --------------------------------------------------------------------------------

_lock = threading.Lock()  # one query at a time on a connection
#: (generation, match, kind) → paths, oldest first: the answers of :func:`matching_paths`.
_recent_matches: dict[tuple[str, str, str], frozenset[str]] = {}
RECENT_MATCHES = 32
SCHEMA = ('CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, kind UNINDEXED, label, body, '
          'tokenize="unicode61 remove_diacritics 2")')


def _index() -> sqlite3.Connection:
    """The current generation's index, built if it does not exist yet."""
    generation = site_data.generation()
    return current_app.extensions[CACHE].get_or_compute(generation.name, INDEX_FILE, lambda: _build(generation.path))


def _build(folder: Path) -> sqlite3.Connection:
    """The index in ``folder`` (read from the graph only when the file is not there yet), else
    (not writable) in memory."""
    documents: list[tuple[str, str, str, str]] = []

    def read() -> list[tuple[str, str, str, str]]:
        if not documents:
            documents.extend(_documents())
        return documents

    connection = _open_file(folder, read)
    return connection or _fill(sqlite3.connect(":memory:", check_same_thread=False), read())


def _open_file(folder: Path, documents: Callable[[], list[tuple[str, str, str, str]]]) -> sqlite3.Connection | None:
    path = folder / INDEX_FILE
    try:
        if not path.exists():
            temporary = folder / f"{INDEX_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
            temporary.unlink(missing_ok=True)
            _fill(sqlite3.connect(temporary), documents()).close()
            os.replace(temporary, path)
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except (OSError, sqlite3.Error):
        return None


def _fill(connection: sqlite3.Connection, documents: list[tuple[str, str, str, str]]) -> sqlite3.Connection:
    connection.execute(SCHEMA)
    connection.executemany("INSERT INTO docs (path, kind, label, body) VALUES (?, ?, ?, ?)", documents)
    connection.commit()
    return connection


def _documents():
    """(path, kind, label, body) for every searchable resource.

    A few simple queries joined here: much faster than grouping texts in SPARQL."""
    bodies: dict[str, list[str]] = defaultdict(list)
    for row in site_data.select(f"SELECT ?s ?text WHERE {{ {BODY} }}"):
        bodies[row["s"].value].append(row["text"].value)
    for kind, pattern in INDEXED.items():
        found: dict[str, tuple[str, str, list[str]]] = {}  # a country has a label per language: French first
        for row in site_data.select(f"SELECT ?s ?label WHERE {{ {pattern} }} ORDER BY ?s DESC(lang(?label) = 'fr')"):
            named = site_data.named(row["s"], row["label"])
            if named.iri in found:
                found[named.iri][2].append(named.label)
            else:
                found[named.iri] = (named.path, named.label, [])
        for iri, (path, label, other_labels) in found.items():
            yield path, kind, label, "\n".join([*bodies.get(iri, []), *other_labels])
