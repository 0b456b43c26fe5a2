"""Errors under ``/api/`` answered as ``application/problem+json`` (RFC 9457), whatever raised
them: a refusal of the service, a URL that matches nothing, a method not allowed, a bug."""
from __future__ import annotations

from typing import Any, Iterable

from flask import Response, jsonify, request

from vocabulary.i18n import gettext


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def problem_response(status: int, code: str, title: str, detail: str, errors: Iterable[dict[str, Any]] = ()) -> Response:
    response = jsonify({"type": f"/api/v1/problems/{code}", "title": title, "status": status, "detail": detail,
                        "code": code, "errors": list(errors)})
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


HTTP_CODES = {400: "bad_request", 401: "not_authenticated", 403: "not_permitted", 404: "not_found",
              405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type", 422: "bad_data",
              429: "too_many_attempts", 500: "internal_error"}


def http_problem(status: int, title: str, message: str) -> Response:
    """An HTTP error as a problem; ``message`` is a message id, shown translated."""
    return problem_response(status, HTTP_CODES.get(status, f"http_{status}"), title, gettext(message))
