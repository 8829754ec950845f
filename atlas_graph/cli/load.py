"""``atlas-graph load``: records → a persistent store, incrementally and crash-safely."""

from __future__ import annotations

import argparse
import sys

from atlas_graph.cli.base import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_STATUS_HELP,
    WRITER_HELP,
    UsageError,
    add_writer_arguments,
    check_writer_arguments,
)
from atlas_graph.cli.convert import (
    add_mapping_arguments,
    authorities_failure,
    make_linker,
    report_links,
    resolve_inputs,
    resolve_uris,
)
from atlas_graph.cli.progress import progress_bar
from atlas_graph.link.authorities import AuthoritiesError, load_authorities
from atlas_graph.store.generations import StoreDir, StoreError, StoreFailure
from atlas_graph.store.loader import load

HELP = "parse, map, validate and store records in a persistent store"
DESCRIPTION = f"""\
Load Atlas project pages into a persistent Oxigraph store, one named graph per record.

Re-loading is incremental: a record whose capture has not changed (same bytes) is skipped
without being read again, a changed one replaces its graph, and with --prune the records whose
capture is no longer among the inputs are removed. The shared entities graph, the dumps and the
statistics are rebuilt at the end. Every record is checked against the project's SHACL shapes
(compiled into SPARQL for speed; the same results as 'atlas-graph validate'): a record that
does not conform is rejected with the violations. The store changes all at once: a load that
is interrupted (Ctrl-C, kill, power loss) leaves it as it was, and servers keep answering
meanwhile.

The collectivities and countries are linked to the authorities as by 'atlas-graph convert'
(--links FILE: the curators' decisions). A changed --links file, or authorities of another
version, re-link the entities without reading the records again.

Two loads (or a load and a SPARQL Update) at once lose nothing: each one builds on the
generation current when it takes the lock, and decides again what to keep when another writer
came first.

{WRITER_HELP}

{EXIT_STATUS_HELP}
A --links file with errors is a usage error (2); a missing or unreadable authorities file
(built at install time) is status 3.

examples:
  atlas-graph load records/ --store var/store
  atlas-graph load records/ --store var/store --prune      # mirror the folder exactly
  atlas-graph serve --store var/store
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="record files or folders of *.txt")
    parser.add_argument("--store", required=True, metavar="DIR", help="the store folder (created if missing)")
    parser.add_argument("--prune", action="store_true", help="remove stored records absent from INPUT")
    add_writer_arguments(parser)
    add_mapping_arguments(parser)


def run(args: argparse.Namespace) -> int:
    check_writer_arguments(args)
    uris = resolve_uris(args)
    files = resolve_inputs(args)
    store_dir = StoreDir(args.store)
    try:
        linker = make_linker(load_authorities(), args.links)
        with progress_bar("loading", total=len(files)) as advance:
            summary = load(files, store_dir, uris, args.include_contacts, args.prune, progress=advance,
                           linker=linker, wait=args.wait, keep=args.keep, on_wait=_tell)
    except StoreFailure:
        raise  # exit 3 (cli/main.py)
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    except AuthoritiesError as exc:
        return authorities_failure("load", exc)
    for problem in summary.problems:
        print(problem, file=sys.stderr)
    report_links(summary.links, args.quiet)
    if not args.quiet:
        rate = (summary.converted + summary.unchanged) / summary.seconds if summary.seconds else 0
        print(f"{summary.converted} converted, {summary.rejected} rejected, {summary.unchanged} unchanged, "
              f"{summary.removed} removed; {summary.triples} triples in {args.store} "
              f"(generation {summary.generation}); {summary.seconds:.1f} s, {rate:,.0f} records/s",
              file=sys.stderr)
    if summary.rejected or (args.strict and summary.problems):
        return EXIT_PROBLEMS
    return EXIT_OK


def _tell(message: str) -> None:
    print(f"atlas-graph load: {message}", file=sys.stderr, flush=True)
