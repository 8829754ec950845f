"""SPARQL queries in child processes that are killed, for real, when they run out of time.

Oxigraph cannot interrupt a running query, and a thread cannot be stopped: a cartesian product
would pin a core for hours. So each query runs in a child process of a small pool; when the
deadline passes the child is killed (SIGKILL) and a fresh one takes its place. Children open
the store read-only themselves, keep the handle and follow its generations; a child that opens
a store says so before it runs the query, and the query's time limit starts then, so that a
client is never charged for a process that was still starting. A small result (the
common case: up to :data:`SMALL_RESULT` bytes) comes back through the pipe with the outcome, in
one message; a larger one spills to a file in the pool's spool folder, which the parent streams
to the client. The parent names that file in the job, so that it can delete it when it kills
the child.

A server worker starts its query processes, each with the current generation's store open,
before it takes its first request (:meth:`QueryPool.start`), so that no query waits for one.
Children start from a forkserver, never from a fork of the (multi-threaded) server process.
Each watches the server process that owns it and ends when it has gone, even mid-query: so a
worker that gunicorn kills after its graceful timeout leaves no query running.

The read-optimised path: given a generation's N-Triples dump, the pool connects to that
generation's *holder* (:mod:`.holder`), a process that loads the union default graph into an
in-memory store, or starts it when none runs yet: one per generation on this machine, shared by
every server process that queries it (so one copy in memory, however many workers), found by
a Unix socket named after the generation's files. Once it is loaded, the query processes are
forks of the holder: they share its memory page for page, and are killed at their deadline like
the others. Until the holder is ready, or when it fails, queries read the store on disk; a
query that names graphs always does (:class:`~.execution.UnionSnapshot`). A new generation gets
a new holder; the old one ends once no server process is connected to it.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import multiprocessing
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

from atlas_graph.server.sparql.execution import SMALL_RESULT, Answer, Dataset, FormatWish, Limits
from atlas_graph.server.sparql.results import QueryTimeout

_PRELOAD = ["atlas_graph.server.sparql.execution", "pyoxigraph"]
OWNER_CHECK = 0.5  # seconds between a query process's checks that its server process still runs
HOLDER_START_WAIT = 30.0  # seconds a server process waits for a holder it started to listen
#: A fork of a holder whose memory of its own passes this many bytes is replaced by a fresh
#: fork (checked every FORK_CHECK_EVERY queries and after a long one, beside the requests):
#: otherwise each fork keeps growing, with its queries' heap and its own copies of the shared
#: pages it wrote to (a query that scans the graph writes to most of them).
FORK_PRIVATE_BUDGET = 64 * 2**20
FORK_CHECK_EVERY = 16
FORK_CHECK_AFTER = 1.0  # seconds: a query of a fork that ran this long (it read much of the graph) is checked too


class PoolBusy(Exception):
    """Every query process stayed busy while the request waited for one."""


@dataclass(frozen=True)
class Job:
    store_path: str
    query: str
    dataset: Dataset
    wish: FormatWish
    limits: Limits
    base_iri: str | None
    spill: str  # the file a result larger than small_result bytes goes to (not created before)
    small_result: int


@dataclass(frozen=True)
class Open:
    """Not a query: open the store at ``store_path`` (a query process started ahead of its queries)."""

    store_path: str


def _exit_with_owner(owner: int) -> None:
    """End this process once the server process that owns it has ended, whatever this one is
    doing: a query running in Oxigraph reads no pipe (it releases the GIL, so this thread runs
    meanwhile). Its parent is the forkserver or a holder, which outlive the owner, so the
    parent's death is no signal."""

    def watch() -> None:
        while _running(owner):
            time.sleep(OWNER_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (ended, not yet reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def _child(conn, owner: int) -> None:
    """A query process: run jobs on the store on disk until the pipe closes, or its owner ends."""
    _exit_with_owner(owner)
    _serve(conn, _open_on_disk)


def _open_on_disk(store_path: str):
    import pyoxigraph

    from atlas_graph.server.sparql.execution import EmbeddedStore

    return EmbeddedStore(pyoxigraph.Store.read_only(store_path))


def _serve(conn, open_store) -> None:
    """Run the jobs ``conn`` brings until it closes; ``open_store(path)``: the store to run them on."""
    from atlas_graph.server.sparql.execution import answer_query

    stores: dict[str, Any] = {}
    while True:
        try:
            job: Job | Open = conn.recv()
        except EOFError:
            return
        try:
            if job.store_path not in stores:
                stores.clear()  # a new generation: let the old handle go
                stores[job.store_path] = open_store(job.store_path)
                conn.send(("opened", None))
            if isinstance(job, Open):
                continue
            answer = answer_query(stores[job.store_path], job.query, job.dataset, job.wish, job.limits,
                                  job.base_iri, job.spill, job.small_result)
            conn.send(("ok", answer))
        except Exception as error:  # sent back to be raised in the parent
            conn.send(("error", _portable(error)))


def _portable(error: Exception) -> tuple:
    return type(error).__module__, type(error).__qualname__, error.args, dict(vars(error))


def _rebuild(portable: tuple) -> Exception:
    import importlib

    module, name, args, attributes = portable
    try:
        cls = importlib.import_module(module)
        for part in name.split("."):
            cls = getattr(cls, part)
        error = cls.__new__(cls)
        error.args = args
        error.__dict__.update(attributes)
        return error
    except Exception:
        return RuntimeError(*args)


class _Worker:
    """A query process, seen from the server: its pipe, and the holder it was forked from (None:
    it reads the store on disk)."""

    def __init__(self, conn: Connection, pid: int, process=None, snapshot: _Snapshot | None = None):
        self.conn, self.pid, self.process, self.snapshot = conn, pid, process, snapshot
        self.store_path: str | None = None  # the store its child has open, once it said so
        self.jobs = 0  # queries answered

    def private_bytes(self) -> int:
        """The memory this process does not share (0 when that cannot be read)."""
        try:
            with open(f"/proc/{self.pid}/smaps_rollup") as rollup:
                return 1024 * sum(int(line.split()[1]) for line in rollup if line.startswith("Private_"))
        except (OSError, ValueError, IndexError):
            return 0

    @classmethod
    def start(cls, context) -> _Worker:
        conn, child_conn = context.Pipe()
        process = context.Process(target=_child, args=(child_conn, os.getpid()), daemon=True)
        process.start()
        child_conn.close()
        return cls(conn, process.pid, process)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join(5)
        else:  # a fork of a holder: reaped by the holder, or by init once the holder has ended
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + 5
            while _running(self.pid) and time.monotonic() < deadline:
                time.sleep(0.01)
        self.conn.close()


class _Snapshot:
    """The holder (:mod:`.holder`) of one generation's union graph, seen from one server process:
    the holder of that generation if one runs on this machine, else one it starts."""

    def __init__(self, store_path: str, dump_path: str):
        self.store_path = store_path
        self.state = "loading"  # then "ready", or "failed"
        self.workers = 0  # its query processes alive (the pool's to count, under its lock)
        self.retired = False  # a newer generation has its own holder
        self._lock = threading.Lock()
        self._loaded = threading.Event()
        self.conn: Connection | None = None
        self.process: subprocess.Popen | None = None  # the holder, when this process started it
        threading.Thread(target=self._connect, args=(dump_path,), name="atlas-holder-load", daemon=True).start()

    def _connect(self, dump_path: str) -> None:
        """Connect to the holder (started if need be), then wait for its load; in the background,
        so that a worker starting never waits for it."""
        try:
            conn, self.process = _connect_or_start(self.store_path, dump_path)
        except OSError as error:
            self._loaded_as("failed", str(error))
            return
        with self._lock:
            self.conn, retired = conn, self.retired
        try:
            status, detail = conn.recv() if not retired else ("failed", "")
        except (EOFError, OSError):
            status, detail = "failed", "the holder process ended"
        self._loaded_as(status, detail)

    def _loaded_as(self, status: str, detail) -> None:
        if status == "ready":
            print(f"atlas-graph: process {os.getpid()} queries the union graph in memory "
                  f"({detail:,} triples)", file=sys.stderr, flush=True)
        elif not self.retired:
            print(f"atlas-graph: queries read the store on disk: {detail}", file=sys.stderr, flush=True)
        self.state = "ready" if status == "ready" else "failed"
        self._loaded.set()

    def ready(self, wait: float = 0) -> bool:
        """Whether its query processes can be forked, after waiting up to ``wait`` seconds."""
        self._loaded.wait(wait)
        return self.state == "ready"

    def fork(self, wait: float) -> _Worker:
        """A new query process with the holder's memory; OSError when the holder is gone."""
        mine, theirs = multiprocessing.Pipe()
        try:
            with self._lock:
                self.conn.send(os.getpid())  # the process it watches, and ends with
                reduction.send_handle(self.conn, theirs.fileno(), 0)  # (no pid needed on Unix)
                if not self.conn.poll(wait):
                    raise OSError("the holder process did not answer")
                pid = self.conn.recv()
        except (EOFError, OSError):
            mine.close()
            self.state = "failed"
            raise OSError("the holder process ended") from None
        finally:
            theirs.close()
        return _Worker(mine, pid, snapshot=self)

    def close(self) -> None:
        """Let the holder go: it ends once no server process is connected to it."""
        with self._lock:
            self.retired = True
            conn = self.conn
        if conn is not None:
            try:
                socket.socket(fileno=os.dup(conn.fileno())).shutdown(socket.SHUT_RDWR)  # wakes the reader
            except OSError:
                pass
        if self._loaded.wait(5) and conn is None:
            conn = self.conn  # connected meanwhile
        if conn is not None:
            conn.close()


def _connect_or_start(store_path: str, dump_path: str) -> tuple[Connection, subprocess.Popen | None]:
    """A connection to the holder of ``dump_path``'s union graph, and its process when this one
    started it. Under a lock file, so that two server processes never start two holders."""
    folder = _holders_dir()
    name = hashlib.sha256(f"{os.path.realpath(store_path)}\0{os.path.realpath(dump_path)}".encode()).hexdigest()[:24]
    address = os.path.join(folder, f"{name}.sock")
    with open(os.path.join(folder, f"{name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = None
        while True:
            try:
                return _connect(address), process
            except (FileNotFoundError, ConnectionRefusedError):
                if process is None:  # none runs, or one ended without removing its socket: start one
                    if os.path.exists(address):
                        os.unlink(address)
                    process = subprocess.Popen([sys.executable, "-m", "atlas_graph.server.sparql.holder", address,
                                                dump_path, store_path, str(os.getpid())])
                    deadline = time.monotonic() + HOLDER_START_WAIT
                elif process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise OSError(f"the holder process did not start (exit status {process.poll()})") from None
                else:
                    time.sleep(0.01)


def _connect(address: str) -> Connection:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(address)
    except OSError:
        sock.close()
        raise
    return Connection(sock.detach())


def _holders_dir() -> str:
    """Where the holders of this user listen (one socket and one lock file per generation)."""
    folder = os.path.join(tempfile.gettempdir(), f"atlas-graph-holders-{os.getuid()}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return folder


class QueryPool:
    """At most ``size`` queries at once, each in its own killable process."""

    def __init__(self, size: int, wait_for_worker: float = 30.0, small_result: int = SMALL_RESULT,
                 private_budget: int = FORK_PRIVATE_BUDGET, check_after: float = FORK_CHECK_AFTER):
        self.size = size
        self.wait_for_worker = wait_for_worker
        self.small_result = small_result
        self.private_budget = private_budget
        self.check_after = check_after
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()
        self.spool_dir = tempfile.mkdtemp(prefix="atlas-query-")
        # the folder goes with the pool, or at the latest when its process exits normally
        self._remove_spool = weakref.finalize(self, _remove_spool_dir, self.spool_dir, os.getpid())
        self._job_numbers = itertools.count()
        self._snapshot: _Snapshot | None = None  # the holder of the newest generation asked for

    def snapshot(self, store_path: str, dump_path: str | None, wait: float = 0) -> _Snapshot | None:
        """The holder of ``store_path``'s union graph if it is ready to serve (after waiting up
        to ``wait`` seconds for its load), started from ``dump_path`` if there is none yet (None:
        this generation is read on disk only)."""
        with self._lock:
            held = self._snapshot
            if held is not None and held.store_path != store_path:
                held.retired = True  # it ends with the last of its query processes (see _retire)
                if not held.workers:
                    held.close()
                self._snapshot = held = None
            if held is None and dump_path is not None:
                self._snapshot = held = _Snapshot(store_path, dump_path)
        return held if held is not None and held.ready(wait) else None

    def start(self, store_path: str, dump_path: str | None, wait: float) -> int:
        """Start the query processes not started yet, each with ``store_path`` open, rather than
        at the first queries: forks of the holder when it is ready (an idle process that reads
        the disk is replaced then), else on disk; ``dump_path`` as for :meth:`run`. Waits up to
        ``wait`` seconds in all; returns how many query processes are idle and ready."""
        deadline = time.monotonic() + wait
        snapshot = self.snapshot(store_path, None)  # a holder ready already; a new one starts below
        ready = []
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker.snapshot is snapshot and worker.store_path == store_path:
                ready.append(worker)
            else:
                self._retire(worker)
        for worker in ready:
            self._idle.put(worker)
        opening = []  # all of them open the store at once
        while (worker := self._start_in_free_place(snapshot)) is not None:
            try:
                worker.conn.send(Open(store_path))
            except BaseException:
                self._retire(worker)
                raise
            opening.append(worker)
        for worker in opening:
            if self._opened(worker, deadline - time.monotonic()):
                worker.store_path = store_path
                self._idle.put(worker)
                ready.append(worker)
            else:
                self._retire(worker)
        self.snapshot(store_path, dump_path)  # its load goes on in the background
        return len(ready)

    @staticmethod
    def _opened(worker: _Worker, wait: float) -> bool:
        """Whether ``worker`` said, within ``wait`` seconds, that it opened the store it was sent."""
        try:
            return worker.conn.poll(max(wait, 0)) and worker.conn.recv() == ("opened", None)
        except (EOFError, OSError):
            return False

    def _acquire(self, snapshot: _Snapshot | None) -> _Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker.snapshot is snapshot:
                return worker
            self._retire(worker)  # of another generation, or of the disk path the holder replaces
        if (worker := self._start_in_free_place(snapshot)) is not None:
            return worker
        try:
            worker = self._idle.get(timeout=self.wait_for_worker)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query processes stayed busy for {self.wait_for_worker:g} s") from None
        if worker.snapshot is snapshot:
            return worker
        self._retire(worker)
        return self._acquire(snapshot)  # its place is free now

    def _start_in_free_place(self, snapshot: _Snapshot | None) -> _Worker | None:
        """A new query process if the pool has room for one (None: it is full), started outside
        the lock; its place is given back when it cannot start."""
        with self._lock:
            if self._started >= self.size:
                return None
            self._started += 1
        try:
            return self._start(snapshot)
        except BaseException:
            with self._lock:
                self._started -= 1
            raise

    def _start(self, snapshot: _Snapshot | None) -> _Worker:
        if snapshot is not None:
            try:
                worker = snapshot.fork(self.wait_for_worker)
            except OSError:
                pass  # the holder is gone: this query reads the store on disk
            else:
                snapshot.workers += 1
                return worker
        return _Worker.start(self._context)

    def _retire(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._started -= 1
            held = worker.snapshot
            if held is not None:
                held.workers -= 1
                if held.retired and not held.workers:
                    held.close()

    def _release(self, worker: _Worker, took: float) -> None:
        """Make ``worker`` idle again after a query that took ``took`` seconds. After a long
        query of a fork of a holder (which may have touched much of the graph), and every few
        queries, its memory is checked first, in a thread of its own: reading it walks the page
        tables of the whole union graph, which takes longer than a small query, and no client
        waits for it."""
        if worker.snapshot is None or (worker.jobs % FORK_CHECK_EVERY and took < self.check_after):
            self._idle.put(worker)
        else:
            threading.Thread(target=self._check_memory, args=(worker,), name="atlas-fork-check", daemon=True).start()

    def _check_memory(self, worker: _Worker) -> None:
        """Idle again if a fork holds no more memory of its own than the budget (the heap its
        queries kept, and each shared page it wrote to, which became its own copy); else
        replaced by a fresh fork, which shares all again (a query waiting for a process gets it)."""
        if worker.private_bytes() <= self.private_budget:
            self._idle.put(worker)
            return
        snapshot = worker.snapshot
        self._retire(worker)
        try:  # (a retired holder's generation is no longer asked for: a query process on disk)
            fresh = self._start_in_free_place(None if snapshot.retired else snapshot)
        except Exception:
            return  # its place is free: the next query starts one
        if fresh is not None:
            self._idle.put(fresh)

    def _discard(self, worker: _Worker, spill: str) -> None:
        """Kill a worker whose job did not finish, and delete what it may have spilled."""
        self._retire(worker)
        try:
            os.unlink(spill)
        except FileNotFoundError:
            pass

    def run(self, store_path: str, query: str, dataset: Dataset, wish: FormatWish, limits: Limits,
            base_iri: str | None = None, dump_path: str | None = None) -> Answer:
        """Run a query; returns its outcome and result (bytes, or a spool file the caller
        deletes). Raises QueryTimeout, PoolBusy, or what answer_query raises. With
        ``dump_path`` (the generation's N-Triples dump), the union graph is held in memory for
        the queries that can use it (see the module's docstring)."""
        spill = os.path.join(self.spool_dir, f"{next(self._job_numbers)}.result")
        worker = self._acquire(self.snapshot(store_path, dump_path))
        try:
            worker.conn.send(Job(store_path, query, dataset, wish, limits, base_iri, spill, self.small_result))
            reply = None
            if worker.store_path != store_path:
                # the child opens the store first; that is not the query's time
                reply = worker.conn.recv() if worker.conn.poll(self.wait_for_worker) else "slow"
                if reply == ("opened", None):
                    worker.store_path, reply = store_path, None
                else:  # it could not open the store, and has none open now
                    worker.store_path = None
            started = time.monotonic()
            if reply is None and worker.conn.poll(limits.timeout):
                reply = worker.conn.recv()
            took = time.monotonic() - started
        except (EOFError, OSError):
            self._discard(worker, spill)
            raise RuntimeError("the query process died") from None
        except BaseException:  # interrupted mid-exchange: the process's state is unknown
            self._discard(worker, spill)
            raise
        if reply is None or reply == "slow":
            self._discard(worker, spill)
            if reply == "slow":
                raise PoolBusy(f"a query process did not open the store within {self.wait_for_worker:g} s")
            raise QueryTimeout(f"the query ran longer than the {limits.timeout:g} s time limit "
                               "and was stopped; narrow it or add a LIMIT")
        status, value = reply
        worker.jobs += 1
        self._release(worker, took)
        if status == "error":
            raise _rebuild(value)
        return value

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
        if self._snapshot is not None:
            self._snapshot.close()
            self._snapshot = None
        self._remove_spool()


def _remove_spool_dir(path: str, owner_pid: int) -> None:
    """Delete a pool's spool folder, in the process that made it only (a forked child inherits
    the finalizer, not the folder)."""
    if os.getpid() == owner_pid:
        shutil.rmtree(path, ignore_errors=True)

