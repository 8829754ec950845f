"""The site on one store (``make bench`` runs it at each size; ``python -m benchmarks.site --store
DIR`` alone), each part over a fresh ``serve``:

- the p95 of every site route (home, the lists and their pages, funders, search with a common and
  a rare word, a country page, the ``/page`` of the largest entities), the first requests after
  start counted, and again after a SPARQL Update has switched a new generation in;
- the first SPARQL query of a worker against its next ones (on a one-worker server, started
  several times, so that "the first query of a worker" is the first query of the server);
- a load test: clients browsing that mix plus SPARQL queries for a fixed time, with the 5xx count,
  the p99 and the server's memory (PSS of its process tree) at the start and at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .processes import free_port, server, tree_pss, wait_for_200, wait_for_holders
from .queries import PREFIXES

ATLAS = [sys.executable, "-m", "atlas_graph"]
#: ``load_memory_growth``: "memory flat" in the load test, as its PSS at the end over the start, less one.
TARGETS = {"route_p95_12000": 0.2, "route_p95_120000": 0.5, "first_query_extra": 0.05, "load_p99": 1.0,
           "load_memory_growth": 0.10}
TOKEN = "bench-update-token"
ROUNDS = 3
COMMON_WORD = "eau"
TITLES = PREFIXES + "SELECT ?t WHERE { ?p a atlas:Partnership ; dct:title ?t }"
LARGEST = PREFIXES + """
SELECT ?kind ?e WHERE {
  { SELECT ("collectivity" AS ?kind) ?e WHERE { ?p atlas:frenchPartner|atlas:foreignPartner ?e }
    GROUP BY ?e ORDER BY DESC(COUNT(?p)) ?e LIMIT 2 }
  UNION { SELECT ("country" AS ?kind) ?e WHERE { ?c atlas:country ?e } GROUP BY ?e ORDER BY DESC(COUNT(?c)) ?e LIMIT 1 }
  UNION { SELECT ("partnership" AS ?kind) ?e WHERE { ?e atlas:funding ?f }
          GROUP BY ?e ORDER BY DESC(COUNT(?f)) ?e LIMIT 1 }
}"""
#: A query of the load test's SPARQL share: one join over every partnership, answered in well under
#: a second on the 12k store.
LOAD_QUERY = PREFIXES + "SELECT ?c (COUNT(?p) AS ?n) WHERE { ?p atlas:foreignPartner/atlas:country ?c } GROUP BY ?c"


def fetch(port: int, target: str, accept: str = "text/html", method: str = "GET", body: str | None = None,
          headers: dict | None = None) -> tuple[float, int]:
    """(seconds, status) of one request with its whole body read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request(method, target, body=body, headers={"Accept": accept, **(headers or {})})
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - started, response.status
    finally:
        connection.close()


