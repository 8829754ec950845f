"""What the hardening tests share: real ``atlas-graph load`` / ``serve`` processes with chosen
options (their requests timed, see :class:`support.live_server.ServeProcess`), and /proc readings.

The servers are the installed command (gunicorn, several workers, killable query processes),
as deployed; nothing is mocked.
"""

from __future__ import annotations

import os
from pathlib import Path

from support.commands import load
from support.live_server import ServeProcess
from support.paths import ALL_RECORDS

TOKEN = "hardening-test-token"


class Server(ServeProcess):
    """``atlas-graph serve`` over ``FOLDER/store`` on a free loopback port, its output in
    ``FOLDER/server.log``."""

    def __init__(self, folder: Path, *options: str, port: int | None = None):
        super().__init__(folder / "store", folder / "server.log", *options, port=port)


def loaded_server(folder: Path, *options: str, load_options: tuple[str, ...] = ()) -> Server:
    """A server (not started) over a store of every test record, with its own address as base."""
    server = Server(folder, *options)
    load(server.store, server.base, ALL_RECORDS, *load_options)
    return server


# /proc ---------------------------------------------------------------------------------------

def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_bytes(pids: list[int]) -> int:
    """The summed resident set size of ``pids`` (those that still exist)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total
