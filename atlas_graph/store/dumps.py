"""Full dumps of a store generation, with the byte size and checksum the catalog publishes."""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import json
import multiprocessing
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from atlas_graph.formats import N_QUADS, N_TRIPLES, TURTLE, RdfSerialization
from atlas_graph.store.generations import is_storage_error
from atlas_graph.vocabulary import PREFIXES


@dataclass(frozen=True)
class Dump:
    name: str  # file name under /dumps/
    media_type: str  # of the uncompressed content
    title: str
    bytes: int
    sha256: str
    records: int  # triples, or quads for N-Quads


def dump_name(serialization: RdfSerialization) -> str:
    """The dump file of a format: ``atlas.nt.gz``."""
    return f"atlas.{serialization.extension}.gz"


NT_DUMP, TTL_DUMP, NQ_DUMP = dump_name(N_TRIPLES), dump_name(TURTLE), dump_name(N_QUADS)
DUMPS = {  # file name → (media type, title)
    NT_DUMP: (N_TRIPLES.media_type, N_TRIPLES.label),
    TTL_DUMP: (TURTLE.media_type, TURTLE.label),
    NQ_DUMP: (N_QUADS.media_type, f"{N_QUADS.label} (one named graph per record)"),
}


@dataclass
class TripleCounts:
    """VoID statistics counted while the N-Triples dump streams every distinct triple once:
    counting there costs a few operations per triple, where the same SPARQL aggregates over
    the union keep every triple in a hash set (docs/benchmarks.md, "Why the code is shaped so")."""

    triples: int = 0
    distinct_subjects: int = 0
    entities: int = 0  # distinct IRI subjects
    properties: Counter = field(default_factory=Counter)  # property IRI → distinct triples

    def as_stats(self) -> dict:
        return {"triples": self.triples, "distinct_subjects": self.distinct_subjects,
                "entities": self.entities, "properties": dict(self.properties)}


def write_dumps(store: ox.Store, folder: Path, content: BinaryIO | None = None) -> tuple[list[Dump], TripleCounts]:
    """Write every dump of DUMPS into ``folder``, reading the store at most once.

    Reading is the costly part (each term is looked up by its id; parsing the same N-Quads is
    several times faster). So one child process writes
    Oxigraph's own N-Quads dump and streams the same bytes through a pipe to a second child,
    which parses them and writes the distinct triples as N-Triples and Turtle at the same
    time. Processes, not threads: the triple stream is Python-driven and would queue on the GIL.

    The children read a checkpoint of ``store`` (hard links, cheap): opening the live database
    read-only races with its compactions. gzip level 1: much faster than the default for a
    few more bytes; deterministic (no mtime in the header). Also returns the counts taken
    on the way (see TripleCounts).

    ``content``: the store's whole content as N-Quads, each graph's quads together (what a
    load into an empty store has just bulk-loaded): then the store is not read at all; this
    process writes the N-Quads dump from it and streams it to the triples child."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix="dump-checkpoint-") as checkpoint:
        snapshot = str(Path(checkpoint) / "oxigraph")
        store.backup(snapshot)
        # Never fork: the caller has threads (RocksDB's, a server's, a progress bar's), and a
        # child forked while one of them holds a lock waits for it forever.
        context = multiprocessing.get_context("forkserver")
        receiver, sender = context.Pipe(duplex=False)
        results = Path(checkpoint)
        children = [context.Process(target=run_in_child, args=(_write_triples, results, (
            snapshot, folder / NT_DUMP, folder / TTL_DUMP, receiver, results)))]
        if content is None:
            children.append(context.Process(target=run_in_child, args=(
                _write_nquads, results, (snapshot, folder / NQ_DUMP, sender, results))))
        for child in children:
            child.start()
        receiver.close()  # the children hold the ends now: the reader sees the end of the data
        if content is not None:
            _write_nquads(content, folder / NQ_DUMP, sender, results)
        sender.close()
        for child in children:
            child.join()
        raise_child_failure(children, results, folder, "writing the dumps")
        quads = json.loads((results / "nquads.json").read_text())
        counts = TripleCounts(**json.loads((results / "triples.json").read_text()))
    lines = {NQ_DUMP: quads, NT_DUMP: counts.triples, TTL_DUMP: counts.triples}
    dumps = []
    for name, (media_type, title) in DUMPS.items():
        path = folder / name
        dumps.append(Dump(name, media_type, title, path.stat().st_size, _sha256(path), lines[name]))
    return dumps, counts


STORAGE_FAILURE = "storage-failure.json"
STORAGE_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO)


def run_in_child(target, results: Path, args: tuple) -> None:
    """Run a writer in its child process (``target(*args)``). A storage error (no space, the
    file-size limit, an I/O error) is handed to the parent in ``results`` and the child exits
    with its errno as status, without a traceback: the parent tells what failed in one line
    (:func:`raise_child_failure`). Anything else is a bug, and keeps its traceback."""
    try:
        target(*args)
    except Exception as error:
        if not is_storage_error(error):
            raise
        code = getattr(error, "errno", None)
        try:
            (results / STORAGE_FAILURE).write_text(json.dumps([code, getattr(error, "strerror", None) or str(error),
                                                                getattr(error, "filename", None)]))
        except OSError:
            pass  # no room even for that: the parent still sees the exit status
        os._exit(code if code in STORAGE_ERRNOS else 1)


def raise_child_failure(children: list, results: Path, folder: Path, what: str) -> None:
    """Raise what went wrong in the ended ``children`` (:func:`run_in_child`), if anything: the
    storage error one of them met, as OSError, else RuntimeError naming them."""
    storage_failure = results / STORAGE_FAILURE
    if storage_failure.exists():  # a full disk, say: the caller reports it in one line
        code, message, filename = json.loads(storage_failure.read_text())
        raise OSError(code, message, filename)
    for child in children:  # no room even for the file: the status is the errno
        if child.exitcode in STORAGE_ERRNOS:
            raise OSError(child.exitcode, os.strerror(child.exitcode), str(folder))
    failed = [child.name for child in children if child.exitcode != 0]
    if failed:
        raise RuntimeError(f"{what} failed in {', '.join(failed)} (see its error above)")


@contextmanager
def _gzip(path: Path) -> Iterator[gzip.GzipFile]:
    """A gzip file written at level 1, without a time stamp, synced to disk once closed."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1, mtime=0) as out:
        yield out
    _fsync(path)


