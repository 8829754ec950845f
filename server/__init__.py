"""The HTTP side of atlas-graph (Flask): ``create_app`` builds the application.

``create_app`` is imported on first use: the processes that only run queries (the query
processes and their holder, see :mod:`.sparql.pool`) import modules of this package without
Flask and the routes."""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from atlas_graph.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
