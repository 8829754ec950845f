"""Requests per second under concurrency: client processes × threads, each thread on its own
keep-alive connection, for a fixed time (and at most a fixed number of requests)."""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ProcessPoolExecutor

MAX_REQUESTS_PER_THREAD = 50_000


def _thread(port: int, paths: list[str], accept: str, stop_at: float, counts: list[int], errors: list[int]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = failed = 0
    i = 0
    while time.perf_counter() < stop_at and done + failed < MAX_REQUESTS_PER_THREAD:
        path = paths[i % len(paths)]
        i += 1
        try:
            connection.request("GET", path, headers={"Accept": accept})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                done += 1
            else:
                failed += 1
        except (OSError, http.client.HTTPException):
            failed += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    counts.append(done)
    errors.append(failed)


def _process(port: int, paths: list[str], accept: str, threads: int, seconds: float) -> tuple[int, int, float]:
    counts: list[int] = []
    errors: list[int] = []
    started = time.perf_counter()
    workers = [threading.Thread(target=_thread, args=(port, paths, accept, started + seconds, counts, errors))
               for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts), sum(errors), time.perf_counter() - started


def requests_per_second(port: int, paths: list[str], accept: str, processes: int = 2,
                        threads: int = 8, seconds: float = 10.0) -> tuple[float, int]:
    """(successful requests per second, failed requests) over ``processes × threads`` clients."""
    with ProcessPoolExecutor(max_workers=processes) as pool:
        results = list(pool.map(_process, *zip(*[(port, paths, accept, threads, seconds)] * processes, strict=True)))
    ok = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    elapsed = max(r[2] for r in results)
    return ok / elapsed, failed


def alternating_rates(ports: dict[str, int], paths: list[str], accept: str, seconds: float = 10.0,
                      windows: int = 5) -> dict[str, float]:
    """Requests/s of each server, measured in ``windows`` turns of ``seconds / windows`` each,
    taking turns: on a shared machine the load drifts within seconds, and taking turns
    exposes every server to the same drift. Raises if any request fails."""
    rates: dict[str, list[float]] = {label: [] for label in ports}
    for _ in range(windows):
        for label, port in ports.items():
            rate, failed = requests_per_second(port, paths, accept, seconds=seconds / windows)
            if failed:
                raise RuntimeError(f"{failed} requests failed on {label} (port {port})")
            rates[label].append(rate)
    return {label: sum(found) / len(found) for label, found in rates.items()}
