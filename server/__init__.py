"""The HTTP side of atlas-graph (Flask): ``create_app`` builds the application."""

from atlas_graph.server.app import create_app

__all__ = ["create_app"]
