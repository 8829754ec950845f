"""``/data/…`` requests/s next to the bare Flask baseline, in one run, several rounds: the
``make bench`` measurement alone, for working on the entity route.

    python -m benchmarks.data_route --store var/bench/store-12000 --rounds 3 [--no-cache]

Each round starts ``atlas-graph serve`` on a copy of the store (the server never writes to it,
but a copy keeps the prebuilt one out of harm's way) and the bare app served the same way,
and loads them as ``benchmarks.run`` does (2 client processes × 8 threads, keep-alive, 200
partnership and collectivity URIs, ``Accept: text/turtle``), but in alternating windows
(``--windows`` of each, ``--seconds`` in all per server): on a shared machine the load drifts
within seconds, and alternating exposes both servers to the same drift. It prints each
round's ratio and the median. ``--no-cache`` serves with ``ATLAS_DATA_CACHE_MB=0`` (every
request described and serialised).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .http_load import alternating_rates
from .processes import free_port, server, wait_for_200
from .run import ATLAS, ROOT, _entity_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "bench" / "store-12000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--no-cache", action="store_true", help="serve with the response cache off")
    args = parser.parse_args(argv)

    import pyoxigraph as ox

    with tempfile.TemporaryDirectory(prefix="atlas-data-bench-") as scratch:
        store = Path(scratch) / "store"
        shutil.copytree(args.store, store, symlinks=True)
        base = json.loads((store / "current" / "state.json").read_text())["base_uri"]
        raw = ox.Store.read_only(str(store / "current" / "oxigraph"))
        paths = _entity_paths(raw, base, 200)
        del raw
        env = {"ATLAS_DATA_CACHE_MB": "0"} if args.no_cache else {}
        ratios = []
        atlas = [*ATLAS, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", "{port}",
                 "--workers", str(args.workers)]
        bare = [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-k", "gthread", "--threads", "4",
                "-b", "127.0.0.1:{port}", "--access-logfile", "-", "benchmarks.bare_app:app"]
        for round_ in range(1, args.rounds + 1):
            with (_started(atlas, paths, env) as data_port,
                  _started(bare, paths, {"PYTHONPATH": str(ROOT)}) as bare_port):
                rates = alternating_rates({"data": data_port, "bare": bare_port}, paths, "text/turtle",
                                          seconds=args.seconds, windows=args.windows)
            data_rps, bare_rps = rates["data"], rates["bare"]
            ratios.append(data_rps / bare_rps)
            print(f"round {round_}: /data {data_rps:,.0f} requests/s ÷ bare {bare_rps:,.0f} = {ratios[-1]:.0%}",
                  flush=True)
        print(f"median ratio {'(cache off) ' if args.no_cache else ''}{statistics.median(ratios):.0%}")
    return 0


@contextmanager
def _started(command: list[str], paths: list[str], env: dict):
    """A server on a free port, answering (one request: as ``benchmarks.run``, no warm-up)."""
    port = free_port()
    with server([part.replace("{port}", str(port)) for part in command], env=env):
        wait_for_200(port, paths[0], "text/turtle", time.perf_counter() + 60)
        yield port


if __name__ == "__main__":
    raise SystemExit(main())
