"""Every namespace the code writes out, and the one table of prefixes.

The project's own IRIs (the ontology, its namespace, the shapes' namespace) derive from one
persistent base, written here and nowhere else. :data:`PREFIXES` is bound in every RDF file
atlas-graph writes (``convert``'s outputs, the dumps), names terms in validation reports and
gives SPARQL texts their ``PREFIX`` lines (:func:`sparql_prefixes`).
"""

from __future__ import annotations

from rdflib import Namespace

PROJECT_BASE = "https://w3id.org/atlas-coop/"
ONTOLOGY_IRI = PROJECT_BASE + "ontology"
ATLAS = Namespace(ONTOLOGY_IRI + "#")
SHAPES = Namespace(PROJECT_BASE + "shapes#")

# The vocabularies the data uses besides its own.
DCT = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")

# The authorities and registries the data and its descriptions (VoID, DCAT) point to.
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_DATA_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_ACCESS_RIGHT = Namespace("http://publications.europa.eu/resource/authority/access-right/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
IANA_MEDIA_TYPES = Namespace("https://www.iana.org/assignments/media-types/")

PREFIXES = {
    "atlas": str(ATLAS),
    "dct": str(DCT),
    "skos": str(SKOS),
    "org": str(ORG),
    "prov": str(PROV),
    "vcard": str(VCARD),
    "xsd": str(XSD),
    "wgs84": str(WGS84),
    "geo": str(GEO),
}


def sparql_prefixes(*names: str) -> str:
    """The SPARQL ``PREFIX`` line of each prefix named, from :data:`PREFIXES`, in that order."""
    return "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n" for name in names)
