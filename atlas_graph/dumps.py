"""Full dumps of a store generation, with the byte size and checksum the catalog publishes."""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from .pipeline import PREFIXES

# Every distinct triple of every graph (the default graph included), grouped by subject.
_ALL_TRIPLES = """
CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o }
"""


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
    """Write every dump of DUMPS into ``folder``; gzip level 6, deterministic (no mtime)."""
    folder.mkdir(parents=True, exist_ok=True)
    dumps = []
    triple_count = 0
    for name, (media_type, title, rdf_format) in DUMPS.items():
        path = folder / name
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as out:
            counter = _CountingWriter(out)
            if rdf_format == ox.RdfFormat.N_QUADS:
                store.dump(counter, format=rdf_format)
            else:
                all_triples = store.query(_ALL_TRIPLES, use_default_graph_as_union=True)
                ox.serialize(all_triples, counter, format=rdf_format,
                             prefixes=PREFIXES if rdf_format == ox.RdfFormat.TURTLE else None)
        _fsync(path)
        if rdf_format == ox.RdfFormat.N_TRIPLES:
            triple_count = counter.lines
        records = triple_count if rdf_format == ox.RdfFormat.TURTLE else counter.lines
        dumps.append(Dump(name, media_type, title, path.stat().st_size, _sha256(path), records))
    return dumps


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
