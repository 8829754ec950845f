"""The WSGI entry point for running under any WSGI server, configured by the environment::

    ATLAS_STORE=/srv/atlas/store gunicorn --workers 4 --worker-class gthread --threads 4 \\
        --bind 0.0.0.0:8000 'atlas_graph.server.wsgi:app'

ATLAS_STORE (required): a store made by ``atlas-graph load``; the base URI is the one it was
built with. ATLAS_QUERY_TIMEOUT (seconds, default 30), ATLAS_UPDATE_TOKEN (unset: read-only),
ATLAS_DATA_CACHE_MB (rendered /data descriptions and /page HTML kept per worker, MiB, default
32; 0: none), ATLAS_QUERY_MEMORY_MB (the union graph held in memory for queries when it fits,
MiB per worker, default 512; 0: queries read the store on disk), ATLAS_QUERY_PROCESSES (SPARQL
queries each worker runs at once, default 4: the workers are the WSGI server's, so about twice
the cores divided by the workers is for you to set).
"""

from __future__ import annotations

import os
from pathlib import Path

from atlas_graph.server.app import create_app
from atlas_graph.server.service import AtlasConfig
from atlas_graph.store.generations import StoreDir


def config_from_environment() -> AtlasConfig:
    store = os.environ.get("ATLAS_STORE")
    if not store:
        raise RuntimeError("set ATLAS_STORE to a store folder made by 'atlas-graph load'")
    state = StoreDir(store).state()
    if not state:
        raise RuntimeError(f"ATLAS_STORE={store}: no store there; "
                           f"make one with 'atlas-graph load RECORDS --store {store}'")
    return AtlasConfig(
        store=Path(store),
        base_uri=state["base_uri"],
        update_token=os.environ.get("ATLAS_UPDATE_TOKEN") or None,
        query_timeout=_number("ATLAS_QUERY_TIMEOUT", 30.0, zero_allowed=False),
        data_cache_mib=_number("ATLAS_DATA_CACHE_MB", 32.0),
        query_memory_mib=_number("ATLAS_QUERY_MEMORY_MB", 512.0),
        query_processes=_whole_number("ATLAS_QUERY_PROCESSES", 4),
    )


def _number(variable: str, default: float, zero_allowed: bool = True) -> float:
    value = os.environ.get(variable, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        number = -1.0
    if number < 0 or (number == 0 and not zero_allowed):
        raise RuntimeError(f"{variable}={value!r}: expected a number {'≥' if zero_allowed else '>'} 0")
    return number


def _whole_number(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise RuntimeError(f"{variable}={value!r}: expected a whole number ≥ 1")
    return int(value)


app = create_app(config_from_environment())
