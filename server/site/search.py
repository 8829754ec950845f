"""Full-text search over titles, names and descriptions, ignoring accents and case.

The index is the current generation's ``site/search.sqlite``, built before the generation was
switched in (:mod:`atlas_graph.store.site.search_index`) and opened read-only. A generation
without one (a store made by an older version, a remote store) gets the same index built in
each worker's memory, never written anywhere. Each worker keeps its connection to the current
generation's index (:mod:`..generation_cache`).
"""

from __future__ import annotations

import heapq
import re
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass

from flask import current_app

from atlas_graph.server.site import data as site_data
from atlas_graph.store.site.build import INDEX_FILE
from atlas_graph.store.site.search_index import documents, fill

#: Where each app keeps the current generation's index (made by the site's blueprint).
CACHE = "atlas.search_index"
#: Result groups, in display order: kind → the rdf:type that makes it.
GROUPS = ["partnership", "french", "foreign", "organization", "country", "theme"]
PER_GROUP = 20
MAX_TERMS = 12


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
    """The resources matching every word of ``text`` (words as prefixes), grouped by kind, the
    best first. One pass over the matches counts and ranks every group (a common word matches
    most of the index); only the partnerships shown get their snippet."""
    match = match_expression(text)
    if match is None:
        return []
    connection = _index()
    found: dict[str, list[tuple[float, str, str, int]]] = defaultdict(list)
    with _lock:
        for rowid, kind, path, label, score in connection.execute(
                "SELECT rowid, kind, path, label, bm25(docs, 0, 0, 10, 1) FROM docs WHERE docs MATCH ?", (match,)):
            found[kind].append((score, label, path, rowid))
        best = {kind: heapq.nsmallest(PER_GROUP, found[kind]) for kind in GROUPS if found.get(kind)}
        shown = [rowid for *_, rowid in best.get("partnership", [])]
        snippets = dict(connection.execute(
            "SELECT rowid, snippet(docs, 3, '', '', '…', 24) FROM docs "
            f"WHERE docs MATCH ? AND rowid IN ({', '.join('?' * len(shown))})", (match, *shown))) if shown else {}
    return [Group(kind, [Hit(path, label, snippets.get(rowid) or None) for _, label, path, rowid in rows],
                  len(found[kind]))
            for kind, rows in best.items()]


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


def warm_up() -> None:
    """Open the current generation's index: what a new worker does before its first search."""
    _index()


def _index() -> sqlite3.Connection:
    """The current generation's index: its file, opened read-only, else built in memory."""
    generation = site_data.generation()
    return current_app.extensions[CACHE].get_or_compute(generation.name, INDEX_FILE, _open)


def _open() -> sqlite3.Connection:
    path = site_data.site_file(INDEX_FILE)
    if path is not None:
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            connection.execute("SELECT count(*) FROM docs").fetchone()
            return connection
        except sqlite3.Error:
            pass  # unreadable: the same index, in memory
    return fill(sqlite3.connect(":memory:", check_same_thread=False), documents(site_data.graph()))
