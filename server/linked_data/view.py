"""What an entity's HTML page shows, computed from its :class:`~.describe.Description`.

Pure: no Flask, no HTML. Links to our own entities go through the ``page_href`` callable the
route passes in, so the templates never build URLs. Everything a template prints is plain
text (Jinja2 escapes it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox

from atlas_graph.server.linked_data.describe import ATLAS, DCT, LABEL_PREDICATES, PREFIXES, RDF, SKOS, Description

#: Properties shown first, in this order; the others follow by CURIE.
PROPERTY_ORDER = [
    SKOS + "prefLabel", DCT + "title", SKOS + "altLabel", DCT + "identifier",
    ATLAS + "status", ATLAS + "form", ATLAS + "theme", ATLAS + "otherTheme",
    ATLAS + "signatureYear", ATLAS + "startYear", ATLAS + "endDate", ATLAS + "triennial",
    ATLAS + "foreignPartner", ATLAS + "frenchPartner", ATLAS + "otherFrenchPartner",
    ATLAS + "country", ATLAS + "isoCode",
    ATLAS + "context", ATLAS + "history", ATLAS + "objective", DCT + "description",
]
#: Where a code of the Code officiel géographique is looked up (Etalab's API over the same COG
#: data as the package the links come from, addressed by the code alone), by kind of entity.
GEO_API = {"commune": "https://geo.api.gouv.fr/communes/{}", "department": "https://geo.api.gouv.fr/departements/{}",
           "region": "https://geo.api.gouv.fr/regions/{}"}
#: What a code must look like to be put in a URL (the shapes say the same of stored data; a
#: SPARQL Update may write anything, which is then shown as text, not linked).
INSEE_CODE = re.compile(r"[0-9][0-9AB][0-9]{0,3}")
SIREN = re.compile(r"[0-9]{9}")
#: The public page of a SIREN in the French business directory (data.gouv.fr).
SIREN_PAGE = "https://annuaire-entreprises.data.gouv.fr/entreprise/{}"
#: A GeoNames feature's IRI (how the graph links it) and its page for people.
GEONAMES_FEATURE = "https://sws.geonames.org/"
GEONAMES_PAGE = "https://www.geonames.org/{}/"
#: Shown elsewhere on the page (the heading, the funding table).
NOT_IN_PROPERTY_TABLE = {RDF + "type", ATLAS + "funding"}
UI_LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class Text:
    """A piece of text, with its language when known (for ``lang`` attributes)."""

    text: str
    lang: str | None = None


@dataclass(frozen=True)
class Value:
    """One value of a property: a link to a resource or a literal (split into paragraphs)."""

    text: Text
    href: str | None = None
    iri: str | None = None
    datatype: str | None = None  # CURIE of a literal's datatype, when not a plain string

    @property
    def paragraphs(self) -> list[str]:
        return self.text.text.split("\n")


@dataclass(frozen=True)
class Property:
    iri: str
    curie: str
    label: str | None  # from the ontology, for our own terms
    values: list[Value]


@dataclass(frozen=True)
class FundingRow:
    row: Value
    funder: Value | None
    year: str | None
    amount: Decimal | None
    water_amounts: list[Decimal]


@dataclass(frozen=True)
class AuthorityLink:
    """One code or authority link of an entity, as its page shows it: ``key`` names the row (an
    i18n key, ``link.insee`` …), ``source`` the authority it comes from (``insee``, ``geonames``)."""

    key: str
    text: Text
    href: str | None
    source: str
    external: bool = True


@dataclass
class EntityView:
    iri: str
    title: Text
    types: list[Value]
    properties: list[Property]
    incoming: list[Property]
    incoming_total: int
    funding: list[FundingRow] = field(default_factory=list)
    links: list[AuthorityLink] = field(default_factory=list)

    @property
    def link_sources(self) -> list[str]:
        """The authorities the links shown come from, each once (for their attribution)."""
        return list(dict.fromkeys(link.source for link in self.links))

    @property
    def incoming_shown(self) -> int:
        return sum(len(p.values) for p in self.incoming)

    @property
    def funding_total(self) -> Decimal:
        return sum((row.amount for row in self.funding if row.amount is not None), Decimal(0))

    @property
    def water_total(self) -> Decimal:
        return sum((sum(row.water_amounts, Decimal(0)) for row in self.funding), Decimal(0))


# Vocabulary -------------------------------------------------------------------------------


def curie(iri: str) -> str | None:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return None


@lru_cache(maxsize=1)
def ontology_labels() -> dict[str, dict[str, str]]:
    """``{term IRI: {language: rdfs:label}}`` from the packaged ontology, read once."""
    from rdflib.namespace import RDFS

    from atlas_graph.resources import ontology_graph

    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for term, _, label in ontology_graph().triples((None, RDFS.label, None)):
        labels[str(term)][getattr(label, "language", None) or ""] = str(label)
    return dict(labels)


def term_label(iri: str) -> str | None:
    by_language = ontology_labels().get(iri, {})
    for language in (*UI_LANGUAGES, ""):
        if language in by_language:
            return by_language[language]
    return None


# Building the view ------------------------------------------------------------------------


class Labels:
    """The best human label of each resource a description mentions."""

    def __init__(self, triples: Iterable[ox.Triple], base_uri: str):
        self.base_uri = base_uri
        candidates: dict[str, list[tuple[int, int, ox.Literal]]] = defaultdict(list)
        for t in triples:
            if t.predicate.value in LABEL_PREDICATES and isinstance(t.object, ox.Literal):
                rank = LABEL_PREDICATES.index(t.predicate.value)
                language_rank = 0 if t.object.language == "fr" else 1
                candidates[str(t.subject)].append((rank, language_rank, t.object))
        self._best = {key: min(found, key=lambda c: (c[0], c[1], c[2].value))[2]
                      for key, found in candidates.items()}

    def of(self, node: ox.NamedNode | ox.BlankNode) -> Text:
        label = self._best.get(str(node))
        if label is not None:
            return Text(label.value, label.language)
        return Text(self.short(node))

    def short(self, node: ox.NamedNode | ox.BlankNode) -> str:
        """A shortened URI: the path under ``B id/`` for ours, a CURIE when one fits."""
        if isinstance(node, ox.BlankNode):
            return f"_:{node.value}"
        ours = f"{self.base_uri}id/"
        if node.value.startswith(ours):
            return node.value[len(ours):]
        return curie(node.value) or node.value


def build_view(description: Description, base_uri: str, page_href: Callable[[str], str]) -> EntityView:
    """The page about ``description.entity``; ``page_href(path)`` is the URL of ``B id/{path}``'s page."""
    labels = Labels(description.triples(), base_uri)
    ours = f"{base_uri}id/"

    def value(term) -> Value:
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if term.language or datatype == "http://www.w3.org/2001/XMLSchema#string" else curie(datatype)
            return Value(Text(term.value, term.language), datatype=shown)
        if isinstance(term, ox.NamedNode):
            href = page_href(term.value[len(ours):]) if term.value.startswith(ours) else term.value
            return Value(labels.of(term), href=href, iri=term.value)
        return Value(labels.of(term))

    def properties(pairs: Iterable[tuple[ox.NamedNode, object]]) -> list[Property]:
        grouped: dict[str, list[Value]] = defaultdict(list)
        for predicate, term in pairs:
            grouped[predicate.value].append(value(term))
        order = {iri: i for i, iri in enumerate(PROPERTY_ORDER)}
        ordered = sorted(grouped, key=lambda iri: (order.get(iri, len(order)), curie(iri) or iri))
        return [Property(iri, curie(iri) or iri, term_label(iri), grouped[iri]) for iri in ordered]

    entity = description.entity
    outgoing = [(t.predicate, t.object) for t in description.outgoing]
    # class names from the ontology rather than CURIEs
    types = [Value(Text(term_label(o.value) or labels.short(o)), href=o.value, iri=o.value)
             for p, o in outgoing if p.value == RDF + "type" and isinstance(o, ox.NamedNode)]
    return EntityView(
        iri=entity.value,
        title=labels.of(entity),
        types=types,
        properties=properties((p, o) for p, o in outgoing if p.value not in NOT_IN_PROPERTY_TABLE),
        incoming=properties((t.predicate, t.subject) for t in description.incoming),
        incoming_total=description.incoming_total,
        funding=_funding_rows(description, value),
        links=_authority_links(outgoing, entity.value[len(ours):] if entity.value.startswith(ours) else "",
                               labels, ours, page_href),
    )


