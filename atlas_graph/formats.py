"""The formats atlas-graph reads and writes, one row each: RDF serializations and SPARQL results.

Every other table of formats derives from these rows: the file extensions ``convert`` writes and
``validate`` reads, the dump files' types in VoID and the catalog, and what the HTTP routes
negotiate (media types, the other types clients ask for them by, the short names of the
``format`` parameter) with the serializer each one uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

#: The W3C's URIs for formats (``http://www.w3.org/ns/formats/Turtle``), as SPARQL service
#: descriptions and VoID name them.
W3C_FORMATS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class RdfSerialization:
    label: str
    media_type: str
    extension: str  # of files in this format, without the dot
    rdflib_name: str  # rdflib's parser and serializer plugin
    oxigraph: ox.RdfFormat
    quads: bool  # holds named graphs
    w3c_name: str  # under :data:`W3C_FORMATS`
    eu_file_type: str  # in the EU file-type authority table (DCAT-AP ``dct:format``)
    aliases: tuple[str, ...] = ()  # other media types a client asks for this format by
    short_names: tuple[str, ...] = ()  # values of the ``format`` parameter that name it

    @property
    def w3c_uri(self) -> str:
        return W3C_FORMATS + self.w3c_name


@dataclass(frozen=True)
class ResultsFormat:
    """A SPARQL query results format (SELECT solutions, and ASK answers when ``booleans``)."""

    label: str
    media_type: str
    oxigraph: ox.QueryResultsFormat
    booleans: bool
    w3c_name: str
    aliases: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()


# Turtle is a subset of N3, so an N3 reader reads it; N-Triples was served as text/plain before
# it had a media type of its own (rdflib still asks for it so); JSON-LD is JSON, RDF/XML is XML.
TURTLE = RdfSerialization("Turtle", "text/turtle", "ttl", "turtle", ox.RdfFormat.TURTLE, False, "Turtle",
                          "RDF_TURTLE", aliases=("application/x-turtle", "text/n3"), short_names=("turtle", "ttl"))
N_TRIPLES = RdfSerialization("N-Triples", "application/n-triples", "nt", "nt", ox.RdfFormat.N_TRIPLES, False,
                             "N-Triples", "RDF_N_TRIPLES", aliases=("text/plain",),
                             short_names=("nt", "ntriples", "n-triples"))
N_QUADS = RdfSerialization("N-Quads", "application/n-quads", "nq", "nquads", ox.RdfFormat.N_QUADS, True,
                           "N-Quads", "RDF_N_QUADS")
TRIG = RdfSerialization("TriG", "application/trig", "trig", "trig", ox.RdfFormat.TRIG, True, "TriG", "RDF_TRIG")
JSON_LD = RdfSerialization("JSON-LD", "application/ld+json", "jsonld", "json-ld", ox.RdfFormat.JSON_LD, False,
                           "JSON-LD", "JSON_LD", aliases=("application/json",), short_names=("jsonld", "json-ld"))
RDF_XML = RdfSerialization("RDF/XML", "application/rdf+xml", "rdf", "xml", ox.RdfFormat.RDF_XML, False,
                           "RDF_XML", "RDF_XML", aliases=("application/xml", "text/xml"),
                           short_names=("rdfxml", "rdf", "xml-rdf"))

#: Every RDF serialization, in the order the command line lists them.
RDF_SERIALIZATIONS = (TURTLE, N_TRIPLES, N_QUADS, TRIG, JSON_LD, RDF_XML)
#: The triple formats the server writes, in its order of preference.
SERVED_SERIALIZATIONS = (TURTLE, N_TRIPLES, RDF_XML, JSON_LD)

SPARQL_JSON = ResultsFormat("SPARQL JSON", "application/sparql-results+json", ox.QueryResultsFormat.JSON, True,
                            "SPARQL_Results_JSON", aliases=("application/json",), short_names=("json", "srj"))
SPARQL_XML = ResultsFormat("SPARQL XML", "application/sparql-results+xml", ox.QueryResultsFormat.XML, True,
                           "SPARQL_Results_XML", aliases=("application/xml", "text/xml"), short_names=("xml", "srx"))
SPARQL_CSV = ResultsFormat("CSV", "text/csv", ox.QueryResultsFormat.CSV, False, "SPARQL_Results_CSV",
                           short_names=("csv",))
SPARQL_TSV = ResultsFormat("TSV", "text/tab-separated-values", ox.QueryResultsFormat.TSV, False,
                           "SPARQL_Results_TSV", short_names=("tsv",))

#: Every SPARQL results format, in the server's order of preference.
RESULTS_FORMATS = (SPARQL_JSON, SPARQL_XML, SPARQL_CSV, SPARQL_TSV)


def short_names() -> dict[str, str]:
    """Every short name of the ``format`` parameter, to the media type it stands for."""
    return {name: f.media_type for f in (*RESULTS_FORMATS, *RDF_SERIALIZATIONS) for name in f.short_names}


def acceptable(formats: Iterable[RdfSerialization | ResultsFormat], also: Iterable[str] = ()) -> dict[str, str]:
    """What a client may ask for to get one of ``formats``, to the media type it gets: each
    format's own type, in the given order, then the types of ``also`` (offered as they are),
    then the formats' aliases, so that an exact match always wins over an alias."""
    formats = list(formats)
    return {**{f.media_type: f.media_type for f in formats},
            **{media_type: media_type for media_type in also},
            **{alias: f.media_type for f in formats for alias in f.aliases}}
