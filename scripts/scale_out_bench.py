"""Query latency, embedded store next to a remote SPARQL store holding the same (published) data.

    python scripts/scale_out_bench.py STORE_DIR SPARQL_URL [--runs N]

Prints the median time of entity descriptions (what /data and /page compute) and of a few
typical SPARQL queries, read in process from the embedded Oxigraph store and over HTTP from the
remote store. The numbers in docs/scale-out.md come from here.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from atlas_graph.remote.store import RemoteStore
from atlas_graph.server.backend import RemoteReader
from atlas_graph.server.linked_data.describe import describe
from atlas_graph.store.generations import StoreDir

ATLAS = "https://w3id.org/atlas-coop/ontology#"
QUERIES = {
    "partnerships per country (GROUP BY)": f"""
        PREFIX atlas: <{ATLAS}>
        SELECT ?country (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          ?p a atlas:Partnership ; atlas:foreignPartner/atlas:country ?country }}
        GROUP BY ?country ORDER BY DESC(?n) LIMIT 20""",
    "sum of all funding amounts": f"""
        PREFIX atlas: <{ATLAS}>
        SELECT (SUM(?amount) AS ?total) WHERE {{ ?f atlas:amount ?amount }}""",
    "20 titles (LIMIT)": """
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?p ?title WHERE { ?p dct:title ?title } LIMIT 20""",
    "triples per graph (GROUP BY ?g)": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
}


def median_ms(action, runs: int) -> float:
    action()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store", type=Path)
    parser.add_argument("sparql_url")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    store_dir = StoreDir(args.store)
    base = store_dir.state()["base_uri"]
    local = store_dir.reader().store
    remote = RemoteStore(args.sparql_url)
    reader = RemoteReader(remote, 120)
    partnership = next(iter(local.query(f"SELECT ?p WHERE {{ ?p a <{ATLAS}Partnership> }} LIMIT 1",
                                        use_default_graph_as_union=True)))["p"]
    entities = {
        "a partnership": partnership,
        "a collectivity": next(iter(local.query(
            f"SELECT ?c WHERE {{ ?c a <{ATLAS}ForeignCollectivity> }} LIMIT 1",
            use_default_graph_as_union=True)))["c"],
        "country/fr (most linked)": ox.NamedNode(f"{base}id/country/fr"),
    }
    print("| what | embedded (ms) | remote (ms) |\n|---|---:|---:|")
    for name, entity in entities.items():
        embedded = median_ms(lambda: describe(local, entity, base), args.runs)
        over_http = median_ms(lambda: describe(reader, entity, base), args.runs)
        print(f"| describe {name} | {embedded:.1f} | {over_http:.1f} |")
    for name, query in QUERIES.items():
        embedded = median_ms(lambda: list(local.query(query, use_default_graph_as_union=True)), max(3, args.runs // 4))
        over_http = median_ms(lambda: list(remote.select(query, 120)), max(3, args.runs // 4))
        print(f"| {name} | {embedded:.1f} | {over_http:.1f} |")


if __name__ == "__main__":
    main()
