"""Shared fixtures: where the repository, the shared reference material and the test records are."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from live_server import ATLAS_GRAPH_SCRIPT, REPO_ROOT, ServeProcess, clean_environment

SHARED = REPO_ROOT.parent / "shared"
REAL_PAGE = SHARED / "atlas" / "records" / "000_907021ef8160d5c3.txt"
TEST_RECORDS = Path(__file__).resolve().parent / "records"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only reference material (../shared): never copied into the repository."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not available")
    return SHARED


@pytest.fixture(scope="session")
def real_page(shared: Path) -> Path:
    """The one real Atlas capture."""
    return REAL_PAGE


@pytest.fixture(scope="session")
def test_records() -> Path:
    """The small hand-written captures of tests/records/, one quirk each."""
    return TEST_RECORDS


def run_atlas_graph(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a child process, as the ``atlas-graph`` script does."""
    environ = clean_environment() | (env or {})
    main = "import sys; from atlas_graph.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", main, *map(str, args)],
                          capture_output=True, text=True, env=environ, cwd=REPO_ROOT)


@pytest.fixture(scope="session")
def atlas_graph_cli():
    """``atlas_graph_cli("convert", "in/", "-o", "out.ttl")`` → the finished process."""
    return run_atlas_graph


# A running server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def atlas_server(real_page: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """A real server on 127.0.0.1 over the real page and every test record (some are rejected
    on purpose), loaded with the server's own address as base URI so its URIs dereference."""
    folder = tmp_path_factory.mktemp("atlas_server")
    server = ServeProcess(folder / "store", folder / "server.log")
    loaded = subprocess.run([ATLAS_GRAPH_SCRIPT, "load", real_page, *sorted(TEST_RECORDS.glob("*.txt")),
                             "--store", server.store, "--base-uri", server.base],
                            capture_output=True, text=True, cwd=REPO_ROOT, env=clean_environment())
    if loaded.returncode not in (0, 1) or not (server.store / "current").exists():
        raise RuntimeError(f"could not load the test store:\n{loaded.stdout}{loaded.stderr}")
    server.start()
    yield server
    server.stop()
