"""No lost update: real ``atlas-graph load`` processes at the same time on one store, a load
beside a SPARQL Update, and a writer that waits for the lock longer than it may (exit 3).

Each corpus is synthetic with its own seed, so that its records have ids of their own: a
store that holds the union of two loads holds the sum of their partnerships.
"""

from __future__ import annotations

import fcntl
import subprocess
import time
from pathlib import Path

import pytest

from atlas_graph.store.bookkeeping import RECORDS_FILE, MentionTable, read_records
from atlas_graph.store.generations import StoreDir
from support.commands import ATLAS_GRAPH_SCRIPT, clean_environment
from support.hardening import TOKEN, Server
from support.paths import REPO_ROOT

BASE = "http://localhost:8000/"
PARTNERSHIPS = """SELECT ?p WHERE { ?p a <https://w3id.org/atlas-coop/ontology#Partnership> }"""
INSERTED = "http://example.org/inserted-during-a-load"


def synth(folder: Path, seed: int, count: int) -> Path:
    directory = folder / f"synth_{seed}_{count}"
    subprocess.run([ATLAS_GRAPH_SCRIPT, "synth", "--count", str(count), "--seed", str(seed), "-o", str(directory),
                    "-q"], check=True, cwd=REPO_ROOT, env=clean_environment())
    (directory / "synth-manifest.json").unlink()
    return directory


def start_load(records: Path, store: Path, *options: str) -> subprocess.Popen:
    return subprocess.Popen([ATLAS_GRAPH_SCRIPT, "load", str(records), "--store", str(store), "--base-uri", BASE,
                             *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT,
                            env=clean_environment())


def partnerships(store: Path) -> set[str]:
    """The record ids of the partnerships stored (whatever the base URI)."""
    generation = StoreDir(store).reader()
    return {row["p"].value.rsplit("/id/partnership/", 1)[1]
            for row in generation.store.query(PARTNERSHIPS, use_default_graph_as_union=True)}


def loaded_ids(records: Path, store: Path) -> set[str]:
    """The partnerships a load of ``records`` alone stores (into a store of its own)."""
    own = store.parent / f"alone-{records.name}"
    if not own.exists():
        finished = start_load(records, own)
        assert finished.wait(300) == 0, finished.stderr.read()
    return partnerships(own)


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpora")
    return {"large": synth(folder, 11, 1500), "small": synth(folder, 12, 5), "base": synth(folder, 13, 40)}


def race(large: Path, small: Path, store: Path) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    """Start a large load, then a small one into the same store while the large one parses."""
    first = start_load(large, store)
    time.sleep(0.3)
    second = start_load(small, store)
    second_out, second_err = second.communicate(timeout=300)
    first_running_when_second_ended = first.poll() is None
    first_out, first_err = first.communicate(timeout=300)
    assert first_running_when_second_ended, "the small load did not finish while the large one ran: no race"
    return (subprocess.CompletedProcess(first.args, first.returncode, first_out, first_err),
            subprocess.CompletedProcess(second.args, second.returncode, second_out, second_err))


@pytest.mark.parametrize("start", ["empty", "non-empty"])
def test_two_loads_at_once_keep_the_union_of_their_records(tmp_path, corpora, start):
    store = tmp_path / "store"
    expected = loaded_ids(corpora["large"], tmp_path) | loaded_ids(corpora["small"], tmp_path)
    if start == "non-empty":
        assert start_load(corpora["base"], store).wait(300) == 0
        expected |= partnerships(store)
    first, second = race(corpora["large"], corpora["small"], store)
    assert second.returncode == 0, second.stderr
    assert first.returncode == 0, first.stderr
    assert partnerships(store) == expected
    # and the loader's bookkeeping knows them all (a later load, --prune, the entities graph rely on it)
    current = store / StoreDir(store).current_target()
    assert set(read_records(current / RECORDS_FILE, MentionTable())) == expected
    assert "1500 converted" in first.stderr and "5 converted" in second.stderr
    # the large load built on the small one's generation, the newest
    assert StoreDir(store).current_target() in first.stderr


def test_a_load_that_waits_longer_than_allowed_fails_with_status_3_and_changes_nothing(tmp_path, corpora):
    store = tmp_path / "store"
    assert start_load(corpora["small"], store).wait(300) == 0
    before = StoreDir(store).current_target()
    with open(store / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another writer, as far as the load can tell
        started = time.monotonic()
        waited = start_load(corpora["base"], store, "--wait", "2", "-q")
        out, err = waited.communicate(timeout=60)
        took = time.monotonic() - started
    assert waited.returncode == 3, err
    assert 2 <= took < 30
    assert "waiting for it, up to 2 s" in err
    assert "another load or update is writing this store, still after 2 s of waiting" in err
    assert "Traceback" not in err
    assert StoreDir(store).current_target() == before
    assert [p.name for p in (store / "generations").iterdir()] == [Path(before).name]


def test_a_load_waits_for_the_lock_and_then_succeeds(tmp_path, corpora):
    store = tmp_path / "store"
    store.mkdir()
    with open(store / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = start_load(corpora["small"], store, "--wait", "60")
        time.sleep(2)
        assert waiting.poll() is None  # still waiting
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert len(partnerships(store)) == 5


def update(server: Server, text: str):
    return server.request("POST", "/sparql", {"Content-Type": "application/sparql-update",
                                              "Authorization": f"Bearer {TOKEN}"}, text.encode())


def test_an_update_meeting_a_busy_store_is_503_with_retry_after(tmp_path, corpora):
    server = Server(tmp_path, "--update-token", TOKEN)
    assert start_load(corpora["small"], server.store, "--base-uri", server.base).wait(300) == 0
    with server:
        with open(server.store / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            busy = update(server, f"INSERT DATA {{ GRAPH <{INSERTED}> {{ <{INSERTED}> a <{INSERTED}> }} }}")
        assert busy.status == 503, busy.text
        assert busy.headers.get("Retry-After")
        assert "another load or update is writing this store" in busy.text
        done = update(server, f"INSERT DATA {{ GRAPH <{INSERTED}> {{ <{INSERTED}> a <{INSERTED}> }} }}")
        assert done.status == 204, done.text


def test_a_load_and_updates_interleaved_keep_both(tmp_path, corpora):
    server = Server(tmp_path, "--update-token", TOKEN)
    assert start_load(corpora["base"], server.store, "--base-uri", server.base).wait(300) == 0
    expected = partnerships(server.store) | loaded_ids(corpora["large"], tmp_path)
    inserted = []
    with server:
        loading = start_load(corpora["large"], server.store, "--base-uri", server.base)
        number = 0
        deadline = time.monotonic() + 300
        # updates before, during and after the load's switch, until three have gone through
        while (loading.poll() is None or len(inserted) < 3) and time.monotonic() < deadline:
            subject = f"{INSERTED}/{number}"
            reply = update(server, f"INSERT DATA {{ GRAPH <{subject}> {{ <{subject}> a <{INSERTED}> }} }}")
            assert reply.status in (204, 503), reply.text  # 503: the load held the lock
            if reply.status == 204:
                inserted.append(subject)
            number += 1
            time.sleep(0.2)
        out, err = loading.communicate()
        assert loading.returncode == 0, err
        generation = StoreDir(server.store).reader()
        kept = {row["s"].value for row in generation.store.query(
            f"SELECT ?s WHERE {{ ?s a <{INSERTED}> }}", use_default_graph_as_union=True)}
    assert len(inserted) >= 3
    assert kept == set(inserted)
    assert partnerships(server.store) == expected
