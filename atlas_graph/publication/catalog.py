"""The DCAT-AP 3 catalog of the dataset: its dumps and SPARQL endpoint as distributions.

Pure: the generation's stats (see :mod:`atlas_graph.store.stats`, with the dumps' sizes and
checksums) and where it is published in, an rdflib graph out; serialising it is the HTTP route's
job. Every node a DCAT-AP shape expects to be of a class (licence, media types, agent,
locations, themes, standards, checksums, the URLs themselves) is typed in the graph, so the
catalog conforms to the DCAT-AP 3 shapes without any inference.

When the generation is linked, each authority the links come from is a ``dct:source`` of the
dataset (a ``dcat:Dataset`` of its own: its licence, the rights note its attribution needs, and
in ``dcat:version`` the package and version the links came from), and every distribution
carries the same notes as its ``dct:rights``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from atlas_graph.publication import dataset_info as info
from atlas_graph.publication.dataset_info import Authority, Site, authority_versions, media_type_uri
from atlas_graph.vocabulary import EU_ACCESS_RIGHT, EU_FILE_TYPE, EU_LANGUAGE, ONTOLOGY_IRI, SPDX

#: dcat:version (DCAT 3), which rdflib's closed DCAT namespace does not know yet.
DCAT_VERSION = URIRef(str(DCAT) + "version")
#: The dumps' IANA compression format.
GZIP = media_type_uri("application/gzip")


def build_catalog(stats: dict, site: Site) -> Graph:
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("skos", SKOS),
                              ("spdx", SPDX), ("xsd", XSD)):
        graph.bind(prefix, namespace)
    catalog = _Builder(graph, stats, site)
    catalog.add_catalog()
    catalog.add_dataset()
    for dump in stats.get("dumps", []):
        catalog.add_dump_distribution(dump)
    catalog.add_sparql_service()
    return graph


class _Builder:
    def __init__(self, graph: Graph, stats: dict, site: Site):
        self.graph = graph
        self.stats = stats
        self.site = site
        self.publisher = BNode("publisher")
        #: the authorities the links of this generation come from, and the version of each
        self.versions = authority_versions(stats.get("link_authorities", {}))

    def add(self, subject, predicate, obj) -> None:
        self.graph.add((subject, predicate, obj))

    def texts(self, subject, predicate, texts: dict[str, str]) -> None:
        for lang, text in texts.items():
            self.add(subject, predicate, Literal(text, lang=lang))

    # the catalog -----------------------------------------------------------------------------

    def add_catalog(self) -> None:
        catalog = self.site.catalog
        self.add(catalog, RDF.type, DCAT.Catalog)
        self.texts(catalog, DCTERMS.title, info.CATALOG_TITLE)
        self.texts(catalog, DCTERMS.description, info.CATALOG_DESCRIPTION)
        self.add(catalog, DCTERMS.publisher, self.publisher_node())
        self.add(catalog, FOAF.homepage, self.document(self.site.home))
        self.add(catalog, DCTERMS.license, self.licence())
        for code in ("FRA", "ENG"):
            self.add(catalog, DCTERMS.language, self.language(code))
        self.add(catalog, DCAT.themeTaxonomy, self.theme_scheme())
        self.modified(catalog)
        self.add(catalog, DCAT.dataset, self.site.dataset)
        self.add(catalog, DCAT.service, self.site.sparql_service)

    # the dataset -----------------------------------------------------------------------------

    def add_dataset(self) -> None:
        dataset = self.site.dataset
        self.add(dataset, RDF.type, DCAT.Dataset)
        self.add(dataset, DCTERMS.identifier, Literal(str(dataset)))
        self.texts(dataset, DCTERMS.title, info.TITLE)
        self.texts(dataset, DCTERMS.description, info.DESCRIPTION)
        for lang, words in info.KEYWORDS.items():
            for word in words:
                self.add(dataset, DCAT.keyword, Literal(word, lang=lang))
        self.add(dataset, DCTERMS.publisher, self.publisher_node())
        self.add(dataset, DCTERMS.license, self.licence())
        self.add(dataset, DCTERMS.accessRights, self.public_access())
        self.add(dataset, DCTERMS.language, self.language("FRA"))
        self.add(dataset, DCAT.landingPage, self.document(self.site.home))
        self.add(dataset, DCTERMS.conformsTo, self.standard(URIRef(ONTOLOGY_IRI), "Atlas ontology"))
        for theme, labels in info.THEMES.items():
            self.add(dataset, DCAT.theme, self.concept(theme, labels, self.theme_scheme()))
        for country in self.stats.get("countries", []):
            location = URIRef(country)
            self.add(location, RDF.type, DCTERMS.Location)
            self.add(dataset, DCTERMS.spatial, location)
        if "temporal" in self.stats:
            self.add(dataset, DCTERMS.temporal, self.period(*self.stats["temporal"]))
        provenance = BNode("provenance")
        self.add(provenance, RDF.type, DCTERMS.ProvenanceStatement)
        self.texts(provenance, RDFS.label, info.PROVENANCE)
        self.add(dataset, DCTERMS.provenance, provenance)
        self.add(dataset, RDFS.seeAlso, self.site.void)
        for key in sorted(self.versions):
            if key in info.AUTHORITIES:
                self.add(dataset, DCTERMS.source, self.authority(info.AUTHORITIES[key]))
        self.modified(dataset)
        if "issued" in self.stats:
            self.add(dataset, DCTERMS.issued, Literal(self.stats["issued"], datatype=XSD.dateTime))
        self.add(dataset, DCAT.distribution, self.site.distribution("sparql"))

    # distributions ---------------------------------------------------------------------------

    def add_dump_distribution(self, dump: dict) -> None:
        name = dump["name"]
        distribution = self.site.distribution(name.removesuffix(".gz").rsplit(".", 1)[-1])
        url = self.resource(self.site.dump(name))
        self.add(self.site.dataset, DCAT.distribution, distribution)
        self.add(distribution, RDF.type, DCAT.Distribution)
        self.add(distribution, DCTERMS.title, Literal(f"{dump['title']} (gzip)", lang="en"))
        self.add(distribution, DCTERMS.description, Literal(
            f"Full dump: {dump['records']} {'quads' if name.endswith('.nq.gz') else 'triples'}.", lang="en"))
        self.add(distribution, DCAT.downloadURL, url)
        self.add(distribution, DCAT.accessURL, url)
        self.add(distribution, DCAT.mediaType, self.media_type(media_type_uri(dump["media_type"])))
        self.add(distribution, DCAT.compressFormat, self.media_type(GZIP))
        if name in info.DUMP_FORMATS:
            file_type = info.DUMP_FORMATS[name][0]
            self.add(file_type, RDF.type, DCTERMS.MediaTypeOrExtent)
            self.add(distribution, DCTERMS.format, file_type)
        self.add(distribution, DCAT.byteSize, Literal(int(dump["bytes"]), datatype=XSD.nonNegativeInteger))
        checksum = BNode(f"checksum-{name}")
        self.add(distribution, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, self.sha256())
        self.add(checksum, SPDX.checksumValue, Literal(dump["sha256"], datatype=XSD.hexBinary))
        self.add(distribution, DCTERMS.license, self.licence())
        self.rights(distribution)
        self.modified(distribution)

    def add_sparql_service(self) -> None:
        service = self.site.sparql_service
        self.add(service, RDF.type, DCAT.DataService)
        self.add(service, DCTERMS.title, Literal("Point d'accès SPARQL de l'Atlas", lang="fr"))
        self.add(service, DCTERMS.title, Literal("SPARQL endpoint of the Atlas", lang="en"))
        self.add(service, DCTERMS.description, Literal(
            "SPARQL 1.1 Protocol endpoint over the whole graph (the default graph is the union "
            "of the named graphs, one per partnership plus the shared entities).", lang="en"))
        self.add(service, DCAT.endpointURL, self.resource(self.site.endpoint))
        # GET on the endpoint without a query answers its SPARQL 1.1 Service Description.
        self.add(service, DCAT.endpointDescription, self.resource(self.site.endpoint))
        self.add(service, DCAT.servesDataset, self.site.dataset)
        titles = ("SPARQL 1.1 Protocol", "SPARQL 1.1 Query Language")
        for spec, title in zip(info.SPARQL_STANDARDS, titles, strict=True):
            self.add(service, DCTERMS.conformsTo, self.standard(spec, title))
        self.add(service, DCTERMS.publisher, self.publisher_node())
        self.add(service, DCTERMS.license, self.licence())

        distribution = self.site.distribution("sparql")
        self.add(distribution, RDF.type, DCAT.Distribution)
        self.add(distribution, DCTERMS.title, Literal("SPARQL endpoint", lang="en"))
        self.add(distribution, DCAT.accessURL, self.resource(self.site.endpoint))
        self.add(distribution, DCAT.accessService, service)
        self.add(EU_FILE_TYPE.SPARQLQ, RDF.type, DCTERMS.MediaTypeOrExtent)
        self.add(distribution, DCTERMS.format, EU_FILE_TYPE.SPARQLQ)
        self.add(distribution, DCTERMS.license, self.licence())
        self.rights(distribution)

    # typed nodes of controlled vocabularies ----------------------------------------------------

    def publisher_node(self) -> BNode:
        agent = self.publisher
        if (agent, RDF.type, FOAF.Agent) not in self.graph:
            self.add(agent, RDF.type, FOAF.Agent)
            self.add(agent, RDF.type, FOAF.Organization)
            self.texts(agent, FOAF.name, info.PUBLISHER_NAME)
            self.add(agent, FOAF.homepage, self.document(info.PUBLISHER_HOMEPAGE))
            self.add(agent, DCTERMS.type, self.concept(
                info.PUBLISHER_TYPE, {"en": "National authority"}, URIRef("http://purl.org/adms/publishertype/1.0")))
        return agent

    def licence(self) -> URIRef:
        return self.licence_document(info.LICENCE, info.LICENCE_LABEL, info.LICENCE_SPDX)

    def licence_document(self, licence: URIRef, label, spdx: URIRef) -> URIRef:
        """An attribution licence, described as DCAT-AP asks."""
        self.add(licence, RDF.type, DCTERMS.LicenseDocument)
        self.texts(licence, RDFS.label, label)
        self.add(licence, SKOS.exactMatch, spdx)
        self.add(licence, DCTERMS.type, self.concept(
            info.LICENCE_TYPE, {"en": "Attribution"}, URIRef("http://purl.org/adms/licencetype/1.0")))
        return licence

    def authority(self, authority: Authority) -> URIRef:
        """An authority the links come from, as a dataset of its own, with the version used."""
        node = self.site.authority(authority.key)
        self.add(node, RDF.type, DCAT.Dataset)
        self.texts(node, DCTERMS.title, authority.title)
        self.texts(node, DCTERMS.description, authority.rights)
        self.add(node, DCAT.landingPage, self.document(authority.homepage))
        self.add(node, DCTERMS.license, self.authority_licence(authority))
        self.add(node, FOAF.page, self.document(authority.source))  # the package the links come from
        version = self.versions[authority.key]
        self.add(node, DCAT_VERSION, Literal(f"{version.package} {version.version}"))
        self.add(node, RDFS.comment, Literal(f"Links computed offline from {version}.", lang="en"))
        return node

    def authority_licence(self, authority: Authority) -> URIRef:
        if authority.licence == info.LICENCE:
            return self.licence()
        return self.licence_document(authority.licence, authority.licence_label, authority.licence_spdx)

    def rights(self, distribution: URIRef) -> None:
        """The notes of the authorities the links come from (GeoNames asks for attribution)."""
        authorities = [info.AUTHORITIES[key] for key in sorted(self.versions) if key in info.AUTHORITIES]
        if not authorities:
            return
        statement = BNode("rights-links")
        self.add(statement, RDF.type, DCTERMS.RightsStatement)
        for lang in ("fr", "en"):
            self.add(statement, RDFS.label, Literal(" ".join(a.rights[lang] for a in authorities), lang=lang))
        self.add(distribution, DCTERMS.rights, statement)

    def public_access(self) -> URIRef:
        public = EU_ACCESS_RIGHT.PUBLIC
        self.add(public, RDF.type, DCTERMS.RightsStatement)
        return public

    def language(self, code: str) -> URIRef:
        language = EU_LANGUAGE[code]
        self.add(language, RDF.type, DCTERMS.LinguisticSystem)
        return language

    def theme_scheme(self) -> URIRef:
        scheme = info.THEME_SCHEME
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        self.add(scheme, DCTERMS.title, Literal("Data theme", lang="en"))
        return scheme

    def concept(self, concept: URIRef, labels: dict[str, str], scheme: URIRef) -> URIRef:
        self.add(concept, RDF.type, SKOS.Concept)
        self.texts(concept, SKOS.prefLabel, labels)
        self.add(concept, SKOS.inScheme, scheme)
        return concept

    def standard(self, uri: URIRef, title: str) -> URIRef:
        self.add(uri, RDF.type, DCTERMS.Standard)
        self.add(uri, DCTERMS.title, Literal(title, lang="en"))
        return uri

    def media_type(self, uri: URIRef) -> URIRef:
        self.add(uri, RDF.type, DCTERMS.MediaType)
        return uri

    def document(self, uri: URIRef) -> URIRef:
        self.add(uri, RDF.type, FOAF.Document)
        return uri

    def resource(self, uri: URIRef) -> URIRef:
        """A URL DCAT-AP expects to be an ``rdfs:Resource``: typed so, which needs no inference."""
        self.add(uri, RDF.type, RDFS.Resource)
        return uri

    def sha256(self) -> URIRef:
        algorithm = SPDX.checksumAlgorithm_sha256
        self.add(algorithm, RDF.type, SPDX.ChecksumAlgorithm)
        return algorithm

    def period(self, first_year: str, last_year: str) -> BNode:
        period = BNode("temporal")
        self.add(period, RDF.type, DCTERMS.PeriodOfTime)
        self.add(period, DCAT.startDate, Literal(first_year, datatype=XSD.gYear))
        self.add(period, DCAT.endDate, Literal(last_year, datatype=XSD.gYear))
        return period

    def modified(self, subject) -> None:
        if "modified" in self.stats:
            self.add(subject, DCTERMS.modified, Literal(self.stats["modified"], datatype=XSD.dateTime))
