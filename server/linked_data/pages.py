"""``/page/{path}``: the HTML page about an entity (what ``/id/{path}`` sends browsers to)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from atlas_graph.store.generations import StoreError

from atlas_graph.server.linked_data.entity import DATA_FORMATS, alternate_links, atlas, data_url, describe_entity, find_entity, validate
from atlas_graph.server.linked_data.view import build_view, euros
from atlas_graph.server.http.errors import HttpError, add_cors_headers, handle_http_error, handle_werkzeug_error, preflight_response
from atlas_graph.server.http.negotiation import best_match

blueprint = Blueprint("pages", __name__)
blueprint.after_request(add_cors_headers)
blueprint.add_app_template_filter(euros, "euros")


@blueprint.route("/page/<path:path>", methods=["GET", "HEAD", "OPTIONS"], provide_automatic_options=False)
def page(path: str) -> Response:
    if request.method == "OPTIONS":
        return preflight_response()
    entity = find_entity(path)
    response = Response(content_type="text/html; charset=utf-8")
    response.headers["Link"] = alternate_links(path, html=False)
    response.vary.add("Accept")  # errors here are negotiated: an HTML page or a short message
    not_modified = validate(response, path, "html")
    if not_modified is not None:
        return not_modified
    service = atlas()
    description = describe_entity(path, entity)
    view = build_view(description, service.config.base_uri,
                      lambda entity_path: url_for("pages.page", path=entity_path))
    formats = [(f, data_url(path, f.extension)) for f in DATA_FORMATS]
    response.set_data(render_template("entity.html", entity=view, formats=formats, path=path))
    return response


@blueprint.errorhandler(StoreError)
def store_error(error: StoreError) -> Response:
    return page_error(HttpError(503, str(error)))


@blueprint.errorhandler(HttpError)
@blueprint.errorhandler(HTTPException)
def page_error(error: HttpError | HTTPException) -> Response:
    """Errors as an HTML page for browsers, as the short text or JSON message for others."""
    if best_match(["text/html", "text/plain", "application/json"], request.headers.get("Accept")) != "text/html":
        return handle_http_error(error) if isinstance(error, HttpError) else handle_werkzeug_error(error)
    status = error.status if isinstance(error, HttpError) else (error.code or 500)
    message = error.message if isinstance(error, HttpError) else (error.description or "")
    response = Response(render_template("error.html", status=status, message=message), status,
                        content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return add_cors_headers(response)
