"""The research query mix, and three ways to run it: over HTTP, on raw pyoxigraph, on rdflib.

Each runner fully consumes the results (the HTTP one reads the SPARQL JSON body, the others
serialise the same JSON), so the three do the same work apart from the engine and transport.
"""

from __future__ import annotations

import http.client
import random
import statistics
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

PREFIXES = """PREFIX atlas: <https://w3id.org/atlas-coop/ontology#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def query_mix(collectivity: str) -> dict[str, str]:
    """Questions researchers ask of the Atlas, as they would write them. ``collectivity``: the
    IRI of a French collectivity (the one with most partnerships, for a non-trivial answer)."""
    return {
        "funding by country": PREFIXES + """
SELECT ?country ?name (COUNT(?p) AS ?partnerships) (SUM(?funding) AS ?total)
WHERE {
  { SELECT ?p (SUM(?amount) AS ?funding) WHERE { ?p atlas:funding/atlas:amount ?amount } GROUP BY ?p }
  { SELECT DISTINCT ?p ?country WHERE { ?p atlas:foreignPartner/atlas:country ?country } }
  ?country skos:prefLabel ?name FILTER(LANG(?name) = "fr")
}
GROUP BY ?country ?name ORDER BY DESC(?total)""",
        "funding by year": PREFIXES + """
SELECT ?year (COUNT(?f) AS ?rows) (SUM(?amount) AS ?total)
WHERE { ?f a atlas:Funding ; atlas:year ?year ; atlas:amount ?amount . }
GROUP BY ?year ORDER BY ?year""",
        "theme tree": PREFIXES + """
SELECT ?top ?label (COUNT(DISTINCT ?p) AS ?partnerships)
WHERE {
  ?p atlas:theme ?theme .
  ?theme skos:broader* ?top .
  ?top skos:topConceptOf ?scheme ; skos:prefLabel ?label .
}
GROUP BY ?top ?label ORDER BY DESC(?partnerships)""",
        "partners of a collectivity": PREFIXES + f"""
SELECT ?partner ?name ?country (COUNT(DISTINCT ?p) AS ?partnerships)
WHERE {{
  ?p atlas:frenchPartner <{collectivity}> ; atlas:foreignPartner ?partner .
  ?partner skos:prefLabel ?name ; atlas:country/atlas:isoCode ?country .
}}
GROUP BY ?partner ?name ?country ORDER BY DESC(?partnerships) ?name""",
        "text search": PREFIXES + """
SELECT ?p ?title
WHERE {
  ?p a atlas:Partnership ; dct:title ?title .
  FILTER(CONTAINS(LCASE(STR(?title)), "eau"))
}
ORDER BY ?title LIMIT 100""",
    }


BUSIEST_FRENCH_COLLECTIVITY = PREFIXES + """
SELECT ?c WHERE { ?p atlas:frenchPartner ?c } GROUP BY ?c ORDER BY DESC(COUNT(?p)) ?c LIMIT 1"""


@dataclass
class Timing:
    p50: float
    p95: float
    runs: int


def timed(run: Callable[[], object], repeats: int, budget: float) -> Timing:
    """Run once to warm up, then up to ``repeats`` times within ``budget`` seconds."""
    return timed_together({"run": run}, repeats, budget)["run"]


def timed_together(runs: dict[str, Callable[[], object]], repeats: int, budget: float) -> dict[str, Timing]:
    """Each of ``runs`` once to warm up, then all of them taking turns, in a new random order
    each round, up to ``repeats`` rounds within ``budget`` seconds: on a shared machine the
    load drifts within seconds, and whichever runs right after another pays for it in caches,
    so measuring one after the other would compare different moments and orders."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {label: [] for label in runs}
    turns = list(runs.items())
    rounds = 0
    stop = time.perf_counter() + budget
    while rounds < repeats and (not rounds or time.perf_counter() < stop):
        random.shuffle(turns)
        for label, run in turns:
            started = time.perf_counter()
            run()
            times[label].append(time.perf_counter() - started)
        rounds += 1
    return {label: _timing(found) for label, found in times.items()}


def _timing(times: list[float]) -> Timing:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return Timing(statistics.median(times), p95, len(times))


class HttpRunner:
    """Queries ``/sparql`` over one keep-alive connection, as a researcher's script would."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def __call__(self, query: str) -> bytes:
        body = urllib.parse.urlencode({"query": query})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
        try:
            self.connection.request("POST", "/sparql", body=body, headers=headers)
            response = self.connection.getresponse()
        except (OSError, http.client.HTTPException):  # the server closed an idle keep-alive connection
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
            self.connection.request("POST", "/sparql", body=body, headers=headers)
            response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"/sparql answered {response.status}: {data[:300]!r}")
        return data

    def close(self) -> None:
        self.connection.close()


def oxigraph_runner(store, union: bool = True) -> Callable[[str], bytes]:
    """Queries on a pyoxigraph ``store``: its default graph is the union of its named graphs, or
    (``union`` false) its own, as in a store loaded from the N-Triples dump."""
    import pyoxigraph as ox

    def run(query: str) -> bytes:
        return store.query(query, use_default_graph_as_union=union).serialize(format=ox.QueryResultsFormat.JSON)

    return run


def rdflib_runner(graph) -> Callable[[str], bytes]:
    def run(query: str) -> bytes:
        return graph.query(query).serialize(format="json")

    return run
