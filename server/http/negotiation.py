"""HTTP content negotiation: pick the best offered media type for an ``Accept`` header.

Generic and free of Flask so every route can share it. Follows RFC 9110 §12.5.1: each offered
type gets the quality of the *most specific* media range that matches it (``type/subtype`` beats
``type/*`` beats ``*/*``; media-range parameters other than ``q`` must match too); quality 0 means
"not acceptable". Equal qualities go to the client's order (the type whose deciding range comes
first in the header: ``application/rdf+xml,text/html`` is RDF/XML, a browser's ``text/html,…``
is HTML), and only then to the server's order of preference (the order of ``offered``).

A ``format`` query parameter (for browsers, which cannot set ``Accept``) overrides the header: it
is either a short name from :data:`FORMAT_NAMES` or a media type. :func:`negotiate` is the one
place that says so; every negotiated route calls it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from atlas_graph.formats import short_names

#: Short names accepted by the ``format`` parameter, to the media type they stand for.
FORMAT_NAMES: dict[str, str] = {**short_names(), "html": "text/html"}


class UnknownFormat(ValueError):
    """A ``format`` parameter that is neither a known short name nor a media type."""


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float

    def specificity(self) -> int:
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 2 + len(self.params)

    def matches(self, media_type: str) -> bool:
        offered_type, offered_subtype, offered_params = _split(media_type)
        if self.type != "*" and self.type != offered_type:
            return False
        if self.subtype != "*" and self.subtype != offered_subtype:
            return False
        return all(item in offered_params for item in self.params)


def _split(media_type: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    main, *raw_params = media_type.split(";")
    type_, slash, subtype = main.strip().lower().partition("/")
    params = []
    for raw in raw_params:
        name, _, value = raw.partition("=")
        name = name.strip().lower()
        if name:
            params.append((name, value.strip().strip('"').lower()))
    return type_, (subtype if slash else ""), tuple(params)


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped, not fatal."""
    ranges = []
    for entry in (header or "").split(","):
        if not entry.strip():
            continue
        type_, subtype, params = _split(entry)
        if not type_ or not subtype or (type_ == "*" and subtype != "*"):
            continue
        q = 1.0
        kept = []
        for name, value in params:
            if name == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions, not media-type parameters
            if name != "charset":  # every textual format here is UTF-8: charset never excludes
                kept.append((name, value))
        ranges.append(MediaRange(type_, subtype, tuple(kept), q))
    return ranges


def _preference(ranges: Sequence[MediaRange], media_type: str) -> tuple[float, int]:
    """How much the client wants ``media_type``: the q of the most specific range that matches
    it, and that range's place in the header (1.0 and 0 when there is no ``Accept`` header)."""
    if not ranges:
        return 1.0, 0
    matching = [(r.specificity(), -place, r.q) for place, r in enumerate(ranges) if r.matches(media_type)]
    if not matching:
        return 0.0, len(ranges)
    _, place, q = max(matching)
    return q, -place


def best_match(offered: Sequence[str], header: str | None) -> str | None:
    """The offered type the client likes best, or ``None`` when it accepts none of them."""
    return _best_match(tuple(offered), header)


@lru_cache(maxsize=512)
def _best_match(offered: tuple[str, ...], header: str | None) -> str | None:
    """Remembered: clients send the same few headers again and again, and every request
    negotiates (its format, or the format of an error message)."""
    ranges = parse_accept(header)
    best, best_key = None, (0.0, 0)
    for media_type in offered:  # a later type wins only by more quality, or as much earlier in the header
        q, place = _preference(ranges, media_type)
        if q > 0 and (best is None or (q, -place) > best_key):
            best, best_key = media_type, (q, -place)
    return best


def format_media_type(format_param: str) -> str:
    """The media type a ``format`` parameter names (short name or media type, any case)."""
    value = format_param.strip().lower()
    if value in FORMAT_NAMES:
        return FORMAT_NAMES[value]
    type_, _, subtype = value.partition("/")
    if type_ and subtype and " " not in value:
        return value.split(";")[0].strip()
    raise UnknownFormat(
        f"unknown format {format_param!r}; use one of {', '.join(sorted(FORMAT_NAMES))} "
        "or a media type"
    )


def negotiate(offered: Mapping[str, str] | Sequence[str], accept: str | None,
              format_param: str | None = None) -> str | None:
    """The media type to answer with, or ``None`` when the client accepts none of ``offered``.

    ``offered`` maps each media type a client may ask for to the one it then gets, in the
    server's order of preference (a sequence: each type stands for itself). The ``format``
    parameter, when given, is what the client asks for instead of its ``Accept`` header.
    Raises :class:`UnknownFormat` for a ``format`` value that names nothing.
    """
    served = offered if isinstance(offered, Mapping) else {media_type: media_type for media_type in offered}
    wanted = format_media_type(format_param) if format_param else accept
    chosen = best_match(list(served), wanted)
    return None if chosen is None else served[chosen]