def timed(port: int, target: str, accept: str = "text/html") -> float:
    seconds, status = fetch(port, target, accept)
    if status != 200:
        raise RuntimeError(f"{target}: {status}")
    return seconds


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def sparql_target(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def route_mix(port: int, base: str) -> dict[str, str]:
    """Each site route of the issue, by name, with its largest entities found over SPARQL."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", sparql_target(LARGEST), headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(connection.getresponse().read())["results"]["bindings"]
    connection.request("GET", sparql_target(TITLES), headers={"Accept": "application/sparql-results+json"})
    titles = json.loads(connection.getresponse().read())["results"]["bindings"]
    connection.close()
    rare = rare_word(row["t"]["value"] for row in titles)
    pages = {f"/page {row['kind']['value']} {i}": "/page/" + row["e"]["value"].removeprefix(base + "id/")
             for i, row in enumerate(rows)}
    country = next(path for name, path in pages.items() if " country " in name)
    mix = {"/": "/", "/countries": "/countries", "/themes": "/themes", "/collectivities": "/collectivities",
           "/collectivities page 3": "/collectivities?page=3",
           "/collectivities?kind=foreign": "/collectivities?kind=foreign", "/funders": "/funders",
           f"/search?q={COMMON_WORD}": f"/search?q={COMMON_WORD}",
           "/search rare word": f"/search?q={urllib.parse.quote(rare)}",
           "a country page": country}
    mix.update({name: path for name, path in pages.items() if " country " not in name})
    return mix


def rare_word(titles) -> str:
    """A word of at least six letters found in the fewest titles (the first such, alphabetically)."""
    counts = Counter(word for title in titles for word in set(re.findall(r"[^\W\d_]{6,}", title.lower())))
    return min(counts, key=lambda word: (counts[word], word))


def _serve(store: Path, workers: int, *options: str) -> tuple[list[str], int]:
    """``serve`` on a free port, with the union graph held in memory whatever the store's size
    (as in benchmarks.run: the default budget is for the Atlas' own size)."""
    port = free_port()
    triples = json.loads((store / "current" / "stats.json").read_text())["triples"]
    return [*ATLAS, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--query-memory-mb", str(max(512, triples * 600 // 2**20)), *options], port


def _wait_up(port: int) -> None:
    wait_for_200(port, "/", "text/html", time.perf_counter() + 120)


def routes(store: Path, base: str, workers: int, log) -> dict:
    """p95 per route and over the mix, first requests counted, after start and after an update."""
    command, port = _serve(store, workers, "--update-token", TOKEN)
    found: dict[str, dict[str, list[float]]] = {"start": {}, "update": {}}
    with server(command):
        _wait_up(port)
        mix = route_mix(port, base)
        for moment in ("start", "update"):
            if moment == "update":
                update = "INSERT DATA { GRAPH <urn:bench:update> { <urn:bench:s> <urn:bench:p> \"bench\" } }"
                seconds, status = fetch(port, "/sparql", method="POST", body=update,
                                        headers={"Content-Type": "application/sparql-update",
                                                 "Authorization": f"Bearer {TOKEN}"})
                if status != 204:
                    raise RuntimeError(f"the update answered {status}")
                log(f"  site: SPARQL Update (a new generation) {seconds:.1f} s")
            times = found[moment]
            for _ in range(ROUNDS):
                for name, target in mix.items():
                    times.setdefault(name, []).append(timed(port, target))
    result = {}
    for moment, times in found.items():
        every = [t for ts in times.values() for t in ts]
        result[moment] = {"p95": percentile(every, 0.95), "max": max(every), "requests": len(every),
                          "routes": {name: {"p95": percentile(ts, 0.95), "first": ts[0]} for name, ts in times.items()}}
        slowest = sorted(result[moment]["routes"].items(), key=lambda item: -item[1]["p95"])[:3]
        log(f"  site routes after {moment}: p95 {result[moment]['p95'] * 1000:.0f} ms over {len(every)}; slowest "
            + ", ".join(f"{name} {r['p95'] * 1000:.0f} ms" for name, r in slowest))
    return result


def first_query(store: Path, starts: int, log) -> dict:
    """The first SPARQL query of a one-worker server against its next ones, over ``starts`` starts."""
    query = sparql_target(PREFIXES + "SELECT ?p WHERE { ?p a atlas:Partnership } LIMIT 5")
    extra = []
    for _ in range(starts):
        command, port = _serve(store, 1)
        with server(command):
            wait_for_200(port, "/", "text/html", time.perf_counter() + 120)
            first = timed(port, query, "application/sparql-results+json")
            later = min(timed(port, query, "application/sparql-results+json") for _ in range(5))
        extra.append(first - later)
    result = {"extra": max(extra), "runs": extra}
    log(f"  first SPARQL query of a worker: at most {result['extra'] * 1000:.0f} ms slower than the next "
        f"({starts} starts)")
    return result


def _client_process(port: int, targets: list[tuple[str, str]], threads: int, index: int,
                    stop_at: float) -> tuple[list[float], int, int]:
    """One client process: ``threads`` keep-alive clients until ``stop_at`` (wall clock, shared by
    the processes): (each request's seconds, 5xx answers, other failures)."""
    times: list[float] = []
    counts = {"5xx": 0, "other": 0}
    lock = threading.Lock()

    def client(start: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        i = start
        while time.time() < stop_at:
            target, accept = targets[i % len(targets)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("GET", target, headers={"Accept": accept})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with lock:
                times.append(time.perf_counter() - started)
                if status >= 500:
                    counts["5xx"] += 1
                elif status != 200:
                    counts["other"] += 1
        connection.close()

    running = [threading.Thread(target=client, args=(index * 1000 + 7 * n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return times, counts["5xx"], counts["other"]


def load_test(store: Path, base: str, workers: int, clients: int, seconds: float, log) -> dict:
    """``clients`` keep-alive clients (threads of two processes) browsing the route mix plus SPARQL."""
    command, port = _serve(store, workers)
    processes = 2
    log_file = store.parent / f"{store.name}-load-test.log"
    with server(command, log=log_file) as process:
        _wait_up(port)
        wait_for_holders(log_file, workers, time.perf_counter() + 600)  # memory is measured once warm
        targets = [(target, "text/html") for target in route_mix(port, base).values()]
        targets += [(sparql_target(LOAD_QUERY), "application/sparql-results+json")] * 3
        at_start = tree_pss(process.pid)
        stop_at = time.time() + seconds
        with ProcessPoolExecutor(max_workers=processes) as pool:
            done = list(pool.map(_client_process, [port] * processes, [targets] * processes,
                                 [clients // processes] * processes, range(processes), [stop_at] * processes))
        at_end = tree_pss(process.pid)
    times = [t for found, _, _ in done for t in found]
    result = {"clients": clients, "seconds": seconds, "requests": len(times),
              "server_errors": sum(d[1] for d in done), "other_errors": sum(d[2] for d in done),
              "p50": percentile(times, 0.5), "p99": percentile(times, 0.99),
              "memory_start": at_start, "memory_end": at_end}
    log(f"  load test, {clients} clients for {seconds:.0f} s: {len(times):,} requests, {result['server_errors']} 5xx, "
        f"p50 {result['p50'] * 1000:.0f} ms, p99 {result['p99'] * 1000:.0f} ms, memory (PSS) "
        f"{at_start / 2**20:.0f} → {at_end / 2**20:.0f} MiB")
    return result


def measure(store: Path, workers: int, log=print, quick: bool = False) -> dict:
    base = json.loads((store / "current" / "state.json").read_text())["base_uri"]
    return {"routes": routes(store, base, workers, log),
            "first_query": first_query(store, 2 if quick else 4, log),
            "load": load_test(store, base, workers, 32, 15 if quick else 60, log)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.site", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="a loaded store (it gets one SPARQL Update)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="fewer starts, a 15 s load test")
    args = parser.parse_args(argv)
    print(json.dumps(measure(Path(args.store), args.workers, quick=args.quick), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
