"""Whether a store's generations are intact, and going back to the newest intact one.

A generation never changes once it is current, so what was written about it is the reference:
``files.json`` (each database and site file's size and sha256), ``stats.json`` (the number of quads the
N-Quads dump holds, the number of named graphs, each dump's size and sha256). Checking a
generation reads all of it: every database file and dump is hashed, and the database is opened
and scanned from end to end, since RocksDB finds a damaged block only when it reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from atlas_graph.store.dumps import NQ_DUMP
from atlas_graph.store.generations import (
    FILES,
    SITE_DIR,
    StoreDamaged,
    StoreDir,
    file_sha256,
    quick_problems,
    read_json,
)


@dataclass(frozen=True)
class GenerationCheck:
    name: str
    current: bool
    problems: tuple[str, ...]
    quads: int | None  # counted in the database, when it could be read

    @property
    def intact(self) -> bool:
        return not self.problems


def check_generation(path: Path) -> tuple[list[str], int | None]:
    """The problems found in the generation at ``path`` (none: intact), and its quads counted."""
    problems = quick_problems(path)
    if problems:  # files missing or of the wrong size: reading further only repeats it
        return problems, None
    listed = read_json(path / FILES)
    for section, folder in (("files", "oxigraph"), ("site", SITE_DIR)):
        for name, expected in listed.get(section, {}).items():
            if file_sha256(path / folder / name) != expected["sha256"]:
                problems.append(f"{folder}/{name} does not have the checksum it was written with")
    stats = read_json(path / "stats.json")
    for dump in stats.get("dumps", []):
        if file_sha256(path / "dumps" / dump["name"]) != dump["sha256"]:
            problems.append(f"dumps/{dump['name']} does not have the checksum the catalog publishes")
    try:
        store = ox.Store.read_only(str(path / "oxigraph"))
        quads = 0
        graphs = set()
        for quad in store:
            quads += 1
            graphs.add(quad.graph_name)
    except (OSError, RuntimeError) as error:
        problems.append(f"the database cannot be read: {error}")
        return problems, None
    expected_quads = next((d["records"] for d in stats.get("dumps", []) if d["name"] == NQ_DUMP), None)
    if expected_quads is not None and quads != expected_quads:
        problems.append(f"the database holds {quads} quads, {expected_quads} were written")
    named = len([g for g in graphs if not isinstance(g, ox.DefaultGraph)])
    if "graphs" in stats and named != stats["graphs"]:
        problems.append(f"the database holds {named} named graphs, {stats['graphs']} were written")
    return problems, quads


def check_store(store_dir: StoreDir) -> list[GenerationCheck]:
    """Every kept generation, newest first, checked (not those newer than the current one: a
    writer that was killed left them unfinished, and the next writer removes them)."""
    current = store_dir.current_target()
    current_name = Path(current).name if current else None
    checks = []
    for path in store_dir.generation_paths():
        if current_name and path.name > current_name:
            continue
        problems, quads = check_generation(path)
        checks.append(GenerationCheck(path.name, path.name == current_name, tuple(problems), quads))
    return checks


def roll_back(store_dir: StoreDir, wait: float = 0.0) -> tuple[list[GenerationCheck], str | None]:
    """Under the writer lock: check every generation and make the newest intact one current,
    setting aside the damaged ones newer than it. Returns the checks and the generation made
    current (None when the current one was intact and the newest). Raises StoreDamaged when
    no generation is intact."""
    with store_dir.locked(wait):
        checks = check_store(store_dir)
        intact = [check for check in checks if check.intact]
        if not intact:
            raise StoreDamaged(f"{store_dir.path}: no kept generation is intact; load the records again "
                               f"into a new store ('atlas-graph load RECORDS --store NEW_DIR')")
        newest = intact[0]
        current = next((check for check in checks if check.current), None)
        if current is not None and current.name == newest.name:
            return checks, None
        newer = [check.name for check in checks if check.name > newest.name]
        store_dir.roll_back_to(newest.name, newer)
        return checks, newest.name
