"""``/page/{path}``: the HTML page about an entity (what ``/id/{path}`` sends browsers to), in
the request's language (:mod:`..site.i18n`): its ETag names the language."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for

from atlas_graph.server.linked_data.entity import (
    DATA_FORMATS,
    Snapshot,
    alternate_links,
    atlas,
    data_url,
    describe_entity,
    find_entity,
    snapshot,
    validate,
)
from atlas_graph.server.linked_data.routes import Rendered, body_cache, described_graph
from atlas_graph.server.linked_data.view import build_view
from atlas_graph.server.site.i18n import language
from atlas_graph.server.site.panels import entity_panels

blueprint = Blueprint("pages", __name__)
#: At most this many incoming links are listed on a page, with their total and the endpoint for
#: the rest (the data document lists up to :data:`~.describe.INCOMING_CAP`): a country's page
#: would otherwise list a thousand collectivities, each looked up for its label.
PAGE_INCOMING = 200


@blueprint.route("/page/<path:path>")
def page(path: str) -> Response:
    """The page, rendered once per worker, generation, language and URL (kept with the ``/data``
    documents, :func:`~.routes.data_cache`): the page of a much-linked entity (a country, with
    thousands of links) costs a description, four queries and a long template."""
    now = snapshot()
    response = Response(content_type="text/html; charset=utf-8")
    response.headers["Link"] = alternate_links(path, html=False)
    # errors here are negotiated (an HTML page or a short message); the page is in a language
    response.vary.update(("Accept", "Accept-Language", "Cookie"))
    cache = body_cache(now)
    key = ("page", path, language(), request.root_url, request.query_string)  # what the HTML depends on
    rendered = cache.get(now.generation.name, key) if cache is not None else None
    if rendered is None:
        entity = find_entity(path)
    not_modified = validate(response, path, "html", now.generation, language=language())
    if not_modified is not None:
        return not_modified
    if rendered is None:
        rendered = Rendered(_render(path, entity, now).encode())
        # kept only when all of it came from the generation the request began with
        if cache is not None and atlas().generation().name == now.generation.name:
            cache.put(now.generation.name, key, rendered)
    response.set_data(rendered.body)
    return response


def _render(path: str, entity, now: Snapshot) -> str:
    service = atlas()
    description = describe_entity(path, entity, described_graph(now), PAGE_INCOMING)
    view = build_view(description, service.config.base_uri,
                      lambda entity_path: url_for("pages.page", path=entity_path))
    formats = [(f, data_url(path, f.extension)) for f in DATA_FORMATS]
    return render_template("entity.html", entity=view, panels=entity_panels(view.iri), formats=formats, path=path)
