"""Crash-safe loads: ``atlas-graph load`` killed with SIGKILL at random moments leaves the store
in the previous complete state or the new complete state, never a mix, and the next load works.

Each round loads a different synthetic corpus (its own seed and size) with ``--prune``, so each
complete state is exactly one corpus: its number of partnerships and the checksum of its titles
(from the corpus manifest) tell the states apart. After every kill the store is read directly
(``StoreDir(...).reader()``) and through a server that kept running over it all along.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from atlas_graph.store.generations import StoreDir
from support.commands import ATLAS_GRAPH_SCRIPT, clean_environment
from support.hardening import Server
from support.paths import REPO_ROOT

ROUNDS = 6
TITLES = """PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?title WHERE { ?partnership a atlas:Partnership ; dct:title ?title }"""


def fingerprint(titles: list[str]) -> tuple[int, str]:
    """(number of partnerships, sha256 of their sorted titles)."""
    return len(titles), hashlib.sha256("\n".join(sorted(titles)).encode()).hexdigest()


def corpus(folder: Path, seed: int, count: int) -> tuple[Path, tuple[int, str]]:
    """A synthetic corpus and the fingerprint of the state a complete load of it gives."""
    directory = folder / f"synth_{seed}"
    subprocess.run([ATLAS_GRAPH_SCRIPT, "synth", "--count", str(count), "--seed", str(seed), "-o", str(directory),
                    "-q"], check=True, cwd=REPO_ROOT, env=clean_environment())
    manifest = json.loads((directory / "synth-manifest.json").read_text())
    return directory, fingerprint([entry["title"] for entry in manifest["files"]])


def start_load(records: Path, store: Path, base: str) -> subprocess.Popen:
    return subprocess.Popen([ATLAS_GRAPH_SCRIPT, "load", str(records), "--store", str(store), "--base-uri", base,
                             "--prune", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO_ROOT,
                            env=clean_environment(), start_new_session=True)


def state_on_disk(store: Path) -> tuple[int, str]:
    generation = StoreDir(store).reader()
    return fingerprint([row["title"].value for row in generation.store.query(TITLES, use_default_graph_as_union=True)])


def state_served(server: Server) -> tuple[int, str]:
    return fingerprint([row["title"]["value"] for row in server.select(TITLES)])


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpora")
    # different seeds and sizes: every complete state has its own count and titles
    return [corpus(folder, seed, 280 + 7 * seed) for seed in range(1, ROUNDS + 2)]


def test_killed_loads_leave_a_complete_state_and_the_next_load_succeeds(tmp_path, corpora):
    server = Server(tmp_path)
    first, first_state = corpora[0]
    started = time.monotonic()
    loaded = start_load(first, server.store, server.base)
    assert loaded.wait(120) == 0, loaded.stderr.read().decode()
    duration = time.monotonic() - started
    assert state_on_disk(server.store) == first_state  # the fingerprints describe what a load stores

    seed = int(os.environ.get("HARDENING_KILL_SEED", time.time_ns() % 10**6))
    rng = random.Random(seed)
    server.start()
    try:
        assert state_served(server) == first_state
        previous = first_state
        for round_number, (records, new_state) in enumerate(corpora[1:ROUNDS + 1], start=1):
            delay = rng.uniform(0, duration)
            where = f"round {round_number}, killed after {delay:.2f} s of a {duration:.2f} s load (seed {seed})"
            load = start_load(records, server.store, server.base)
            try:
                load.wait(delay)
            except subprocess.TimeoutExpired:
                os.killpg(load.pid, signal.SIGKILL)
            returncode = load.wait(30)
            assert returncode in (0, -signal.SIGKILL), f"{where}: exit {returncode}: {load.stderr.read().decode()}"

            on_disk = state_on_disk(server.store)
            assert on_disk in (previous, new_state), f"{where}: the store holds a mix of two states"
            if returncode == 0:
                assert on_disk == new_state, f"{where}: a finished load did not leave its state"
            assert state_served(server) == on_disk, f"{where}: the server does not serve the store's state"
            previous = on_disk

        final_records, final_state = corpora[-1]
        load = start_load(final_records, server.store, server.base)
        assert load.wait(120) == 0, load.stderr.read().decode()
        assert state_on_disk(server.store) == final_state
        assert state_served(server) == final_state
        generations = [p.name for p in (server.store / "generations").iterdir()]
        assert len(generations) <= 3 + 1, f"killed loads left generations behind: {generations}"
    finally:
        server.stop()
