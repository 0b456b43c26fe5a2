"""What every response and request goes through: the security headers, the CSP nonce of the
page's own scripts, and the refusal at the edge of control characters, ids out of range or not in
ASCII digits, URLs too long and JSON bodies too large or too deep (before anything parses them)."""
from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g, render_template, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from vocabulary.bounds import MAX_ID, MAX_JSON_BYTES, MAX_OFFSET, MAX_URL_BYTES, has_control_characters, id_in_range, is_digits, json_too_deep
from vocabulary.i18n import N_, _

from .problems import is_api_request, problem_response

# Query and form fields that name a row (Flask-Admin's ?id= and the rows of a bulk action) and
# the list page number: checked here, so a value no database column can hold is a 404.
ID_FIELDS = ("id", "rowid")
PAGE_FIELD = "page"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy() -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{csp_nonce()}'",
        # Flask-Admin and its widgets set style attributes; no script can come from them.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


# Flask-Admin's templates still carry a few inline handlers (onclick) and "javascript:" links, which
# the policy blocks as soon as the page is parsed; they are renamed on the way out and given their
# behaviour by admin/static/csp.js.
_INLINE_HANDLER = re.compile(r'\sonclick="')
_SCRIPT_LINK = re.compile(r'href="javascript:[^"]*"')


def _without_inline_handlers(response: Response) -> None:
    if response.mimetype != "text/html" or response.direct_passthrough or response.is_streamed:
        return
    page = response.get_data(as_text=True)
    response.set_data(_SCRIPT_LINK.sub('href="#" data-no-navigation', _INLINE_HANDLER.sub(' data-onclick="', page)))


def _bad_request_values() -> str | None:
    """The name of the first query or form field holding a control character or an id out of
    range, else None."""
    for name, value in request.values.items(multi=True):
        if has_control_characters(name) or has_control_characters(value):
            return name
        if name in ID_FIELDS and not (is_digits(value) and id_in_range(int(value))):
            return name
        if name == PAGE_FIELD and value and not (is_digits(value) and int(value) <= MAX_OFFSET // 1000):
            return name
    return None


class BoundedInt(IntegerConverter):
    """``<int:…>`` in every URL: an id no database column can hold, or one not written in ASCII
    digits (werkzeug's ``\\d`` matches ``１２``), matches no route (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


CONTROL_REFUSED = N_("{field}: contains a control character (such as NUL), which no field may hold; remove it and try again.")
NOT_FOUND = N_("There is no such page or record.")


def _refuse(field: str):
    if field in ID_FIELDS or field == PAGE_FIELD:
        if is_api_request():
            return problem_response(404, "not_found", "Not found", str(_(NOT_FOUND)))
        return render_template("error.html", code=404, message=str(_(NOT_FOUND))), 404
    message = str(_(CONTROL_REFUSED, field=field.encode("unicode_escape").decode("ascii")))
    if is_api_request():
        return problem_response(422, "bad_data", "Invalid data", message, [{"field": field, "message": message}])
    return render_template("error.html", code=400, message=message), 400


URL_TOO_LONG = N_("The address is longer than {limit} characters.")


def _url_refusal():
    """A URL longer than ``MAX_URL_BYTES`` (as sent, percent-encoded): 414, in kind."""
    environ = request.environ
    sent = max(len(environ.get("RAW_URI", "")), len(environ.get("PATH_INFO", "")) + 1 + len(environ.get("QUERY_STRING", "")))
    if sent <= MAX_URL_BYTES:
        return None
    return _in_kind(414, "uri_too_long", "URI too long", str(_(URL_TOO_LONG, limit=MAX_URL_BYTES)))


JSON_TOO_LARGE = N_("The body is larger than {limit} KB.")
JSON_TOO_DEEP = N_("The body nests lists and objects too deeply.")


def _json_refusal() -> Response | None:
    """Every JSON body, on every route, before anything parses it: at most ``MAX_JSON_BYTES``
    (werkzeug stops reading there, with or without a Content-Length) and nested at most
    ``MAX_JSON_DEPTH`` deep (the parser would recurse into the brackets)."""
    if not request.is_json:
        return None
    request.max_content_length = MAX_JSON_BYTES + 1  # a chunked body: read one byte past the limit, then stop
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:  # its Content-Length says so
        raw = None
    if raw is None or len(raw) > MAX_JSON_BYTES:
        return _in_kind(413, "too_large", "Payload too large", str(_(JSON_TOO_LARGE, limit=MAX_JSON_BYTES // 1024)))
    if json_too_deep(raw):
        return _in_kind(422, "bad_data", "Invalid data", str(_(JSON_TOO_DEEP)))
    return None


def _in_kind(status: int, code: str, title: str, message: str):
    """A refusal as problem+json under /api/, else as the error page."""
    if is_api_request():
        return problem_response(status, code, title, message, [{"field": None, "message": message}])
    return render_template("error.html", code=status, message=message), status


def install(app: Flask) -> None:
    """Before any route is added: the bounded ``int`` converter; then the checks and headers."""
    app.url_map.converters["int"] = BoundedInt
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def check_values():
        # First: before anything opens the body's stream with the app's larger limit.
        refusal = _url_refusal()
        if refusal is None:
            refusal = _json_refusal()
        if refusal is not None:
            return refusal
        field = _bad_request_values()
        return _refuse(field) if field is not None else None

    @app.after_request
    def headers(response: Response) -> Response:
        _without_inline_handlers(response)
        response.headers.setdefault("Content-Security-Policy", _policy())
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        personal = current_user.is_authenticated or "Authorization" in request.headers
        if personal or response.headers.get("Content-Disposition"):
            response.headers["Cache-Control"] = "no-store"
        return response


