"""No cold start: a server worker starts its query processes, each with the store open, before
it takes its first request, so that the first SPARQL query of a worker starts no process. Held
structurally (which processes exist before and after), never by timing."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode

from atlas_graph.cli.main import build_parser
from atlas_graph.server.service import default_query_processes
from atlas_graph.server.sparql.execution import Dataset, FormatWish, Limits
from atlas_graph.server.sparql.pool import QueryPool
from support.commands import load, run_atlas_graph
from support.live_server import ServeProcess
from support.paths import ALL_RECORDS

STARTED = re.compile(r"atlas-graph: process (\d+) started (\d+) query processes")
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            found[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return found


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (its forkserver, the query processes that forkserver started)."""
    tree = parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in tree.items() if parent in frontier} - found
        found |= frontier
    return found


def test_each_worker_starts_its_query_processes_before_its_first_query(tmp_path):
    server = ServeProcess(tmp_path / "store", tmp_path / "server.log", "--query-memory-mb", "0",
                          "--query-processes", "3")
    load(server.store, server.base, ALL_RECORDS)
    server.start()
    try:
        deadline = time.monotonic() + 60
        while len(started := STARTED.findall(server.log.read_text())) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [count for _, count in started] == ["3", "3"]  # both workers, every query process
        workers = [int(pid) for pid, _ in started]
        before = {worker: descendants(worker) for worker in workers}
        assert all(len(processes) >= 4 for processes in before.values())  # a forkserver and 3 queries
        for _ in range(8):  # each worker takes some: none starts a process for them
            reply = server.get("/sparql?" + urlencode({"query": QUERY}),
                               {"Accept": "application/sparql-results+json"})
            assert reply.status == 200
        assert {worker: descendants(worker) for worker in workers} == before
    finally:
        server.stop()


def test_a_started_pool_answers_its_first_query_with_a_process_it_had(tmp_path):
    load(tmp_path / "store", "http://localhost:8000/", ALL_RECORDS)
    store_path = str((tmp_path / "store" / "current").resolve() / "oxigraph")
    pool = QueryPool(2)
    try:
        assert pool.start(store_path, None, 30) == 2
        ready = {worker.pid for worker in list(pool._idle.queue)}
        assert all(worker.store_path == store_path for worker in pool._idle.queue)
        pool.run(store_path, QUERY, Dataset(), FormatWish("application/sparql-results+json"), Limits(30.0, 10))
        assert {worker.pid for worker in list(pool._idle.queue)} == ready
        assert pool.start(store_path, None, 30) == 2  # nothing more to start
    finally:
        pool.close()


def test_query_processes_default_to_two_per_core_shared_by_the_workers(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert [default_query_processes(workers) for workers in (1, 2, 3, 4, 8)] == [4, 2, 2, 1, 1]
    assert build_parser().parse_args(["serve"]).query_processes is None  # the default above, then
    monkeypatch.setenv("ATLAS_QUERY_PROCESSES", "3")
    assert build_parser().parse_args(["serve"]).query_processes == 3
    refused = run_atlas_graph("serve", "--store", tmp_path, "--query-processes", "0")
    assert refused.returncode == 2 and "--query-processes must be at least 1" in refused.stderr
