"""A tiny HTTP client for tests: one request sent as given, no redirect followed, everything
kept, and timed."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes
    seconds: float  # from sending the request to having read the whole body

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def vary(self) -> set[str]:
        return {v.strip().lower() for v in (self.headers.get("Vary") or "").split(",") if v.strip()}

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(host: str, port: int, method: str, target: str, headers: dict[str, str] | None = None,
            body: bytes | None = None, timeout: float = 30.0) -> Reply:
    """``method target`` with ``target`` exactly as sent (no normalisation) and exactly
    ``headers`` (no Accept unless given); a body goes with its Content-Length."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        data = response.read()
        return Reply(response.status, response.headers, data, time.monotonic() - started)
    finally:
        connection.close()


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
    """``method url`` with exactly ``headers`` (no Accept unless given)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return request(parts.hostname, parts.port, method, target, headers, timeout=timeout)
