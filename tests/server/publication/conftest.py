"""The publication routes' server: the real page and the test records in one store, served by
the real app on 127.0.0.1. Every test here only reads it, so the whole session shares one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.publication_site import Site, served_store


@pytest.fixture(scope="session")
def site(shared, tmp_path_factory) -> Iterator[Site]:
    with served_store(tmp_path_factory.mktemp("publication")) as served:
        yield served
