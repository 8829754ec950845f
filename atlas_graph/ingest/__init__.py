"""Ingest: Atlas page captures → parsed records → mapped RDF, one batch pipeline for every verb."""
