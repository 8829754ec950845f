"""``atlas-graph serve``: the linked-data server, production-grade (gunicorn, several workers)."""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from atlas_graph.cli.base import EXIT_STATUS_HELP, WRITER_HELP, UsageError, add_writer_arguments, check_writer_arguments
from atlas_graph.cli.convert import authorities_failure, make_linker, report_links
from atlas_graph.ingest.pipeline import InputError, record_files
from atlas_graph.link.authorities import AuthoritiesError, load_authorities
from atlas_graph.link.reconcile import Linker
from atlas_graph.remote.store import Credentials
from atlas_graph.store.generations import StoreDir, StoreError, StoreFailure
from atlas_graph.store.loader import load
from atlas_graph.uris import BaseURIError, URIs, base_uri

HELP = "serve the graph over HTTP: SPARQL endpoint, linked-data URIs, pages, dumps, catalog"
DESCRIPTION = f"""\
Serve the Atlas graph over HTTP with gunicorn (several worker processes over one store).

With no arguments: the records bundled with atlas-graph are loaded into an embedded store
(reused at the next start: unchanged records are not read again) and served at
http://localhost:8000/ with that base URI.

  --records DIR        load DIR's *.txt into the store first (incremental), then serve
  --links FILE         with the records: the curators' link decisions (see 'links --help')
  --store DIR          the store folder; alone, serve an existing store without reading records
  --sparql-endpoint URL
                       serve over an external SPARQL 1.1 store (Virtuoso, Fuseki, ...) that
                       'atlas-graph publish --store DIR' filled: queries, /id, /data and /page
                       read the remote store; dumps, VoID and the catalog come from DIR

Routes: /sparql (SPARQL 1.1 Protocol), /id/... (303 to /page/... or /data/...), /data/...,
/page/..., /.well-known/void, /catalog, /dumps/..., /ontology.

Before it takes requests, serve checks the current generation's files against the sizes they
were written with (a damaged one is refused, with the 'atlas-graph check --rollback' command
that repairs it). A storage error during a request is a 503 that says so, never a 500. A SPARQL
Update that finds the store busy (a load is writing it) is a 503 with Retry-After. SIGTERM lets
the requests in flight finish (up to 10 s), then stops every worker and query process.

{WRITER_HELP} (--wait applies to the records loaded at start; --keep also to updates.)

{EXIT_STATUS_HELP}

environment: ATLAS_BASE_URI, ATLAS_QUERY_TIMEOUT (default 30), ATLAS_UPDATE_TOKEN (unset:
read-only), ATLAS_STORE (default store folder), ATLAS_DATA_CACHE_MB (default 32).

examples:
  atlas-graph serve
  atlas-graph serve --records records/ --port 8080
  atlas-graph load records/ --store /srv/atlas/store --base-uri https://data.example.org/atlas/
  atlas-graph serve --store /srv/atlas/store --host 0.0.0.0 --port 8000 --workers 4
  atlas-graph serve --store /srv/atlas/store --sparql-endpoint http://localhost:8890/sparql
"""


def default_store() -> Path:
    if os.environ.get("ATLAS_STORE"):
        return Path(os.environ["ATLAS_STORE"])
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "atlas-graph" / "store"