def _authority_links(outgoing: list[tuple[ox.NamedNode, object]], path: str, labels: Labels, ours: str,
                     page_href: Callable[[str], str]) -> list[AuthorityLink]:
    """The entity's INSEE code, SIREN, département, région (or successor) and GeoNames match."""
    values: dict[str, list] = defaultdict(list)
    for predicate, term in outgoing:
        values[predicate.value].append(term)

    def node(key: str, term) -> AuthorityLink | None:
        """A département or région node of ours: its name and code, linked to its page."""
        if not (isinstance(term, ox.NamedNode) and term.value.startswith(ours)):
            return None
        node_path = term.value[len(ours):]
        code = node_path.rsplit("/", 1)[-1].upper()  # B id/department/2a is INSEE's "2A"
        return AuthorityLink(key, Text(f"{labels.of(term).text} ({code})"), page_href(node_path), "insee", False)

    def own_node(predicate: str) -> str | None:
        """The code of the département or région node the entity names as its own, if it is one."""
        return next((t.value.rsplit("/", 1)[-1].upper() for t in values.get(ATLAS + predicate, [])
                     if isinstance(t, ox.NamedNode)), None)

    links: list[AuthorityLink] = []
    former = bool(values.get(DCT + "isReplacedBy"))
    for code in (t.value for t in values.get(ATLAS + "inseeCode", []) if isinstance(t, ox.Literal)):
        if path.startswith("department/") or (len(code) < 5 and own_node("department") == code):
            kind = "department"
        elif path.startswith("region/") or (len(code) < 5 and own_node("region") == code):
            kind = "region"
        else:
            kind = "commune" if len(code) == 5 else None
        # a région before 2016 has no page of its own at the API: its code is shown, not linked
        href = GEO_API[kind].format(code) if kind and not former and INSEE_CODE.fullmatch(code) else None
        links.append(AuthorityLink("link.insee", Text(code), href, "insee"))
    for siren in (t.value for t in values.get(ATLAS + "siren", []) if isinstance(t, ox.Literal)):
        href = SIREN_PAGE.format(siren) if SIREN.fullmatch(siren) else None
        links.append(AuthorityLink("link.siren", Text(siren), href, "insee"))
    for key, predicate in (("link.department", ATLAS + "department"), ("link.region", ATLAS + "region"),
                           ("link.replaced_by", DCT + "isReplacedBy")):
        for term in values.get(predicate, []):
            if (found := node(key, term)) is not None and not term.value.endswith("/" + path):
                links.append(found)
    for term in values.get(SKOS + "exactMatch", []):
        if isinstance(term, ox.NamedNode) and term.value.startswith(GEONAMES_FEATURE):
            geonameid = term.value[len(GEONAMES_FEATURE):].strip("/")
            if geonameid.isdigit():
                links.append(AuthorityLink("link.geonames", Text(geonameid), GEONAMES_PAGE.format(geonameid),
                                           "geonames"))
    return links


