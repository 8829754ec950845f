"""A bounded, per-process cache of values computed from one store generation at a time.

A store generation never changes once current, so a value computed from it (a rendered
response, a resource's labels) stays right as long as that generation is current: entries
are looked up by generation, and the first entry put for a newer generation drops every entry
of the older one. Generation names sort in the order they were made (the store numbers them),
and ``current`` only moves forward, so an entry computed by a request still on an older
generation is simply not kept. Least recently used entries go first when the entries' total
size (``size_of`` each; 1 by default: a count) would exceed the bound. Thread-safe (gunicorn's
gthread workers serve from several threads).

Every value the server keeps per generation is in one of these, one per application in
``app.extensions``, made by the blueprint that uses it: rendered ``/data`` bodies and labels
(:mod:`.linked_data.routes`), the site's lists and counts (:mod:`.site.data`) and its search
index (:mod:`.site.search`). What a worker should compute before its first request asks for it
(the site's aggregates, search index and selection table, the union graph in memory) is listed
under ``app.extensions[WARM_UP]``, what it must have started before it takes a request at all
(its query processes) under ``app.extensions[START]``; :func:`warm_up` runs both.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")
#: Where an app lists the functions (no arguments, run in its app context) that fill its caches.
WARM_UP = "atlas.warm_up"
#: Where an app lists the functions (the same kind) that start what its first request needs
#: started; each bounds its own wait.
START = "atlas.start"


def warm_up(app) -> None:
    """Run ``app``'s start functions, then each of its warm-up functions in a background thread
    of its own, in this process (a freshly forked worker): requests are served meanwhile, one
    that needs a value being computed waits for it, and a warm-up that waits (for the union graph
    in memory) delays none of the others. The start functions come first: warm-ups beside them
    would delay the worker's first request (measured in docs/benchmarks.md). A failure is
    reported and left to the first request to meet again."""
    def run(function) -> None:
        with app.app_context():
            try:
                function()
            except Exception as error:  # reported; the first request that needs it meets it again
                print(f"atlas-graph: warm-up {function.__qualname__} failed: {error}", file=sys.stderr)
                app.extensions["atlas"].note_storage_error(error)
    for function in app.extensions.get(START, []):
        run(function)
    for function in app.extensions.get(WARM_UP, []):
        threading.Thread(target=run, args=(function,), name=f"atlas-warm-up-{function.__name__}", daemon=True).start()


class GenerationCache(Generic[Value]):
    def __init__(self, max_size: int, size_of: Callable[[Value], int] = lambda value: 1):
        self.max_size = max_size
        self.size_of = size_of
        self._generation: str | None = None
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, generation: str, key: Hashable) -> Value | None:
        with self._lock:
            if generation != self._generation:
                return None
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def get_or_compute(self, generation: str, key: Hashable, compute: Callable[[], Value]) -> Value:
        """The value kept for ``key``, else ``compute()`` (outside the lock), kept and returned."""
        found = self.get(generation, key)
        if found is None:
            found = compute()
            self.put(generation, key, found)
        return found

    def put(self, generation: str, key: Hashable, value: Value) -> None:
        size = self.size_of(value)
        if size > self.max_size:
            return
        with self._lock:
            if self._generation is not None and generation < self._generation:
                return  # computed from a generation that is no longer current
            if generation != self._generation:
                self._entries.clear()
                self._size = 0
                self._generation = generation
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= self.size_of(previous)
            self._entries[key] = value
            self._size += size
            while self._size > self.max_size:
                _, evicted = self._entries.popitem(last=False)
                self._size -= self.size_of(evicted)
