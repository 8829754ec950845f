"""``atlas-graph check``: is every kept generation of a store intact? Go back to the newest that is."""

from __future__ import annotations

import argparse
import sys

from atlas_graph.cli.base import DEFAULT_WAIT, EXIT_OK, EXIT_PROBLEMS, UsageError
from atlas_graph.store.generations import StoreDir
from atlas_graph.store.integrity import GenerationCheck, check_store, roll_back

HELP = "verify a store's generations; --rollback makes the newest intact one current"
DESCRIPTION = f"""\
Verify every kept generation of a store: each database file against the size and checksum it
was written with, the database read from end to end and its quads and named graphs counted
against its statistics, each dump against the checksum the catalog publishes. One line per
generation says whether it is intact, and if not, what is wrong.

--rollback then makes the newest intact generation current (a server picks it up at its next
request) and sets the damaged generations newer than it aside as generations/NAME.damaged,
which no writer uses again: delete them once you no longer need them. It takes the writer lock,
waiting up to --wait SECONDS (default {DEFAULT_WAIT:g}) for a load or update to finish.

Note: a generation shares the database files it did not change with the previous one (hard
links, so keeping it costs little disk), so damage to a shared file damages both.

Exit status: 0 every generation intact; 1 damage found (also when --rollback repaired it);
2 usage error; 3 the command failed as a whole (with --rollback: no intact generation to go
back to, or the lock wait exceeded).

examples:
  atlas-graph check --store var/store
  atlas-graph check --store var/store --rollback
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, metavar="DIR", help="the store folder")
    parser.add_argument("--rollback", action="store_true", help="make the newest intact generation current")
    parser.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                        help=f"with --rollback: wait this long for a writer to finish (default: {DEFAULT_WAIT:g})")


def run(args: argparse.Namespace) -> int:
    store_dir = StoreDir(args.store)
    if not store_dir.generation_paths():
        raise UsageError(f"{store_dir.path}: not an atlas-graph store (no generations)")
    if args.rollback:
        checks, made_current = roll_back(store_dir, args.wait)
    else:
        checks, made_current = check_store(store_dir), None
    for check in checks:
        print(_line(check), file=sys.stdout)
    if made_current:
        print(f"atlas-graph check: generation {made_current} is current now; the damaged generations after it "
              f"were set aside as {store_dir.path}/generations/NAME.damaged", file=sys.stderr)
    elif args.rollback and any(not check.intact for check in checks):
        print("atlas-graph check: the current generation is intact; nothing to roll back", file=sys.stderr)
    return EXIT_OK if all(check.intact for check in checks) else EXIT_PROBLEMS


def _line(check: GenerationCheck) -> str:
    name = f"{check.name} (current)" if check.current else check.name
    if check.intact:
        return f"{name}: intact ({check.quads:,} quads)"
    return f"{name}: damaged: {'; '.join(check.problems)}"
