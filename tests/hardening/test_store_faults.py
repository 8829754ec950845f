"""Faults as an operator meets them, with real processes and real files: a load over the
file-size limit (a full disk, without root), a damaged generation (a truncated database file)
refused by ``serve``, found by ``check`` and repaired by ``check --rollback``, a storage error
during a request (503), and SIGTERM (requests in flight answered, no process left behind).
"""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from atlas_graph.server.app import create_app
from atlas_graph.server.service import AtlasConfig
from atlas_graph.store.generations import StoreDir
from support.commands import ATLAS_GRAPH_SCRIPT, clean_environment
from support.hardening import TOKEN, Server, process_tree
from support.paths import REPO_ROOT

PARTNERSHIPS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <https://w3id.org/atlas-coop/ontology#Partnership> }"


def synth(folder: Path, seed: int, count: int) -> Path:
    directory = folder / f"synth_{seed}"
    subprocess.run([ATLAS_GRAPH_SCRIPT, "synth", "--count", str(count), "--seed", str(seed), "-o", str(directory),
                    "-q"], check=True, cwd=REPO_ROOT, env=clean_environment())
    (directory / "synth-manifest.json").unlink()
    return directory


def atlas_graph(*args, file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    """The installed command; ``file_size_limit``: RLIMIT_FSIZE in bytes, SIGXFSZ ignored, so
    that a write past it fails with EFBIG as a write to a full disk fails with ENOSPC."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([ATLAS_GRAPH_SCRIPT, *map(str, args)], capture_output=True, text=True, cwd=REPO_ROOT,
                          env=clean_environment(), preexec_fn=limit if file_size_limit else None)


def listing(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` and its size (the lock file aside: a writer creates it)."""
    return {str(path.relative_to(folder)): path.stat().st_size for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name != "lock"}


def partnerships(server: Server) -> int:
    return int(server.select(PARTNERSHIPS)[0]["n"]["value"])


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpora")
    return synth(folder, 21, 300), synth(folder, 22, 5)


def _assert_failed_cleanly(loaded: subprocess.CompletedProcess, what: str, where: Path) -> None:
    """Exit 3 and one line: what was being written (matching the pattern ``what``), where."""
    lines = loaded.stderr.strip().splitlines()
    assert loaded.returncode == 3, loaded.stderr
    assert len(lines) == 1, loaded.stderr
    assert "Traceback" not in loaded.stderr
    assert lines[0].startswith("atlas-graph load: failed: file too large"), lines[0]
    assert re.search(f"while writing {what} in {re.escape(str(where))}", lines[0]), lines[0]
    assert re.search(r"the store needed more than [\d.]+ MiB", lines[0]), lines[0]
    assert lines[0].endswith("nothing was changed"), lines[0]


def test_a_first_load_over_the_file_size_limit_fails_with_status_3_and_leaves_nothing(tmp_path, corpora):
    records, _ = corpora
    store = tmp_path / "store"
    loaded = atlas_graph("load", records, "--store", store, "-q", file_size_limit=200_000)
    _assert_failed_cleanly(loaded, "the spool of parsed records", store)
    assert not StoreDir(store).exists()
    assert listing(store) == {}  # no generation, no spool, nothing
    assert not list((store / "generations").glob("*")) if (store / "generations").exists() else True


@pytest.mark.parametrize("limit", [150_000, 600_000])
def test_a_load_into_a_store_over_the_limit_fails_with_status_3_and_changes_nothing(tmp_path, corpora, limit):
    records, more = corpora
    store = tmp_path / "store"
    assert atlas_graph("load", records, "--store", store, "-q").returncode == 0
    before = listing(store)
    loaded = atlas_graph("load", more, "--store", store, "-q", file_size_limit=limit)
    _assert_failed_cleanly(loaded, "(the database|the spool of parsed records|the dumps, statistics and site data)",
                           store / "generations")
    assert listing(store) == before  # the same files, of the same sizes: no partial generation
    assert atlas_graph("check", "--store", store).returncode == 0
    assert atlas_graph("load", more, "--store", store, "-q").returncode == 0  # with room, it works


def unshared_database_file(generation: Path) -> Path:
    """The largest database file that only this generation has (not hard-linked from the
    previous one, which damaging it would damage too)."""
    files = [p for p in (generation / "oxigraph").glob("*.sst") if p.stat().st_nlink == 1]
    return max(files, key=lambda p: p.stat().st_size)


def damaged_store(folder: Path, corpora) -> tuple[Server, str, str, int]:
    """A server (not started) over a store of two generations whose current one is damaged;
    the names of the damaged and the previous generation, and the previous one's partnerships."""
    records, more = corpora
    server = Server(folder)
    assert atlas_graph("load", records, "--store", server.store, "--base-uri", server.base, "-q").returncode == 0
    previous = Path(StoreDir(server.store).current_target()).name
    assert atlas_graph("load", more, "--store", server.store, "--base-uri", server.base, "-q").returncode == 0
    current = Path(StoreDir(server.store).current_target()).name
    assert current != previous
    victim = unshared_database_file(server.store / "generations" / current)
    os.truncate(victim, victim.stat().st_size // 2)
    return server, current, previous, 300


def test_a_damaged_generation_is_refused_found_and_rolled_back(tmp_path, corpora):
    server, damaged, previous, count = damaged_store(tmp_path, corpora)

    with pytest.raises(RuntimeError) as refused:
        server.start(timeout=30)
    assert server.process.returncode == 3
    message = str(refused.value)
    assert f"the current generation {damaged} is damaged" in message
    assert f"atlas-graph check --store {server.store} --rollback" in message
    assert "Traceback" not in message

    checked = atlas_graph("check", "--store", server.store)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert f"{damaged} (current): damaged: oxigraph/" in checked.stdout
    assert f"{previous}: intact" in checked.stdout

    rolled = atlas_graph("check", "--store", server.store, "--rollback")
    assert rolled.returncode == 1  # damage was found (and repaired)
    assert f"generation {previous} is current now" in rolled.stderr
    assert Path(StoreDir(server.store).current_target()).name == previous
    assert atlas_graph("check", "--store", server.store).returncode == 0

    with server:
        assert partnerships(server) == count  # the previous content: without the 5 of the damaged one
    assert atlas_graph("load", corpora[1], "--store", server.store, "--base-uri", server.base,
                       "-q").returncode == 0  # and the store takes loads again


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_check_finds_damage_that_keeps_file_sizes(tmp_path, corpora):
    """A changed byte keeps the size, which is all that serve's start-up check compares:
    check's checksums find it, in the database and in a dump."""
    records, _ = corpora
    store = tmp_path / "store"
    assert atlas_graph("load", records, "--store", store, "-q").returncode == 0
    generation = store / StoreDir(store).current_target()
    victim = unshared_database_file(generation)
    flip_a_byte(victim)
    flip_a_byte(generation / "dumps" / "atlas.nq.gz")
    StoreDir(store).verify_current()  # sizes only: passes
    checked = atlas_graph("check", "--store", store)
    assert checked.returncode == 1
    assert f"oxigraph/{victim.name} does not have the checksum it was written with" in checked.stdout
    assert "dumps/atlas.nq.gz does not have the checksum the catalog publishes" in checked.stdout
    rolled = atlas_graph("check", "--store", store, "--rollback")
    assert rolled.returncode == 3  # no intact generation to go back to
    assert "no kept generation is intact" in rolled.stderr and "Traceback" not in rolled.stderr


def test_a_storage_error_during_a_request_is_a_503(tmp_path, corpora):
    records, _ = corpora
    # Queries on the disk store (a copy of the graph held in memory would answer them unharmed),
    # and one worker: the one whose query met the damage answers the request after it.
    server = Server(tmp_path, "--query-memory-mb", "0", "--workers", "1")
    assert atlas_graph("load", records, "--store", server.store, "--base-uri", server.base, "-q").returncode == 0
    generation = Path(StoreDir(server.store).current_target()).name
    with server:
        for victim in (server.store / "generations" / generation / "oxigraph").glob("*.sst"):
            os.truncate(victim, 100)  # damaged after the start-up check
        for target in ("/sparql?query=" + "SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
                       "/data/partnership/SYNTH-21-000001"):
            reply = server.get(target, {"Accept": "text/plain"})
            assert reply.status == 503, (target, reply.status, reply.text)
            assert f"a storage error on generation {generation}" in reply.text
            assert reply.headers.get("Retry-After")
            assert str(server.store) not in reply.text  # the server's paths stay in its log
    log = server.log.read_text()
    assert f"storage error on generation {generation}" in log


def test_a_generation_found_corrupt_is_refused_on_every_later_read(tmp_path, corpora):
    """Once one read met the damage, even what cached blocks or rendered bodies could still
    answer is a 503: a damaged generation is not served in part."""
    records, _ = corpora
    store = tmp_path / "store"
    assert atlas_graph("load", records, "--store", store, "--base-uri", "http://example.org/", "-q").returncode == 0
    generation = Path(StoreDir(store).current_target()).name
    app = create_app(AtlasConfig(store=store, base_uri="http://example.org/", query_memory_mib=0))
    client = app.test_client()
    page = "/data/partnership/SYNTH-21-000001"
    assert client.get(page, headers={"Accept": "text/turtle"}).status_code == 200  # kept rendered
    for victim in (store / "generations" / generation / "oxigraph").glob("*.sst"):
        os.truncate(victim, 100)
    # a query process opens the generation afresh, and meets the damage
    query = client.get("/sparql", query_string={"query": PARTNERSHIPS}, headers={"Accept": "text/plain"})
    assert query.status_code == 503 and "Corruption" not in query.text
    for target in (page, "/", "/sparql?query=ASK%7B%7D"):
        reply = client.get(target, headers={"Accept": "text/turtle"})
        assert reply.status_code == 503, (target, reply.status_code)
        assert f"a storage error on generation {generation}" in reply.text
        assert reply.headers.get("Retry-After")


def alive(pid: int, started: str) -> bool:
    """Whether process ``pid`` still runs (and is the one that had ``started`` as start time)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[19] == started and fields[0] != "Z"


def start_times(pids: list[int]) -> dict[int, str]:
    times = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                times[pid] = stat.read().rsplit(")", 1)[1].split()[19]
        except OSError:
            continue
    return times


ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_sigterm_answers_the_requests_in_flight_and_leaves_no_process(tmp_path, corpora):
    """An endless query (stopped at its time limit) and an update (whose dumps are written by
    child processes) are in flight when gunicorn gets SIGTERM: both are answered, and every
    process seen in the server's tree meanwhile is gone once it has stopped."""
    records, _ = corpora
    server = Server(tmp_path, "--query-timeout", "4", "--update-token", TOKEN)
    assert atlas_graph("load", records, "--store", server.store, "--base-uri", server.base, "-q").returncode == 0
    server.start()
    seen: dict[int, str] = {}
    watching = threading.Event()

    def watch() -> None:  # every process of the tree, however short-lived (dump children)
        while not watching.is_set():
            seen.update(start_times(process_tree(server.process.pid)))
            time.sleep(0.02)

    try:
        assert partnerships(server) == 300  # the query processes exist now
        watcher = threading.Thread(target=watch)
        watcher.start()
        replies: dict[str, object] = {}
        query = threading.Thread(target=lambda: replies.update(query=server.sparql_get(ENDLESS, timeout=30)))
        insert = f"INSERT DATA {{ GRAPH <{server.base}graph/note> {{ <{server.base}x> <{server.base}y> 1 }} }}"
        change = threading.Thread(target=lambda: replies.update(update=server.request(
            "POST", "/sparql", {"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
            insert.encode(), timeout=30)))
        query.start()
        time.sleep(1.0)
        change.start()
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        query.join(30)
        change.join(30)
        assert replies["query"].status == 503 and "time limit" in replies["query"].text  # answered, not cut off
        assert replies["update"].status == 204, replies["update"].text
        assert server.process.wait(30) == 0
        watching.set()
        watcher.join()
        assert len(seen) >= 5, seen  # gunicorn, its workers, query processes, dump children
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid, started) for pid, started in seen.items()):
            time.sleep(0.2)
        assert [pid for pid, started in seen.items() if alive(pid, started)] == []
    finally:
        watching.set()
        server.stop()


def test_a_query_running_past_the_graceful_timeout_does_not_outlive_the_server(tmp_path, corpora):
    """gunicorn kills a worker still busy after its graceful timeout (10 s); the query process
    running the endless query goes with it rather than running on, orphaned."""
    records, _ = corpora
    server = Server(tmp_path, "--query-timeout", "120")
    assert atlas_graph("load", records, "--store", server.store, "--base-uri", server.base, "-q").returncode == 0
    server.start()
    try:
        assert partnerships(server) == 300
        query = threading.Thread(target=lambda: _ignore_errors(server.sparql_get, ENDLESS, timeout=60))
        query.start()
        time.sleep(1.0)
        tree = start_times(process_tree(server.process.pid))
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(40)
        query.join(60)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(pid, started) for pid, started in tree.items()):
            time.sleep(0.2)
        assert [pid for pid, started in tree.items() if alive(pid, started)] == []
    finally:
        server.stop()


def _ignore_errors(function, *args, **options) -> None:
    """A request whose connection the stopping server may close unanswered."""
    try:
        function(*args, **options)
    except OSError:
        pass


def test_any_verb_that_meets_a_storage_error_fails_with_status_3_in_one_line(tmp_path, corpora):
    records, _ = corpora
    converted = atlas_graph("convert", records, "-o", tmp_path / "atlas.nt", file_size_limit=50_000)
    assert converted.returncode == 3, converted.stderr
    assert converted.stderr.strip().splitlines() == ["atlas-graph convert: failed: [Errno 27] File too large"]
