"""Shared fixtures: where the repository, the shared reference material and the test records are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
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
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}
    environ.update(env or {})
    main = "import sys; from atlas_graph.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", main, *map(str, args)],
                          capture_output=True, text=True, env=environ, cwd=REPO_ROOT)


@pytest.fixture(scope="session")
def atlas_graph_cli():
    """``atlas_graph_cli("convert", "in/", "-o", "out.ttl")`` → the finished process."""
    return run_atlas_graph
