"""The faceted search, its exports and the map on one store (``make bench`` runs it at 12,000
records; ``python -m benchmarks.explore --store DIR`` alone): p95 of ``/partnerships`` with one
or two filters, of the full-selection CSV export and of the map's GeoJSON, each over a fresh
server so that the first requests after start count.

Two fresh starts are measured, one after the other: the generation carries its selection table
(written by ``load``), so every start reads the same file and the second shows the spread. The
filters are picked from the store: its largest country, theme, status and form, a range of years,
a word of the titles, and a région when the store has link triples.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import sys
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from .processes import free_port, server, wait_for_200

ATLAS = [sys.executable, "-m", "atlas_graph"]
TARGETS = {"partnerships": 0.2, "csv": 2.0, "geojson": 0.5}
ROUNDS = 3
STARTS = ("first", "second")


def fetch(port: int, target: str) -> float:
    """Seconds for ``GET target`` with its whole body read; a status other than 200 is an error."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", target, headers={"Accept": "text/html"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{target}: {response.status}")
    finally:
        connection.close()
    return time.perf_counter() - started


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def route_mix(port: int) -> list[str]:
    """``/partnerships`` with one filter, then with two (a région only selects something once the
    store has the link triples of "Linked to the world")."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", "/partnerships?format=json")
    rows = json.loads(connection.getresponse().read())["partnerships"]
    connection.close()
    countries = Counter(country for row in rows for country in row["countries"])
    country = countries.most_common(1)[0][0] if countries else "ML"
    singles = [f"country={country}", "from=2010", "to=2005", "status=en-cours", "form=jumelage",
               "theme=eau-et-assainissement", "q=eau", "region=75", "sort=title&theme=gouvernance-locale"]
    pairs = [f"country={country}&from=2010", f"country={country}&theme=eau-et-assainissement",
             "status=en-cours&from=2012&to=2016", f"region=75&country={country}", "q=ecole&status=termine",
             "form=jumelage&sort=-funding"]
    return ["/partnerships?" + query for query in singles + pairs]


def measure(store: Path, workers: int, log=print) -> dict:
    results = {}
    for start in STARTS:
        port = free_port()
        command = [*ATLAS, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
                   "--workers", str(workers)]
        with server(command):
            wait_for_200(port, "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                         "application/sparql-results+json", time.perf_counter() + 120)
            first = fetch(port, "/partnerships")
            mix = route_mix(port)
            times = [first]
            for _ in range(ROUNDS):
                times += [fetch(port, target) for target in mix]
            csv = [fetch(port, "/partnerships?format=csv") for _ in range(ROUNDS)]
            geojson = [fetch(port, "/partnerships?format=geojson") for _ in range(ROUNDS)]
            xlsx = [fetch(port, "/partnerships?format=xlsx") for _ in range(2)]
            map_page = [fetch(port, "/map") for _ in range(ROUNDS)]
        results[start] = {"first": first, "partnerships_p95": p95(times), "requests": len(times),
                          "csv_p95": p95(csv), "geojson_p95": p95(geojson),
                          "xlsx_max": max(xlsx), "map_p95": p95(map_page)}
        log(f"  explore ({start} start): first /partnerships {first * 1000:.0f} ms; /partnerships p95 "
            f"{results[start]['partnerships_p95'] * 1000:.0f} ms over {len(times)}; CSV p95 "
            f"{results[start]['csv_p95'] * 1000:.0f} ms; GeoJSON p95 {results[start]['geojson_p95'] * 1000:.0f} ms; "
            f"XLSX {results[start]['xlsx_max'] * 1000:.0f} ms; /map p95 {results[start]['map_p95'] * 1000:.0f} ms")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.explore", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="a loaded store (atlas-graph load …)")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    print(json.dumps(measure(Path(args.store), args.workers), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
