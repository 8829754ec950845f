"""Parse, map, validate and store records into a persistent store, incrementally.

A record whose capture is byte-identical to the one stored is skipped without being read
again (sha256 of the bytes); a changed record's named graph is replaced; ``prune`` removes the
records whose capture is not among the inputs. The work happens in a new store generation
(see :mod:`atlas_graph.store.generations`) that becomes current only once complete, dumps and statistics
included, so an interrupted load leaves the store as it was.
"""

from __future__ import annotations

import gc
import hashlib
import math
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from atlas_graph.ingest.mapping import entity_triples
from atlas_graph.ingest.pipeline import RecordIds, convert_files, shared_entities
from atlas_graph.link.reconcile import Link, Linker, entity_order
from atlas_graph.model import Mention, Problem
from atlas_graph.oxi import OxTerms, quads
from atlas_graph.store.bookkeeping import RECORDS_FILE, MentionTable, StoredRecord, read_records, write_records
from atlas_graph.store.finalize import finalize
from atlas_graph.store.generations import DEFAULT_KEEP, StoreDir, writing
from atlas_graph.uris import URIs

PARALLEL_FROM = 400  # below this many changed files, one process is faster than a pool
# Records per worker task, each task one pyshacl run: pyshacl's fixed cost per run (and the
# validation of the entities a chunk reaches) is paid once per chunk, so chunks are large —
# but at least two per worker, so that the workers finish together.
MIN_CHUNK, MAX_CHUNK = 64, 500


@dataclass(frozen=True)
class Processed:
    """One capture through parse → map → validate: its record's N-Quads, or why it was rejected."""

    source: str
    sha256: str | None  # of the capture's bytes, for a record that was kept
    record_id: str | None
    nquads: bytes
    mentions: tuple[tuple, ...]
    problems: tuple[Problem, ...]


@dataclass
class LoadSummary:
    converted: int = 0
    rejected: int = 0
    unchanged: int = 0
    removed: int = 0
    triples: int = 0
    seconds: float = 0.0
    generation: str | None = None
    problems: list[Problem] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # every entity's links, when the entities were recomputed


def _process_chunk(args: tuple[list[str], str, bool]) -> list[Processed]:
    """Parse, map and validate some captures (one validation run for the whole chunk)."""
    paths, base, include_contacts = args
    uris = URIs(base)
    batch = convert_files(paths, uris, include_contacts)
    done = [Processed(c.source, None, None, b"", (), c.problems) for c in batch.captures if c.record is None]
    mapped_ok = [(c.source, c.content_hash, c.record, c.problems) for c in batch.captures if c.record is not None]
    entities = shared_entities(batch, uris)
    chunk = ox.Store()  # in memory: the chunk's records, each in its graph, and their entities
    chunk.extend(chain.from_iterable(quads(mapped.triples, mapped.graph) for _, _, mapped, _ in mapped_ok))
    chunk.extend(quads(entities, uris.entities_graph()))
    if _conforms_together(mapped_ok, entities, chunk):
        violations = [() for _ in mapped_ok]
    else:  # pyshacl tells which records are at fault, and why
        violations = _violations_by_record(mapped_ok, entities)
    for (path, sha, mapped, problems), found in zip(mapped_ok, violations, strict=True):
        if found:
            violations = tuple(_violation_problem(path, v) for v in found)
            done.append(Processed(path, sha, None, b"", (), problems + violations))
            continue
        mentions = tuple((m.uri, m.kind, m.label, m.country, m.parent) for m in mapped.mentions)
        done.append(Processed(path, sha, mapped.record_id, _as_stored(chunk, mapped.graph), mentions, problems))
    return done


def _as_stored(store: ox.Store, graph) -> bytes:
    """A graph's N-Quads as an Oxigraph store holds it: each triple once, each subject's
    together, literals in canonical form (``"200.0"^^xsd:decimal`` is stored as ``"200"``). So
    the spool bulk-loaded into an empty store is exactly its content, and the dumps can be
    written from the spool (see write_dumps)."""
    return ox.serialize(store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))),
                        format=ox.RdfFormat.N_QUADS)


