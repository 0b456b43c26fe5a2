"""The JSON API under ``/api/v1``: the same service and queries as the UI and the CLI.

A caller is a logged-in browser (session cookie; POSTs then need the ``X-CSRFToken`` header) or a
script with ``Authorization: Bearer <token>`` (per-user tokens, issued by coordinators)."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone
from functools import wraps

from flask import Blueprint, Response, g, jsonify, request, url_for
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import func, select

from admin import csrf
from models import AuditEntry, Inspection
from vocabulary.bounds import MAX_ID, MAX_JSON_BYTES, MAX_OFFSET, json_too_deep
from vocabulary.config import parse_moment, zone
from vocabulary.i18n import _
from web.database import db_session
from web.files import file_store
from web.problems import problem_response
from workflow.engine import service
from workflow.campaigns.opening import open_inspection
from workflow.errors import BadData, NotFound, NotPermitted, Problem, WorkflowError
from workflow.people.accounts import user_for_token
from workflow.people.permissions import AUDIT_READERS, Actor
from workflow.queries.case_list import case_summary, cases_query
from workflow.records.attachments import checked_now

from .openapi import DEFAULT_PAGE, MAX_PAGE, document
from .schemas import FireRequest, IssueRequest, OpenRequest

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")


def problem(error: WorkflowError) -> Response:
    return problem_response(error.http_status, error.code, error.title, str(error), [p.as_dict() for p in error.problems])


class NotAuthenticated(WorkflowError):
    http_status = 401
    code = "not_authenticated"
    title = "Not authenticated"


@blueprint.errorhandler(WorkflowError)
def on_refusal(error: WorkflowError):
    return problem(error)


def authenticated(view):
    """Bearer token or session cookie; the caller's Actor is ``g.actor``."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = user_for_token(db_session(), header[7:].strip())
            if user is None:
                raise NotAuthenticated(_("The API token is not valid."))
            g.actor, g.by_token = Actor.for_user(user), True
        elif current_user.is_authenticated:
            g.actor, g.by_token = current_user.actor, False
        else:
            raise NotAuthenticated(_("Log in or send an API token (Authorization: Bearer …)."))
        return view(*args, **kwargs)

    return wrapped


def _filters() -> dict:
    return {key: request.args.get(key) or None for key in ("state", "kind", "unit_kind", "campaign", "search")}


OVERDUE_VALUES = ("true", "false", "1", "0")


@blueprint.get("/inspections")
@authenticated
def list_inspections():
    query = cases_query(g.actor, **_filters())
    overdue = request.args.get("overdue") or None
    if overdue is not None and overdue not in OVERDUE_VALUES:
        raise BadData(_("{name}: must be one of {choices}.", name="overdue", choices=", ".join(OVERDUE_VALUES)), field="overdue")
    if overdue in ("true", "1"):
        query = query.where(Inspection.next_due_on < datetime.now(timezone.utc).astimezone(zone()).date())
    limit, offset = _page_bounds()
    session = db_session()
    total = session.scalar(query.with_only_columns(func.count(Inspection.id)).order_by(None))
    cases = session.scalars(query.limit(limit).offset(offset)).unique()
    return _paged(jsonify([case_summary(case) for case in cases]), total, limit, offset)


def _page_bounds() -> tuple[int, int]:
    """The page a list answers: ``limit`` (1 to MAX_PAGE, DEFAULT_PAGE by default) and ``offset``."""
    return _whole_number("limit", DEFAULT_PAGE, 1, MAX_PAGE), _whole_number("offset", 0, 0, MAX_OFFSET)


def _paged(response: Response, total: int, limit: int, offset: int) -> Response:
    """The total in ``X-Total-Count`` and the neighbouring pages in ``Link`` (RFC 8288)."""
    def page(start: int) -> str:
        arguments = {**request.args.to_dict(), "limit": limit, "offset": start}
        return url_for(request.endpoint, _external=False, **arguments)

    links = [f'<{page(0)}>; rel="first"']
    if offset > 0:
        links.append(f'<{page(max(offset - limit, 0))}>; rel="prev"')
    if offset + limit < total:
        links.append(f'<{page(offset + limit)}>; rel="next"')
    links.append(f'<{page(max((total - 1) // limit * limit, 0))}>; rel="last"')
    response.headers["X-Total-Count"] = str(total)
    response.headers["Link"] = ", ".join(links)
    return response


