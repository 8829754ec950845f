"""Full dumps of a store generation, with the byte size and checksum the catalog publishes."""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from .pipeline import PREFIXES

# Every distinct triple of every graph (the default graph included). No ORDER BY: sorting
# costs ten times the rest, and the store's index order already groups triples by subject.
# Used only when the default graph holds triples (see _distinct_triples): Oxigraph keeps every
# triple of the union in a hash set to answer it (500 MB at 12,000 records).
_ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


@dataclass(frozen=True)
class Dump:
    name: str  # file name under /dumps/
    media_type: str  # of the uncompressed content
    title: str
    bytes: int
    sha256: str
    records: int  # triples, or quads for N-Quads


DUMPS = {  # file name → (media type, title, format)
    "atlas.nt.gz": ("application/n-triples", "N-Triples", ox.RdfFormat.N_TRIPLES),
    "atlas.ttl.gz": ("text/turtle", "Turtle", ox.RdfFormat.TURTLE),
    "atlas.nq.gz": ("application/n-quads", "N-Quads (one named graph per record)", ox.RdfFormat.N_QUADS),
}


class _CountingWriter:
    """Counts the lines written through it (one per triple or quad in N-Triples/N-Quads)."""

    def __init__(self, out):
        self.out = out
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.lines += data.count(b"\n")
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()


def write_dumps(store: ox.Store, folder: Path) -> list[Dump]:
    """Write every dump of DUMPS into ``folder``, side by side in child processes: writing a
    dump is mostly Python-driven (see _distinct_triples), so threads would queue on the GIL.
    The children read a checkpoint of ``store`` (hard links, cheap): opening the live database
    read-only races with its compactions. gzip level 1: five times faster than the default for
    ~25 % more bytes; deterministic (no mtime in the header)."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix="dump-checkpoint-") as checkpoint:
        snapshot = str(Path(checkpoint) / "oxigraph")
        store.backup(snapshot)
        # Never fork: the caller has threads (RocksDB's, a server's, a progress bar's), and a
        # child forked while one of them holds a lock waits for it forever.
        with ProcessPoolExecutor(max_workers=len(DUMPS), mp_context=multiprocessing.get_context("forkserver")) as pool:
            written = list(pool.map(_write_dump, [snapshot] * len(DUMPS), [folder] * len(DUMPS), DUMPS))
    triples = next(count for name, count in written if name == "atlas.nt.gz")
    dumps = []
    for name, count in written:
        media_type, title, rdf_format = DUMPS[name]
        path = folder / name
        records = triples if rdf_format == ox.RdfFormat.TURTLE else count
        dumps.append(Dump(name, media_type, title, path.stat().st_size, _sha256(path), records))
    return dumps


def _write_dump(store_path: str, folder: Path, name: str) -> tuple[str, int]:
    """Write one dump; returns its name and its line count."""
    store = ox.Store.read_only(store_path)
    rdf_format = DUMPS[name][2]
    path = folder / name
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as out:
        counter = _CountingWriter(out)
        if rdf_format == ox.RdfFormat.N_QUADS:
            store.dump(counter, format=rdf_format)
        else:
            ox.serialize(_distinct_triples(store), counter, format=rdf_format,
                         prefixes=PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None)
    _fsync(path)
    return name, counter.lines


def _distinct_triples(store: ox.Store) -> Iterator[ox.Triple]:
    """Every distinct triple of the store, in constant memory.

    Oxigraph hands back the named graphs' quads in subject, predicate, object, graph order, so
    a triple found in several graphs comes in a row: skipping a repeat of the previous one
    leaves each triple once. Triples of the default graph come apart from that order; when
    there are any (a SPARQL Update may put some there), the union is asked for instead."""
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        yield from store.query(_ALL_TRIPLES, use_default_graph_as_union=True)
        return
    previous = None
    for quad in store.quads_for_pattern(None, None, None, None):
        triple = quad.triple
        if triple != previous:
            yield triple
            previous = triple


def _fsync(path: Path) -> None:
    with open(path, "rb") as written:
        os.fsync(written.fileno())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def as_json(dumps: list[Dump]) -> list[dict]:
    return [asdict(d) for d in dumps]
