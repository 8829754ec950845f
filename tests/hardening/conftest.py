"""The hardening tests' shared server: ``atlas-graph serve --update-token TOKEN`` over every test
record. The tests that use it only read or send what it must refuse; a test that changes a
store starts a server of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.hardening import TOKEN, Server, loaded_server


@pytest.fixture(scope="session")
def token_server(tmp_path_factory) -> Iterator[Server]:
    server = loaded_server(tmp_path_factory.mktemp("token-server"), "--update-token", TOKEN).start()
    yield server
    server.stop()