def _conforms_together(mapped: list, entities: list, chunk: ox.Store) -> bool:
    """The fast check: True when the chunk's records and the entities they mention (``chunk``)
    conform to every shape (the shapes compiled into SPARQL, see
    :mod:`atlas_graph.validation.compiled`) and no record describes an entity or another record's
    nodes, or points to another record's nodes, so that each record alone (with the entities
    it reaches) conforms too. False means: ask pyshacl."""
    own = [{s for s, _, _ in m.triples} for _, _, m, _ in mapped]
    every = set().union(*own)
    if sum(map(len, own)) != len(every) or not every.isdisjoint(s for s, _, _ in entities):
        return False
    for subjects, (_, _, m, _) in zip(own, mapped, strict=True):
        if any(o in every and o not in subjects for _, _, o in m.triples):
            return False
    return not _compiled_shapes().run(chunk)


@cache
def _compiled_shapes():
    from atlas_graph.resources import shapes_graph
    from atlas_graph.validation.compiled import compile_shapes

    return compile_shapes(shapes_graph())


def _violations_by_record(mapped: list, entities: list) -> list[tuple]:
    """Each record's violations, as pyshacl reports them (with the entities it reaches)."""
    # Imported here, in the workers: pyshacl is slow to import, and every atlas-graph command
    # imports this module (through cli/load.py and cli/serve.py) whether it validates or not.
    from atlas_graph.validation.shacl import validate_records

    graphs = [_graph(m.triples, scratch=True) for _, _, m, _ in mapped]
    reports = validate_records(graphs, _graph(entities))
    return [report.violations if not report.conforms else () for report in reports]


def _graph(triples, scratch: bool = False):
    """An rdflib graph of ``triples``; ``scratch``: only read by validate_records, which allows
    the store that is fastest to fill (not context-aware, which pyshacl itself needs)."""
    from rdflib import Graph

    graph = Graph(store="SimpleMemory" if scratch else "default", bind_namespaces="none")
    for triple in triples:
        graph.add(triple)
    return graph


def _violation_problem(source: str, violation) -> Problem:
    """A :class:`~atlas_graph.validation.shacl.Violation` as a problem of the record's capture."""
    path = str(violation.path) if violation.path is not None else "record"
    value = str(violation.value) if violation.value is not None else ""
    return Problem(source, None, path, value, f"SHACL: {violation.message} (focus {violation.focus})")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Spooled:
    """A processed capture, its N-Quads (when it was kept) at ``offset`` in the spool."""

    source: str
    sha256: str | None
    record_id: str | None
    mentions: tuple[tuple, ...]
    problems: tuple[Problem, ...]
    offset: int
    length: int


class _Spool:
    """The kept records' N-Quads, written to a file as the workers hand them back, not to
    memory: at 120,000 records they weigh more than a gigabyte. A nameless file in the store's
    folder: it disappears with the process, however that ends."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.file = tempfile.TemporaryFile(dir=folder)
        self.size = 0  # bytes handed to the file, written or not: what a failure needed
        self._copy: BinaryIO | None = None

    def add(self, item: Processed, mentions: MentionTable) -> Spooled:
        offset = self.size
        self.size += len(item.nquads)
        self.file.write(item.nquads)
        return Spooled(item.source, item.sha256, item.record_id, mentions.share(item.mentions), item.problems,
                       offset, len(item.nquads))

    def content(self, accepted: list[Spooled]) -> BinaryIO:
        """A file of the ``accepted`` records' N-Quads, read from its start: the spool itself
        when it holds just those, else a copy of their parts."""
        if sum(item.length for item in accepted) == self.size:
            out = self.file
        else:  # some were left out when the load decided again (see load)
            out = self._copy = tempfile.TemporaryFile(dir=self.folder)
            for item in accepted:
                self.file.seek(item.offset)
                out.write(self.file.read(item.length))
        out.seek(0)
        return out

    def close(self) -> None:
        """Close (and so delete) the spool. A write buffered still and failing now loses
        nothing: the spool's content was read already, or the load failed before."""
        for file in (self.file, self._copy):
            try:
                if file:
                    file.close()
            except OSError:
                pass


