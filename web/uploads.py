"""What every request goes through for the files it carries: the blobs it writes are kept only
if a row records them when it ends (:mod:`workflow.records.provisional`), and one user has at
most :data:`MAX_UPLOADS_IN_FLIGHT` large uploads (a multipart body of :data:`LARGE_BODY` or more)
being received and checked at a time in this process; one more is answered 429 at once, before
its body is read. The bound is per worker process, not across workers: with gunicorn's N workers a
user has at most N × this many in flight, which with the image limit of
:data:`workflow.records.files.MAX_IMAGE_PIXELS` bounds what one user can make a server decode."""
from __future__ import annotations

import hashlib
import threading
from collections import Counter
from contextlib import ExitStack

from flask import Flask, g, render_template, request
from flask_login import current_user

from vocabulary.i18n import N_, _
from workflow.records.provisional import provisional_uploads

from .problems import is_api_request, problem_response

MAX_UPLOADS_IN_FLIGHT = 2
LARGE_BODY = 1024 * 1024
TOO_MANY = N_("You are already sending {count} files at once; wait until they have arrived, then send this one again.")


class InFlight:
    """How many uploads each key has in flight, at most ``limit`` (one process, any threads)."""

    def __init__(self, limit: int):
        self.limit = limit
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()

    def enter(self, key: str) -> bool:
        with self._lock:
            if self._counts[key] >= self.limit:
                return False
            self._counts[key] += 1
            return True

    def leave(self, key: str) -> None:
        with self._lock:
            self._counts[key] -= 1
            if self._counts[key] <= 0:
                del self._counts[key]


def _uploader() -> str:
    """Who sends: the API token's holder, the logged-in user, else the address."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()
    if current_user.is_authenticated:
        return f"user:{current_user.get_id()}"
    return f"address:{request.remote_addr}"


def _refusal():
    message = str(_(TOO_MANY, count=MAX_UPLOADS_IN_FLIGHT))
    if is_api_request():
        return problem_response(429, "too_many_uploads", "Too many uploads", message)
    return render_template("error.html", code=429, message=message), 429


def install(app: Flask) -> None:
    """Before the other checks of a request (they read the form, and with it the files)."""
    in_flight = InFlight(MAX_UPLOADS_IN_FLIGHT)

    @app.before_request
    def begin_upload():
        if request.mimetype == "multipart/form-data" and (request.content_length or LARGE_BODY) >= LARGE_BODY:
            key = _uploader()
            if not in_flight.enter(key):
                return _refusal()
            g.upload_slot = key
        g.provisional_uploads = ExitStack()
        g.provisional_uploads.enter_context(provisional_uploads(app.extensions["database"].session))
        return None

    @app.teardown_request
    def end_upload(_error: BaseException | None) -> None:
        if "upload_slot" in g:
            in_flight.leave(g.pop("upload_slot"))
        scope = g.pop("provisional_uploads", None)
        if scope is not None:
            scope.close()
