"""A remote SPARQL 1.1 store, spoken to over the standard protocols.

Queries go through SPARQLWrapper (SPARQL 1.1 Protocol); updates (SPARQL 1.1 Update) and whole
graphs (Graph Store HTTP Protocol) over plain ``urllib``, with HTTP basic or digest
authentication (whichever the server asks for) or a bearer token. Engine quirks live in
:mod:`atlas_graph.remote.engines`; the engine is recognised from the endpoint's ``Server``
header on the first contact.
"""

from __future__ import annotations

import base64
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from atlas_graph.formats import N_TRIPLES, SPARQL_XML
from atlas_graph.remote.engines import ENGINES, Engine, detect
from atlas_graph.store.generations import StoreError

SOLUTIONS_TYPE = SPARQL_XML.media_type  # what the remote store is asked for, for SELECT and ASK
TRIPLES_TYPE = N_TRIPLES.media_type  # and for CONSTRUCT and DESCRIBE
CHUNK_BYTES = 4 << 20  # a graph larger than this is sent in several requests
CONNECT_TIMEOUT = 10.0  # seconds, for anything that is not a user's query


class RemoteError(StoreError):
    """The remote store could not be reached or failed (not the request's fault): the routes
    answer 503, as for a missing local store."""


class RemoteRejected(Exception):
    """The remote store refused the request as malformed (its message says why)."""


class RemoteTimeout(Exception):
    """The remote store did not answer within the time limit."""


@dataclass(frozen=True)
class Credentials:
    user: str | None = None
    password: str | None = None
    token: str | None = None

    @classmethod
    def from_env(cls, user=None, password=None, token=None) -> Credentials:
        """The given values, else ``ATLAS_REMOTE_USER``, ``ATLAS_REMOTE_PASSWORD``, ``ATLAS_REMOTE_TOKEN``."""
        return cls(user or os.environ.get("ATLAS_REMOTE_USER"),
                   password or os.environ.get("ATLAS_REMOTE_PASSWORD"),
                   token or os.environ.get("ATLAS_REMOTE_TOKEN"))

    @property
    def given(self) -> bool:
        return bool(self.user or self.token)


@dataclass(frozen=True)
class Response:
    media_type: str
    body: bytes