def _case(inspection_id: int) -> Inspection:
    query = cases_query(g.actor).where(Inspection.id == inspection_id)
    inspection = db_session().scalars(query).unique().one_or_none()
    if inspection is None:
        raise NotFound(_("Case #{id} does not exist.", id=inspection_id))
    return inspection


@blueprint.post("/inspections")
@authenticated
def open_new_case():
    if not g.by_token:
        csrf.protect()
    try:
        body = OpenRequest.model_validate(request.get_json(silent=True) or {})
    except ValidationError as error:
        raise BadData([Problem(_("{field}: {problem}", field=".".join(map(str, e["loc"])), problem=e["msg"]), ".".join(map(str, e["loc"])))
                       for e in error.errors()]) from None
    inspection = open_inspection(db_session(), campaign_code=body.campaign, unit_name=body.unit, kind=body.kind,
                                 actor=g.actor, now=datetime.now(timezone.utc), data=body.data)
    response = jsonify(_detail(_case(inspection.id)))
    response.status_code = 201
    return response


@blueprint.get("/inspections/<int:inspection_id>")
@authenticated
def get_inspection(inspection_id: int):
    return jsonify(_detail(_case(inspection_id)))


def _detail(inspection: Inspection) -> dict:
    body = case_summary(inspection)
    body["available_triggers"] = service.available_triggers(db_session(), inspection, g.actor, datetime.now(timezone.utc))
    body["finding_list"] = [
        {"number": f.position, "section": f.section_code, "text": f.text, "due_date": f.due_date.isoformat(),
         "status": f.status, "unit_note": f.unit_note, "accepted": f.accepted}
        for f in inspection.findings
    ]
    return body


@blueprint.post("/inspections/<int:inspection_id>/fire")
@authenticated
def fire_trigger(inspection_id: int):
    if not g.by_token:
        csrf.protect()  # a browser session must prove the request came from our pages
    try:
        request_body = FireRequest.model_validate(_json_body())
    except ValidationError:
        raise BadData(_("The body must be JSON: {\"trigger\": …, \"data\": {…}}.")) from None
    result = service.fire(db_session(), inspection_id, request_body.trigger, g.actor, datetime.now(timezone.utc),
                          expected_version=request_body.expected_version, **request_body.data)
    return jsonify({"inspection_id": result.inspection_id, "trigger": result.trigger, "from_state": result.from_state,
                    "to_state": result.to_state, "version": result.version, "audit_entry_id": result.audit_entry_id,
                    "extra": result.extra})


