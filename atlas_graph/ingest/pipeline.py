"""Input files → parsed records → mapped records + the shared entities graph.

The pure stages (parse, map) chained over a batch, in an order that does not depend on the
order the inputs were given in. Shared by ``convert`` and ``load``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from atlas_graph.ingest.mapping import entity_triples, map_record
from atlas_graph.model import Batch, ParseResult, Problem, Triple
from atlas_graph.ingest.parse import parse_file
from atlas_graph.uris import ATLAS, URIs

PREFIXES = {
    "atlas": str(ATLAS),
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


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


def map_results(results: Iterable[ParseResult], uris: URIs, include_contacts: bool) -> Batch:
    """Map parsed captures; two captures with one record id: the first (by source) is kept."""
    batch = Batch([], [], [])
    seen: dict[str, str] = {}
    for result in sorted(results, key=lambda r: r.source):
        batch.problems.extend(result.problems)
        if result.record is None:
            batch.rejected.append(result.source)
            continue
        record_id = result.record.record_id
        if record_id in seen:
            batch.problems.append(Problem(result.source, None, "record", record_id,
                                          f"same record id as {seen[record_id]}; this capture is left out"))
            batch.rejected.append(result.source)
            continue
        seen[record_id] = result.source
        mapped = map_record(result.record, uris, include_contacts)
        batch.problems.extend(mapped.problems)
        batch.records.append(mapped)
    batch.records.sort(key=lambda r: r.record_id)
    return batch


def convert_files(files: Iterable[Path], uris: URIs, include_contacts: bool = False, progress=None) -> Batch:
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


def to_dataset(batch: Batch, uris: URIs) -> Dataset:
    """One named graph per record, plus the shared entities graph."""
    dataset = _OrderedDataset()
    _bind(dataset)
    for record in batch.records:
        _fill(dataset.graph(record.graph), record.triples)
    _fill(dataset.graph(uris.entities_graph()), entity_triples(batch.mentions(), uris))
    return dataset


def to_graph(batch: Batch, uris: URIs) -> Graph:
    """Every triple of the batch in one graph."""
    graph = Graph()
    _bind(graph)
    for record in batch.records:
        _fill(graph, record.triples)
    _fill(graph, entity_triples(batch.mentions(), uris))
    return graph


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, URIRef(namespace))


def _fill(graph: Graph, triples: Iterable[Triple]) -> None:
    for triple in triples:
        graph.add(triple)
