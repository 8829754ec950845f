"""Record → RDF, with exactly the terms and URIs of CONTRACT §1–2 (see docs/data-model.md).

Two pure steps:

- :func:`map_record` turns one record into its own triples (the partnership, its funding rows,
  its links) and the *mentions* of the shared entities it names (a collectivity as spelled
  here, a country, a theme …);
- :func:`entity_triples` turns every mention of every record into the shared entities graph:
  one node per URI, its canonical ``skos:prefLabel`` and every other spelling as
  ``skos:altLabel``, chosen the same way whatever the order of the input; and, given a
  :class:`~atlas_graph.link.reconcile.Linker`, each collectivity's and country's links to the
  authorities (INSEE codes, SIREN, département and région, GeoNames, coordinates), with the
  département and région nodes they point to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache, lru_cache
from typing import Protocol

from rdflib import Literal, URIRef
from rdflib import namespace as rdflib_namespaces

from atlas_graph import countries, vocabulary
from atlas_graph.link.authorities import Commune, Department, Epci, GeoCountry, Place, Region
from atlas_graph.link.reconcile import Link, Linker, entity_of, preferred_spelling
from atlas_graph.model import MappedRecord, Mention, Problem, Record, Triple
from atlas_graph.uris import URIs, slug


class _Kept:
    """A namespace whose terms are built once: rdflib's namespaces build a new URIRef on
    every attribute access, a fifth of the mapping's time."""

    def __init__(self, namespace) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):
            raise AttributeError(name)
        value = self[name]
        setattr(self, name, value)
        return value

    def __getitem__(self, name: str) -> URIRef:
        return URIRef(str(self._namespace) + name)


ATLAS, DCTERMS = _Kept(vocabulary.ATLAS), _Kept(vocabulary.DCT)
ORG, PROV = _Kept(vocabulary.ORG), _Kept(vocabulary.PROV)
SKOS, VCARD, XSD = _Kept(vocabulary.SKOS), _Kept(vocabulary.VCARD), _Kept(vocabulary.XSD)
WGS84, GEO = _Kept(vocabulary.WGS84), _Kept(vocabulary.GEO)
RDF = _Kept(rdflib_namespaces.RDF)

COLLECTIVITY_TYPES = {
    "foreign": (ATLAS.ForeignCollectivity, ATLAS.Collectivity, ORG.Organization),
    "french": (ATLAS.FrenchCollectivity, ATLAS.Collectivity, ORG.Organization),
}
SCHEME_LABELS = {
    "theme": ("Thématiques d'intervention", "Intervention themes"),
    "status": ("Statuts des partenariats", "Partnership statuses"),
    "form": ("Formes de partenariat", "Partnership forms"),
}


def _fr(text: str) -> Literal:
    return Literal(text, lang="fr")


