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
        site/                             the site's data: aggregates, search index, selection table
        files.json                        each database and site file's size and sha256, once closed
      generations/000006/                 the previous one (``keep``: 2 generations by default)
      generations/000005.damaged/         set aside by ``check --rollback``, never used again
      lock                                held by the one writer

A writer (``load``, a SPARQL Update) takes the lock (waiting for it up to ``wait`` seconds),
copies the current generation (an Oxigraph checkpoint: hard links, cheap), changes the copy,
writes dumps and statistics, and only then switches ``current``. Readers open generations
read-only and reopen when ``current`` moves. So a load killed at any moment leaves the store as
it was, and readers never see half a change. A write that fails (no space, an I/O error) removes
its new generation and raises :class:`StoreWriteFailed`, naming what it was writing and where.

A generation never changes once current, so ``files.json`` describes its database and its site
files for good:
:func:`quick_problems` compares the files' sizes with it (cheap: what ``serve`` does before it
takes requests), :mod:`atlas_graph.store.integrity` their checksums, counts and dumps.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

DEFAULT_KEEP = 2  # generations kept: the current one and the previous one, to roll back to
FILES = "files.json"
SITE_DIR = "site"  # the site's data of a generation (atlas_graph.store.site), listed in files.json
#: The folders, beside the generations, where the site data's build reads a checkpoint of a
#: generation's database (atlas_graph.store.site.build); a killed writer may leave one.
SITE_CHECKPOINT_PREFIX = "site-checkpoint-"
DAMAGED = ".damaged"  # the suffix of a generation set aside by a rollback
_NOT_DATABASE_FILES = ("LOCK", "LOG")  # RocksDB's lock and info log: not the data (LOG.old.* neither)


class StoreError(Exception):
    """The store folder is missing or not a store, or (subclasses) a command failed on it."""


class StoreFailure(StoreError):
    """The command failed as a whole and the store was left as it was (exit status 3)."""


class StoreBusy(StoreFailure):
    """Another writer held the lock for longer than the wait allowed."""


class StoreDamaged(StoreFailure):
    """A generation's files do not match what was written (see :func:`quick_problems`)."""


class StoreWriteFailed(StoreFailure):
    """Writing failed for want of space or on an I/O error; nothing was switched in."""


def is_storage_error(error: BaseException) -> bool:
    """Whether ``error`` comes from the disk rather than the program: an ``OSError``, or the
    ``RuntimeError`` that pyoxigraph raises for a RocksDB status ("IO error: …", "Corruption: …")."""
    if isinstance(error, OSError):
        return True
    return isinstance(error, RuntimeError) and str(error).startswith(("IO error", "Corruption"))


def _write_failure_reason(error: BaseException) -> str:
    code = getattr(error, "errno", None)
    text = str(error)
    if code == errno.ENOSPC or "No space left" in text:
        return "no space left on device"
    if code == errno.EFBIG or "File too large" in text:
        return "file too large (the process's file-size limit, or the filesystem's)"
    if code == errno.EDQUOT or "quota exceeded" in text.lower():
        return "disk quota exceeded"
    return f"I/O error ({getattr(error, 'strerror', None) or text})"


