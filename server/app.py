"""The application factory: one Flask app over one store, routes grouped in blueprints; errors,
CORS and preflights are the app's, the same for every route (:mod:`.http.errors`)."""

from __future__ import annotations

from flask import Flask

from atlas_graph.server.http import errors
from atlas_graph.server.linked_data import pages
from atlas_graph.server.linked_data import routes as linked_data
from atlas_graph.server.publication import ontology
from atlas_graph.server.publication import routes as publication
from atlas_graph.server.service import AtlasConfig, AtlasService
from atlas_graph.server.site import i18n
from atlas_graph.server.site import routes as site
from atlas_graph.server.sparql import endpoint as sparql

# One module per concern, each exporting ``blueprint``; the order is the order of registration.
BLUEPRINTS = [sparql, linked_data, pages, publication, ontology, i18n, site]


def create_app(config: AtlasConfig) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20  # a request body larger than 1 MiB is refused (413)
    app.json.ensure_ascii = False
    app.extensions["atlas"] = AtlasService(config)
    errors.install(app)
    for module in BLUEPRINTS:
        app.register_blueprint(module.blueprint)
    return app