def bundled_records() -> Path:
    """The real Atlas page(s) shipped with the package (package data)."""
    return Path(__file__).resolve().parents[1] / "records"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="DIR",
                        help="store folder (default: $ATLAS_STORE or ~/.local/share/atlas-graph/store)")
    parser.add_argument("--records", metavar="DIR", help="records to load before serving (default: the bundled ones)")
    parser.add_argument("--host", default="localhost", help="interface to listen on (default: localhost)")
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    parser.add_argument("--base-uri", metavar="URI", help="base of the instance URIs (default: $ATLAS_BASE_URI or http://HOST:PORT/)")
    parser.add_argument("--query-timeout", type=float, metavar="SECONDS",
                        default=os.environ.get("ATLAS_QUERY_TIMEOUT", "30"),  # a string: argparse checks it
                        help="stop a SPARQL query after this long (default: $ATLAS_QUERY_TIMEOUT or 30)")
    parser.add_argument("--update-token", metavar="TOKEN", default=os.environ.get("ATLAS_UPDATE_TOKEN"),
                        help="allow SPARQL Update with 'Authorization: Bearer TOKEN' (default: read-only)")
    parser.add_argument("--sparql-endpoint", metavar="URL",
                        help="serve over this external SPARQL 1.1 store instead (published there with "
                             "'atlas-graph publish'); --store is then the published store, "
                             "for dumps and statistics")
    parser.add_argument("--graph-store", metavar="URL",
                        help="with --sparql-endpoint: its Graph Store Protocol endpoint")
    parser.add_argument("--remote-user", metavar="U",
                        help="with --sparql-endpoint: user for updates (env ATLAS_REMOTE_USER)")
    parser.add_argument("--remote-password", metavar="P",
                        help="with --sparql-endpoint: password (env ATLAS_REMOTE_PASSWORD)")
    parser.add_argument("--data-cache-mb", type=float, metavar="MIB",
                        default=os.environ.get("ATLAS_DATA_CACHE_MB", "32"),
                        help="keep rendered /data/… descriptions and /page/… HTML up to this many MiB per "
                             "worker, for the current store generation (default: $ATLAS_DATA_CACHE_MB or 32; "
                             "0: none)")
    parser.add_argument("--query-memory-mb", type=float, metavar="MIB",
                        default=os.environ.get("ATLAS_QUERY_MEMORY_MB", "512"),
                        help="hold the union graph in memory for SPARQL queries when it fits in this many MiB "
                             "(one copy, shared by the workers; default: $ATLAS_QUERY_MEMORY_MB or 512; "
                             "0: queries read the store on disk)")
    parser.add_argument("--workers", type=int, default=min(4, 2 * (os.cpu_count() or 1)),
                        help="worker processes (default: 2 per core, at most 4)")
    parser.add_argument("--query-processes", type=int, metavar="N", default=os.environ.get("ATLAS_QUERY_PROCESSES"),
                        help="SPARQL queries each worker runs at once, each in a process of its own "
                             "(default: $ATLAS_QUERY_PROCESSES, else 2 per core on the machine shared by "
                             "the workers, at least 1 each)")
    parser.add_argument("--include-contacts", action="store_true",
                        help="when loading records: also publish contacts' names and e-mails (personal data)")
    parser.add_argument("--links", metavar="FILE",
                        help="when loading records: curated link decisions, CSV (see 'atlas-graph links --help')")
    add_writer_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from atlas_graph.server.app import create_app
    from atlas_graph.server.service import AtlasConfig, default_query_processes

    if args.sparql_endpoint and args.records:
        raise UsageError("--sparql-endpoint serves what was published there: load and publish the records first "
                         "('atlas-graph load', 'atlas-graph publish'), "
                         "then serve with --store DIR --sparql-endpoint URL")
    if args.query_timeout <= 0:
        raise UsageError("--query-timeout must be a positive number of seconds")
    if args.data_cache_mb < 0:
        raise UsageError("--data-cache-mb must be 0 (no cache) or a positive number of MiB")
    if args.query_processes is not None and args.query_processes < 1:
        raise UsageError("--query-processes must be at least 1")
    if args.query_memory_mb < 0:
        raise UsageError("--query-memory-mb must be 0 (queries on disk) or a positive number of MiB")
    if args.links and args.store and not args.records:
        raise UsageError("--links applies to the records loaded before serving: add --records DIR, "
                         "or re-link the store with 'atlas-graph load RECORDS --store DIR --links FILE'")
    check_writer_arguments(args)
    store_dir = StoreDir(args.store or default_store())
    if (args.store and not args.records) or args.sparql_endpoint:
        if not store_dir.exists():
            raise UsageError(f"{store_dir.path}: no store there; create it with "
                             f"'atlas-graph load RECORDS --store {store_dir.path}' or add --records DIR")
        base = store_dir.state().get("base_uri")
        if args.base_uri and args.base_uri != base:
            raise UsageError(f"the store was built with base URI {base}; reload it with --base-uri {args.base_uri}")
    else:
        try:
            base = _load_records(args, store_dir)
        except AuthoritiesError as exc:
            return authorities_failure("serve", exc)
    store_dir.verify_current()  # StoreDamaged: exit 3 with the command that repairs the store
    config = AtlasConfig(store=store_dir.path, base_uri=base, update_token=args.update_token,
                         query_timeout=args.query_timeout, sparql_endpoint=args.sparql_endpoint,
                         graph_store_url=args.graph_store,
                         remote_credentials=Credentials.from_env(args.remote_user, args.remote_password),
                         data_cache_mib=args.data_cache_mb, query_memory_mib=args.query_memory_mb,
                         query_processes=args.query_processes or default_query_processes(args.workers),
                         keep=args.keep)
    if args.sparql_endpoint:
        _check_remote(config)
    print(f"atlas-graph: serving {args.sparql_endpoint or store_dir.path} at http://{args.host}:{args.port}/ "
          f"(base URI {base}, {args.workers} workers)", file=sys.stderr)
    _gunicorn(create_app(config), args)
    return 0


