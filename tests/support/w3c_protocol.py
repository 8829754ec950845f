"""Runner for the W3C SPARQL 1.1 Protocol and Service Description test manifests.

Protocol tests (``mf:ProtocolTest``) carry their HTTP requests in ``mf:action`` (W3C HTTP
vocabulary: method, path, headers, body with its character encoding) and the expected response
in ``ht:resp`` (``mf:expectedStatus`` status classes, ``mf:expectedFormat`` "boolean" /
"tabular" / "RDF", ``mf:expectedBoolean``). Requests go over a real socket with
:mod:`http.client`, which sends exactly the headers given (no default Content-Type).

Service-description tests have only prose expectations; :data:`SERVICE_DESCRIPTION_CHECKS`
encodes them, keyed by test name.
"""

from __future__ import annotations

import http.client
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")

MANIFEST_PATH = "/sparql/"  # what every ht:absolutePath starts with: "our endpoint"

BOOLEAN_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
TABULAR_TYPES = {**BOOLEAN_TYPES, "text/csv": None, "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


@dataclass(frozen=True)
class Expectation:
    status_classes: frozenset[str]  # "2xx", "3xx", "4xx", …
    format: str | None  # "boolean", "tabular", "RDF"
    boolean: bool | None


@dataclass(frozen=True)
class ProtocolRequest:
    method: str
    path: str  # with its query string, as in the manifest
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expected: Expectation


@dataclass(frozen=True)
class ProtocolTest:
    id: str  # the manifest's local name, e.g. "query_post_form"
    name: str
    graph_data: dict[str, Path]  # named graph IRI → N-Triples file
    requests: tuple[ProtocolRequest, ...]

    @property
    def is_query_test(self) -> bool:
        return "update" not in self.id


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _local_name(node: URIRef) -> str:
    return str(node).rsplit("#", 1)[-1]


def _entries(graph: Graph) -> list[URIRef]:
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    return list(Collection(graph, graph.value(manifest, MF.entries)))


def load_protocol_manifest(path: Path) -> list[ProtocolTest]:
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    tests = []
    for entry in _entries(graph):
        graph_data = {
            str(graph.value(data, RDFS.label)): Path(urlsplit(str(graph.value(data, UT.graph))).path)
            for data in graph.objects(entry, UT.graphData)
        }
        action = graph.value(entry, MF.action)
        requests = tuple(_request(graph, node) for node in Collection(graph, graph.value(action, HT.requests)))
        tests.append(ProtocolTest(_local_name(entry), str(graph.value(entry, MF.name)), graph_data, requests))
    return tests


def _request(graph: Graph, node) -> ProtocolRequest:
    headers = ()
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        headers = tuple(
            (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
            for h in Collection(graph, header_list)
        )
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = frozenset(
        str(status).removeprefix(HTS) for status in graph.objects(response, MF.expectedStatus)
    )
    expected_format = graph.value(response, MF.expectedFormat)
    expected_boolean = graph.value(response, MF.expectedBoolean)
    return ProtocolRequest(
        str(graph.value(node, HT.methodName)),
        str(graph.value(node, HT.absolutePath)),
        headers,
        body,
        Expectation(
            statuses,
            str(expected_format) if expected_format is not None else None,
            expected_boolean.toPython() if expected_boolean is not None else None,
        ),
    )


def send(base_url: str, endpoint_path: str, request: ProtocolRequest, extra_headers: dict[str, str]) -> Response:
    """Send one manifest request to the endpoint at ``base_url + endpoint_path``."""
    assert request.path.startswith(MANIFEST_PATH), request.path
    path = endpoint_path + request.path[len(MANIFEST_PATH) - 1 :].removeprefix("/")
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(request.method, path, skip_accept_encoding=True)
        for name, value in [*request.headers, *extra_headers.items()]:
            connection.putheader(name, value)
        if request.body is not None:
            connection.putheader("Content-Length", str(len(request.body)))
        connection.endheaders(request.body)
        answer = connection.getresponse()
        body = answer.read()
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, body)
    finally:
        connection.close()


def check_response(request: ProtocolRequest, response: Response) -> list[str]:
    """What is wrong with ``response`` given what the manifest expects (empty when all is well)."""
    problems = []
    expected = request.expected
    status_class = f"{response.status // 100}xx"
    if status_class not in expected.status_classes:
        problems.append(
            f"{request.method} {request.path}: status {response.status}, expected one of "
            f"{sorted(expected.status_classes)}; body: {response.body[:300]!r}"
        )
        return problems
    if expected.format == "boolean":
        problems += _check_boolean(response, expected.boolean)
    elif expected.format == "tabular":
        problems += _check_tabular(response)
    elif expected.format == "RDF":
        problems += _check_rdf(response)
    return problems


def _check_boolean(response: Response, expected: bool | None) -> list[str]:
    if response.media_type not in BOOLEAN_TYPES:
        return [f"boolean result as {response.media_type!r}, expected SPARQL JSON or XML"]
    result = ox.parse_query_results(response.body, BOOLEAN_TYPES[response.media_type])
    if not isinstance(result, ox.QueryBoolean):
        return [f"expected a boolean result, got {type(result).__name__}"]
    if expected is not None and bool(result) != expected:
        return [f"boolean result {bool(result)}, expected {expected}"]
    return []


def _check_tabular(response: Response) -> list[str]:
    if response.media_type not in TABULAR_TYPES:
        return [f"tabular result as {response.media_type!r}, expected SPARQL JSON, XML, CSV or TSV"]
    if response.media_type == "text/csv":
        lines = response.body.decode("utf-8").splitlines()
        return [] if lines else ["empty CSV result (no header line)"]
    result = ox.parse_query_results(response.body, TABULAR_TYPES[response.media_type])
    if not isinstance(result, ox.QuerySolutions):
        return [f"expected a table of solutions, got {type(result).__name__}"]
    list(result)  # every row parses
    return []


def _check_rdf(response: Response) -> list[str]:
    if response.media_type not in RDF_TYPES:
        return [f"RDF result as {response.media_type!r}, expected RDF/XML, Turtle or N-Triples"]
    list(ox.parse(response.body, RDF_TYPES[response.media_type]))
    return []


# --- Service description ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceDescriptionTest:
    id: str
    name: str


def load_service_description_manifest(path: Path) -> list[ServiceDescriptionTest]:
    graph = Graph().parse(path, format="turtle", publicID=path.as_uri())
    return [ServiceDescriptionTest(_local_name(e), str(graph.value(e, MF.name))) for e in _entries(graph)]


def fetch_service_description(endpoint_url: str) -> tuple[Response, Graph]:
    """GET the endpoint asking for RDF; the response and the parsed description."""
    parts = urlsplit(endpoint_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers={"Accept": "text/turtle, application/rdf+xml;q=0.9"})
        answer = connection.getresponse()
        response = Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        connection.close()
    formats = {"text/turtle": "turtle", "application/rdf+xml": "xml"}
    graph = Graph()
    if response.status == 200 and response.media_type in formats:
        graph.parse(io.BytesIO(response.body), format=formats[response.media_type], publicID=endpoint_url)
    return response, graph


def _returns_rdf(endpoint_url: str, response: Response, graph: Graph) -> list[str]:
    if response.status != 200:
        return [f"GET {endpoint_url}: status {response.status}"]
    if response.media_type not in ("text/turtle", "application/rdf+xml"):
        return [f"GET {endpoint_url}: {response.media_type!r} is not an RDF format asked for"]
    return [] if len(graph) else ["the description parsed to no triples"]


def _has_endpoint_triple(endpoint_url: str, response: Response, graph: Graph) -> list[str]:
    services = set(graph.subjects(RDF.type, SD.Service))
    if not any((service, SD.endpoint, URIRef(endpoint_url)) in graph for service in services):
        return [f"no sd:Service has sd:endpoint <{endpoint_url}>"]
    return []


_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
_FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs, SD.BasicFederatedQuery}


