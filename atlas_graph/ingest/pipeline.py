"""Input files → parsed records → mapped records + the shared entities graph.

The pure stages (parse, map) chained over a batch, in an order that does not depend on the
order the inputs were given in: the one path of ``convert`` and of each chunk of ``load``.
The loader also applies :class:`RecordIds` across its chunks and to the records it stored.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from atlas_graph.ingest.mapping import entity_triples, map_record
from atlas_graph.ingest.parse import parse_file
from atlas_graph.link.reconcile import Link, Linker, entities
from atlas_graph.model import Batch, Capture, ParseResult, Problem, Triple
from atlas_graph.uris import URIs
from atlas_graph.vocabulary import PREFIXES


class InputError(Exception):
    """An input path that does not exist or holds no record file (a usage error)."""


def record_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Record files named directly, or the ``*.txt`` files of the folders named; sorted."""
    files: set[Path] = set()
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.update(p for p in path.glob("*.txt") if p.is_file())
        elif path.is_file():
            files.add(path)
        else:
            raise InputError(f"{item}: no such file or folder")
    if not files:
        raise InputError("no record files found (folders are searched for *.txt)")
    return sorted(files)


class RecordIds:
    """Which capture holds each record id: the first to claim it. A later capture with that id
    is left out (never mapped next to the first, where the two would describe one node), with
    the one problem that says so."""

    def __init__(self, holders: dict[str, str] | None = None) -> None:
        self._holders = dict(holders or {})  # record id → the source that holds it

    def claim(self, record_id: str, source: str) -> Problem | None:
        """None when ``source`` holds ``record_id`` (now or already), else why it is left out."""
        holder = self._holders.setdefault(record_id, source)
        if holder == source:
            return None
        return Problem(source, None, "record", record_id, f"same record id as {holder}; this capture is left out")

    def release(self, record_id: str) -> None:
        self._holders.pop(record_id, None)


def map_results(results: Iterable[ParseResult], uris: URIs, include_contacts: bool) -> Batch:
    """Map parsed captures, in the order of their sources; of two captures with one record id,
    the first is kept."""
    ids = RecordIds()
    captures = tuple(_map_capture(result, ids, uris, include_contacts)
                     for result in sorted(results, key=lambda r: r.source))
    records = tuple(sorted((c.record for c in captures if c.record is not None), key=lambda r: r.record_id))
    return Batch(captures, records)


def _map_capture(result: ParseResult, ids: RecordIds, uris: URIs, include_contacts: bool) -> Capture:
    if result.record is None:
        return Capture(result.source, None, None, result.problems)
    duplicate = ids.claim(result.record.record_id, result.source)
    if duplicate:
        return Capture(result.source, None, None, result.problems + (duplicate,))
    mapped = map_record(result.record, uris, include_contacts)
    return Capture(result.source, mapped, result.record.content_hash, result.problems + mapped.problems)


def shared_entities(batch: Batch, uris: URIs, linker: Linker | None = None) -> list[Triple]:
    """The shared entities graph of a batch: every entity its records mention, each labelled
    from all their spellings, and with ``linker`` their links (see mapping.entity_triples)."""
    return entity_triples(batch.mentions(), uris, linker)


def batch_links(batch: Batch, linker: Linker) -> list[Link]:
    """Every link of the batch's entities, linked or not: the ones the graph has (the same
    entities, the same linker, so the same answers), and why the others are not."""
    return linker.link_all(entities(batch.mentions()))


def convert_files(files: Iterable[str | Path], uris: URIs, include_contacts: bool = False,
                  progress: Callable[[], None] | None = None) -> Batch:
    """Parse and map record files (see map_results); ``progress()`` is called after each file."""
    results = []
    for path in files:
        results.append(parse_file(path))
        if progress:
            progress()
    return map_results(results, uris, include_contacts)


class _OrderedDataset(Dataset):
    """A dataset that lists its graphs in the order of their names, so that serialisers that
    walk the graphs (TriG, JSON-LD) write the same bytes on every run."""

    def contexts(self, triple=None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            graphs = list(super().contexts(triple))
        return iter(sorted(graphs, key=lambda graph: str(graph.identifier)))

    def graphs(self, triple=None):
        return iter(sorted(super().graphs(triple), key=lambda graph: str(graph.identifier)))


def to_dataset(batch: Batch, uris: URIs, linker: Linker | None = None) -> Dataset:
    """One named graph per record, plus the shared entities graph (with links, given ``linker``)."""
    dataset = _OrderedDataset()
    _bind(dataset)
    for record in batch.records:
        _fill(dataset.graph(record.graph), record.triples)
    _fill(dataset.graph(uris.entities_graph()), shared_entities(batch, uris, linker))
    return dataset


def to_graph(batch: Batch, uris: URIs, linker: Linker | None = None) -> Graph:
    """Every triple of the batch in one graph."""
    graph = Graph()
    _bind(graph)
    for record in batch.records:
        _fill(graph, record.triples)
    _fill(graph, shared_entities(batch, uris, linker))
    return graph


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, URIRef(namespace))


def _fill(graph: Graph, triples: Iterable[Triple]) -> None:
    for triple in triples:
        graph.add(triple)
