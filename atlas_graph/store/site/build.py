"""Writing a generation's site data into its ``site/`` folder, before it is switched in.

:func:`write_site_data` reads a :class:`~.graph.Graph` and writes the three files the server
opens (:data:`SITE_FILES`): the aggregates, the full-text index and the selection table. In a
writer, :func:`build_site_data` runs it in a child process beside the dumps and statistics
(:func:`atlas_graph.store.finalize.finalize`): from the generation's whole content as N-Quads
when the writer has it (loaded into an in-memory store, whose queries are far cheaper than the
database's), else from a checkpoint of the database, queried on disk.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
from multiprocessing import reduction
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from atlas_graph.store.dumps import raise_child_failure, run_in_child
from atlas_graph.store.generations import SITE_CHECKPOINT_PREFIX, SITE_DIR, Generation, write_lines
from atlas_graph.store.site.aggregates import aggregates_to_lines, compute_aggregates
from atlas_graph.store.site.graph import Graph
from atlas_graph.store.site.search_index import write_index
from atlas_graph.store.site.selection_table import build_table, table_to_lines

AGGREGATES_FILE = "aggregates.jsonl"
INDEX_FILE = "search.sqlite"
TABLE_FILE = "selection-table.jsonl"
SITE_FILES = (AGGREGATES_FILE, INDEX_FILE, TABLE_FILE)
#: Content up to this many bytes of N-Quads is loaded into memory for the build; a larger one is
#: read from the database on disk, so that a large store does not need its size in memory.
IN_MEMORY_CONTENT = 512 * 2**20


def write_site_data(graph: Graph, folder: Path) -> None:
    """The site files of ``graph`` into ``folder`` (made if needed), each synced to disk."""
    folder.mkdir(parents=True, exist_ok=True)
    write_lines(folder / AGGREGATES_FILE, aggregates_to_lines(compute_aggregates(graph)))
    write_lines(folder / TABLE_FILE, table_to_lines(build_table(graph)))
    write_index(folder / INDEX_FILE, graph)
    with open(folder / INDEX_FILE, "rb") as index:
        os.fsync(index.fileno())


def build_site_data(generation: Generation, content: BinaryIO | None = None) -> None:
    """Write ``generation``'s site data in a child process (its threads and memory are its own;
    this one goes on with the dumps and statistics meanwhile). ``content``: the generation's
    whole content as N-Quads, a file read from its start, which the child reads at its own
    offsets (the dumps read the same file meanwhile)."""
    folder = generation.path / SITE_DIR
    base = generation.state.get("base_uri", "")
    # Never fork (see write_dumps): a forkserver child, handed the content's file descriptor.
    context = multiprocessing.get_context("forkserver")
    with tempfile.TemporaryDirectory(dir=generation.path.parent, prefix=SITE_CHECKPOINT_PREFIX) as checkpoint:
        results = Path(checkpoint)
        if content is not None and os.fstat(content.fileno()).st_size <= IN_MEMORY_CONTENT:
            source = ("content", reduction.DupFd(content.fileno()))
        else:
            database = str(results / "oxigraph")
            generation.store.backup(database)
            source = ("database", database)
        child = context.Process(target=run_in_child, args=(_build, results, (source, base, folder)),
                                name="site data")
        child.start()
        child.join()
        raise_child_failure([child], results, folder, "writing the site data")


def _build(source: tuple, base: str, folder: Path) -> None:
    kind, where = source
    if kind == "database":
        graph = Graph(ox.Store.read_only(where), base)
    else:
        memory = ox.Store()
        # lenient: what a writer hands over is what ox.serialize wrote (see the loader's bulk load)
        memory.bulk_load(io.BufferedReader(_FromStart(where.detach()), 1 << 20), format=ox.RdfFormat.N_QUADS,
                         lenient=True)
        graph = Graph(memory, base)
    write_site_data(graph, folder)


class _FromStart(io.RawIOBase):
    """A file descriptor read from its start at offsets of its own (``pread``): whoever else
    reads the same open file keeps its own position."""

    def __init__(self, fd: int) -> None:
        self.fd, self.offset = fd, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        size = os.preadv(self.fd, [buffer], self.offset)
        self.offset += size
        return size

    def close(self) -> None:
        if not self.closed:
            os.close(self.fd)
        super().close()
