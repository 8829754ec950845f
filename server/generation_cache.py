"""A bounded, per-process cache of rendered responses, for one store generation at a time.

A store generation never changes once current, so a response rendered from it stays right
as long as that generation is current: entries are looked up by generation, and the first
entry put for a newer generation drops every entry of the older one. Generation names sort
in the order they were made (the store numbers them), and ``current`` only moves forward, so
an entry rendered by a request still on an older generation is simply not kept. Least recently used entries go first when the bytes held would
exceed the bound. Thread-safe (gunicorn's gthread workers serve from several threads).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

#: The environment variable setting the bound, in MiB per process; 0 turns the cache off.
SIZE_VARIABLE = "ATLAS_DATA_CACHE_MB"
DEFAULT_MIB = 32


@dataclass(frozen=True)
class Rendered:
    """A rendered body and the headers that depend on the data (not on the request)."""

    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


class ResponseCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._generation: str | None = None
        self._entries: OrderedDict[Hashable, Rendered] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls) -> ResponseCache:
        """Bounded by ``$ATLAS_DATA_CACHE_MB`` MiB (default :data:`DEFAULT_MIB`)."""
        value = os.environ.get(SIZE_VARIABLE, "").strip()
        try:
            mib = float(value) if value else DEFAULT_MIB
        except ValueError:
            raise ValueError(f"{SIZE_VARIABLE}={value!r}: expected a number of MiB (0: no cache)") from None
        return cls(max(0, int(mib * (1 << 20))))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, generation: str, key: Hashable) -> Rendered | None:
        with self._lock:
            if generation != self._generation:
                return None
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, generation: str, key: Hashable, rendered: Rendered) -> None:
        size = len(rendered.body)
        if size > self.max_bytes:
            return
        with self._lock:
            if self._generation is not None and generation < self._generation:
                return  # rendered from a generation that is no longer current
            if generation != self._generation:
                self._entries.clear()
                self._bytes = 0
                self._generation = generation
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous.body)
            self._entries[key] = rendered
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)
