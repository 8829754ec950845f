"""What the routes need from the data: the store, its statistics and dumps, the settings.

One :class:`AtlasService` per application, at ``current_app.extensions["atlas"]``. It opens the
store lazily (after the server has forked its workers) and follows the store's current
generation, so a ``load`` run beside a live server is picked up on the next request.

With ``sparql_endpoint`` set, queries, updates and entity descriptions go to that remote
SPARQL 1.1 store instead (:mod:`.backend`); statistics, dumps and validators still come from
the local store folder, the one that ``atlas-graph publish`` copied to the remote store.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from atlas_graph.remote.store import Credentials, RemoteRejected, RemoteStore
from atlas_graph.server.backend import RemoteQueryStore, RemoteReader
from atlas_graph.server.sparql.execution import Answer, Dataset, FormatWish, Limits, answer_query
from atlas_graph.server.sparql.pool import QueryPool
from atlas_graph.store.dumps import NT_DUMP
from atlas_graph.store.finalize import finalize
from atlas_graph.store.generations import DEFAULT_KEEP, Generation, StoreDir


@dataclass(frozen=True)
class AtlasConfig:
    store: Path
    base_uri: str
    update_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 100_000
    endpoint_url: str | None = None  # /sparql as clients see it; None: from each request
    query_processes: int = 4  # concurrent SPARQL queries per server worker (serve: default_query_processes)
    sparql_endpoint: str | None = None  # a remote SPARQL 1.1 store to serve instead of the embedded one
    graph_store_url: str | None = None  # its Graph Store Protocol endpoint, if not the engine's usual one
    remote_credentials: Credentials = Credentials()
    data_cache_mib: float = 32.0  # rendered /data bodies kept per server process, in MiB; 0: none
    # The union graph held in memory for queries, per server process, in MiB (estimated from the
    # triple count, see SNAPSHOT_BYTES_PER_TRIPLE); a larger store is queried on disk. 0: always on disk.
    query_memory_mib: float = 512.0
    keep: int = DEFAULT_KEEP  # generations kept by an update, the new current one included


def default_query_processes(workers: int) -> int:
    """Query processes per server worker when none is configured: two per core on the machine,
    shared by its ``workers``, at least one each. More only adds memory: each is a fork of the
    holder that comes to copy the pages of the graph its queries read, and the cores are busy."""
    return max(1, -(-2 * (os.cpu_count() or 1) // workers))


_pools: dict[tuple[int, int], QueryPool] = {}
_pools_lock = threading.Lock()  # a worker's start and its warm-ups ask for its pool at once

#: What one triple of the union graph takes in an in-memory Oxigraph store, rounded up from
#: docs/benchmarks.md ("The query path"): the estimate a store must fit in query_memory_mib by.
SNAPSHOT_BYTES_PER_TRIPLE = 500


def _query_pool(size: int) -> QueryPool:
    """The query processes of this server worker (one pool per process, made after the fork)."""
    key = (os.getpid(), size)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = QueryPool(size)
        return _pools[key]


class GenerationCorrupt(OSError):
    """The current generation was found corrupt by an earlier read of this process: a storage
    error (a 503), raised before reading it again."""


class AtlasService:
    def __init__(self, config: AtlasConfig):
        self.config = config
        self.store_dir = StoreDir(config.store)
        self.remote = (RemoteStore(config.sparql_endpoint, config.remote_credentials, config.graph_store_url)
                       if config.sparql_endpoint else None)
        self._remote_reader = RemoteReader(self.remote, config.query_timeout) if self.remote else None
        self._remote_queries = RemoteQueryStore(self.remote) if self.remote else None
        self._spool_dir: str | None = None
        self._spill_numbers = itertools.count()
        self._corrupt: set[str] = set()  # names of the generations found corrupt by this process

    def query(self, query: str, dataset: Dataset, wish: FormatWish, limits: Limits, base_iri: str) -> Answer:
        """Run a SPARQL query in a killable query process, or on the remote store."""
        if self._remote_queries:
            if self._spool_dir is None:
                self._spool_dir = tempfile.mkdtemp(prefix="atlas-remote-query-")
            spill = os.path.join(self._spool_dir, f"{next(self._spill_numbers)}.result")
            return answer_query(self._remote_queries, query, dataset, wish, limits, base_iri, spill)
        generation = self.generation()
        return _query_pool(self.config.query_processes).run(str(generation.path / "oxigraph"), query, dataset, wish,
                                                            limits, base_iri, self._snapshot_source(generation))

    def start_queries(self, wait: float) -> int:
        """Start this worker's query processes on the current generation, waiting up to ``wait``
        seconds, and its holder's load of the union graph, if it fits (not waited for). Returns
        how many query processes are ready (none on a remote store, which needs none)."""
        if self._remote_queries:
            return 0
        generation = self.generation()
        return _query_pool(self.config.query_processes).start(str(generation.path / "oxigraph"),
                                                              self._snapshot_source(generation), wait)

    def prepare_queries(self, wait: float = 0) -> None:
        """Start holding the current generation's union graph in memory, if it fits, and wait up
        to ``wait`` seconds for it to be loaded; once it is, the idle query processes become
        forks of the holder."""
        if not self._remote_queries:
            generation = self.generation()
            pool = _query_pool(self.config.query_processes)
            store_path, dump_path = str(generation.path / "oxigraph"), self._snapshot_source(generation)
            if pool.snapshot(store_path, dump_path, wait) is not None:
                pool.start(store_path, dump_path, wait)

    def _snapshot_source(self, generation: Generation) -> str | None:
        """The dump to hold ``generation``'s union graph in memory from, when it fits the budget."""
        dump = generation.dumps_dir / NT_DUMP
        size = generation.stats().get("triples", 0) * SNAPSHOT_BYTES_PER_TRIPLE
        return str(dump) if 0 < size <= self.config.query_memory_mib * 2**20 and dump.is_file() else None

    def generation(self) -> Generation:
        """The current generation (read-only), reopened when a writer has switched it. A
        generation this process found corrupt (see :meth:`note_storage_error`) is not read again:
        GenerationCorrupt, until a writer or a rollback switches another one in."""
        generation = self.store_dir.reader()
        if generation.path.name in self._corrupt:
            raise GenerationCorrupt(f"generation {generation.path.name} was found corrupt by an earlier read")
        return generation

    def note_storage_error(self, error: BaseException) -> None:
        """Remember a corruption RocksDB reported while reading the current generation: its
        cached blocks and rendered responses could still answer some reads, so every later read
        is refused the same way (a 503) rather than the generation being served in part."""
        if isinstance(error, RuntimeError) and str(error).startswith("Corruption"):
            target = self.store_dir.current_target()
            if target:
                self._corrupt.add(target.rsplit("/", 1)[-1])

    def store(self) -> pyoxigraph.Store | RemoteReader:
        """The graph to read: the embedded store, or a reader over the remote one."""
        if self._remote_reader:
            return self._remote_reader
        return self.generation().store

    def stats(self) -> dict:
        return self.generation().stats()

    def dump_path(self, name: str) -> Path | None:
        path = self.generation().dumps_dir / name
        return path if path.is_file() else None

    def update(self, sparql_update: str) -> None:
        """Apply a SPARQL Update atomically: a new generation, made current once complete.

        Raises SyntaxError for an update that does not parse (nothing is changed), StoreBusy when
        another writer holds the store (nothing is changed, see handle_store_error). On a remote
        store the update is the store's to apply; the local statistics and dumps stay as
        published until the next ``load`` + ``publish``."""
        if self.remote:
            try:
                self.remote.update(sparql_update, timeout=self.config.query_timeout)
            except RemoteRejected as error:
                raise SyntaxError(str(error)) from None
            return
        # No wait: a load may hold the lock for minutes; StoreBusy is a 503 with Retry-After.
        with self.store_dir.writer(finish=finalize, keep=self.config.keep) as generation:
            generation.store.update(sparql_update, base_iri=self.config.base_uri)
