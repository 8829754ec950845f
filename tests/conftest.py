"""Shared fixtures: where the repository, the shared reference material and the test records are."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
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


# A running server ---------------------------------------------------------------------------


#: The installed command, as users run it.
ATLAS_GRAPH_SCRIPT = str(Path(sys.executable).with_name("atlas-graph"))


class RunningServer:
    """``atlas-graph serve`` (gunicorn) in a child process, over a store loaded for it."""

    def __init__(self, store: Path, port: int, log: Path):
        self.store = store
        self.port = port
        self.log = log
        self.base = f"http://127.0.0.1:{port}/"  # the base URI of the data and the server's URL
        self.process: subprocess.Popen | None = None

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def start(self, timeout: float = 60.0) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [ATLAS_GRAPH_SCRIPT, "serve", "--store", str(self.store),
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"],
                stdout=log, stderr=subprocess.STDOUT, env=environ, cwd=REPO_ROOT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # gunicorn's graceful shutdown
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def atlas_server(real_page: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real server on 127.0.0.1 over the real page and every test record (some are rejected
    on purpose), loaded with the server's own address as base URI so its URIs dereference."""
    folder = tmp_path_factory.mktemp("atlas_server")
    port = free_port()
    server = RunningServer(folder / "store", port, folder / "server.log")
    loaded = subprocess.run([ATLAS_GRAPH_SCRIPT, "load", real_page, *sorted(TEST_RECORDS.glob("*.txt")),
                             "--store", server.store, "--base-uri", server.base],
                            capture_output=True, text=True, cwd=REPO_ROOT,
                            env={k: v for k, v in os.environ.items() if not k.startswith("ATLAS_")})
    if loaded.returncode not in (0, 1) or not (server.store / "current").exists():
        raise RuntimeError(f"could not load the test store:\n{loaded.stdout}{loaded.stderr}")
    server.start()
    yield server
    server.stop()
