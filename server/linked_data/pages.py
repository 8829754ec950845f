"""``/page/{path}``: the HTML page about an entity (what ``/id/{path}`` sends browsers to), in
the request's language (:mod:`..site.i18n`): its ETag names the language."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from atlas_graph.server.linked_data.entity import (
    DATA_FORMATS,
    alternate_links,
    atlas,
    data_url,
    describe_entity,
    find_entity,
    validate,
)
from atlas_graph.server.linked_data.view import build_view
from atlas_graph.server.site.i18n import language
from atlas_graph.server.site.panels import entity_panels

blueprint = Blueprint("pages", __name__)


@blueprint.route("/page/<path:path>")
def page(path: str) -> Response:
    entity = find_entity(path)
    response = Response(content_type="text/html; charset=utf-8")
    response.headers["Link"] = alternate_links(path, html=False)
    # errors here are negotiated (an HTML page or a short message); the page is in a language
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    not_modified = validate(response, path, "html", language=language())
    if not_modified is not None:
        return not_modified
    service = atlas()
    description = describe_entity(path, entity)
    view = build_view(description, service.config.base_uri,
                      lambda entity_path: url_for("pages.page", path=entity_path))
    formats = [(f, data_url(path, f.extension)) for f in DATA_FORMATS]
    response.set_data(render_template("entity.html", entity=view, panels=entity_panels(view.iri),
                                      formats=formats, path=path))
    return response
