"""The read-optimised query path: the union graph held in memory by a holder process whose
forks run the queries. The same answers as the store on disk (the example queries, on a
synthetic store), still killed at their deadline, one holder per generation shared by the
server's processes, and the store on disk whenever the copy cannot be used."""

from __future__ import annotations

import json
import os
import time

import pytest
from rdflib import Graph

from atlas_graph.server.sparql.examples import EXAMPLES
from atlas_graph.server.sparql.execution import Dataset, FormatWish, Limits
from atlas_graph.server.sparql.pool import FORK_CHECK_EVERY, QueryPool, _running
from atlas_graph.server.sparql.results import QueryTimeout
from support.commands import load, run_atlas_graph

BASE = "http://localhost:8000/"
JSON = FormatWish("application/sparql-results+json")
TURTLE = FormatWish("text/turtle")
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
IN_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g LIMIT 5"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of 300 synthetic records: (the current generation's database, its N-Triples dump)."""
    folder = tmp_path_factory.mktemp("memory-path")
    run_atlas_graph("synth", "--count", "300", "--seed", "5", "-q", "-o", str(folder / "pages"))
    load(folder / "store", BASE, [folder / "pages"], "-q")
    generation = (folder / "store" / "current").resolve()
    return str(generation / "oxigraph"), str(generation / "dumps" / "atlas.nt.gz")


def held(pool: QueryPool, store_path: str, dump_path: str):
    """The pool's holder of ``store_path``, once ready."""
    deadline = time.monotonic() + 60
    while (snapshot := pool.snapshot(store_path, dump_path)) is None:
        assert time.monotonic() < deadline, "the holder never became ready"
        time.sleep(0.05)
    return snapshot


def answer(pool, store_path, query, dump_path=None, wish=JSON, timeout=30.0) -> bytes:
    result = pool.run(store_path, query, Dataset(), wish, Limits(timeout, 100_000), BASE, dump_path)
    if result.spool:
        with open(result.spool, "rb") as spool:
            body = spool.read()
        os.unlink(result.spool)
        return body
    return result.body


def rows(body: bytes) -> list:
    return sorted(json.dumps(row, sort_keys=True) for row in json.loads(body)["results"]["bindings"])


def test_the_example_queries_answer_as_on_disk(store):
    store_path, dump_path = store
    on_disk, in_memory = QueryPool(2), QueryPool(2)
    try:
        snapshot = held(in_memory, store_path, dump_path)
        compared = 0
        for example in EXAMPLES:
            expected = rows(answer(on_disk, store_path, example.query))
            assert rows(answer(in_memory, store_path, example.query, dump_path)) == expected, example.key
            compared += bool(expected)
        assert compared >= len(EXAMPLES) - 2  # some name one real collectivity, absent here
        construct = "CONSTRUCT { ?p ?q ?o } WHERE { ?p a <https://w3id.org/atlas-coop/ontology#Partnership> ; ?q ?o }"
        graphs = [Graph().parse(data=answer(pool, store_path, construct, dump, TURTLE), format="turtle")
                  for pool, dump in ((on_disk, None), (in_memory, dump_path))]
        assert len(graphs[0]) > 1000 and set(graphs[0]) == set(graphs[1])
        assert snapshot.workers >= 1  # the answers above came from the holder's forks
    finally:
        on_disk.close()
        in_memory.close()


def test_a_query_that_names_graphs_reads_the_store_on_disk(store):
    store_path, dump_path = store
    pool = QueryPool(1)
    try:
        held(pool, store_path, dump_path)
        by_graph = json.loads(answer(pool, store_path, IN_GRAPHS, dump_path))["results"]["bindings"]
        assert len(by_graph) == 5 and all(row["g"]["value"].startswith(BASE) for row in by_graph)
    finally:
        pool.close()


def test_a_query_past_its_deadline_is_killed_on_the_memory_path_too(store):
    store_path, dump_path = store
    pool = QueryPool(1)
    try:
        snapshot = held(pool, store_path, dump_path)
        answer(pool, store_path, "ASK {}", dump_path)
        (worker,) = list(pool._idle.queue)
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            answer(pool, store_path, ENDLESS, dump_path, timeout=1.0)
        assert time.monotonic() - started < 10
        assert not _running(worker.pid)  # killed, and reaped by its holder
        assert json.loads(answer(pool, store_path, "ASK {}", dump_path))["boolean"] is True
        assert snapshot.workers == 1  # a fresh fork took its place
    finally:
        pool.close()