class _Tee:
    """Where Oxigraph writes the N-Quads dump: to the gzip file and down the pipe, counting lines."""

    def __init__(self, out, sender) -> None:
        self.out, self.sender, self.lines = out, sender, 0

    def write(self, data: bytes) -> int:
        self.lines += data.count(b"\n")
        self.sender.send_bytes(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()


class _Received(io.RawIOBase):
    """The bytes sent down a pipe, as a file to read (EOF when the sender closes)."""

    def __init__(self, receiver) -> None:
        self.receiver, self.pending = receiver, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.pending:
            try:
                self.pending = self.receiver.recv_bytes()
            except EOFError:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _write_nquads(source: str | BinaryIO, path: Path, sender, results: Path) -> None:
    """The N-Quads dump, also sent down ``sender``; its line count (one per quad) to results.
    ``source``: the path of a store (dumped by Oxigraph), or its content as N-Quads."""
    with _gzip(path) as out:
        tee = _Tee(out, sender)
        if isinstance(source, str):
            ox.Store.read_only(source).dump(tee, format=ox.RdfFormat.N_QUADS)
        else:
            shutil.copyfileobj(source, tee, 1 << 20)
    sender.close()
    (results / "nquads.json").write_text(json.dumps(tee.lines))


def _write_triples(store_path: str, ntriples: Path, turtle: Path, receiver, results: Path) -> None:
    """The N-Triples and Turtle dumps from the N-Quads received: the Turtle serialiser pulls
    the distinct triples, and each is written as an N-Triples line on its way."""
    store = ox.Store.read_only(store_path)
    counts = TripleCounts()
    quads = ox.parse(io.BufferedReader(_Received(receiver), 1 << 16), format=ox.RdfFormat.N_QUADS)
    with _gzip(ntriples) as nt_out, _gzip(turtle) as ttl_out:
        lines: list[str] = []

        def tee(triples: Iterator[ox.Triple]) -> Iterator[ox.Triple]:
            for triple in triples:
                lines.append(f"{triple} .\n")  # str(): the N-Triples form, as ox.serialize writes it
                if len(lines) == 4096:
                    nt_out.write("".join(lines).encode())
                    lines.clear()
                yield triple
            nt_out.write("".join(lines).encode())

        ox.serialize(tee(_distinct_triples(quads, store, counts)), ttl_out, format=ox.RdfFormat.TURTLE,
                     prefixes=PREFIXES)
    (results / "triples.json").write_text(json.dumps(counts.as_stats()))


def _distinct_triples(quads: Iterator[ox.Quad], store: ox.Store, counts: TripleCounts) -> Iterator[ox.Triple]:
    """Every distinct triple of ``quads`` (the store's N-Quads dump: the default graph, then
    each named graph in turn, subject after subject) once, counted into ``counts``.

    A triple can only repeat one of an earlier graph when its subject was met in an earlier
    graph (an entity that a SPARQL Update describes again in another graph, say): only for
    those subjects is ``store`` asked whether the triple sits in a graph already written. The
    set of subjects met holds their N-Triples forms (far less than every triple): the price of
    exact counts without a hash set of every triple."""
    met: set[str] = set()  # subjects of the graphs already written
    written: set = set()  # those graphs
    in_graph: set[str] = set()
    graph = subject = None
    again = False
    for quad in quads:
        if quad.graph_name != graph:
            if quad.graph_name in written:  # the dedup below relies on it: fail rather than guess
                raise RuntimeError(f"the N-Quads dump came back to graph {quad.graph_name} after another one")
            written.add(graph)
            met |= in_graph
            in_graph = set()
            graph, subject = quad.graph_name, None
        if quad.subject != subject:
            subject = quad.subject
            key = str(subject)
            again = key in met
            if not again and key not in in_graph:
                in_graph.add(key)
                counts.distinct_subjects += 1
                counts.entities += isinstance(subject, ox.NamedNode)
        if again and any(q.graph_name in written
                         for q in store.quads_for_pattern(subject, quad.predicate, quad.object, None)):
            continue
        counts.triples += 1
        counts.properties[quad.predicate.value] += 1
        yield quad.triple


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