@dataclass
class _Plan:
    """What a load changes in one generation: the records it keeps, adds and removes."""

    records: dict[str, StoredRecord]  # the new generation's bookkeeping
    new_ids: list[str]
    removed_ids: set[str]
    accepted: list[Spooled]  # the added records, in spool order
    problems: list[Problem]
    converted: int
    rejected: int
    unchanged: int
    removed: int


def _unchanged_sources(sources: list[str], stored: dict[str, StoredRecord]) -> set[str]:
    """The captures stored byte-identical (same path, same sha256)."""
    by_source = {entry.source: entry for entry in stored.values()}
    return {source for source in sources
            if source in by_source and by_source[source].sha256 == _sha256(Path(source))}


def _decide(stored: dict[str, StoredRecord], sources: list[str], unchanged: set[str], processed: list[Spooled],
            prune: bool) -> _Plan:
    """Which records the new generation holds, from the ``stored`` ones and the ``processed``
    captures (those in ``unchanged`` are already stored as they are). Pure: run again when the
    generation to build on is not the one read at first."""
    input_sources = set(sources)
    keep = {rid: entry for rid, entry in stored.items()
            if entry.source in input_sources or not prune}
    removed = len(stored) - len(keep)
    new_records: dict[str, StoredRecord] = {}
    owner = {entry.source: rid for rid, entry in keep.items()}
    # A record stored from a capture among the inputs keeps its id; one stored from a capture
    # elsewhere gives it up to the capture that has it now.
    ids = RecordIds({rid: entry.source for rid, entry in keep.items() if entry.source in input_sources})
    accepted: list[Spooled] = []
    problems: list[Problem] = []
    converted = rejected = 0
    for item in sorted(processed, key=lambda item: item.source):
        if item.source in unchanged:  # stored as it is by a writer that came first
            continue
        problems.extend(item.problems)
        previous_id = owner.pop(item.source, None)
        if previous_id is not None:  # the capture changed: its old record goes, whatever its id
            keep.pop(previous_id, None)
            ids.release(previous_id)
        if item.record_id is None:
            rejected += 1
            continue
        duplicate = ids.claim(item.record_id, item.source)
        if duplicate:  # another chunk's capture, or a stored one among the inputs, has the id
            problems.append(duplicate)
            rejected += 1
            continue
        keep.pop(item.record_id, None)  # stored from a capture elsewhere: this one replaces it
        accepted.append(item)
        new_records[item.record_id] = StoredRecord(item.source, item.sha256, item.mentions)
        converted += 1
    accepted.sort(key=lambda item: item.offset)
    return _Plan(keep | new_records, list(new_records), set(stored) - set(keep), accepted, problems,
                 converted, rejected, len(unchanged), removed)


def _same_settings(state: dict, uris: URIs, include_contacts: bool) -> bool:
    """Whether a generation with loader ``state`` was loaded as this load would: then its
    records can be kept; else the load starts from an empty store."""
    return state.get("base_uri") == uris.base and state.get("include_contacts") == include_contacts


