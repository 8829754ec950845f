"""The persistent store: a folder of Oxigraph *generations*, one of them current.

::

    STORE/
      current -> generations/000007      a symlink, switched atomically (rename)
      generations/000007/
        oxigraph/                         the Oxigraph (RocksDB) database
        state.json                        the settings: base URI, contacts or not
        records.json                      what the loader needs: each record's source, hash, mentions
        stats.json                        counts for VoID and the catalog, dump sizes and checksums
        dumps/                            atlas.nt.gz, atlas.ttl.gz, atlas.nq.gz
      lock                                held by the one writer

A writer (``load``, a SPARQL Update) copies the current generation (an Oxigraph checkpoint:
hard links, cheap), changes the copy, writes dumps and statistics, and only then switches
``current``. Readers open generations read-only and reopen when ``current`` moves. So a load
killed at any moment leaves the store as it was, and readers never see half a change.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

KEEP_PREVIOUS = 2  # generations kept behind the current one, for readers still on them


class StoreError(Exception):
    """The store folder is missing, not a store, or locked by another writer."""


@dataclass
class Generation:
    """One complete, self-consistent state of the store."""

    path: Path
    store: pyoxigraph.Store
    state: dict = field(default_factory=dict)
    _stats: dict = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def dumps_dir(self) -> Path:
        return self.path / "dumps"

    def stats(self) -> dict:
        """The generation's statistics (read once: a current generation never changes)."""
        if not self._stats:
            self._stats = _read_json(self.path / "stats.json")
        return self._stats


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def write_json(path: Path, data: dict) -> None:
    """Write JSON durably: a temporary file, fsync, then rename."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class StoreDir:
    """A store folder: open its current generation, or write a new one."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._reader: Generation | None = None
        self._reader_target: str | None = None
        self._reader_lock = threading.Lock()

    @property
    def _current_link(self) -> Path:
        return self.path / "current"

    @property
    def _generations(self) -> Path:
        return self.path / "generations"

    def exists(self) -> bool:
        return self._current_link.is_symlink() and self._current_link.resolve().is_dir()

    def current_target(self) -> str | None:
        try:
            return os.readlink(self._current_link)
        except OSError:
            return None

    def state(self) -> dict:
        """The current generation's loader state (empty for a new store)."""
        if not self.exists():
            return {}
        return _read_json(self._current_link.resolve() / "state.json")

    def stats(self) -> dict:
        """The current generation's statistics, read without opening the database (so a
        process that forks server workers afterwards holds no database handle)."""
        if not self.exists():
            return {}
        return _read_json(self._current_link.resolve() / "stats.json")

    # reading ---------------------------------------------------------------------------------

    def reader(self) -> Generation:
        """The current generation, read-only; reopened when a writer has switched ``current``.

        Cheap to call on every request: one ``readlink``."""
        target = self.current_target()
        if target is None:
            raise StoreError(f"{self.path}: not an atlas-graph store (no 'current' generation); "
                             "create one with 'atlas-graph load RECORDS --store DIR'")
        with self._reader_lock:
            if target != self._reader_target:
                path = (self.path / target).resolve()
                self._reader = Generation(path, pyoxigraph.Store.read_only(str(path / "oxigraph")))
                self._reader_target = target
            return self._reader

    # writing ---------------------------------------------------------------------------------

    @contextmanager
    def writer(self, finish: Callable[[Generation], None] | None = None) -> Iterator[Generation]:
        """A new generation to change, made current only when the block ends without error.

        ``finish(generation)`` runs last, before the switch (dumps, statistics)."""
        self.path.mkdir(parents=True, exist_ok=True)
        self._generations.mkdir(exist_ok=True)
        with open(self.path / "lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{self.path}: another load or update is writing this store") from None
            self._remove_abandoned()
            path = self._new_generation_path()
            try:
                generation = self._copy_current(path)
                yield generation
                generation.store.flush()
                write_json(path / "state.json", generation.state)
                if finish:
                    finish(generation)
                del generation.store  # close the database before it becomes visible
                self._switch(path)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            self._remove_old()

    def _new_generation_path(self) -> Path:
        numbers = [int(p.name) for p in self._generations.iterdir() if p.name.isdigit()]
        return self._generations / f"{max(numbers, default=0) + 1:06d}"

    def _copy_current(self, path: Path) -> Generation:
        path.mkdir()
        if self.exists():
            current = self._current_link.resolve()
            pyoxigraph.Store.read_only(str(current / "oxigraph")).backup(str(path / "oxigraph"))
            state = _read_json(current / "state.json")
            if (current / "records.json").exists():  # the loader's bookkeeping (see bookkeeping.py)
                os.link(current / "records.json", path / "records.json")
        else:
            state = {}
        return Generation(path, pyoxigraph.Store(str(path / "oxigraph")), state)

    def _switch(self, path: Path) -> None:
        tmp_link = self.path / "current.tmp"
        if tmp_link.is_symlink():
            tmp_link.unlink()
        os.symlink(os.path.relpath(path, self.path), tmp_link)
        os.replace(tmp_link, self._current_link)
        _fsync_dir(self.path)

    def _remove_abandoned(self) -> None:
        """Generations newer than current were left by a killed writer: remove them."""
        current = self.current_target()
        current_number = int(Path(current).name) if current else 0
        for path in self._generations.iterdir():
            if path.name.isdigit() and int(path.name) > current_number:
                shutil.rmtree(path, ignore_errors=True)

    def _remove_old(self) -> None:
        current = int(Path(self.current_target()).name)
        for path in self._generations.iterdir():
            if path.name.isdigit() and int(path.name) < current - KEEP_PREVIOUS:
                shutil.rmtree(path, ignore_errors=True)
