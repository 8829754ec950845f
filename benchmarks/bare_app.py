"""The baseline for ``/data`` requests/s: a bare Flask route returning a small fixed Turtle
document, served by gunicorn exactly as ``atlas-graph serve`` serves the real app."""

from flask import Flask, Response

app = Flask(__name__)
BODY = b'<http://localhost:8000/id/x> <http://purl.org/dc/terms/title> "x"@fr .\n'


@app.route("/data/<path:path>")
def data(path: str) -> Response:
    return Response(BODY, content_type="text/turtle; charset=utf-8")
