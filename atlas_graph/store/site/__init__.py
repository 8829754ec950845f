"""The site's data, built once per generation before it is switched in: the aggregates of the
home page and the lists, the full-text index and the table of the faceted selection."""
