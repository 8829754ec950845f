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

Children start from a forkserver, never from a fork of the (multi-threaded) server process.
Each watches the server process that owns it and ends when it has gone, even mid-query: so a
worker that gunicorn kills after its graceful timeout leaves no query running.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from atlas_graph.server.sparql.execution import SMALL_RESULT, Answer, Dataset, FormatWish, Limits
from atlas_graph.server.sparql.results import QueryTimeout

_PRELOAD = ["atlas_graph.server.sparql.execution", "pyoxigraph"]
OWNER_CHECK = 0.5  # seconds between a query process's checks that its server process still runs


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


def _exit_with_owner(owner: int) -> None:
    """End this process once the server process that owns it (``owner``) has ended, whatever
    this one is doing: a query running in Oxigraph reads no pipe (it releases the GIL, so this
    thread runs meanwhile). Its parent is the forkserver, which outlives the owner as long as
    any of its children does, so the parent's death is no signal."""

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
    """A query process: run jobs until the pipe closes, or its owner ends."""
    _exit_with_owner(owner)
    import pyoxigraph

    from atlas_graph.server.sparql.execution import EmbeddedStore, answer_query

    stores: dict[str, Any] = {}
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        try:
            if job.store_path not in stores:
                stores.clear()  # a new generation: let the old handle go
                stores[job.store_path] = EmbeddedStore(pyoxigraph.Store.read_only(job.store_path))
                conn.send(("opened", None))
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
    def __init__(self, context):
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_child, args=(child_conn, os.getpid()), daemon=True)
        self.process.start()
        child_conn.close()
        self.store_path: str | None = None  # the store its child has open, once it said so

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """At most ``size`` queries at once, each in its own killable process."""

    def __init__(self, size: int, wait_for_worker: float = 30.0, small_result: int = SMALL_RESULT):
        self.size = size
        self.wait_for_worker = wait_for_worker
        self.small_result = small_result
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(_PRELOAD)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._started = 0
        self._lock = threading.Lock()
        self.spool_dir = tempfile.mkdtemp(prefix="atlas-query-")
        # the folder goes with the pool, or at the latest when its process exits normally
        self._remove_spool = weakref.finalize(self, _remove_spool_dir, self.spool_dir, os.getpid())
        self._job_numbers = itertools.count()

    def _acquire(self) -> _Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._started < self.size:
                self._started += 1
                try:
                    return _Worker(self._context)
                except BaseException:
                    self._started -= 1
                    raise
        try:
            return self._idle.get(timeout=self.wait_for_worker)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query processes stayed busy for {self.wait_for_worker:g} s") from None

    def _discard(self, worker: _Worker, spill: str) -> None:
        """Kill a worker whose job did not finish, and delete what it may have spilled."""
        worker.kill()
        with self._lock:
            self._started -= 1
        try:
            os.unlink(spill)
        except FileNotFoundError:
            pass

    def run(self, store_path: str, query: str, dataset: Dataset, wish: FormatWish, limits: Limits,
            base_iri: str | None = None) -> Answer:
        """Run a query; returns its outcome and result (bytes, or a spool file the caller
        deletes). Raises QueryTimeout, PoolBusy, or what answer_query raises."""
        spill = os.path.join(self.spool_dir, f"{next(self._job_numbers)}.result")
        worker = self._acquire()
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
            if reply is None and worker.conn.poll(limits.timeout):
                reply = worker.conn.recv()
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
        self._idle.put(worker)
        if status == "error":
            raise _rebuild(value)
        return value

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                break
        self._remove_spool()


def _remove_spool_dir(path: str, owner_pid: int) -> None:
    """Delete a pool's spool folder, in the process that made it only (a forked child inherits
    the finalizer, not the folder)."""
    if os.getpid() == owner_pid:
        shutil.rmtree(path, ignore_errors=True)

