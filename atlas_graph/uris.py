"""The URI scheme of CONTRACT §2, and the name key that reconciles spellings.

Every instance URI is built here, from a base that ends with ``/``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

from rdflib import URIRef

DEFAULT_BASE = "http://localhost:8000/"
GRAPH_ENTITIES = "graph/entities"


class BaseURIError(ValueError):
    pass


def base_uri(value: str | None = None) -> str:
    """The configured base: the argument, else ``ATLAS_BASE_URI``, else the default; checked."""
    base = value or os.environ.get("ATLAS_BASE_URI") or DEFAULT_BASE
    if not re.match(r"^https?://[^/\s]+/(\S*/)?$", base):
        raise BaseURIError(
            f"base URI {base!r} must be an absolute http(s) URI ending with '/', "
            "e.g. https://data.example.org/atlas/"
        )
    return base


_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 16)  # names repeat across records: themes, countries, collectivities
def slug(text: str) -> str:
    """Lower case, accents removed, runs of other characters replaced by ``-``.

    This is also the reconciliation key: "Kpalime", "KPALIME" and "Kpalimé" share one slug,
    and so do "Côte d’Ivoire" and "Cote d'Ivoire".
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = ascii_text.replace("ß", "ss").replace("æ", "ae").replace("Æ", "AE")
    return _NON_WORD.sub("-", ascii_text.lower()).strip("-")


class URIs:
    """Builds the instance URIs of one base."""

    def __init__(self, base: str):
        self.base = base

    def _uri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def partnership(self, record_id: str) -> URIRef:
        return self._uri(f"id/partnership/{record_id}")

    def funding(self, record_id: str, n: int) -> URIRef:
        return self._uri(f"id/partnership/{record_id}/funding/{n}")

    def collectivity(self, iso2: str, name: str) -> URIRef:
        return self._uri(f"id/collectivity/{iso2.lower()}/{slug(name)}")

    def country(self, iso2: str) -> URIRef:
        return self._uri(f"id/country/{iso2.lower()}")

    def department(self, code: str) -> URIRef:
        """A département of the Code officiel géographique, by its INSEE code ("79", "2A" → ``2a``)."""
        return self._uri(f"id/department/{code.lower()}")

    def region(self, code: str) -> URIRef:
        """A région of the Code officiel géographique, current or before 2016, by its INSEE code."""
        return self._uri(f"id/region/{code.lower()}")

    @staticmethod
    def geometry(node: URIRef) -> URIRef:
        """The point geometry of a linked place: a sub-resource of its node, described with it."""
        return URIRef(f"{node}/geometry")

    def organization(self, name: str) -> URIRef:
        return self._uri(f"id/organization/{slug(name)}")

    def theme(self, levels: tuple[str, ...]) -> URIRef:
        return self._uri("id/theme/" + "/".join(slug(level) for level in levels))

    def status(self, name: str) -> URIRef:
        return self._uri(f"id/status/{slug(name)}")

    def form(self, name: str) -> URIRef:
        return self._uri(f"id/form/{slug(name)}")

    def scheme(self, kind: str) -> URIRef:
        """The concept scheme of ``theme``, ``status`` or ``form``."""
        return self._uri(f"id/{kind}")

    def contact(self, record_id: str, n: int) -> URIRef:
        return self._uri(f"id/partnership/{record_id}/contact/{n}")

    def volunteer(self, record_id: str, n: int) -> URIRef:
        return self._uri(f"id/partnership/{record_id}/volunteer/{n}")

    def record_graph(self, record_id: str) -> URIRef:
        """The named graph that holds one record's own triples."""
        return self._uri(f"graph/partnership/{record_id}")

    def entities_graph(self) -> URIRef:
        """The named graph of shared entities (collectivities, countries, concepts)."""
        return self._uri(GRAPH_ENTITIES)

    def dataset(self) -> URIRef:
        return self._uri("id/dataset")