def _conforms_to_schema(endpoint_url: str, response: Response, graph: Graph) -> list[str]:
    """The ranges and cardinalities of the SD vocabulary (www.w3.org/ns/sparql-service-description)."""
    problems = []
    services = list(graph.subjects(RDF.type, SD.Service))
    if len(services) != 1:
        return [f"expected one sd:Service, found {len(services)}"]
    service = services[0]
    for endpoint in graph.objects(service, SD.endpoint):
        if not isinstance(endpoint, URIRef):
            problems.append(f"sd:endpoint {endpoint!r} is not an IRI")
    languages = set(graph.objects(service, SD.supportedLanguage))
    if not languages or not languages <= _LANGUAGES:
        problems.append(f"sd:supportedLanguage {sorted(languages)} not among the sd:Language instances")
    for prop in (SD.resultFormat, SD.inputFormat, SD.defaultEntailmentRegime):
        for value in graph.objects(service, prop):
            if not isinstance(value, URIRef):
                problems.append(f"{prop} value {value!r} is not an IRI")
    features = set(graph.objects(service, SD.feature))
    if not features <= _FEATURES:
        problems.append(f"unknown sd:feature values {sorted(features - _FEATURES)}")
    for dataset in graph.objects(service, SD.defaultDataset):
        if (dataset, RDF.type, SD.Dataset) not in graph:
            problems.append("sd:defaultDataset is not typed sd:Dataset")
        for default_graph in graph.objects(dataset, SD.defaultGraph):
            if (default_graph, RDF.type, SD.Graph) not in graph:
                problems.append("sd:defaultGraph is not typed sd:Graph")
        for named_graph in graph.objects(dataset, SD.namedGraph):
            names = list(graph.objects(named_graph, SD.name))
            if len(names) != 1 or not isinstance(names[0], URIRef):
                problems.append(f"sd:NamedGraph {named_graph} must have exactly one IRI sd:name, has {names}")
            if (named_graph, RDF.type, SD.NamedGraph) not in graph:
                problems.append(f"{named_graph} is not typed sd:NamedGraph")
    return problems


#: The prose expectations of the service-description manifest, as checks, keyed by test id.
SERVICE_DESCRIPTION_CHECKS: dict[str, Callable[[str, Response, Graph], list[str]]] = {
    "returns-rdf": _returns_rdf,
    "has-endpoint-triple": _has_endpoint_triple,
    "conforms-to-schema": _conforms_to_schema,
}
