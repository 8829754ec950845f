"""``atlas-graph publish``: copy a store's named graphs to an external SPARQL 1.1 store."""

from __future__ import annotations

import argparse
import sys

from atlas_graph.cli.base import EXIT_OK, EXIT_PROBLEMS, UsageError
from atlas_graph.cli.progress import progress_bar
from atlas_graph.remote.publish import publish
from atlas_graph.remote.store import Credentials, RemoteError, RemoteRejected, RemoteStore
from atlas_graph.store.generations import StoreDir, StoreError

HELP = "push every record's named graph to an external SPARQL 1.1 store, then check the counts"
DESCRIPTION = """\
Publish a store (made by 'atlas-graph load') to an external SPARQL 1.1 store: Virtuoso,
GraphDB, Fuseki, Neptune, QLever, ...

Each named graph (one per record, plus the shared entities graph) is replaced whole: with the
Graph Store HTTP Protocol (PUT) when there is one (--graph-store URL; found by itself for
Virtuoso), else with SPARQL Update (DROP SILENT GRAPH + INSERT DATA) at --endpoint.
Publishing is idempotent and resumable: graphs already published with the same content (a
hash kept in DIR/published.json, checked against the remote triple counts) are skipped, so a
second run sends nothing and a run that was interrupted carries on. Remote graphs under the
store's 'B graph/' that the store no longer has are dropped. At the end the triple count of
every graph, and the total, are compared with the local store.

Credentials: --user/--password (HTTP basic or digest, as the server asks) or --token (bearer);
env ATLAS_REMOTE_USER, ATLAS_REMOTE_PASSWORD, ATLAS_REMOTE_TOKEN.

Exit status: 0 published and counts equal; 1 counts differ or the remote store failed;
2 usage error.

examples:
  atlas-graph publish --store var/store --endpoint http://localhost:8890/sparql --user dba --password dba
  atlas-graph publish --store var/store --endpoint http://fuseki:3030/atlas/update \\
      --graph-store http://fuseki:3030/atlas/data --user admin --password secret
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, metavar="DIR", help="the store folder to publish")
    parser.add_argument("--endpoint", required=True, metavar="URL", help="the remote SPARQL endpoint (query/update)")
    parser.add_argument("--graph-store", metavar="URL", help="its Graph Store HTTP Protocol endpoint")
    parser.add_argument("--user", metavar="U", help="user name for HTTP basic or digest authentication")
    parser.add_argument("--password", metavar="P", help="password for --user")
    parser.add_argument("--token", metavar="T", help="bearer token (instead of --user/--password)")


def run(args: argparse.Namespace) -> int:
    credentials = Credentials.from_env(args.user, args.password, args.token)
    if credentials.token and credentials.user:
        raise UsageError("give either --user/--password or --token, not both")
    if credentials.user and credentials.password is None:
        raise UsageError("--user needs --password (or ATLAS_REMOTE_PASSWORD)")
    if not args.endpoint.startswith(("http://", "https://")):
        raise UsageError(f"--endpoint {args.endpoint!r}: expected an http(s) URL")
    store_dir = StoreDir(args.store)
    if not store_dir.exists():
        raise UsageError(f"{args.store}: no store there; "
                         f"create it with 'atlas-graph load RECORDS --store {args.store}'")
    remote = RemoteStore(args.endpoint, credentials, graph_store_url=args.graph_store)
    try:
        total = sum(1 for _ in store_dir.reader().store.named_graphs())
        with progress_bar("publishing", total=total) as advance:
            summary = publish(store_dir, remote, progress=advance)
    except (RemoteError, RemoteRejected) as exc:  # before StoreError: a RemoteError is one
        print(f"atlas-graph publish: the remote store failed: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    rate = summary.sent_triples / summary.seconds if summary.seconds else 0
    print(f"atlas-graph publish: {summary.graphs} graphs ({summary.triples} triples): {summary.sent} sent, "
          f"{summary.skipped} unchanged, {summary.dropped} dropped, in {summary.seconds:.1f} s "
          f"({rate:,.0f} triples/s sent)", file=sys.stderr)
    for problem in summary.mismatches:
        print(f"count mismatch: {problem}", file=sys.stderr)
    return EXIT_PROBLEMS if summary.mismatches else EXIT_OK