def mebibytes(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def new_bytes(path: Path) -> int:
    """Bytes of the files under ``path`` that no other generation shares (a file hard-linked
    from the previous generation costs no space): what writing them took."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                info = os.lstat(os.path.join(folder, name))
            except OSError:
                continue
            if info.st_nlink == 1:
                total += info.st_size
    return total


@contextmanager
def writing(what: Callable[[], str] | str, where: Path, written: Callable[[], int]) -> Iterator[None]:
    """Turn a storage error raised inside into :class:`StoreWriteFailed`, one line that says
    what was being written, where, and how much had been written when it failed."""
    try:
        yield
    except BaseException as error:
        if not is_storage_error(error):
            raise
        try:
            size = written()
        except (OSError, ValueError):
            size = 0
        activity = what() if callable(what) else what
        raise StoreWriteFailed(
            f"{_write_failure_reason(error)} while writing {activity} in {where}; the store needed more than "
            f"{mebibytes(size)} for it (written before the failure); nothing was changed") from None


@dataclass
class Generation:
    """One complete, self-consistent state of the store."""

    path: Path
    store: pyoxigraph.Store
    state: dict = field(default_factory=dict)
    based_on: str | None = None  # for a new generation: the name of the one it was copied from
    activity: str = "the new generation"  # what a writer is writing now, for a failure's message
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
            self._stats = read_json(self.path / "stats.json")
        return self._stats


def read_json(path: Path) -> dict:
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def write_json(path: Path, data: dict) -> None:
    """Write JSON durably: a temporary file, fsync, then rename."""
    write_lines(path, [json.dumps(data, ensure_ascii=False, separators=(",", ":"))])


def write_lines(path: Path, lines: Iterable[str]) -> None:
    """Write ``lines`` (each without its newline) durably: a temporary file, fsync, then rename."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(line)
            out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _database_files(database: Path) -> Iterator[Path]:
    for path in sorted(database.iterdir()):
        if path.is_file() and not path.name.startswith(_NOT_DATABASE_FILES):
            yield path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for chunk in iter(lambda: data.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_file_list(generation: Path) -> None:
    """``files.json``: each file of the generation's (closed) database and of its site data,
    its size and sha256."""
    def listed(paths: Iterator[Path]) -> dict:
        return {path.name: {"bytes": path.stat().st_size, "sha256": file_sha256(path)} for path in paths}
    site = generation / SITE_DIR
    write_json(generation / FILES, {"files": listed(_database_files(generation / "oxigraph")),
                                    "site": listed(sorted(site.iterdir()) if site.is_dir() else iter(()))})


def quick_problems(generation: Path) -> list[str]:
    """What is visibly wrong with a generation without reading its data: a missing or unreadable
    ``state.json``, ``stats.json`` or ``files.json``, a database file missing or of another size
    than ``files.json`` says, a dump missing or of another size than ``stats.json`` says.
    A few dozen ``stat`` calls, whatever the store's size. A generation written before
    ``files.json`` existed has its database files unchecked here."""
    problems = []
    documents = {}
    for name in ("state.json", "stats.json", FILES):
        path = generation / name
        if not path.exists():
            if name != FILES:
                problems.append(f"{name} is missing")
            continue
        try:
            documents[name] = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            problems.append(f"{name} cannot be read ({error})")
    for section, folder in (("files", "oxigraph"), ("site", SITE_DIR)):
        for name, expected in documents.get(FILES, {}).get(section, {}).items():
            try:
                size = (generation / folder / name).stat().st_size
            except OSError:
                problems.append(f"{folder}/{name} is missing")
                continue
            if size != expected["bytes"]:
                problems.append(f"{folder}/{name} has {size} bytes, {expected['bytes']} were written")
    for dump in documents.get("stats.json", {}).get("dumps", []):
        path = generation / "dumps" / dump["name"]
        try:
            size = path.stat().st_size
        except OSError:
            problems.append(f"dumps/{dump['name']} is missing")
            continue
        if size != dump["bytes"]:
            problems.append(f"dumps/{dump['name']} has {size} bytes, {dump['bytes']} were written")
    return problems


def generation_number(name: str) -> int | None:
    """``000007`` → 7, also for one set aside (``000007.damaged``); None for another name."""
    head = name.removesuffix(DAMAGED)
    return int(head) if head.isdigit() else None


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

    def state(self, target: str | None = None) -> dict:
        """The loader state of the current generation, or of ``target`` (a ``current_target()``
        read earlier); empty for a new store."""
        if target is not None:
            return read_json(self.path / target / "state.json")
        if not self.exists():
            return {}
        return read_json(self._current_link.resolve() / "state.json")

    def generation_paths(self) -> list[Path]:
        """Every kept generation (not those set aside), newest first."""
        if not self._generations.is_dir():
            return []
        return sorted((p for p in self._generations.iterdir() if p.name.isdigit()), key=lambda p: p.name, reverse=True)

    def verify_current(self) -> None:
        """Raise :class:`StoreDamaged` when the current generation is visibly damaged
        (:func:`quick_problems`), with the command that repairs the store."""
        target = self.current_target()
        if target is None:
            return
        problems = quick_problems(self.path / target)
        if problems:
            raise StoreDamaged(f"{self.path}: the current generation {Path(target).name} is damaged: "
                               f"{'; '.join(problems)}. Run 'atlas-graph check --store {self.path} --rollback' "
                               "to make the newest intact generation current")

    def stats(self) -> dict:
        """The current generation's statistics, read without opening the database (so a
        process that forks server workers afterwards holds no database handle)."""
        if not self.exists():
            return {}
        return read_json(self._current_link.resolve() / "stats.json")

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
    def locked(self, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the writer lock, waiting for it up to ``wait`` seconds (``on_wait(message)`` is
        told once when the wait begins); past that, :class:`StoreBusy`."""
        self.path.mkdir(parents=True, exist_ok=True)
        self._generations.mkdir(exist_ok=True)
        with open(self.path / "lock", "w") as lock:
            deadline = time.monotonic() + wait
            told = False
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise StoreBusy(f"{self.path}: another load or update is writing this store"
                                        + (f", still after {wait:g} s of waiting (--wait SECONDS)" if wait else
                                           "; try again when it has finished")) from None
                    if on_wait and not told:
                        on_wait(f"{self.path}: another load or update is writing this store; "
                                f"waiting for it, up to {wait:g} s (--wait SECONDS)")
                        told = True
                    time.sleep(min(0.2, left))
            yield

    @contextmanager
    def writer(self, finish: Callable[[Generation], None] | None = None, wait: float = 0.0,
               keep: int = DEFAULT_KEEP, on_wait: Callable[[str], None] | None = None) -> Iterator[Generation]:
        """A new generation to change, made current only when the block ends without error.

        The generation is a copy of the one current when the lock is taken (``based_on`` names
        it): a writer that decided something before compares it with what it read then.
        ``finish(generation)`` runs last, before the switch (dumps, statistics). ``keep``: the
        generations kept afterwards, the new current one included. A storage error raised in
        the block or here becomes :class:`StoreWriteFailed`."""
        with self.locked(wait, on_wait):
            self._remove_abandoned()
            path = self._new_generation_path()
            generation = None
            try:
                with writing(lambda: generation.activity if generation else "a copy of the current generation",
                             path, lambda: new_bytes(path)):
                    generation = self._copy_current(path)
                    yield generation
                    generation.activity = "the database"
                    generation.store.flush()
                    write_json(path / "state.json", generation.state)
                    if finish:
                        finish(generation)
                    del generation.store  # close the database before it becomes visible
                    generation.activity = "the list of database files"
                    write_file_list(path)
                    self._switch(path)
            except BaseException:
                shutil.rmtree(path, ignore_errors=True)
                raise
            self._remove_old(keep)

    def roll_back_to(self, name: str, set_aside: list[str]) -> None:
        """Make generation ``name`` current; the generations ``set_aside`` (damaged ones) are
        renamed ``NAME.damaged`` first, so that no writer builds on them or reuses their
        number. The caller holds the lock (:meth:`locked`)."""
        for damaged in set_aside:
            os.replace(self._generations / damaged, self._generations / (damaged + DAMAGED))
        self._switch(self._generations / name)

    def _new_generation_path(self) -> Path:
        numbers = [n for p in self._generations.iterdir() if (n := generation_number(p.name)) is not None]
        return self._generations / f"{max(numbers, default=0) + 1:06d}"

    def _copy_current(self, path: Path) -> Generation:
        path.mkdir()
        if self.exists():
            current = self._current_link.resolve()
            pyoxigraph.Store.read_only(str(current / "oxigraph")).backup(str(path / "oxigraph"))
            state = read_json(current / "state.json")
            if (current / "records.json").exists():  # the loader's bookkeeping (see bookkeeping.py)
                os.link(current / "records.json", path / "records.json")
            based_on = current.name
        else:
            state, based_on = {}, None
        return Generation(path, pyoxigraph.Store(str(path / "oxigraph")), state, based_on)

    def _switch(self, path: Path) -> None:
        tmp_link = self.path / "current.tmp"
        if tmp_link.is_symlink():
            tmp_link.unlink()
        os.symlink(os.path.relpath(path, self.path), tmp_link)
        os.replace(tmp_link, self._current_link)
        _fsync_dir(self.path)

    def _remove_abandoned(self) -> None:
        """Generations newer than current, and the site data's checkpoints beside them, were left
        by a killed writer: remove them (this runs under the writer lock, so no writer uses them)."""
        current = self.current_target()
        current_number = int(Path(current).name) if current else 0
        for path in self._generations.iterdir():
            newer = path.name.isdigit() and int(path.name) > current_number
            if newer or path.name.startswith(SITE_CHECKPOINT_PREFIX):
                shutil.rmtree(path, ignore_errors=True)

    def _remove_old(self, keep: int) -> None:
        """Keep the current generation and the ``keep - 1`` newest before it."""
        current = Path(self.current_target()).name
        older = [p for p in self.generation_paths() if p.name <= current]
        for path in older[max(keep, 1):]:
            shutil.rmtree(path, ignore_errors=True)
