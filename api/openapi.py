"""The OpenAPI 3.1 document of ``/api/v1``, generated from the schemas the API and the service use."""
from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from vocabulary.bounds import MAX_ID, MAX_OFFSET
from vocabulary.states import Kind, State, UnitKind
from workflow.engine.trigger_data import SCHEMAS

from .schemas import (AuditPage, CaseDetail, CaseSummary, FileOut, FireRequest, FireResponse, IssueRequest, OpenRequest, Problem,
                      Signatures)

REF = "#/components/schemas/{model}"
MAX_PAGE = 1000  # cases or audit entries in one answer
DEFAULT_PAGE = 100


def _schemas(*models: type[BaseModel]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template=REF)
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found


def _json(model: str, description: str, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": {"$ref": REF.format(model=model)}}}}


def _problems(*statuses: int) -> dict[str, Any]:
    meanings = {401: "Not logged in and no valid token", 403: "The caller's role may not do this",
                404: "No such case or campaign (or not the caller's unit)", 409: "Not allowed from this state, or changed meanwhile",
                422: "Bad data, or a rule refuses the change"}
    return {str(status): _json("Problem", meanings[status], "application/problem+json") for status in statuses}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _filters(*names: str) -> list[dict[str, Any]]:
    """The query parameters, each with the values the server accepts (anything else: 422)."""
    return [_query(name, QUERY_SCHEMAS.get(name, {"type": "string", "maxLength": 200})) for name in names]


def _enum(vocabulary: type[StrEnum]) -> dict[str, Any]:
    return {"type": "string", "enum": [member.value for member in vocabulary]}


QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "state": _enum(State),
    "kind": _enum(Kind),
    "unit_kind": _enum(UnitKind),
    "overdue": {"type": "string", "enum": ["true", "false", "1", "0"]},
    "search": {"type": "string", "maxLength": 200, "description": "Part of the unit's name; diacritics and case ignored"},
    "from": {"type": "string", "format": "date-time", "description": "ISO 8601, from 2000 to 2100; without an offset, local time"},
    "to": {"type": "string", "format": "date-time", "description": "ISO 8601, from 2000 to 2100; without an offset, local time"},
    "inspection": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_PAGE},
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
}


PAGE_HEADERS: dict[str, Any] = {
    "X-Total-Count": {"description": "How many match, on every page", "schema": {"type": "integer"}},
    "Link": {"description": "RFC 8288 links to the first, prev, next and last pages", "schema": {"type": "string"}},
}


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    trigger_schemas = {f"TriggerData_{name}": schema for name, schema in SCHEMAS.items()}
    components = _schemas(CaseSummary, CaseDetail, FireRequest, FireResponse, OpenRequest, AuditPage, Problem, FileOut, IssueRequest,
                          Signatures)
    for name, schema in trigger_schemas.items():
        components[name] = schema.model_json_schema(ref_template=REF)
        components.update(components[name].pop("$defs", {}))
    components["FireRequest"]["properties"]["trigger"]["enum"] = sorted(SCHEMAS)
    components["FireRequest"]["x-trigger-data"] = {name: {"$ref": REF.format(model=f"TriggerData_{name}")} for name in SCHEMAS}
    case_id = {"name": "inspection_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
    file_id = {"name": "file_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kiểm tra CCHC — API", "version": "1",
                 "description": "Cases of the administrative-reform inspection campaign. Authenticate with the session "
                                "cookie of a logged-in user (POSTs then need X-CSRFToken) or Authorization: Bearer <token>."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/inspections": {"get": {
                "summary": "The cases the caller may see, a page at a time (by id)",
                "parameters": _filters("state", "kind", "unit_kind", "campaign", "search", "overdue", "limit", "offset"),
                "responses": {"200": {"description": "Cases", "headers": PAGE_HEADERS, "content": {"application/json": {"schema": {
                    "type": "array", "items": {"$ref": REF.format(model="CaseSummary")}}}}}, **_problems(401, 422)},
            }, "post": {
                "summary": "Open a case outside the plan's list: a surprise inspection, or a unit added to a running campaign "
                           "(coordinators only; the first entry of the case's audit chain)",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model="OpenRequest")}}}},
                "responses": {"201": _json("CaseDetail", "The case opened"), **_problems(401, 403, 404, 409, 422)},
            }},
            "/inspections/{inspection_id}": {"get": {
                "summary": "One case, with what the caller may fire now and its findings",
                "parameters": [case_id],
                "responses": {"200": _json("CaseDetail", "The case"), **_problems(401, 404, 422)},
            }},
            "/inspections/{inspection_id}/fire": {"post": {
                "summary": "Fire a trigger on the case (the same service as the UI and the CLI)",
                "parameters": [case_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model="FireRequest")}}}},
                "responses": {"200": _json("FireResponse", "The change was made"), **_problems(401, 403, 404, 409, 422)},
            }},
            "/files/{file_id}/signatures": {"get": {
                "summary": "The verdict on a stored PDF's digital signatures, checked now against the trust roots",
                "parameters": [file_id],
                "responses": {"200": _json("Signatures", "The verdict"), **_problems(401, 404, 422)},
            }},
            "/files/{file_id}/signed": {"post": {
                "summary": "Record a PDF signed outside the product (e-office, vSignPDF) as the signed version of issued file "
                           "file_id: every signature valid and covering the whole file, what was signed the issued PDF byte for byte",
                "parameters": [file_id],
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                "responses": {"201": _json("FileOut", "The signed version, with the check of its signatures"),
                              **_problems(401, 403, 404, 422)},
            }},
            "/files/{file_id}/issue": {"post": {
                "summary": "Issue a draft: its number and date from the register, drawn up again as PDF (the version that "
                           "is signed; the office and the văn thư)",
                "parameters": [file_id],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {"$ref": REF.format(model="IssueRequest")}}}},
                "responses": {"201": _json("FileOut", "The issued version"), **_problems(401, 403, 404, 409, 422)},
            }},
            "/files/{file_id}/sign": {"post": {
                "summary": "Take the next signing step on an issued (or partly signed) PDF with the caller's registered key: "
                           "the person the document names, then the văn thư for the organisation",
                "parameters": [file_id],
                "responses": {"201": _json("FileOut", "The signed version, with the check of its signatures"),
                              **_problems(401, 403, 404, 409, 422)},
            }},
            "/audit": {"get": {
                "summary": "The audit log (auditors, leaders, coordinators, team members)",
                "parameters": _filters("from", "to", "actor", "unit", "trigger", "state", "inspection", "limit", "offset"),
                "responses": {"200": {**_json("AuditPage", "Entries, oldest first"), "headers": PAGE_HEADERS},
                              **_problems(401, 403, 422)},
            }},
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}}}},
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
        },
    }