def load(
    files: Iterable[Path],
    store_dir: StoreDir,
    uris: URIs,
    include_contacts: bool = False,
    prune: bool = False,
    progress: Callable[[int], None] | None = None,
    wait: float = 0.0,
    keep: int = DEFAULT_KEEP,
    on_wait: Callable[[str], None] | None = None,
    linker: Linker | None = None,
) -> LoadSummary:
    """Load ``files`` into ``store_dir`` (see the module's docstring); with ``linker``, the
    entities graph carries the links.

    The state of the links (the decisions file, the authorities' versions) is kept with the
    generation: when it changes, the entities graph is recomputed even if no record did.

    The captures are read, checked and spooled against the generation current at the start
    (``basis``), without the lock, which is then taken (waiting up to ``wait`` seconds). When
    another writer has switched a generation in meanwhile, every decision is taken again
    against that one, the generation the new one is copied from: whether the store starts
    empty, which captures are unchanged (the ones that no longer are, are read now), which
    records are kept, replaced or removed. So no writer's records are lost."""
    started = time.monotonic()
    summary = LoadSummary()
    basis = store_dir.current_target()
    state = store_dir.state(basis)
    links_state = linker.state() if linker else None  # opens the authorities: a missing file fails here
    same_settings = _same_settings(state, uris, include_contacts)
    mentions = MentionTable()
    stored = _stored_records(store_dir, mentions, basis) if same_settings else {}
    sources = [str(Path(f).resolve()) for f in files]
    unchanged = _unchanged_sources(sources, stored)
    if progress and unchanged:
        progress(len(unchanged))
    changed = [source for source in sources if source not in unchanged]
    store_dir.path.mkdir(parents=True, exist_ok=True)
    spool = _Spool(store_dir.path)
    try:
        with writing("the spool of parsed records", store_dir.path, lambda: spool.size):
            processed = [spool.add(item, mentions)
                         for item in _process_all(sorted(changed), uris.base, include_contacts, progress)]
        plan = _decide(stored, sources, unchanged, processed, prune)
        same_links = state.get("links") == links_state
        if not plan.new_ids and not plan.removed_ids and same_settings and same_links and state:
            _summarize(summary, plan)
            summary.generation = basis
            summary.triples = store_dir.stats().get("triples", 0)
            summary.seconds = time.monotonic() - started
            return summary
        del stored  # the bulk load below needs the memory

        content = None  # the bulk load's input, once it is the whole content of the new generation
        with store_dir.writer(finish=lambda generation: finalize(generation, content), wait=wait, keep=keep,
                              on_wait=on_wait) as generation:
            if generation.based_on != (basis and Path(basis).name):
                # Another writer came first: decide again, against the generation copied.
                state = generation.state
                same_settings = _same_settings(state, uris, include_contacts)
                records_file = generation.path / RECORDS_FILE
                stored = read_records(records_file, mentions) if same_settings and records_file.exists() else {}
                unchanged = _unchanged_sources(sources, stored)
                done = {item.source for item in processed}
                missing = sorted(s for s in sources if s not in unchanged and s not in done)
                generation.activity = "the spool of parsed records"
                processed += [spool.add(item, mentions)
                              for item in _process_all(missing, uris.base, include_contacts, None)]
                plan = _decide(stored, sources, unchanged, processed, prune)
                del stored
            _summarize(summary, plan)
            store = generation.store
            generation.activity = "the database"
            if not same_settings:
                store.clear()
            for record_id in sorted(plan.removed_ids):
                store.remove_graph(ox.NamedNode(str(uris.record_graph(record_id))))
            empty = next(iter(store), None) is None
            if not empty:  # an empty store has none of these graphs
                for record_id in plan.new_ids:
                    store.remove_graph(ox.NamedNode(str(uris.record_graph(record_id))))
                store.remove_graph(ox.NamedNode(str(uris.entities_graph())))
            write_records(generation.path / RECORDS_FILE, plan.records)
            plan.records = {}
            generation.activity = "the database"
            with _entities_in_child(generation.path / RECORDS_FILE, uris, linker) as entities:
                # The new records are bulk-loaded while the child computes the entities graph,
                # which is loaded next. lenient: the spool holds only what ox.serialize wrote,
                # so the parser's checks would find nothing (a quarter of the load's time).
                bulk = spool.content(plan.accepted)
                store.bulk_load(bulk, format=ox.RdfFormat.N_QUADS, lenient=True)
                entities_nquads, summary.links = entities.result()
            store.bulk_load(entities_nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
            if empty:  # the spool, with the entities graph after it, is the whole content: the
                # dumps and site data are written from it, without reading the store back
                bulk.seek(0, os.SEEK_END)
                bulk.write(entities_nquads)
                bulk.seek(0)
                content = bulk
            generation.state = {"base_uri": uris.base, "include_contacts": include_contacts}
            if links_state is not None:
                generation.state["links"] = links_state
            del store  # the writer closes the database before the switch
    finally:
        spool.close()
    summary.generation = os.path.relpath(generation.path, store_dir.path)  # as current_target() says it
    summary.triples = generation.stats().get("triples", 0)
    summary.seconds = time.monotonic() - started
    return summary


def _summarize(summary: LoadSummary, plan: _Plan) -> None:
    summary.converted, summary.rejected = plan.converted, plan.rejected
    summary.unchanged, summary.removed = plan.unchanged, plan.removed
    summary.problems = plan.problems


def _stored_records(store_dir: StoreDir, mentions: MentionTable, target: str | None) -> dict[str, StoredRecord]:
    """Each stored record's source, hash and mentions: generation ``target``'s records.json."""
    path = store_dir.path / target / RECORDS_FILE if target else None
    if path is not None and path.exists():
        return read_records(path, mentions)
    return {}


def _process_all(paths: list[str], base: str, include_contacts: bool, progress) -> Iterator[Processed]:
    """Each capture through parse → map → validate, in the order of ``paths``, as chunks finish."""
    workers = os.cpu_count() or 1
    size = max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(len(paths) / (2 * workers))))
    chunks = [(paths[i:i + size], base, include_contacts) for i in range(0, len(paths), size)]
    if len(paths) < PARALLEL_FROM or workers < 2:
        outcomes = map(_process_chunk, chunks)
        pool = None
    else:
        # forkserver, never fork: a child forked while another thread holds a lock can hang
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver"))
        outcomes = pool.map(_process_chunk, chunks)
    try:
        for chunk in outcomes:
            yield from chunk
            if progress:
                progress(len(chunk))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)


