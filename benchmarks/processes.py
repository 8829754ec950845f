"""Child processes for the benchmarks: peak memory of a process tree, servers started and
stopped by their own process id, waiting for the first 200."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (read from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, pending = [], [pid]
    while pending:
        for child in parents.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes. PSS shares each page among the processes that map
    it, so that PSS sums over a tree of forked processes count a shared page once."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) * 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def tree_pss(pid: int) -> int:
    """The PSS of process ``pid`` and all its descendants, now."""
    return sum(pss for _, pss in (_memory(p) for p in [pid, *_children(pid)]))


class TreeMemory:
    """Samples the memory of a process and all its descendants; keeps the peak sums: ``peak``
    of PSS (the tree's real footprint) and ``peak_rss`` (RSS summed: shared pages counted
    once per process that maps them, an overestimate after fork)."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [_memory(p) for p in [self.pid, *_children(self.pid)]]
            self.peak_rss = max(self.peak_rss, sum(rss for rss, _ in sizes))
            self.peak = max(self.peak, sum(pss for _, pss in sizes))
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run_measured(command: list[str], timeout: float) -> tuple[float, TreeMemory, int]:
    """Run ``command`` to its end: (seconds, peak memory of its process tree, exit code)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeMemory(process.pid) as memory:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise RuntimeError(f"{' '.join(command)}: still running after {timeout:.0f} s; stopped") from None
    seconds = time.perf_counter() - started
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {stderr.decode()[-2000:]}")
    return seconds, memory, process.returncode


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_status(port: int, path: str, accept: str = "*/*", timeout: float = 5.0) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        response.read()
        return response.status
    except OSError:
        return None
    finally:
        connection.close()


def wait_for_200(port: int, path: str, accept: str, deadline: float) -> float:
    """Poll until ``path`` answers 200; the time it did (perf_counter). Bounded by ``deadline``."""
    while time.perf_counter() < deadline:
        if get_status(port, path, accept, timeout=2.0) == 200:
            return time.perf_counter()
        time.sleep(0.01)
    raise RuntimeError(f"http://127.0.0.1:{port}{path}: no 200 before the deadline")


@contextmanager
def server(command: list[str], env: dict | None = None, log: Path | None = None):
    """A server process (its own process group), stopped at the end by its process id; its
    standard error goes to ``log``, if given."""
    errors = open(log, "wb") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors,
                               start_new_session=True, env={**os.environ, **(env or {})})
    try:
        yield process
    finally:
        if log:
            errors.close()
        if process.poll() is None:
            os.killpg(process.pid, 15)  # the group of this one server: gunicorn and its workers
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def wait_for_holders(log: Path, workers: int, deadline: float) -> float:
    """When each of a server's ``workers`` said (in ``log``) that it queries the union graph in
    memory (perf_counter). Bounded by ``deadline``."""
    while time.perf_counter() < deadline:
        if log.read_text(errors="replace").count("queries the union graph in memory") >= workers:
            return time.perf_counter()
        time.sleep(0.2)
    raise RuntimeError(f"the server's workers did not all query the union graph in memory: see {log}")
