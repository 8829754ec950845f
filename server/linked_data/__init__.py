"""Linked data: ``/id`` (303), ``/data`` (RDF) and ``/page`` (HTML) for every entity."""
