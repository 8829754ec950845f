"""atlas-graph: the Atlas français de la coopération décentralisée as linked data."""

__version__ = "0.1.0"
