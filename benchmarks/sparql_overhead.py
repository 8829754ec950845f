"""The fixed cost of ``POST /sparql``: the query mix over HTTP next to raw pyoxigraph, in one run.

``python -m benchmarks.sparql_overhead STORE [--baseline SRC] [--rounds 3] [--only NAME ...] [--in-memory]``
serves a store made by ``atlas-graph load`` with ``atlas-graph serve`` (as ``make bench`` does),
waits until every worker queries the union graph in memory, and times each query of the mix
over HTTP and on raw pyoxigraph (``Store.query`` + JSON, in this process: on the store on disk,
or with ``--in-memory`` on the N-Triples dump in memory, as ``make bench`` compares). With
``--baseline SRC`` a second server runs the same store from another source tree (a folder
holding an ``atlas_graph`` package, put first on its PYTHONPATH): the version to compare with.
The runs are interleaved (one HTTP request to each server and one raw run, in a random order,
again), so that a busy shared machine slows all of them alike. Prints p50s and HTTP ÷ raw per
round, their geometric mean, and the median over the rounds. Never part of the test suite; the
store is only read (serve a copy all the same: the server takes the store's lock file).
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack
from pathlib import Path

from .processes import free_port, server, wait_for_200, wait_for_holders
from .queries import BUSIEST_FRENCH_COLLECTIVITY, HttpRunner, oxigraph_runner, query_mix

ATLAS = [sys.executable, "-m", "atlas_graph"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store folder made by 'atlas-graph load'")
    parser.add_argument("--baseline", type=Path, metavar="SRC", help="a source tree to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=15, help="timed runs per query, server and round")
    parser.add_argument("--budget", type=float, default=60.0, help="at most this many seconds per query and round")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="names of the queries to time (default: all)")
    parser.add_argument("--in-memory", action="store_true",
                        help="raw pyoxigraph on an in-memory store loaded from the N-Triples dump, as make bench "
                             "compares (default: the store on disk, its union default graph)")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    raw = ox.Store.read_only(str(args.store / "current" / "oxigraph"))
    if args.in_memory:
        raw = ox.Store()
        with gzip.open(args.store / "current" / "dumps" / "atlas.nt.gz") as dump:
            raw.bulk_load(dump, ox.RdfFormat.N_TRIPLES)
    collectivity = next(iter(raw.query(BUSIEST_FRENCH_COLLECTIVITY, use_default_graph_as_union=True)))["c"].value
    queries = {name: text for name, text in query_mix(collectivity).items() if not args.only or name in args.only}
    sources = {"current": None, **({"baseline": args.baseline} if args.baseline else {})}
    rounds: list[dict[str, dict[str, float]]] = []  # per round: query → runner → p50 seconds
    with ExitStack() as stack:
        runners = {"raw": oxigraph_runner(raw, union=not args.in_memory)}
        for label, source in sources.items():
            http = HttpRunner(_serve(stack, args.store, args.workers, source))
            stack.callback(http.close)
            runners[f"HTTP {label}"] = http
        for number in range(1, args.rounds + 1):
            found = {name: _interleaved(runners, query, args.repeats, args.budget) for name, query in queries.items()}
            for name, p50 in found.items():
                print(f"round {number} {name:28} " + _line(p50), flush=True)
            print(f"round {number} geometric mean HTTP ÷ raw: {_geomeans(found)}", flush=True)
            rounds.append(found)
    print("median over rounds:")
    for name in queries:
        print(f"  {name:28} " + _line({label: statistics.median(r[name][label] for r in rounds) for label in runners}))
    for label in runners:
        if label != "raw":
            means = [_geomean(r, label) for r in rounds]
            print(f"  geometric mean {label} ÷ raw, median of rounds: {statistics.median(means):.3f}× "
                  f"(rounds: {', '.join(f'{m:.3f}' for m in means)})")
    return 0


def _serve(stack: ExitStack, store: Path, workers: int, source: Path | None) -> int:
    """A server on ``store``, once each of its workers queries the union graph in memory (the
    path measured; before, queries read the disk while the holder loads)."""
    port = free_port()
    command = [*ATLAS, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    log = Path(tempfile.mkdtemp(prefix="atlas-overhead-")) / "server.log"
    stack.callback(shutil.rmtree, log.parent, True)
    stack.enter_context(server(command, env={"PYTHONPATH": str(source.resolve())} if source else None, log=log))
    wait_for_200(port, "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                 "application/sparql-results+json", time.perf_counter() + 120)
    wait_for_holders(log, workers, time.perf_counter() + 600)
    return port


def _interleaved(runners: dict, query: str, repeats: int, budget: float) -> dict[str, float]:
    """p50 seconds of each runner on ``query``, the runners taking turns in a new random order
    each time (whoever runs right after the raw engine in this process pays for it in caches)."""
    times: dict[str, list[float]] = {label: [] for label in runners}
    for run in runners.values():
        run(query)
    stop = time.perf_counter() + budget
    turns = list(runners.items())
    while len(times["raw"]) < repeats and (not times["raw"] or time.perf_counter() < stop):
        random.shuffle(turns)
        for label, run in turns:
            started = time.perf_counter()
            run(query)
            times[label].append(time.perf_counter() - started)
    return {label: statistics.median(found) for label, found in times.items()}


def _line(p50: dict[str, float]) -> str:
    cells = [f"{label} {seconds * 1000:8.2f} ms" for label, seconds in p50.items()]
    ratios = [f"{label} ÷ raw {seconds / p50['raw']:5.2f}×" for label, seconds in p50.items() if label != "raw"]
    return "  ".join(cells + ratios)


def _geomean(found: dict[str, dict[str, float]], label: str) -> float:
    ratios = [p50[label] / p50["raw"] for p50 in found.values()]
    return math.exp(sum(math.log(r) for r in ratios) / len(ratios))


def _geomeans(found: dict[str, dict[str, float]]) -> str:
    labels = [label for label in next(iter(found.values())) if label != "raw"]
    return ", ".join(f"{label} {_geomean(found, label):.3f}×" for label in labels)


if __name__ == "__main__":
    raise SystemExit(main())