@contextmanager
def _entities_in_child(records_file: Path, uris: URIs, linker: Linker | None) -> Iterator[Future]:
    """A future of the shared entities graph, recomputed from the mentions of every record in
    ``records_file``, as N-Quads (see _as_stored), and the links of its entities. In a child
    process, so that this one can go on meanwhile, and that the computation's memory (large at
    Atlas scale) is given back to the system when it ends."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as child:
        future = child.submit(_entities_nquads, str(records_file), uris.base, linker)
        with _gc_paused():  # the result is unpickled (by the executor's thread) meanwhile
            yield future


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile: building or unpickling a few hundred thousand
    objects that are all kept (terms, triples, links: no cycles among them) sets off
    collections that each walk all of them again, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _entities_nquads(records_file: str, base: str, linker: Linker | None) -> tuple[bytes, list[Link]]:
    with _gc_paused():
        return _entities_graph(records_file, base, linker)


def _entities_graph(records_file: str, base: str, linker: Linker | None) -> tuple[bytes, list[Link]]:
    uris = URIs(base)
    records = read_records(Path(records_file), MentionTable())
    mentions = (Mention(*m) for r in records.values() for m in r.mentions)  # never all in memory at once
    links: list[Link] = []
    graph = ox.Store()
    # The link triples are built as Oxigraph terms: only the store below reads them.
    graph.extend(quads(entity_triples(mentions, uris, linker, OxTerms, links), uris.entities_graph()))
    links.sort(key=lambda link: entity_order(link.entity))  # as the report lists them; stable
    return _as_stored(graph, uris.entities_graph()), links

