"""``make bench`` (``python -m benchmarks.run``): ingest, server start, query mix and
linked-data throughput at 12,000 and 120,000 synthetic records; prints one table and writes it,
with the machine it ran on, into docs/benchmarks.md (between the ``bench:`` markers). Then linking
quality and reconciliation throughput at 12,000 records (:mod:`benchmarks.linking`, between the
``bench-linking:`` markers).

Everything runs on loopback; every loop is bounded in count and time. Synthetic corpora are
cached under var/bench (same count and seed: not written again); stores are rebuilt each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.parse
from importlib import metadata
from pathlib import Path

from . import explore, linking, site
from .http_load import alternating_rates
from .processes import free_port, run_measured, server, wait_for_200, wait_for_holders
from .queries import BUSIEST_FRENCH_COLLECTIVITY, HttpRunner, oxigraph_runner, query_mix, rdflib_runner, timed_together

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin (written by `make bench`) -->", "<!-- bench:end -->"
ATLAS = [sys.executable, "-m", "atlas_graph"]
TARGETS = {"ingest_12000": 20.0, "ingest_120000": 240.0, "rss_120000": 2 * 1024**3, "start": 2.0,
           "http_over_raw": 1.3, "rdflib_over_http": 10.0, "data_over_bare": 0.5}
RDFLIB_MAX_SIZE = 12_000  # rdflib needs minutes and gigabytes beyond
RDFLIB_TIMEOUT = 120  # seconds per query on rdflib; beyond, a lower bound is reported
EXPLORE_MAX_SIZE = 12_000  # the targets of /partnerships, its exports and /map are set at 12k


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="12000,120000", help="record counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2,000 records, short loops, no doc written")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", default=str(ROOT / "var" / "bench"), help="corpora and stores (default var/bench)")
    parser.add_argument("--workers", type=int, default=min(4, 2 * (os.cpu_count() or 1)),
                        help="gunicorn workers of both servers")
    parser.add_argument("--no-doc", action="store_true", help=f"print only; do not rewrite {DOC.relative_to(ROOT)}")
    parser.add_argument("--max-wait", type=float, default=600, help="seconds to wait for a load average ≤ 1.5")
    args = parser.parse_args(argv)
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",") if s.strip()]
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    load_before = _wait_for_quiet(0 if args.quick else args.max_wait)
    results = {}
    for size in sizes:
        print(f"--- {size:,} records", file=sys.stderr, flush=True)
        results[size] = bench_size(size, args.seed, cache, args.workers, quick=args.quick)
    print(f"--- linking, {2000 if args.quick else 12_000:,} records", file=sys.stderr, flush=True)
    linking_corpus = _corpus(2000 if args.quick else 12_000, args.seed, cache)
    linked = linking.bench_linking(linking_corpus, cache)
    linked["ingest"] = linking.bench_ingest_cost(linking_corpus, cache, rounds=1 if args.quick else 3)
    machine = machine_info(load_before, os.getloadavg()[0])
    table = render(results, machine)
    linking_table = linking.render(linked, linking.about_run(linked, machine))
    print(table, linking_table, sep="\n\n")
    (cache / "results.json").write_text(json.dumps({"machine": machine, "results": results, "linking": linked},
                                                   indent=1, default=str))
    if not (args.quick or args.no_doc):
        write_doc(table)
        linking.write_doc(linking_table)
        print(f"written to {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


def _wait_for_quiet(max_wait: float) -> float:
    """The 1-minute load average, after waiting (at most ``max_wait`` s) for it to drop ≤ 1.5."""
    stop = time.monotonic() + max_wait
    while os.getloadavg()[0] > 1.5 and time.monotonic() < stop:
        print(f"load average {os.getloadavg()[0]:.2f} > 1.5: waiting", file=sys.stderr, flush=True)
        time.sleep(min(30, max(0, stop - time.monotonic())))
    return os.getloadavg()[0]


# one size ------------------------------------------------------------------------------------


def bench_size(size: int, seed: int, cache: Path, workers: int, quick: bool) -> dict:
    corpus = _corpus(size, seed, cache)
    store = cache / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    result: dict = {}
    log = lambda text: print(f"  {text}", file=sys.stderr, flush=True)  # noqa: E731

    seconds, memory, code = run_measured([*ATLAS, "load", str(corpus), "--store", str(store), "-q"], timeout=3600)
    state = json.loads((store / "current" / "state.json").read_text())
    stored = len(json.loads((store / "current" / "records.json").read_text())["records"])
    stats = json.loads((store / "current" / "stats.json").read_text())
    result.update(ingest_s=seconds, records_per_s=size / seconds, peak_pss=memory.peak, peak_rss=memory.peak_rss,
                  load_exit=code, stored=stored, triples=stats["triples"])
    log(f"ingest {seconds:.1f} s, peak memory {memory.peak / 2**20:.0f} MiB (PSS; RSS summed "
        f"{memory.peak_rss / 2**20:.0f} MiB), {stored} records stored")
    seconds, _, _ = run_measured([*ATLAS, "load", str(corpus), "--store", str(store), "-q"], timeout=3600)
    result.update(reload_s=seconds)
    log(f"re-load, nothing changed: {seconds:.1f} s")

    import pyoxigraph as ox

    raw = ox.Store.read_only(str(store / "current" / "oxigraph"))
    collectivity = next(iter(raw.query(BUSIEST_FRENCH_COLLECTIVITY, use_default_graph_as_union=True)))["c"].value
    base = state["base_uri"]
    paths = _entity_paths(raw, base, 200)
    queries = query_mix(collectivity)
    del raw
    # the reference: a plain in-memory store loaded from our own N-Triples dump
    in_memory = ox.Store()
    with gzip.open(store / "current" / "dumps" / "atlas.nt.gz") as dump:
        in_memory.bulk_load(dump, ox.RdfFormat.N_TRIPLES)

    port = free_port()
    started = time.perf_counter()
    # the union graph held in memory by every worker (the budget of the default is for the Atlas'
    # own size; the 120k store needs more), as the reference is
    memory_mib = max(512, len(in_memory) * 600 // 2**20)
    command = [*ATLAS, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--query-memory-mb", str(memory_mib)]
    server_log = cache / f"serve-{size}.log"
    with server(command, log=server_log):
        deadline = started + 120
        sparql_ok = wait_for_200(port, "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}),
                                 "application/sparql-results+json", deadline)
        data_ok = wait_for_200(port, paths[0], "text/turtle", deadline)
        result.update(start_sparql_s=sparql_ok - started, start_data_s=data_ok - started)
        log(f"server start: /sparql {sparql_ok - started:.2f} s, /data {data_ok - started:.2f} s")
        held = wait_for_holders(server_log, workers, time.perf_counter() + 600)
        result.update(held_s=held - started)
        log(f"every worker queries the union graph in memory {held - started:.1f} s after start")

        http = HttpRunner(port)
        repeats, budget = (5, 10) if quick else (15, 20)
        result["queries"] = {}
        on_raw = oxigraph_runner(in_memory, union=False)
        for name, query in queries.items():
            timings = timed_together({"http": lambda: http(query), "raw": lambda: on_raw(query)}, repeats, 2 * budget)
            over_http, on_raw_timing = timings["http"], timings["raw"]
            result["queries"][name] = {"http": vars(over_http), "raw": vars(on_raw_timing)}
            log(f"{name}: HTTP p50 {over_http.p50 * 1000:.1f} ms, raw {on_raw_timing.p50 * 1000:.1f} ms")
        http.close()
        del in_memory
        # /data next to the same server with its response cache off and to a bare Flask route,
        # all three up at once and measured in turns (benchmarks.http_load.alternating_rates)
        servers = {"data": port, "data_uncached": free_port(), "bare": free_port()}
        uncached = [*command[:command.index("--port") + 1], str(servers["data_uncached"]), "--workers", str(workers)]
        bare = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "gthread", "--threads", "4",
                "-b", f"127.0.0.1:{servers['bare']}", "--access-logfile", "-", "benchmarks.bare_app:app"]
        with server(uncached, env={"ATLAS_DATA_CACHE_MB": "0"}), server(bare, env={"PYTHONPATH": str(ROOT)}):
            for label in ("data_uncached", "bare"):
                wait_for_200(servers[label], paths[0], "text/turtle", time.perf_counter() + 60)
            rates = alternating_rates(servers, paths, "text/turtle", seconds=6 if quick else 20)
        result.update(data_rps=rates["data"], data_uncached_rps=rates["data_uncached"], bare_rps=rates["bare"])
        log(f"/data: {rates['data']:.0f} requests/s, cache off {rates['data_uncached']:.0f}, "
            f"bare Flask {rates['bare']:.0f}")

    result["site"] = site.measure(store, workers, log, quick=quick)
    if size <= EXPLORE_MAX_SIZE:
        result["explore"] = explore.measure(store, workers, log)
    if size <= RDFLIB_MAX_SIZE:
        result["rdflib"] = _rdflib(store, queries, quick)
    return result


def _corpus(size: int, seed: int, cache: Path) -> Path:
    corpus = cache / f"synth-{size}-seed{seed}"
    stamp = corpus / ".bench-complete"
    if not stamp.exists():
        subprocess.run([*ATLAS, "synth", "--count", str(size), "-o", str(corpus), "--seed", str(seed), "-q"],
                       check=True, timeout=1800)
        stamp.write_text(f"{size} {seed}\n")
    return corpus


def _entity_paths(store, base: str, count: int) -> list[str]:
    """``/data/…`` paths of partnerships and collectivities, spread over the store."""
    query = """SELECT ?s WHERE { { ?s a <https://w3id.org/atlas-coop/ontology#Partnership> }
        UNION { ?s a <https://w3id.org/atlas-coop/ontology#Collectivity> } }"""
    uris = [row["s"].value for row in store.query(query, use_default_graph_as_union=True)]
    step = max(1, len(uris) // count)
    return ["/data/" + uri.removeprefix(base + "id/") for uri in uris[::step][:count]]


def _rdflib(store: Path, queries: dict[str, str], quick: bool) -> dict:
    """rdflib's engine on the N-Triples dump. Each query runs in a forked child, stopped after
    RDFLIB_TIMEOUT s: then only a lower bound of its time is known (``"bound": True``)."""
    from rdflib import Graph

    graph = Graph()
    started = time.perf_counter()
    with gzip.open(store / "current" / "dumps" / "atlas.nt.gz", "rb") as dump:
        graph.parse(dump, format="nt")
    timings: dict = {"parse_s": time.perf_counter() - started}
    print(f"  rdflib: N-Triples parsed in {timings['parse_s']:.1f} s", file=sys.stderr, flush=True)
    context = multiprocessing.get_context("fork")
    limit = 20 if quick else RDFLIB_TIMEOUT
    for name, query in queries.items():
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(target=_rdflib_child, args=(graph, query, sender))
        child.start()
        if receiver.poll(limit):
            timings[name] = receiver.recv()
        else:
            timings[name] = {"p50": float(limit), "p95": float(limit), "runs": 0, "bound": True}
        child.kill()  # this child, by its own handle
        child.join()
        shown = ("> " if timings[name].get("bound") else "") + f"{timings[name]['p50'] * 1000:.0f} ms"
        print(f"  rdflib {name}: p50 {shown}", file=sys.stderr, flush=True)
    return timings


def _rdflib_child(graph, query: str, sender) -> None:
    run = rdflib_runner(graph)
    times = []
    for _ in range(2):
        started = time.perf_counter()
        run(query)
        times.append(time.perf_counter() - started)
    sender.send({"p50": min(times), "p95": max(times), "runs": len(times)})


# the table -----------------------------------------------------------------------------------


def machine_info(load_before: float, load_after: float) -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) * 1024 for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal:"))
    versions = {name: metadata.version(name) for name in ("pyoxigraph", "rdflib", "pyshacl", "flask", "gunicorn")}
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return {"date": dt.datetime.now().astimezone().isoformat(timespec="minutes"), "nproc": os.cpu_count(),
            "commit": commit.stdout.strip() or "unknown",
            "cpu": model, "ram_gib": round(mem / 2**30, 1), "python": platform.python_version(),
            "versions": versions, "load_before": round(load_before, 2), "load_after": round(load_after, 2)}


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def _ratios(result: dict) -> tuple[float, float | None]:
    http_over_raw = _geomean([q["http"]["p50"] / q["raw"]["p50"] for q in result["queries"].values()])
    rdflib = result.get("rdflib")
    rdflib_over_http = None
    if rdflib:  # a query stopped at the time limit counts with the limit: a lower bound
        rdflib_over_http = _geomean([rdflib[name]["p50"] / q["http"]["p50"] for name, q in result["queries"].items()])
    return http_over_raw, rdflib_over_http


def _bound(result: dict) -> str:
    return "≥ " if any(isinstance(t, dict) and t.get("bound") for t in result.get("rdflib", {}).values()) else ""


def _mark(ok: bool | None) -> str:
    return "" if ok is None else (" ✅" if ok else " ❌")


def render(results: dict, machine: dict) -> str:
    sizes = list(results)
    head = "| | " + " | ".join(f"{s:,} records" for s in sizes) + " | target |"
    rows = [head, "|---" * (len(sizes) + 2) + "|"]

    def row(label: str, cell, target: str = "") -> None:
        rows.append(f"| {label} | " + " | ".join(cell(s, results[s]) for s in sizes) + f" | {target} |")

    def ingest(s, r):
        limit = TARGETS.get(f"ingest_{s}")
        return f"{r['ingest_s']:.1f} s" + _mark(None if limit is None else r["ingest_s"] <= limit)

    row("ingest, fresh store (parse, map, validate, store, dumps, stats)", ingest, "≤ 20 s at 12k, ≤ 240 s at 120k")
    row("records/s", lambda s, r: f"{r['records_per_s']:,.0f}")
    row("peak memory of the load's process tree: PSS (RSS summed)",
        lambda s, r: f"{r['peak_pss'] / 2**20:,.0f} MiB ({r['peak_rss'] / 2**20:,.0f} MiB)" + _mark(
            r["peak_pss"] <= TARGETS["rss_120000"] if s == 120_000 else None), "≤ 2 GiB at 120k")
    row("records stored / triples", lambda s, r: f"{r['stored']:,} / {r['triples']:,}")
    row("re-load, nothing changed", lambda s, r: f"{r['reload_s']:.1f} s")
    row("server start → first 200 on /sparql", lambda s, r: f"{r['start_sparql_s']:.2f} s" + _mark(
        r["start_sparql_s"] <= TARGETS["start"] if s == 120_000 else None), "≤ 2 s at 120k")
    row("server start → first 200 on /data/…", lambda s, r: f"{r['start_data_s']:.2f} s" + _mark(
        r["start_data_s"] <= TARGETS["start"] if s == 120_000 else None), "≤ 2 s at 120k")
    row("server start → every worker queries the union graph in memory",
        lambda s, r: f"{r['held_s']:.1f} s" if "held_s" in r else "—")
    row("query mix: HTTP ÷ in-memory pyoxigraph from the N-Triples dump (geometric mean of p50)",
        lambda s, r: f"{_ratios(r)[0]:.2f}×" + _mark(_ratios(r)[0] <= TARGETS["http_over_raw"]), "≤ 1.3×")
    row("query mix: rdflib ÷ HTTP (geometric mean of p50)",
        lambda s, r: "—" if _ratios(r)[1] is None else _bound(r) + f"{_ratios(r)[1]:.1f}×" + _mark(
            _ratios(r)[1] >= TARGETS["rdflib_over_http"]), "≥ 10×")
    row("/data/… requests/s (16 clients) ÷ bare Flask",
        lambda s, r: f"{r['data_rps']:,.0f} ÷ {r['bare_rps']:,.0f} = {r['data_rps'] / r['bare_rps']:.0%}" + _mark(
            r["data_rps"] / r["bare_rps"] >= TARGETS["data_over_bare"]), "≥ 50 %")
    row("… the same with the response cache off (every request described)",
        lambda s, r: f"{r['data_uncached_rps']:,.0f} ÷ {r['bare_rps']:,.0f} = "
                     f"{r['data_uncached_rps'] / r['bare_rps']:.0%}")

    def explored(key: str, target: float | None = None):
        def cell(s, r):
            if "explore" not in r:
                return "—"
            return " / ".join(f"{r['explore'][start][key] * 1000:,.0f} ms" + _mark(
                None if target is None else r["explore"][start][key] <= target) for start in explore.STARTS)
        return cell

    def site_routes(moment: str):
        def cell(s, r):
            found = r["site"]["routes"][moment]
            slowest = max(found["routes"].items(), key=lambda item: item[1]["p95"])
            limit = site.TARGETS.get(f"route_p95_{s}")
            # the target is every route's: the slowest route's p95 decides
            return (f"slowest route {slowest[0]} {slowest[1]['p95'] * 1000:,.0f} ms"
                    + _mark(None if limit is None else slowest[1]["p95"] <= limit)
                    + f" (all requests: {found['p95'] * 1000:,.0f} ms)")
        return cell

    row("site routes (home, lists, funders, search, country page, largest pages): p95 of each incl. first requests",
        site_routes("start"), "≤ 200 ms at 12k, ≤ 500 ms at 120k")
    row("… the same after a SPARQL Update switched a new generation in", site_routes("update"),
        "≤ 200 ms at 12k, ≤ 500 ms at 120k")
    row("first SPARQL query of a worker − its next ones (slowest of the starts)",
        lambda s, r: f"{r['site']['first_query']['extra'] * 1000:,.0f} ms" + _mark(
            r["site"]["first_query"]["extra"] <= site.TARGETS["first_query_extra"]), "≤ 50 ms")

    def loaded(s, r):
        found = r["site"]["load"]
        flat = found["memory_end"] <= found["memory_start"] * (1 + site.TARGETS["load_memory_growth"])
        ok = found["server_errors"] == 0 and found["p99"] <= site.TARGETS["load_p99"] and flat if s == 12_000 else None
        return (f"{found['requests']:,} requests, {found['server_errors']} 5xx, p99 {found['p99'] * 1000:,.0f} ms, "
                f"PSS {found['memory_start'] / 2**20:,.0f} → {found['memory_end'] / 2**20:,.0f} MiB" + _mark(ok))

    row("load test: 32 clients, site mix + SPARQL, 60 s, on gunicorn", loaded,
        "no 5xx, p99 ≤ 1 s, memory flat (≤ +10 %), at 12k")
    row("/partnerships, one or two filters, p95 incl. first request (two fresh starts)",
        explored("partnerships_p95", explore.TARGETS["partnerships"]), "≤ 200 ms at 12k")
    row("… its first request after start (two fresh starts)", explored("first"))
    row("full-selection CSV export, p95 (two fresh starts)", explored("csv_p95", explore.TARGETS["csv"]),
        "≤ 2 s at 12k")
    row("map data: full-selection GeoJSON, p95 (two fresh starts)",
        explored("geojson_p95", explore.TARGETS["geojson"]), "≤ 500 ms at 12k")
    row("full-selection XLSX export, slowest of 2 (two fresh starts)", explored("xlsx_max"))

    detail = ["", "Query mix, p50 / p95 in ms (HTTP: `POST /sparql`, JSON results; raw: `Store.query` + "
              "JSON serialisation in the benchmark process, on an in-memory store loaded from the N-Triples dump; "
              "rdflib: `Graph.query` on the N-Triples dump):", "",
              "| query | records | HTTP | raw pyoxigraph | HTTP ÷ raw | rdflib | rdflib ÷ HTTP |", "|---" * 7 + "|"]
    for s in sizes:
        r = results[s]
        for name, q in r["queries"].items():
            rd = r.get("rdflib", {}).get(name)
            detail.append(
                f"| {name} | {s:,} | {q['http']['p50'] * 1e3:.1f} / {q['http']['p95'] * 1e3:.1f} | "
                f"{q['raw']['p50'] * 1e3:.1f} / {q['raw']['p95'] * 1e3:.1f} | "
                f"{q['http']['p50'] / q['raw']['p50']:.2f} | "
                + (f"{'> ' if rd.get('bound') else ''}{rd['p50'] * 1e3:.0f} | "
                   f"{'> ' if rd.get('bound') else ''}{rd['p50'] / q['http']['p50']:.0f}× |" if rd else "— | — |"))
    m = machine
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    about = (f"Run {m['date']} of commit `{m['commit']}` on {m['nproc']} × {m['cpu']}, {m['ram_gib']} GiB RAM; "
             f"Python {m['python']}, "
             f"{versions}; 1-minute load average {m['load_before']} before, {m['load_after']} after "
             "(the machine is shared).")
    return "\n".join([about, "", *rows, *detail])


def write_doc(table: str) -> None:
    text = DOC.read_text("utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    DOC.write_text(f"{before}{BEGIN}\n{table}\n{END}{after}", "utf-8")


if __name__ == "__main__":
    sys.exit(main())
