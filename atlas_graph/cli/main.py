"""``atlas-graph``: one verb per user job (CONTRACT §3).

Each verb lives in ``atlas_graph/cli/<verb>.py`` and exports ``HELP`` (one line),
``DESCRIPTION`` (the --help text), ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import sys

from atlas_graph.cli import check, convert, links, load, publish, serve, synth, validate
from atlas_graph.cli.base import EXIT_FAILED, EXIT_USAGE, UsageError
from atlas_graph.store.generations import StoreFailure, is_storage_error

VERBS = {
    "convert": convert,
    "validate": validate,
    "load": load,
    "serve": serve,
    "synth": synth,
    "publish": publish,
    "links": links,
    "check": check,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atlas-graph",
        description=(
            "Publish the Atlas français de la coopération décentralisée as linked data: "
            "parse project pages, map them to RDF, validate with SHACL, store and serve."
        ),
        epilog=(
            "Typical use: atlas-graph convert records/ -o atlas.ttl; atlas-graph validate atlas.ttl; "
            "atlas-graph load records/ --store var/store; atlas-graph serve --store var/store. "
            "Run 'atlas-graph VERB --help' for each verb. "
            "Exit status of every verb: 0 all good; 1 some record rejected, or violations, or damage found; "
            "2 usage error; 3 the command failed as a whole (no space left, I/O error, lock wait exceeded, "
            "damaged store), and then nothing was changed."
        ),
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for name, module in VERBS.items():
        sub = verbs.add_parser(
            name,
            help=module.HELP,
            description=module.DESCRIPTION,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse exits with 2 on a usage error
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"atlas-graph {args.verb}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreFailure as exc:
        print(f"atlas-graph {args.verb}: failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # the disk, not the program: one line, no traceback
        if not is_storage_error(exc):
            raise
        print(f"atlas-graph {args.verb}: failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"atlas-graph {args.verb}: interrupted", file=sys.stderr)
        return 130