def test_a_new_generation_gets_its_own_holder_and_the_old_one_ends(store, tmp_path):
    store_path, dump_path = store
    pool = QueryPool(1)
    try:
        first = held(pool, store_path, dump_path)
        answer(pool, store_path, "ASK {}", dump_path)
        empty = tmp_path / "other.nt.gz"
        import gzip
        with gzip.open(empty, "wb") as dump:
            dump.write(b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
        # the same database under another name stands for the next generation
        os.symlink(store_path, tmp_path / "oxigraph")
        second = held(pool, str(tmp_path / "oxigraph"), str(empty))
        count = answer(pool, str(tmp_path / "oxigraph"), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", str(empty))
        assert json.loads(count)["results"]["bindings"][0]["n"]["value"] == "1"  # the new copy answered
        assert second is not first
        assert first.process.wait(10) == 0  # no process needs it now: it ended
    finally:
        pool.close()


def test_the_server_processes_on_one_generation_share_its_holder(store):
    """Two pools stand for two workers of a server: one holder, one copy of the union graph in
    memory; it serves the other when one goes, and ends when both have gone."""
    store_path, dump_path = store
    first, second = QueryPool(1), QueryPool(1)
    try:
        started = held(first, store_path, dump_path)
        joined = held(second, store_path, dump_path)
        assert started.process is not None and joined.process is None  # the second one started none
        first.close()
        assert started.process.poll() is None  # the second still uses it
        answer(second, store_path, "ASK {}", dump_path)
        assert joined.workers == 1  # a fork of the shared holder answered
        second.close()
        assert started.process.wait(10) == 0
    finally:
        first.close()
        second.close()


def test_without_a_usable_dump_queries_read_the_store_on_disk(store, tmp_path, capfd):
    store_path, _ = store
    broken = tmp_path / "atlas.nt.gz"
    broken.write_bytes(b"not gzip")
    pool = QueryPool(1)
    try:
        deadline = time.monotonic() + 30
        while pool.snapshot(store_path, str(broken)) is None and pool._snapshot.state == "loading":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert pool._snapshot.state == "failed"
        assert "queries read the store on disk" in capfd.readouterr().err
        assert json.loads(answer(pool, store_path, "ASK { ?s ?p ?o }", str(broken)))["boolean"] is True
    finally:
        pool.close()


@pytest.mark.parametrize("budget, replaced", [(0, True), (2**40, False)])
def test_a_fork_past_its_memory_budget_is_replaced_by_a_fresh_one(store, budget, replaced):
    """A fork of the holder copies the shared pages it writes to; once its own memory passes
    the budget (read every few queries, beside the requests), it is replaced by a fresh fork,
    which the query waiting for the pool's one process gets."""
    store_path, dump_path = store
    pool = QueryPool(1, wait_for_worker=10, private_budget=budget)
    try:
        held(pool, store_path, dump_path)
        answer(pool, store_path, "ASK {}", dump_path)
        (first,) = [worker.pid for worker in pool._idle.queue]
        for _ in range(FORK_CHECK_EVERY - 1):  # its last query is checked
            answer(pool, store_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", dump_path)
        # the check may still run: this query waits for its outcome (PoolBusy if no process came)
        assert json.loads(answer(pool, store_path, "ASK {}", dump_path))["boolean"] is True
        (now,) = [worker.pid for worker in pool._idle.queue]
        assert (now != first) is replaced
        assert _running(first) is not replaced
    finally:
        pool.close()



def idle_pid(pool: QueryPool) -> int:
    """The pid of a one-process pool's idle query process, once the check after its query is done."""
    deadline = time.monotonic() + 10
    while not pool._idle.qsize():
        assert time.monotonic() < deadline, "no query process came back"
        time.sleep(0.01)
    (pid,) = [worker.pid for worker in pool._idle.queue]
    return pid


@pytest.mark.parametrize("check_after, replaced", [(0.0, True), (1e9, False)])
def test_a_fork_is_checked_after_a_long_query_too(store, check_after, replaced):
    """A query that ran past ``check_after`` (it may have copied much of the graph) is followed
    by a memory check, whatever the count of queries: past the budget, a fresh fork."""
    store_path, dump_path = store
    pool = QueryPool(1, private_budget=0, check_after=check_after)
    try:
        held(pool, store_path, dump_path)
        answer(pool, store_path, "ASK {}", dump_path)
        first = idle_pid(pool)
        answer(pool, store_path, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", dump_path)
        assert (idle_pid(pool) != first) is replaced
    finally:
        pool.close()