class RemoteStore:
    def __init__(self, query_url: str, credentials: Credentials = Credentials(),
                 graph_store_url: str | None = None, update_url: str | None = None,
                 engine: str | None = None):
        self.query_url = query_url
        self.credentials = credentials
        self._engine = ENGINES[engine] if engine else None
        self._graph_store_url = graph_store_url
        self._update_url = update_url
        self._opener = _opener(query_url, graph_store_url, update_url, credentials)
        self._challenge: tuple[str, dict[str, str]] | None = None
        self._digest = _digest_handler(credentials)

    # where things go ---------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = detect(self._server_header())
        return self._engine

    @property
    def update_url(self) -> str:
        return self._update_url or self.engine.update_url(self.query_url, self.credentials.given)

    @property
    def graph_store_url(self) -> str | None:
        return self._graph_store_url or self.engine.graph_store_url(self.query_url, self.credentials.given)

    def _server_header(self) -> str | None:
        url = f"{self.query_url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
        try:
            with urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT) as response:
                return response.headers.get("Server")
        except urllib.error.HTTPError as error:
            return error.headers.get("Server")
        except (urllib.error.URLError, OSError) as error:
            raise RemoteError(f"{self.query_url}: cannot reach the SPARQL endpoint ({_reason(error)})") from None

    # queries -----------------------------------------------------------------------------------

    def query(self, query: str, accept: str, timeout: float, *, default_graphs: Sequence[str] = (),
              named_graphs: Sequence[str] = ()) -> Response:
        """Run a query over the SPARQL 1.1 Protocol; the raw response in the ``accept`` type.

        Without ``default_graphs``/``named_graphs`` the dataset is the store's, minus the
        engine's own graphs. The engine is asked to stop at ``timeout`` too."""
        engine = self.engine
        client = SPARQLWrapper(self.query_url)
        client.setMethod(POST)
        client.setRequestMethod(URLENCODED)
        client.setOnlyConneg(True)  # no format=/output= parameters: the Accept header decides
        client.setTimeout(timeout + 2)  # the engine's own limit first, with its clearer answer
        with warnings.catch_warnings():  # SPARQLWrapper warns about engine pragmas it cannot classify
            warnings.simplefilter("ignore")
            client.setQuery(query if default_graphs or named_graphs else engine.query_text(query))
        for graph in default_graphs:
            client.addDefaultGraph(graph)
        for graph in named_graphs:
            client.addNamedGraph(graph)
        for name, value in engine.timeout_parameters(timeout).items():
            client.addParameter(name, value)
        client.addCustomHttpHeader("Accept", accept)
        if self.credentials.token:
            client.addCustomHttpHeader("Authorization", f"Bearer {self.credentials.token}")
        try:
            raw = client.query().response
            body = raw.read()
        except SPARQLWrapperException as error:
            if "QueryBadFormed" in type(error).__name__:
                raise RemoteRejected(_remote_message(str(error))) from None
            raise RemoteError(f"{self.query_url}: {_remote_message(str(error))}") from None
        except TimeoutError:
            raise RemoteTimeout(f"the SPARQL store did not answer within {timeout:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, (TimeoutError, socket.timeout)):
                raise RemoteTimeout(f"the SPARQL store did not answer within {timeout:g} s") from None
            raise RemoteError(f"{self.query_url}: {_reason(error)}") from None
        except OSError as error:
            raise RemoteError(f"{self.query_url}: {_reason(error)}") from None
        if engine.gave_up(raw.headers):
            raise RemoteTimeout(f"the SPARQL store stopped the query at its {timeout:g} s time limit")
        media_type = (raw.headers.get("Content-Type") or accept).split(";")[0].strip()
        if media_type == SOLUTIONS_TYPE:
            body = engine.standard_results(body)
        elif media_type == TRIPLES_TYPE:
            body = engine.standard_triples(body)
        return Response(media_type, body)

    def select(self, query: str, timeout: float = 30.0) -> ox.QuerySolutions | ox.QueryBoolean:
        """A SELECT or ASK query's result, as pyoxigraph objects."""
        response = self.query(query, SOLUTIONS_TYPE, timeout)
        return ox.parse_query_results(response.body, ox.QueryResultsFormat.XML)

    def construct(self, query: str, timeout: float = 30.0) -> Iterable[ox.Triple]:
        response = self.query(query, TRIPLES_TYPE, timeout)
        return (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.body, ox.RdfFormat.N_TRIPLES))

    def graph_counts(self, timeout: float = 300.0) -> dict[str, int]:
        """How many triples each named graph holds (the engine's own graphs left out)."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", timeout)
        counts = {row["g"].value: int(row["n"].value) for row in rows if isinstance(row["g"], ox.NamedNode)}
        return {g: n for g, n in counts.items() if g not in self.engine.system_graphs}

    # changes -----------------------------------------------------------------------------------

    def update(self, update: str, timeout: float = 300.0) -> None:
        """Run a SPARQL 1.1 Update. Raises RemoteRejected when the store refuses it as malformed."""
        body = urllib.parse.urlencode({"update": update}).encode()
        self._send("POST", self.update_url, body, "application/x-www-form-urlencoded", timeout)

    def put_graph(self, graph: str, ntriples: bytes, timeout: float = 300.0) -> None:
        """Replace a named graph with these triples: Graph Store Protocol PUT, or, without one,
        ``DROP SILENT GRAPH`` + ``INSERT DATA``. A large graph goes in chunks of about
        :data:`CHUNK_BYTES` (PUT, then POST to add; or one INSERT DATA each), unless it has
        blank nodes, whose labels only hold within one request."""
        chunks = _chunks(ntriples) if b"_:" not in ntriples else [ntriples]
        for number, chunk in enumerate(chunks):
            if self.graph_store_url:
                self._send("PUT" if number == 0 else "POST", _graph_url(self.graph_store_url, graph), chunk,
                           TRIPLES_TYPE, timeout)
            else:
                drop = f"DROP SILENT GRAPH <{graph}> ;\n" if number == 0 else ""
                self.update(f"{drop}INSERT DATA {{ GRAPH <{graph}> {{\n{chunk.decode()}\n}} }}", timeout)

    def drop_graph(self, graph: str, timeout: float = 300.0) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>", timeout)

    def _send(self, method: str, url: str, body: bytes, content_type: str, timeout: float) -> None:
        request = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": content_type})
        if self.credentials.token:
            request.add_header("Authorization", f"Bearer {self.credentials.token}")
        elif self.credentials.user:
            self._authorize(request, timeout)
        try:
            with self._opener.open(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            message = _remote_message(error.read().decode("utf-8", "replace")) or error.reason
            if error.code == 400:
                raise RemoteRejected(message) from None
            raise RemoteError(f"{method} {url}: HTTP {error.code}: {message}") from None
        except (urllib.error.URLError, OSError) as error:
            raise RemoteError(f"{method} {url}: {_reason(error)}") from None


    def _authorize(self, request: urllib.request.Request, timeout: float) -> None:
        """Answer the server's challenge before it is made: a server that refuses a request
        (401) may close the connection while a large body is still being sent.

        The challenge is fetched once, with a bodiless GET; digest answers then count up."""
        if self._challenge is None:
            probe = urllib.request.Request(request.full_url, method="GET")
            try:
                with urllib.request.urlopen(probe, timeout=min(timeout, CONNECT_TIMEOUT)):
                    pass
                self._challenge = ("", {})  # no authentication asked for
            except urllib.error.HTTPError as error:
                self._challenge = _parse_challenge(error.headers.get("WWW-Authenticate") or "")
            except (urllib.error.URLError, OSError) as error:
                raise RemoteError(f"{request.full_url}: {_reason(error)}") from None
        scheme, challenge = self._challenge
        if scheme == "digest":
            self._digest.passwd.add_password(None, _site(request.full_url), self.credentials.user,
                                             self.credentials.password or "")
            answer = self._digest.get_authorization(request, challenge)
            if answer:
                request.add_unredirected_header("Authorization", f"Digest {answer}")
        elif scheme == "basic":
            token = base64.b64encode(f"{self.credentials.user}:{self.credentials.password or ''}".encode()).decode()
            request.add_unredirected_header("Authorization", f"Basic {token}")


def _parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = header.strip().partition(" ")
    return scheme.lower(), urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)) if rest else {}


def _chunks(ntriples: bytes) -> list[bytes]:
    """N-Triples cut at line ends into pieces of about CHUNK_BYTES."""
    chunks, start = [], 0
    while start < len(ntriples):
        end = ntriples.find(b"\n", start + CHUNK_BYTES)
        end = len(ntriples) if end < 0 else end + 1
        chunks.append(ntriples[start:end])
        start = end
    return chunks or [b""]


def _opener(query_url, graph_store_url, update_url, credentials: Credentials) -> urllib.request.OpenerDirector:
    """An opener that answers basic and digest challenges with the credentials."""
    handlers = []
    if credentials.user:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        for url in filter(None, (query_url, graph_store_url, update_url)):
            passwords.add_password(None, _site(url), credentials.user, credentials.password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


def _digest_handler(credentials: Credentials) -> urllib.request.HTTPDigestAuthHandler:
    """A digest handler (used only to compute answers), told the user for each site it meets."""
    return urllib.request.HTTPDigestAuthHandler(urllib.request.HTTPPasswordMgrWithDefaultRealm())


def _site(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _graph_url(graph_store_url: str, graph: str) -> str:
    separator = "&" if "?" in graph_store_url else "?"
    return f"{graph_store_url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _reason(error: Exception) -> str:
    return str(getattr(error, "reason", None) or error)


def _remote_message(text: str) -> str:
    """The useful part of an engine's error page: its first non-empty lines, without HTML."""
    lines = [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]
    return " ".join(lines[:3])[:500]
