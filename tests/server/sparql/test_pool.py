"""The killable query processes: results back through the pipe or a spool file, and nothing
left behind when a query is killed or fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

import pyoxigraph as ox
import pytest

from atlas_graph.server.sparql.execution import Dataset, FormatWish, Limits, QueryRejected, SpillingSink
from atlas_graph.server.sparql.pool import QueryPool
from atlas_graph.server.sparql.results import QueryTimeout

EX = "http://example.org/"
JSON = FormatWish("application/sparql-results+json")
ALL = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("pool") / "oxigraph")
    store = ox.Store(path)
    graph = ox.NamedNode(EX + "g")
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(EX + "p"), ox.Literal(n), graph) for n in range(200))
    store.flush()
    del store
    return path


def run(pool: QueryPool, store_path: str, query: str, timeout: float = 30.0):
    return pool.run(store_path, query, Dataset(), JSON, Limits(timeout, 1000), "http://localhost/sparql")


def test_a_small_result_comes_back_in_memory(store_path):
    pool = QueryPool(1)
    try:
        answer = run(pool, store_path, ALL)
        assert os.listdir(pool.spool_dir) == []
    finally:
        pool.close()
    assert answer.spool is None
    assert len(json.loads(answer.body)["results"]["bindings"]) == 200
    assert answer.outcome.rows == 200 and not answer.outcome.truncated


def test_a_large_result_comes_back_in_a_spool_file(store_path):
    pool = QueryPool(1, small_result=1000)
    try:
        answer = run(pool, store_path, ALL)
        assert answer.body is None
        with open(answer.spool, "rb") as spool:
            assert len(json.load(spool)["results"]["bindings"]) == 200
        os.unlink(answer.spool)
    finally:
        pool.close()


def test_the_spool_folder_goes_with_the_pool_and_with_its_process(store_path):
    pool = QueryPool(1, small_result=10)
    run(pool, store_path, ALL)  # a spool file the caller never deleted
    pool.close()
    assert not os.path.exists(pool.spool_dir)
    program = ("import sys; from atlas_graph.server.sparql.pool import QueryPool; "
               "print(QueryPool(1).spool_dir); sys.exit(0)")
    spool_dir = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                               check=True).stdout.strip()
    assert spool_dir.startswith(tempfile.gettempdir()) and not os.path.exists(spool_dir)


def test_a_failing_query_leaves_no_spool_file_and_the_process_is_reused(store_path):
    pool = QueryPool(1, small_result=10)
    try:
        with pytest.raises(QueryRejected):
            run(pool, store_path, "SELECT ?x WHERE { BIND(1 AS ?x) BIND(2 AS ?x) }")
        assert os.listdir(pool.spool_dir) == []
        spool = run(pool, store_path, "ASK {}").spool
        with open(spool, "rb") as result:
            assert json.load(result)["boolean"] is True
        os.unlink(spool)
    finally:
        pool.close()


def test_a_query_past_its_deadline_is_killed_and_a_fresh_process_answers(store_path):
    pool = QueryPool(1)
    try:
        with pytest.raises(QueryTimeout, match="1 s time limit"):
            run(pool, store_path, ENDLESS, timeout=1.0)
        assert os.listdir(pool.spool_dir) == []
        assert json.loads(run(pool, store_path, "ASK {}").body)["boolean"] is True
    finally:
        pool.close()


def test_the_spilling_sink_keeps_small_writes_in_memory(tmp_path):
    sink = SpillingSink(str(tmp_path / "result"), limit=10)
    sink.write(b"0123456789")
    assert sink.result() == (b"0123456789", None)
    assert not (tmp_path / "result").exists()


def test_the_spilling_sink_moves_to_its_file_past_the_limit(tmp_path):
    sink = SpillingSink(str(tmp_path / "result"), limit=10)
    for chunk in (b"0123456", b"789ab", b"cdef"):
        sink.write(chunk)
    assert sink.result() == (None, str(tmp_path / "result"))
    assert (tmp_path / "result").read_bytes() == b"0123456789abcdef"


def test_the_spilling_sink_discards_its_file(tmp_path):
    sink = SpillingSink(str(tmp_path / "result"), limit=1)
    sink.write(b"abc")
    sink.discard()
    assert not (tmp_path / "result").exists()
