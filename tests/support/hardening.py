"""What the hardening tests share: real ``atlas-graph load`` / ``serve`` processes with chosen
options, a small HTTP client that times each request, and /proc readings.

The servers are the installed command (gunicorn, several workers, killable query processes),
as deployed; nothing is mocked.
"""

from __future__ import annotations

import http.client
import os
import time
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlencode

from support.commands import load
from support.live_server import ServeProcess
from support.paths import ALL_RECORDS

TOKEN = "hardening-test-token"
#: Matches every triple of the store, whichever graph it is in.
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Server(ServeProcess):
    """``atlas-graph serve`` over ``FOLDER/store`` on a free loopback port, its output in
    ``FOLDER/server.log``, with a client that times each request."""

    def __init__(self, folder: Path, *options: str, port: int | None = None):
        super().__init__(folder / "store", folder / "server.log", *options, port=port)
        self.folder = folder

    # requests ----------------------------------------------------------------------------------

    def request(self, method: str, target: str, headers: dict[str, str] | None = None,
                body: bytes | None = None, timeout: float = 30.0) -> Reply:
        """One request with exactly ``target`` as sent (no normalisation) and ``headers``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        started = time.monotonic()
        try:
            connection.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            data = response.read()
            return Reply(response.status, response.headers, data, time.monotonic() - started)
        finally:
            connection.close()

    def get(self, target: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
        return self.request("GET", target, headers, timeout=timeout)

    def sparql_get(self, query: str, headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
        return self.get("/sparql?" + urlencode({"query": query}), headers, timeout)

    def sparql_post(self, field: str, text: str, headers: dict[str, str] | None = None) -> Reply:
        """A form POST carrying ``query`` or ``update``."""
        return self.request("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded",
                                                **(headers or {})}, urlencode({field: text}).encode())

    def select(self, query: str) -> list[dict]:
        reply = self.sparql_get(query, {"Accept": "application/sparql-results+json"})
        assert reply.status == 200, reply.text
        import json

        return json.loads(reply.body)["results"]["bindings"]

    def count_triples(self) -> int:
        return int(self.select(COUNT_TRIPLES)[0]["n"]["value"])


def loaded_server(folder: Path, *options: str, load_options: tuple[str, ...] = ()) -> Server:
    """A server (not started) over a store of every test record, with its own address as base."""
    server = Server(folder, *options)
    load(server.store, server.base, ALL_RECORDS, *load_options)
    return server


# /proc ---------------------------------------------------------------------------------------

def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_bytes(pids: list[int]) -> int:
    """The summed resident set size of ``pids`` (those that still exist)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
