"""The application factory: one Flask app over one store, routes grouped in blueprints; errors,
CORS and preflights are the app's, the same for every route (:mod:`.http.errors`)."""

from __future__ import annotations

from flask import Flask, current_app

from atlas_graph.server.generation_cache import WARM_UP
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
    app.extensions.setdefault(WARM_UP, []).append(compile_templates)
    return app


def compile_templates() -> None:
    """Compile every template once, in a worker's warm-up: the first entity page would otherwise
    compile its template and the base one while its client waits."""
    environment = current_app.jinja_env
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)
