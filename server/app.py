"""The application factory: one Flask app over one store, routes grouped in blueprints."""

from __future__ import annotations

import importlib

from flask import Flask

from .service import AtlasConfig, AtlasService

# One module per concern, each exporting ``blueprint``.
BLUEPRINTS = [
    "sparql",
    "linked_data",
    "pages",
    "publication",
    "ontology",
    "i18n",
    "site",
]


def create_app(config: AtlasConfig) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20  # a request body larger than 1 MiB is refused (413)
    app.json.ensure_ascii = False
    app.extensions["atlas"] = AtlasService(config)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"{__package__}.{name}").blueprint)
    return app
