"""``atlas-graph serve`` as deployed (the installed command, gunicorn) in a child process on a
loopback port: one class for every test that needs a real running server."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

from support.commands import ATLAS_GRAPH_SCRIPT, clean_environment
from support.http_fetch import Reply, request
from support.paths import REPO_ROOT

#: Matches every triple of the store, whichever graph it is in.
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts_connections(server: ServeProcess) -> bool:
    """The default readiness check: the port takes a TCP connection."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=1):
        return True


class ServeProcess:
    """``atlas-graph serve --store STORE --host 127.0.0.1 --port PORT --workers 2 [options]``,
    its output appended to ``log``.

    ``ready(server)`` says whether the server answers yet (an ``OSError`` counts as "not yet");
    ``start`` waits for it. ``base`` is the server's URL, which tests load as the data's base URI
    so that its URIs dereference. ``request`` and the methods after it ask the server, timed.
    """

    def __init__(self, store: Path, log: Path, *options: str, port: int | None = None,
                 ready: Callable[[ServeProcess], bool] = accepts_connections):
        self.store = store
        self.log = log
        self.options = options
        self.port = port or free_port()
        self.ready = ready
        self.base = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    def start(self, timeout: float = 60.0) -> ServeProcess:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [ATLAS_GRAPH_SCRIPT, "serve", "--store", str(self.store), "--host", "127.0.0.1",
                 "--port", str(self.port), "--workers", "2", *self.options],
                stdout=log, stderr=subprocess.STDOUT, env=clean_environment(), cwd=REPO_ROOT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                if self.ready(self):
                    return self
            except OSError:
                pass
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

    # requests ----------------------------------------------------------------------------------

    def request(self, method: str, target: str, headers: dict[str, str] | None = None,
                body: bytes | None = None, timeout: float = 30.0) -> Reply:
        """One request with exactly ``target`` as sent (no normalisation) and ``headers``."""
        return request("127.0.0.1", self.port, method, target, headers, body, timeout)

    def get(self, target: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
        return self.request("GET", target, headers, timeout=timeout)

    def sparql_get(self, query: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
        return self.get("/sparql?" + urlencode({"query": query}), headers, timeout)

    def select(self, query: str) -> list[dict]:
        reply = self.sparql_get(query, {"Accept": "application/sparql-results+json"})
        assert reply.status == 200, reply.text
        return json.loads(reply.body)["results"]["bindings"]

    def count_triples(self) -> int:
        return int(self.select(COUNT_TRIPLES)[0]["n"]["value"])

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
