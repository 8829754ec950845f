"""Shared fixtures: where the shared reference material and the test records are, the command
line, and the real server most HTTP tests ask. The helpers themselves are in ``support``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.commands import load, run_atlas_graph
from support.live_server import ServeProcess
from support.paths import REAL_PAGE, REPO_ROOT, SHARED, TEST_RECORDS


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
    load(server.store, server.base)
    server.start()
    yield server
    server.stop()
