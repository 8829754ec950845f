"""Copy a store's named graphs to a remote SPARQL 1.1 store, graph by graph, then compare counts.

Each graph is replaced whole (Graph Store Protocol ``PUT``, or ``DROP SILENT GRAPH`` +
``INSERT DATA``), so sending one twice is harmless. What was sent is remembered in
``STORE/published.json``: per remote store, each graph's content hash (SHA-256 of its sorted
N-Triples). A graph is skipped when its hash is the one remembered *and* the remote store holds
as many triples in it as the local one: a remote store that was wiped or changed behind our
back is repaired, not trusted. The file is written every 2 seconds or 200 graphs sent while
publishing, so a publish that is killed starts again where it was. Remote graphs under ``B graph/`` that the
local store no longer has are dropped. The remote dataset holds nothing but the data.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from atlas_graph.remote.store import RemoteStore
from atlas_graph.store.generations import StoreDir, write_json

STATE_FILE = "published.json"
SAVE_EVERY = 2.0  # seconds between writes of the state file …
SAVE_EVERY_GRAPHS = 200  # … or graphs sent, whichever comes first


@dataclass
class PublishSummary:
    graphs: int = 0
    sent: int = 0
    skipped: int = 0
    dropped: int = 0
    triples: int = 0
    sent_triples: int = 0
    seconds: float = 0.0
    mismatches: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LocalGraph:
    iri: str
    ntriples: bytes
    triples: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.ntriples).hexdigest()


def local_graphs(store: ox.Store) -> Iterator[LocalGraph]:
    """Each named graph of ``store`` as sorted N-Triples, in IRI order."""
    for graph in sorted((g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value):
        lines = sorted(ox.serialize([ox.Triple(q.subject, q.predicate, q.object)
                                     for q in store.quads_for_pattern(None, None, None, graph)],
                                    format=ox.RdfFormat.N_TRIPLES).splitlines(keepends=True))
        yield LocalGraph(graph.value, b"".join(lines), len(lines))


def publish(store_dir: StoreDir, remote: RemoteStore, progress: Callable[[int], None] | None = None) -> PublishSummary:
    started = time.monotonic()
    summary = PublishSummary()
    generation = store_dir.reader()
    base = store_dir.state().get("base_uri", "")
    ours = f"{base}graph/"
    target = remote.graph_store_url or remote.update_url
    state_path = store_dir.path / STATE_FILE
    state = json.loads(state_path.read_text("utf-8")) if state_path.exists() else {}
    published: dict[str, str] = state.setdefault(target, {}).setdefault("graphs", {})
    remote_counts = remote.graph_counts()
    local_counts: dict[str, int] = {}
    last_save, unsaved = time.monotonic(), 0
    for graph in local_graphs(generation.store):
        local_counts[graph.iri] = graph.triples
        summary.graphs += 1
        summary.triples += graph.triples
        digest = graph.sha256
        if published.get(graph.iri) == digest and remote_counts.get(graph.iri) == graph.triples:
            summary.skipped += 1
        else:
            published.pop(graph.iri, None)  # unknown until the store has confirmed it
            remote.put_graph(graph.iri, graph.ntriples)
            published[graph.iri] = digest
            summary.sent += 1
            summary.sent_triples += graph.triples
            unsaved += 1
        if progress:
            progress(1)
        if unsaved >= SAVE_EVERY_GRAPHS or time.monotonic() - last_save > SAVE_EVERY:
            write_json(state_path, state)
            last_save, unsaved = time.monotonic(), 0
    for iri in sorted(set(remote_counts) - set(local_counts)):
        if iri.startswith(ours):
            remote.drop_graph(iri)
            published.pop(iri, None)
            summary.dropped += 1
    for iri in set(published) - set(local_counts):
        published.pop(iri)
    write_json(state_path, state)
    summary.mismatches = compare_counts(local_counts, remote.graph_counts(), ours)
    summary.seconds = time.monotonic() - started
    return summary


def compare_counts(local: dict[str, int], remote: dict[str, int], ours: str) -> list[str]:
    """One line per graph whose triple count differs (or that only one side has), and the total."""
    problems = [f"{iri}: {local.get(iri, 0)} triples here, {remote.get(iri, 0)} in the remote store"
                for iri in sorted(set(local) | {g for g in remote if g.startswith(ours)})
                if local.get(iri, 0) != remote.get(iri, 0)]
    local_total = sum(local.values())
    remote_total = sum(remote.get(iri, 0) for iri in local)
    if local_total != remote_total:
        problems.append(f"total: {local_total} triples here, {remote_total} in the remote store's copies")
    return problems