def _check_remote(config) -> None:
    """Refuse to start over a remote store that cannot be reached (a clear message, not 503s)."""
    from atlas_graph.remote.store import RemoteError, RemoteStore

    try:
        RemoteStore(config.sparql_endpoint, config.remote_credentials).select("ASK { ?s ?p ?o }", 30.0)
    except RemoteError as exc:
        raise UsageError(str(exc)) from None


def _load_records(args: argparse.Namespace, store_dir: StoreDir) -> str:
    host = "localhost" if args.host in ("0.0.0.0", "::", "") else args.host
    try:
        uris = URIs(base_uri(args.base_uri or os.environ.get("ATLAS_BASE_URI") or f"http://{host}:{args.port}/"))
        files = record_files([args.records or bundled_records()])
        authorities = load_authorities()
        linker = make_linker(authorities, args.links)
        authorities.close()  # the decisions are read: the server's processes never use the file
        # In a child process: the database must never be opened in the process that then forks
        # the server workers (RocksDB's threads do not survive a fork; workers crash at exit).
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
            summary = child.submit(_load, files, store_dir.path, uris, args.include_contacts, linker,
                                   args.wait, args.keep).result()
    except StoreFailure:
        raise  # exit 3 (cli/main.py)
    except (BaseURIError, InputError, StoreError) as exc:
        raise UsageError(str(exc)) from None
    for problem in summary.problems:
        print(problem, file=sys.stderr)
    report_links(summary.links)
    print(f"atlas-graph: {summary.converted} records loaded, {summary.unchanged} unchanged, "
          f"{summary.rejected} rejected", file=sys.stderr)
    return uris.base


def _load(files, store: Path, uris: URIs, include_contacts: bool, linker: Linker, wait: float, keep: int):
    return load(files, StoreDir(store), uris, include_contacts=include_contacts, linker=linker, wait=wait,
                keep=keep, on_wait=_tell)


def _tell(message: str) -> None:
    print(f"atlas-graph serve: {message}", file=sys.stderr, flush=True)


def _gunicorn(app, args: argparse.Namespace) -> None:
    from gunicorn.app.base import BaseApplication

    from atlas_graph.server.generation_cache import warm_up

    def _warm_up(worker) -> None:
        warm_up(app)

    class Server(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}",
                "workers": args.workers,
                "worker_class": "gthread",
                "threads": 4,
                "timeout": int(args.query_timeout) + 30,
                "graceful_timeout": 10,
                "accesslog": "-",
                "post_worker_init": _warm_up,  # each worker starts its query processes, then fills its caches
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
