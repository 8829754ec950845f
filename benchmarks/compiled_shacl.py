"""Time the SHACL check of one load chunk: pyshacl (validate_records) vs the compiled SPARQL
check (atlas_graph.validation.compiled), on the same 500 records in the same run.

    python -m benchmarks.compiled_shacl [--records 500] [--repeat 3] [--corpus var/bench/synth-12000-seed1]

Times are CPU seconds of the process. The records go through parse → map as in
load._process_chunk. Printed per repeat, then medians:
pyshacl's validate_records on the chunk (entities validated once, then the record shapes);
filling an in-memory pyoxigraph store with the chunk (one named graph per record + the
entities graph); compiled.run on it with every shape, and with the record shapes only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from atlas_graph.ingest.mapping import entity_triples, map_record
from atlas_graph.ingest.parse import parse_bytes
from atlas_graph.oxi import quads
from atlas_graph.resources import shapes_graph
from atlas_graph.uris import DEFAULT_BASE, URIs
from atlas_graph.validation.compiled import compile_shapes
from atlas_graph.validation.shacl import _record_shapes, validate_records

CORPUS = Path(__file__).resolve().parents[1] / "var" / "bench" / "synth-12000-seed1"


def chunk(corpus: Path, count: int):
    uris = URIs(DEFAULT_BASE)
    mapped = []
    for path in sorted(corpus.glob("*.txt"))[:count]:
        result = parse_bytes(path.read_bytes(), source=str(path), stem=path.stem)
        if result.record is not None:
            mapped.append(map_record(result.record, uris, include_contacts=False))
    entities = list(entity_triples((m for record in mapped for m in record.mentions), uris))
    return mapped, entities, uris


def rdflib_graph(triples, scratch: bool = True):
    """As load._graph builds them: records in the fastest store, entities in a context-aware one."""
    from rdflib import Graph

    graph = Graph(store="SimpleMemory" if scratch else "default", bind_namespaces="none")
    for triple in triples:
        graph.add(triple)
    return graph


def timed(function):
    """CPU seconds of this process (the machine is shared: wall time swings with the others'
    load; every stage here runs in this one thread)."""
    started = time.process_time()
    value = function()
    return time.process_time() - started, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    mapped, entities, uris = chunk(args.corpus, args.records)
    every_shape = compile_shapes(shapes_graph())
    record_shapes = compile_shapes(shapes_graph(), only=set(_record_shapes()))
    print(f"{len(mapped)} records, {sum(len(r.triples) for r in mapped)} record triples, "
          f"{len(entities)} entity triples;"
          f" {len(every_shape)} compiled checks ({len(record_shapes)} for the record shapes)")
    rows = []
    for _ in range(args.repeat):
        graphs = [rdflib_graph(record.triples) for record in mapped]
        entity_graph = rdflib_graph(entities, scratch=False)
        pyshacl_time, reports = timed(lambda: list(validate_records(graphs, entity_graph)))

        def fill():
            store = ox.Store()
            for record in mapped:
                store.extend(quads(record.triples, record.graph))
            store.extend(quads(entities, uris.entities_graph()))
            return store

        fill_time, store = timed(fill)
        every_time, every_results = timed(lambda: every_shape.run(store))
        record_time, _ = timed(lambda: record_shapes.run(store))
        assert all(r.conforms for r in reports) and not every_results
        rows.append((pyshacl_time, fill_time, every_time, record_time))
        print(_timings(rows[-1]))
    medians = [statistics.median(column) for column in zip(*rows, strict=True)]
    print("median:", _timings(medians))
    print(f"pyshacl ÷ (fill + compiled, every shape) = {medians[0] / (medians[1] + medians[2]):.1f}×")


def _timings(row) -> str:
    pyshacl_time, fill_time, every_time, record_time = row
    return (f"pyshacl {pyshacl_time:.3f} s | fill store {fill_time:.3f} s | compiled, every shape {every_time:.3f} s"
            f" | compiled, record shapes {record_time:.3f} s")


if __name__ == "__main__":
    main()
