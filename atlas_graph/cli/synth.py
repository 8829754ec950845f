"""``atlas-graph synth``: synthetic Atlas pages for scale tests and benchmarks."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from atlas_graph.cli.base import EXIT_FAILED, EXIT_OK, UsageError
from atlas_graph.cli.progress import progress_bar
from atlas_graph.link.authorities import AuthoritiesError, load_authorities
from atlas_graph.synth.corpus import MANIFEST_NAME, MAX_COUNT, remove_stale_pages, write_corpus

HELP = "write synthetic Atlas pages (real page format) for scale tests and benchmarks"
DESCRIPTION = f"""\
Write COUNT synthetic Atlas project pages into DIR, as DIR/synth_000001.txt … in exactly the
format of real captures (labels, shifted table rows, repeated paragraphs, spelling variants,
some CRLF and byte-order-mark files), plus DIR/{MANIFEST_NAME}: what each page states and the
totals (records, sum of all funding amounts, partnerships per country), to check the pipeline
against.

The collectivities are real names drawn from the authorities that 'atlas-graph links' uses:
French communes (weighted by population), départements, régions (also those before 2016) and
EPCI from the Code officiel géographique, and foreign towns from GeoNames (weighted by
population), written the ways real pages write them ("Conseil général de la Savoie", "CA du
Grand Annecy", "St-Denis", "KPALIME", an alternate name such as "Palime"); about 5 % are
invented, and absent from the authorities. For each distinct name as written, the manifest's
"collectivities" give the link it should get: the identifier when the authority has exactly one
candidate, else "ambiguous" (with the candidates) or "absent". Compare with the report of
'atlas-graph links DIR' to measure the reconciliation.

Every page is marked synthetic: its 'Identifiant' is SYNTH-SEED-NNNNNN (the record id; such
records carry atlas:synthetic true) and its title ends with ' [synthétique]'. People's names are
made up and e-mails are on example.org; no page describes a real partnership.

The same COUNT and SEED always give byte-identical files. Pages of an earlier, larger run in DIR
(synth_NNNNNN.txt beyond COUNT) are removed so that DIR matches the manifest; other files are
left alone.

Exit status: 0 pages written; 2 usage error; 3 the authorities file is missing or unreadable (it
is built at install time).

examples:
  atlas-graph synth --count 12000 -o var/synth --seed 1
  atlas-graph convert var/synth -o synth.nt
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", "-n", type=int, required=True, metavar="COUNT",
                        help=f"number of pages to write (1–{MAX_COUNT:,})")
    parser.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="folder to write into (created if needed)")
    parser.add_argument("--seed", type=int, default=0, metavar="SEED",
                        help="random seed, zero or positive (default: 0)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.count <= MAX_COUNT:
        raise UsageError(f"--count must be between 1 and {MAX_COUNT:,}, not {args.count}")
    if args.seed < 0:
        raise UsageError(f"--seed must be zero or positive, not {args.seed}")
    directory = Path(args.output)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a folder; give a folder to write the pages into")
    started = time.perf_counter()
    authorities = load_authorities()
    try:
        authorities.sources()  # opened before anything is written
    except AuthoritiesError as exc:
        print(f"atlas-graph synth: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        removed = remove_stale_pages(directory, args.count)
        with progress_bar("Generating synthetic pages", args.count, min_total=5000) as advance:
            manifest = write_corpus(directory, args.count, args.seed, advance, authorities)
    except OSError as exc:
        raise UsageError(f"cannot write into {directory}: {exc.strerror or exc}") from exc
    if not args.quiet:
        totals = manifest["totals"]
        links = totals["links"]["per_status"]
        if removed:
            print(f"removed {removed} page(s) of an earlier, larger run", file=sys.stderr)
        print(
            f"wrote {args.count} synthetic pages (seed {args.seed}) to {directory} in "
            f"{time.perf_counter() - started:.1f} s: {totals['funding_rows']} funding rows, "
            f"{totals['countries']} countries, {totals['links']['entities']} collectivities "
            f"({links.get('linked', 0)} with one candidate, {links.get('ambiguous', 0)} ambiguous, "
            f"{links.get('absent', 0)} absent); manifest {directory / MANIFEST_NAME}",
            file=sys.stderr,
        )
    return EXIT_OK
