"""Load: 32 concurrent clients for 40 s of mixed SPARQL and dereferencing against
``atlas-graph serve`` on loopback. No 5xx, no failed connection, and the resident memory of the
server's whole process tree (gunicorn master, workers, forkservers, query processes) grows by
less than 10 % between just after a warm-up and the end.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from urllib.parse import quote, urlencode

import pytest

from support.hardening import loaded_server, process_tree, rss_bytes

CLIENTS = 32
WARM_UP = 8.0  # seconds
MEASURED = 40.0  # seconds
QUERIES = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s ?title WHERE { ?s <http://purl.org/dc/terms/title> ?title } LIMIT 50",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/atlas-coop/ontology#Partnership> ; ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), \"eau\")) } LIMIT 100",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = loaded_server(tmp_path_factory.mktemp("load")).start()
    yield server
    server.stop()


def _targets(server) -> list[tuple[str, dict[str, str]]]:
    ours = server.base + "id/"
    rows = server.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) }")
    paths = [r["s"]["value"][len(ours):] for r in rows if r["s"]["value"].startswith(ours)]
    targets = [("/sparql?" + urlencode({"query": q}), {"Accept": "application/sparql-results+json, text/turtle"})
               for q in QUERIES]
    for path in paths:
        targets += [(quote(f"/id/{path}"), {"Accept": "text/turtle"}),
                    (quote(f"/page/{path}"), {"Accept": "text/html"}),
                    (quote(f"/data/{path}.ttl"), {}), (quote(f"/data/{path}"), {"Accept": "application/ld+json"})]
    return targets + [("/dumps/", {"Accept": "application/json"}), ("/.well-known/void", {}), ("/catalog", {})]


class Clients:
    """``CLIENTS`` threads sending random requests until a deadline; counts statuses and errors."""

    def __init__(self, server, targets):
        self.server = server
        self.targets = targets
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.lock = threading.Lock()

    def run(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=self._client, args=(deadline, seed)) for seed in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(seconds + 60)

    def _client(self, deadline: float, seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        while time.monotonic() < deadline:
            target, headers = rng.choice(self.targets)
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                with self.lock:
                    self.failures.append(f"{target}: {error!r}")
                continue
            with self.lock:
                self.statuses[status] += 1
                if status >= 500:
                    self.failures.append(f"{target}: {status}")
        connection.close()


def _sample_rss(root: int, seconds: float, stop: threading.Event, into: list[int]) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not stop.is_set():
        into.append(rss_bytes(process_tree(root)))
        time.sleep(0.5)


def test_32_clients_for_40_s_no_5xx_and_memory_holds(server):
    targets = _targets(server)
    assert len(targets) > 50
    Clients(server, targets).run(WARM_UP)

    clients = Clients(server, targets)
    samples: list[int] = []
    stop = threading.Event()
    sampler = threading.Thread(target=_sample_rss, args=(server.process.pid, MEASURED + 5, stop, samples))
    sampler.start()
    started = time.monotonic()
    clients.run(MEASURED)
    elapsed = time.monotonic() - started
    stop.set()
    sampler.join()

    done = sum(clients.statuses.values())
    assert not clients.failures, f"{len(clients.failures)} failures, e.g. {clients.failures[:5]}"
    assert elapsed < MEASURED + 35, "the clients did not stop in time"
    assert done > 1000, f"only {done} requests in {elapsed:.0f} s"
    assert set(clients.statuses) <= {200, 303}, dict(clients.statuses)
    window = max(len(samples) // 10, 3)
    before, after = statistics.median(samples[:window]), statistics.median(samples[-window:])
    growth = (after - before) / before
    summary = (f"{done} requests ({done / elapsed:.0f}/s), statuses {dict(clients.statuses)}; "
               f"RSS {before / 2**20:.0f} MiB → {after / 2**20:.0f} MiB ({growth:+.1%})")
    print(summary)
    assert growth < 0.10, summary
    assert json.loads(server.sparql_get("ASK { ?s ?p ?o }").body)["boolean"] is True
