"""The holder of one generation's union graph, shared by every server process on this machine
that queries that generation: ``python -m atlas_graph.server.sparql.holder ADDRESS DUMP STORE STARTER``.

It listens on the Unix socket ``ADDRESS`` before it loads the union default graph from the
N-Triples dump ``DUMP`` into an in-memory store, so that the processes that come meanwhile wait
in its backlog. Each process that connects is told ``("ready", triples)`` (or ``("failed",
why)``), then asks for query processes: it sends its pid and a pipe's handle, and the holder
forks a query process on that pipe, with the holder's memory page for page, and answers with
its pid. A query process watches the server process that asked for it, never the holder, so
the holder may end before its forks do.

It ends once every process that connected has gone, and while loading, when ``STARTER`` (the
server process that started it) has gone. Before it ends it removes its socket, then serves the
connections that came in the meantime, so that a process that connected is never left without
an answer. One thread runs it all: a fork copies only the thread that forks.
"""

from __future__ import annotations

import gzip
import os
import select
import signal
import socket
import sys
import threading
from multiprocessing import reduction
from multiprocessing.connection import Connection, wait

from atlas_graph.server.sparql.pool import OWNER_CHECK, _exit_with_owner, _open_on_disk, _running, _serve

LISTEN_BACKLOG = 64
FIRST_CLIENT_WAIT = 60.0  # seconds to wait for a first process to connect, once loaded


def main(address: str, dump_path: str, store_path: str, starter: int) -> int:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # its query processes are reaped as they end
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(LISTEN_BACKLOG)
    mine = os.stat(address).st_ino
    try:
        status = _load(dump_path, store_path, starter)
        _serve_clients(listener, lambda: _unlink(address, mine), status)
    finally:
        _unlink(address, mine)  # while the socket is open, its inode cannot be another's
        listener.close()
    return 0


def _load(dump_path: str, store_path: str, starter: int) -> tuple:
    """The union graph in memory: ``("ready", triples, snapshot)``, or ``("failed", why, None)``."""
    import pyoxigraph

    from atlas_graph.server.sparql.execution import UnionSnapshot

    loaded = threading.Event()

    def watch() -> None:  # the only other thread, and only while loading: it is gone before any fork
        while not loaded.wait(OWNER_CHECK):
            if not _running(starter):
                os._exit(1)

    watcher = threading.Thread(target=watch, name="starter-watch", daemon=True)
    watcher.start()
    try:
        memory = pyoxigraph.Store()
        with gzip.open(dump_path) as dump:
            memory.bulk_load(dump, pyoxigraph.RdfFormat.N_TRIPLES)
        return "ready", len(memory), UnionSnapshot(memory, store_path)
    except (OSError, ValueError, SyntaxError) as error:
        return "failed", f"{dump_path}: {error}", None
    finally:
        loaded.set()
        watcher.join()


def _serve_clients(listener: socket.socket, unlink, status: tuple) -> None:
    state, detail, snapshot = status
    clients: list[Connection] = []
    served = False

    def accept() -> None:
        sock, _ = listener.accept()
        client = Connection(sock.detach())
        try:
            client.send((state, detail))
        except OSError:
            client.close()
            return
        clients.append(client)

    while True:
        ready = wait([listener, *clients], timeout=None if served else FIRST_CLIENT_WAIT)
        if not ready and not clients:
            return  # no process came
        for source in ready:
            if source is listener:
                accept()
                served = True
            elif not _fork_for(source, clients, listener, snapshot):
                clients.remove(source)
                source.close()
        if served and not clients:
            unlink()  # no new process can come now; the ones that came first are served
            if not select.select([listener], [], [], 0)[0]:
                return


def _fork_for(client: Connection, clients: list[Connection], listener: socket.socket, snapshot) -> bool:
    """Fork a query process for the request ``client`` sent; False when ``client`` has gone."""
    try:
        owner = client.recv()
        handle = reduction.recv_handle(client)
    except (EOFError, OSError):
        return False
    if snapshot is None:  # the load failed: nothing to fork (the client was told)
        os.close(handle)
        return False
    pid = os.fork()
    if pid == 0:  # the query process: the holder's memory, its own pipe, watching its server process
        try:
            listener.close()
            for other in clients:
                other.close()
            _exit_with_owner(owner)
            _serve(Connection(handle), lambda path: snapshot if path == snapshot.store_path else _open_on_disk(path))
        finally:
            os._exit(0)
    os.close(handle)
    try:
        client.send(pid)
    except OSError:
        return False
    return True


def _unlink(address: str, inode: int) -> None:
    """Remove the socket at ``address`` if it is still this holder's: once this one has removed
    it, a holder started after it may have put its own there."""
    try:
        if os.stat(address).st_ino == inode:
            os.unlink(address)
    except FileNotFoundError:
        pass


if __name__ == "__main__":
    address, dump_path, store_path, starter = sys.argv[1:]
    sys.exit(main(address, dump_path, store_path, int(starter)))
