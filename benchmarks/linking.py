"""Linking quality and reconciliation throughput on a synthetic corpus (part of ``make bench``;
alone: ``python -m benchmarks.linking [--size 12000] [--seed 1]``).

``atlas-graph links`` runs on the corpus as a user runs it (wall time and peak memory of its
process tree); its report is measured against the manifest's expected links
(:func:`atlas_graph.synth.link_quality.measure`): precision, recall, counts per status and per
kind. Reconciliation alone (:func:`atlas_graph.link.reconcile.link_entities` on the corpus's
entities, the records parsed and mapped beforehand) is timed in this process.

What linking costs the ingest: ``atlas-graph load`` into a fresh store with linking (as users run
it) and without (:mod:`benchmarks.load_unlinked`, the same verb with no linker), taking
turns, each the best of its rounds (wall time, and peak PSS of the process tree).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import shutil
import sys
import time
from pathlib import Path

from .processes import run_measured

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench-linking:begin (written by `make bench`) -->", "<!-- bench-linking:end -->"
ATLAS = [sys.executable, "-m", "atlas_graph"]
TARGETS = {"precision": 1.0, "recall": 0.95, "ingest_time": 0.15, "ingest_memory": 100 * 2**20}


def bench_linking(corpus: Path, work: Path) -> dict:
    """Run and measure ``atlas-graph links`` on ``corpus`` (its report written into ``work``)."""
    from atlas_graph.ingest.pipeline import convert_files
    from atlas_graph.link.authorities import load_authorities
    from atlas_graph.link.reconcile import entities, link_entities
    from atlas_graph.synth.link_quality import measure
    from atlas_graph.uris import DEFAULT_BASE, URIs

    report = work / f"links-{corpus.name}.csv"
    seconds, memory, code = run_measured([*ATLAS, "links", str(corpus), "-o", str(report), "-q"], timeout=1800)
    manifest = json.loads((corpus / "synth-manifest.json").read_text("utf-8"))
    with report.open(encoding="utf-8", newline="") as rows:
        quality = measure(csv.DictReader(rows), manifest["collectivities"])

    found = entities(convert_files(sorted(corpus.glob("*.txt")), URIs(DEFAULT_BASE)).mentions())
    authorities = load_authorities()
    link_entities(found[:50], authorities)  # the file opened, its first pages read
    started = time.perf_counter()
    link_entities(found, authorities)
    reconcile_s = time.perf_counter() - started

    return {"records": manifest["count"], "seed": manifest["seed"], "authorities": manifest["authorities"],
            "expected": manifest["totals"]["links"], "entities": quality.entities, "correct": quality.correct,
            "expected_linked": quality.expected_linked, "wrong": quality.wrong, "missed": quality.missed,
            "repeated": quality.repeated, "unknown": quality.unknown, "unreported": quality.unreported,
            "precision": quality.precision, "recall": quality.recall, "per_kind": quality.per_kind(),
            "per_status": dict(quality.statuses), "links_s": seconds, "links_exit": code,
            "links_peak_pss": memory.peak, "reconcile_s": reconcile_s, "reconciled": len(found)}


def bench_ingest_cost(corpus: Path, work: Path, rounds: int = 3) -> dict:
    """``load`` of ``corpus`` into a fresh store with and without linking, ``rounds`` times each
    in turns: the best wall time and the lowest peak memory of each."""
    commands = {"linked": lambda store: [*ATLAS, "load", str(corpus), "--store", str(store), "-q"],
                "unlinked": lambda store: [sys.executable, "-m", "benchmarks.load_unlinked", str(corpus), str(store)]}
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            store = work / f"ingest-{name}"
            shutil.rmtree(store, ignore_errors=True)
            seconds, memory, _ = run_measured(command(store), timeout=3600)
            runs[name].append((seconds, memory.peak))
            shutil.rmtree(store, ignore_errors=True)
    return {name: {"seconds": min(s for s, _ in measured), "peak_pss": min(m for _, m in measured),
                   "rounds": measured} for name, measured in runs.items()}


def _mark(ok: bool) -> str:
    return " ✅" if ok else " ❌"


def render(result: dict, about: str) -> str:
    expected = result["expected"]["per_status"]
    per_kind = ", ".join(f"{kind} {linked:,}/{total:,} ({linked / total:.1%})"
                         for kind, (linked, total) in result["per_kind"].items() if total)
    statuses = ", ".join(f"{status} {n:,}" for status, n in sorted(result["per_status"].items()))
    made = result["correct"] + len(result["wrong"])
    rows = [
        f"| corpus | {result['records']:,} records (seed {result['seed']}): {result['entities']:,} distinct "
        f"collectivities, {expected.get('linked', 0):,} with exactly one candidate, "
        f"{expected.get('ambiguous', 0):,} ambiguous, {expected.get('absent', 0):,} absent | |",
        f"| precision: links made that are the expected ones | {result['precision']:.2%} "
        f"({len(result['wrong'])} wrong of {made:,}){_mark(result['precision'] >= TARGETS['precision'])} | 100 % |",
        f"| recall: names with one candidate linked to it | {result['recall']:.2%} ({result['correct']:,} of "
        f"{result['expected_linked']:,}){_mark(result['recall'] >= TARGETS['recall'])} | ≥ 95 % |",
        f"| recall per kind (as drawn) | {per_kind} | |",
        f"| report, per status | {statuses} | |",
        f"| names reported twice / not reported / not in the manifest | {len(result['repeated'])} / "
        f"{len(result['unreported'])} / {len(result['unknown'])} | 0 / 0 / 0 |",
        f"| `atlas-graph links` (parse, reconcile, report), wall time | {result['links_s']:.1f} s "
        f"({result['records'] / result['links_s']:,.0f} records/s), "
        f"peak memory {result['links_peak_pss'] / 2**20:,.0f} "
        "MiB (PSS) | |",
        f"| reconciliation alone ({result['reconciled']:,} entities with their countries) | "
        f"{result['reconcile_s']:.2f} s ({result['reconciled'] / result['reconcile_s']:,.0f} entities/s) | |",
    ]
    if "ingest" in result:
        linked, unlinked = result["ingest"]["linked"], result["ingest"]["unlinked"]
        extra_time = linked["seconds"] / unlinked["seconds"] - 1
        extra_memory = linked["peak_pss"] - unlinked["peak_pss"]
        rounds = len(linked["rounds"])
        rows += [
            f"| `load`, fresh store, with ÷ without linking (best of {rounds} each, in turns) | "
            f"{linked['seconds']:.1f} s ÷ {unlinked['seconds']:.1f} s = {extra_time:+.1%}"
            f"{_mark(extra_time <= TARGETS['ingest_time'])} | ≤ +15 % |",
            f"| … peak memory of the load's process tree (PSS), with − without | "
            f"{linked['peak_pss'] / 2**20:,.0f} − {unlinked['peak_pss'] / 2**20:,.0f} MiB = "
            f"{extra_memory / 2**20:+,.0f} MiB{_mark(extra_memory <= TARGETS['ingest_memory'])} | ≤ +100 MB |",
        ]
    return "\n".join([about, "", "| linking | measured | target |", "|---|---|---|", *rows])


def write_doc(table: str) -> None:
    text = DOC.read_text("utf-8")
    if BEGIN not in text:
        raise SystemExit(f"{DOC}: no {BEGIN} marker to write the linking figures between")
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    DOC.write_text(f"{before}{BEGIN}\n{table}\n{END}{after}", "utf-8")


def about_run(result: dict, machine: dict) -> str:
    sources = "; ".join(result["authorities"].values())
    return (f"Run {machine['date']} on {machine['nproc']} × {machine['cpu']}, {machine['ram_gib']} GiB RAM; "
            f"Python {machine['python']}; authorities: {sources}; 1-minute load average "
            f"{machine['load_before']} before, {machine['load_after']} after (the machine is shared).")


def main(argv: list[str] | None = None) -> int:
    import os

    from .run import _corpus, _wait_for_quiet, machine_info

    parser = argparse.ArgumentParser(prog="python -m benchmarks.linking", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", default=str(ROOT / "var" / "bench"), help="corpora (default var/bench)")
    parser.add_argument("--no-doc", action="store_true", help=f"print only; do not rewrite {DOC.relative_to(ROOT)}")
    parser.add_argument("--max-wait", type=float, default=600, help="seconds to wait for a load average ≤ 1.5")
    args = parser.parse_args(argv)
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    corpus = _corpus(args.size, args.seed, cache)
    load_before = _wait_for_quiet(args.max_wait)
    result = bench_linking(corpus, cache)
    result["ingest"] = bench_ingest_cost(corpus, cache)
    table = render(result, about_run(result, machine_info(load_before, os.getloadavg()[0])))
    print(table)
    (cache / "linking.json").write_text(json.dumps({"date": dt.datetime.now().isoformat(), **result}, indent=1))
    if not args.no_doc:
        write_doc(table)
        print(f"written to {DOC.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