def _json_body() -> object:
    """The request's JSON, refused before parsing when too large or nested too deep."""
    raw = request.get_data(cache=True)
    if len(raw) > MAX_JSON_BYTES:
        raise BadData(_("The body is larger than {limit} KB.", limit=MAX_JSON_BYTES // 1024))
    if json_too_deep(raw):
        raise BadData(_("The body nests lists and objects too deeply."))
    body = request.get_json(silent=True)
    return body if body is not None else {}


def _moment(name: str) -> datetime | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return parse_moment(value)
    except ValueError:
        raise BadData(_("{name}: not an ISO date or time between 2000 and 2100", name=name), field=name) from None


def _whole_number(name: str, default: int | None, low: int, high: int) -> int | None:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    number = int(value) if value.isdigit() and len(value) <= 12 else None
    if number is None or not low <= number <= high:
        raise BadData(_("{name}: must be a whole number from {low} to {high}.", name=name, low=low, high=high), field=name)
    return number


@blueprint.get("/audit")
@authenticated
def audit_log():
    if g.actor.role not in AUDIT_READERS:
        raise NotPermitted(_("Your role may not read the audit log."))
    query = select(AuditEntry, Inspection.unit_name).outerjoin(Inspection, AuditEntry.inspection_id == Inspection.id)
    start, end = _moment("from"), _moment("to")
    conditions = []
    if start:
        conditions.append(AuditEntry.at >= start)
    if end:
        conditions.append(AuditEntry.at < end)
    for argument, column in (("actor", AuditEntry.actor), ("trigger", AuditEntry.trigger), ("state", AuditEntry.to_state),
                             ("unit", Inspection.unit_name)):
        if request.args.get(argument):
            conditions.append(column == request.args[argument])
    inspection_id = _whole_number("inspection", None, 1, MAX_ID)
    if inspection_id is not None:
        conditions.append(AuditEntry.inspection_id == inspection_id)
    limit, offset = _page_bounds()
    query = query.where(*conditions)
    session = db_session()
    counted = select(func.count(AuditEntry.id)).where(*conditions)
    if request.args.get("unit"):  # the only condition on the case
        counted = counted.outerjoin(Inspection, AuditEntry.inspection_id == Inspection.id)
    total = session.scalar(counted)
    rows = session.execute(query.order_by(AuditEntry.id).limit(limit).offset(offset)).all()
    tz = zone()
    return _paged(jsonify({"total": total, "entries": [
        {"id": e.id, "at": e.at.astimezone(tz).isoformat(), "actor": e.actor, "entity": e.entity, "entity_id": e.entity_id,
         "seq": e.seq, "inspection_id": e.inspection_id, "unit": unit, "trigger": e.trigger, "from_state": e.from_state,
         "to_state": e.to_state, "comment": e.comment, "data": json.loads(e.data_json), "prev_hash": e.prev_hash, "hash": e.hash}
        for e, unit in rows
    ]}), total, limit, offset)


@blueprint.get("/files/<int:file_id>/signatures")
@authenticated
def file_signatures(file_id: int):
    """The verdict on a stored PDF's signatures (a file the caller may see)."""
    return jsonify(checked_now(db_session(), file_store(), file_id, g.actor))


def _file_created(attachment) -> Response:
    from workflow.casefile.versions import file_summary

    response = jsonify(file_summary(attachment))
    response.status_code = 201
    return response


@blueprint.post("/files/<int:file_id>/issue")
@authenticated
def issue_file(file_id: int):
    from web.files import file_store, pdf_converter
    from workflow.casefile.issuing import issue_document

    if not g.by_token:
        csrf.protect()
    try:
        body = IssueRequest.model_validate(_json_body())
        day = date.fromisoformat(body.date) if body.date else None
    except (ValidationError, ValueError):
        raise BadData(_("The body must be JSON: {\"number\": …, \"date\": \"YYYY-MM-DD\", \"number_reason\": …}.")) from None
    issued = issue_document(db_session(), file_store(), file_id, actor=g.actor, now=datetime.now(timezone.utc), pdf=pdf_converter(),
                            number=body.number, doc_date=day, number_reason=body.number_reason)
    return _file_created(issued)


@blueprint.post("/files/<int:file_id>/sign")
@authenticated
def sign_file(file_id: int):
    from web.files import file_store, trust_store
    from workflow.casefile.signing import sign_document

    if not g.by_token:
        csrf.protect()
    signed = sign_document(db_session(), file_store(), file_id, actor=g.actor, now=datetime.now(timezone.utc), trust=trust_store())
    return _file_created(signed)


@blueprint.post("/files/<int:file_id>/signed")
@authenticated
def attach_signed_file(file_id: int):
    """The PDF of issued file ``file_id`` signed outside the product (multipart field ``file``)."""
    from workflow.casefile.signed_elsewhere import attach_signed_version

    if not g.by_token:
        csrf.protect()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise BadData(_("Choose a file to add."), field="file")
    store = file_store()
    signed = attach_signed_version(db_session(), store, file_id, store.store_upload(upload.stream, upload.filename),
                                   actor=g.actor, now=datetime.now(timezone.utc))
    return _file_created(signed)


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(document())