def _funding_rows(description: Description, value: Callable[[object], Value]) -> list[FundingRow]:
    rows = [t.object for t in description.outgoing
            if t.predicate.value == ATLAS + "funding" and isinstance(t.object, ox.NamedNode)]
    by_row: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in description.owned:
        by_row[t.subject.value][t.predicate.value].append(t.object)
    result = []
    for row in sorted(rows, key=_row_number):
        facts = by_row[row.value]
        funder = facts.get(ATLAS + "funder", [])
        year = facts.get(ATLAS + "year", [])
        amounts = [a for a in map(_decimal, facts.get(ATLAS + "amount", [])) if a is not None]
        result.append(FundingRow(
            row=value(row),
            funder=value(funder[0]) if funder else None,
            year=year[0].value if year else None,
            amount=sum(amounts, Decimal(0)) if amounts else None,
            water_amounts=[a for a in map(_decimal, facts.get(ATLAS + "waterAmount", [])) if a is not None],
        ))
    return result


def _row_number(row: ox.NamedNode) -> tuple[int, str]:
    """Funding rows ``…/funding/{n}`` in table order (n numerically), others after."""
    last = row.value.rsplit("/", 1)[-1]
    return (int(last), row.value) if last.isdigit() else (1 << 30, row.value)


def _decimal(term) -> Decimal | None:
    try:
        return Decimal(term.value)
    except (InvalidOperation, AttributeError):
        return None