@lru_cache(maxsize=1024)  # a few dozen years recur; rdflib parses each literal it builds
def _year(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def _decimal(value: Decimal) -> Literal:
    """An xsd:decimal in its canonical XSD 1.0 form ("19300.0", "1500.5"): rdflib writes Turtle
    decimals with a point, so any other form would make the .ttl and .nt outputs differ."""
    return Literal(_decimal_text(value), datatype=XSD.decimal)


def _decimal_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." in text else text + ".0"


def map_record(record: Record, uris: URIs, include_contacts: bool = False) -> MappedRecord:
    """One record's own triples and the shared entities it mentions."""
    triples: list[Triple] = []
    mentions: list[Mention] = []
    problems: list[Problem] = []
    add = triples.append
    me = uris.partnership(record.record_id)

    add((me, RDF.type, ATLAS.Partnership))
    add((me, DCTERMS.identifier, Literal(record.record_id)))
    if record.title:
        add((me, DCTERMS.title, _fr(record.title)))
    if record.signature_year:
        add((me, ATLAS.signatureYear, _year(record.signature_year)))
    if record.start_year:
        add((me, ATLAS.startYear, _year(record.start_year)))
    if record.end_date:
        add((me, ATLAS.endDate, Literal(record.end_date.isoformat(), datatype=XSD.date)))
    def nameless(name: str, field: str, line: int | None = None) -> bool:
        """A name with no letter or digit has no URI: reported and left out."""
        if slug(name):
            return False
        problems.append(Problem(record.source, line, field, name, "no letter or digit to name it by; left out"))
        return True

    for prop, kind, value in ((ATLAS.status, "status", record.status), (ATLAS.form, "form", record.form)):
        if value and not nameless(value, kind):
            concept = uris.status(value) if kind == "status" else uris.form(value)
            add((me, prop, concept))
            mentions.append(Mention(str(concept), kind, value))
    if record.theme and not any(nameless(level, "theme") for level in record.theme.levels):
        add((me, ATLAS.theme, _theme(record.theme.levels, uris, mentions)))
    for path in record.other_themes:
        if not any(nameless(level, "otherTheme") for level in path.levels):
            add((me, ATLAS.otherTheme, _theme(path.levels, uris, mentions)))
    for prop, paragraphs in (
        (ATLAS.context, record.context),
        (ATLAS.history, record.history),
        (ATLAS.objective, record.objective),
        (DCTERMS.description, record.description),
    ):
        if paragraphs:
            add((me, prop, _fr("\n".join(paragraphs))))

    partners: dict[str, Mention] = {}  # slug of a name → the partner it designates in this record
    for partner in record.foreign_partners:
        if nameless(partner.name, "foreignPartner", partner.line):
            continue
        country = countries.resolve(partner.country)
        if country is None:
            problems.append(Problem(record.source, partner.line, "Pays", partner.country,
                                    f"unknown country; the foreign partner {partner.name!r} is left out"))
            continue
        node = uris.collectivity(country.alpha2, partner.name)
        add((me, ATLAS.foreignPartner, node))
        mention = Mention(str(node), "foreign", partner.name, country.alpha2)
        mentions.append(mention)
        mentions.append(Mention(str(uris.country(country.alpha2)), "country", partner.country, country.alpha2))
        partners.setdefault(slug(partner.name), mention)
    for name in record.french_partners:
        if nameless(name, "frenchPartner"):
            continue
        node = uris.collectivity(countries.FRANCE, name)
        add((me, ATLAS.frenchPartner, node))
        mention = Mention(str(node), "french", name, countries.FRANCE)
        mentions.append(mention)
        mentions.append(Mention(str(uris.country(countries.FRANCE)), "country", "France", countries.FRANCE))
        partners.setdefault(slug(name), mention)
    for name in record.other_french_partners:
        if not nameless(name, "otherFrenchPartner"):
            add((me, ATLAS.otherFrenchPartner, _organization(name, partners, uris, mentions)))

    add((me, ATLAS.triennial, Literal(record.triennial)))
    for n, row in enumerate(record.funding, start=1):
        funding = uris.funding(record.record_id, n)
        add((me, ATLAS.funding, funding))
        add((funding, RDF.type, ATLAS.Funding))
        if not nameless(row.funder, "funder", row.line):
            add((funding, ATLAS.funder, _organization(row.funder, partners, uris, mentions)))
        if row.amount is not None:
            add((funding, ATLAS.amount, _decimal(row.amount)))
        for water in row.water_amounts:
            add((funding, ATLAS.waterAmount, _decimal(water)))
        if row.year:
            add((funding, ATLAS.year, _year(row.year)))

    source = URIRef(record.source_url or f"urn:sha256:{record.content_hash}")
    add((me, PROV.wasDerivedFrom, source))
    add((source, RDF.type, PROV.Entity))
    add((source, DCTERMS.identifier, Literal(record.source.replace("\\", "/").rsplit("/", 1)[-1])))
    if record.synthetic:
        add((me, ATLAS.synthetic, Literal(True)))
    if include_contacts:
        _personal_data(record, me, uris, add)
    return MappedRecord(record.record_id, uris.record_graph(record.record_id), tuple(triples),
                        tuple(dict.fromkeys(mentions)), tuple(problems))


def _theme(levels: tuple[str, ...], uris: URIs, mentions: list[Mention]) -> URIRef:
    """The concept of the most specific level; every level is mentioned with its parent."""
    parent = None
    for depth in range(1, len(levels) + 1):
        concept = uris.theme(levels[:depth])
        mentions.append(Mention(str(concept), "theme", levels[depth - 1], parent=parent))
        parent = str(concept)
    return concept


def _organization(name: str, partners: dict[str, Mention], uris: URIs, mentions: list[Mention]) -> URIRef:
    """A funder or other partner: the record's partner of that name, else an organisation.
    Either way this spelling is mentioned, so that it becomes a label of the node."""
    known = partners.get(slug(name))
    if known is None:
        known = partners[slug(name)] = Mention(str(uris.organization(name)), "organization", name)
    mentions.append(Mention(known.uri, known.kind, name, known.country))
    return URIRef(known.uri)


def _personal_data(record: Record, me: URIRef, uris: URIs, add) -> None:
    """Contacts at ``…/contact/{n}``, volunteers at ``…/volunteer/{n}``, n from 1 in page order."""
    people = [(ATLAS.contact, uris.contact(record.record_id, n), c.family_name, c.given_name,
               c.role, c.email, c.organisation) for n, c in enumerate(record.contacts, start=1)]
    people += [(ATLAS.volunteer, uris.volunteer(record.record_id, n), v.family_name, v.given_name,
                v.mission, "", v.assignment) for n, v in enumerate(record.volunteers, start=1)]
    for prop, person, family, given, role, email, organisation in people:
        add((me, prop, person))
        add((person, RDF.type, VCARD.Individual))
        for vprop, value in ((VCARD["family-name"], family), (VCARD["given-name"], given),
                             (VCARD.role, role), (VCARD["organization-name"], organisation)):
            if value:
                add((person, vprop, Literal(value)))
        if email:
            add((person, VCARD.hasEmail, URIRef(f"mailto:{email}")))


# shared entities -------------------------------------------------------------------------------


#: The spelling to show (docs/data-model.md): one that is not all capitals, then the one with
#: the most accented letters, then the most frequent, then the first in code-point order — so
#: the choice never depends on the input order. Linking names an entity by the same spelling.
canonical_label = preferred_spelling


def entity_triples(mentions: Iterable[Mention], uris: URIs, linker: Linker | None = None,
                   terms: Terms | None = None, links: list[Link] | None = None) -> list[Triple]:
    """The shared entities graph, from the mentions of all records; with ``linker``, the
    links of its collectivities and countries too (see :func:`link_triples`): their terms
    built by ``terms`` (rdflib's by default; :class:`atlas_graph.oxi.OxTerms` for a graph only
    Oxigraph reads), and every entity's links appended to ``links`` when it is given."""
    spellings: dict[str, Counter] = defaultdict(Counter)
    first: dict[str, Mention] = {}
    for mention in mentions:
        spellings[mention.uri][mention.label] += 1
        first.setdefault(mention.uri, mention)
    triples: list[Triple] = []
    add = triples.append
    schemes = set()
    areas = _Areas()
    for uri in sorted(first):
        mention, node = first[uri], URIRef(uri)
        labels = spellings[uri]
        entity = entity_of(uri, mention.kind, mention.country, labels) if linker else None
        if entity is not None:
            found = linker.links(entity)
            triples.extend(link_triples(node, found, uris, areas, terms))
            if links is not None:
                links.extend(found)
        if mention.kind == "country":
            triples.extend(_country(node, mention.country, labels))
            continue
        preferred = canonical_label(labels)
        add((node, SKOS.prefLabel, _fr(preferred)))
        for label in sorted(set(labels) - {preferred}):
            add((node, SKOS.altLabel, _fr(label)))
        if mention.kind in COLLECTIVITY_TYPES:
            for cls in COLLECTIVITY_TYPES[mention.kind]:
                add((node, RDF.type, cls))
            add((node, ATLAS.country, uris.country(mention.country)))
        elif mention.kind == "organization":
            add((node, RDF.type, ORG.Organization))
        else:  # a concept: theme, status or form
            scheme = uris.scheme(mention.kind)
            schemes.add(mention.kind)
            add((node, RDF.type, SKOS.Concept))
            add((node, SKOS.inScheme, scheme))
            if mention.parent:
                add((node, SKOS.broader, URIRef(mention.parent)))
                add((URIRef(mention.parent), SKOS.narrower, node))
            else:
                add((node, SKOS.topConceptOf, scheme))
                add((scheme, SKOS.hasTopConcept, node))
    for kind in sorted(schemes):
        scheme = uris.scheme(kind)
        label_fr, label_en = SCHEME_LABELS[kind]
        add((scheme, RDF.type, SKOS.ConceptScheme))
        add((scheme, SKOS.prefLabel, _fr(label_fr)))
        add((scheme, SKOS.prefLabel, Literal(label_en, lang="en")))
    if linker is not None and (areas.departments or areas.regions):
        triples.extend(_area_nodes(areas, linker, uris))
        france = uris.country(countries.FRANCE)
        if str(france) not in first:  # the départements' and régions' country, named by no record
            triples.extend(_country(france, countries.FRANCE, Counter()))
    return triples


def _country(node: URIRef, alpha2: str, labels: Counter) -> list[Triple]:
    country = countries.by_alpha2(alpha2)
    triples = [(node, RDF.type, ATLAS.Country), (node, ATLAS.isoCode, Literal(country.alpha2)),
               (node, SKOS.exactMatch, URIRef(country.eu_authority)), (node, SKOS.prefLabel, _fr(country.name_fr)),
               (node, SKOS.prefLabel, Literal(country.name_en, lang="en"))]
    triples += [(node, SKOS.altLabel, _fr(label)) for label in sorted(set(labels) - {country.name_fr})]
    return triples


# links -------------------------------------------------------------------------------------------


class _Areas:
    """The codes of the départements and régions the links point to: only their nodes are written."""

    def __init__(self) -> None:
        self.departments: dict[str, URIRef] = {}  # code → node: each built once
        self.regions: dict[str, URIRef] = {}

    def department(self, code: str, uris: URIs) -> URIRef:
        node = self.departments.get(code)
        if node is None:
            node = self.departments[code] = uris.department(code)
        return node

    def region(self, code: str, uris: URIs) -> URIRef:
        node = self.regions.get(code)
        if node is None:
            node = self.regions[code] = uris.region(code)
        return node


class Terms(Protocol):
    """How link triples' terms are built: rdflib's (:class:`RdflibTerms`) or pyoxigraph's
    (:class:`atlas_graph.oxi.OxTerms`)."""

    def iri(self, value: str): ...

    def literal(self, text: str, datatype: str | None = None, language: str | None = None): ...


class RdflibTerms:
    @staticmethod
    def iri(value: str) -> URIRef:
        return value if type(value) is URIRef else URIRef(value)

    @staticmethod
    def literal(text: str, datatype: str | None = None, language: str | None = None) -> Literal:
        return Literal(text, datatype=datatype, lang=language)


class _LinkTerms:
    """The predicates and classes of the link triples, as one kind of terms, built once."""

    def __init__(self, terms: Terms) -> None:
        iri = terms.iri
        self.insee_code, self.siren = iri(ATLAS.inseeCode), iri(ATLAS.siren)
        self.department, self.region = iri(ATLAS.department), iri(ATLAS.region)
        self.is_replaced_by, self.exact_match = iri(DCTERMS.isReplacedBy), iri(SKOS.exactMatch)
        self.lat, self.long, self.type = iri(WGS84.lat), iri(WGS84.long), iri(RDF.type)
        self.has_geometry, self.geometry, self.as_wkt = iri(GEO.hasGeometry), iri(GEO.Geometry), iri(GEO.asWKT)


@cache
def _link_terms(terms: Terms) -> _LinkTerms:
    return _LinkTerms(terms)


def link_triples(node: URIRef, links: Iterable[Link], uris: URIs, areas: _Areas,
                 terms: Terms | None = None) -> list[Triple]:
    """The triples of an entity's links (docs/data-model.md, "Links"); none for a name that is
    not linked (ambiguous, not found, wrong kind, blocked). ``terms``: see :func:`entity_triples`."""
    terms = terms or RdflibTerms
    iri, literal, t = terms.iri, terms.literal, _link_terms(terms)
    triples: list[Triple] = []
    add = triples.append
    me = None
    for target in (link.target for link in links if link.linked):
        if me is None:
            me = iri(node)
        if isinstance(target, Commune):
            add((me, t.insee_code, literal(target.code)))
            if target.siren:
                add((me, t.siren, literal(target.siren)))
            add((me, t.department, iri(areas.department(target.department, uris))))
            add((me, t.region, iri(areas.region(target.region, uris))))
        elif isinstance(target, Department):
            add((me, t.insee_code, literal(target.code)))
            add((me, t.department, iri(areas.department(target.code, uris))))
            add((me, t.region, iri(areas.region(target.region, uris))))
        elif isinstance(target, Region):
            add((me, t.insee_code, literal(target.code)))
            if target.replaced_by:
                add((me, t.is_replaced_by, iri(areas.region(target.replaced_by, uris))))
            add((me, t.region, iri(areas.region(target.replaced_by or target.code, uris))))
        elif isinstance(target, Epci):
            add((me, t.siren, literal(target.siren)))
        elif isinstance(target, Place):
            latitude, longitude = _decimal_text(target.latitude), _decimal_text(target.longitude)
            add((me, t.exact_match, iri(target.uri)))
            add((me, t.lat, literal(latitude, XSD.decimal)))
            add((me, t.long, literal(longitude, XSD.decimal)))
            geometry = iri(uris.geometry(node))
            add((me, t.has_geometry, geometry))
            add((geometry, t.type, t.geometry))
            add((geometry, t.as_wkt, literal(f"POINT({longitude} {latitude})", GEO.wktLiteral)))
        elif isinstance(target, GeoCountry):
            add((me, t.exact_match, iri(target.uri)))
    return triples


def _area_nodes(areas: _Areas, linker: Linker, uris: URIs) -> list[Triple]:
    """The département and région nodes the links point to, named as the COG names them."""
    triples: list[Triple] = []
    france = uris.country(countries.FRANCE)
    found = [(uris.department(code), code, linker.authorities.department(code)) for code in sorted(areas.departments)]
    for _, _, department in found:
        if department is not None:
            areas.region(department.region, uris)
    found += [(uris.region(code), code, linker.authorities.region(code)) for code in sorted(areas.regions)]
    for node, code, area in found:
        for cls in COLLECTIVITY_TYPES["french"]:
            triples.append((node, RDF.type, cls))
        triples.append((node, ATLAS.country, france))
        triples.append((node, ATLAS.inseeCode, Literal(code)))
        if area is not None:
            triples.append((node, SKOS.prefLabel, _fr(area.name)))
            if isinstance(area, Department):
                triples.append((node, ATLAS.region, uris.region(area.region)))
    return triples
