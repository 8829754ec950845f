"""What a generation gets before it becomes current: its dumps, its statistics and the site's data.

Shared by the loader and by the server's SPARQL Update, which both write generations.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import BinaryIO

from atlas_graph.store.dumps import as_json, write_dumps
from atlas_graph.store.generations import Generation, write_json
from atlas_graph.store.site.build import build_site_data
from atlas_graph.store.stats import compute_stats


def finalize(generation: Generation, content: BinaryIO | None = None) -> None:
    """Dumps, statistics and site data of a generation about to become current (flushed): the
    dumps and the site data are written by child processes while this one computes the
    statistics. ``content``: the generation's whole content as N-Quads, when the caller has it
    (see write_dumps and build_site_data)."""
    generation.activity = "the dumps, statistics and site data"
    with ThreadPoolExecutor(max_workers=2) as background:
        site_written = background.submit(build_site_data, generation, content)
        dumps_written = background.submit(write_dumps, generation.store, generation.dumps_dir, content)
        stats = compute_stats(generation.store, generation.state.get("links"))
        dumps, counts = dumps_written.result()
        site_written.result()
    stats.update(counts.as_stats())
    stats["dumps"] = as_json(dumps)
    write_json(generation.path / "stats.json", stats)
