"""The shapes the JSON API answers with, declared once: the OpenAPI document is generated from
them, and the tests check real answers against that document."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from vocabulary.states import Kind, State, UnitKind
from workflow.campaigns.opening import OpeningData

StateName = Literal[tuple(s.value for s in State)]  # type: ignore[valid-type]
KindName = Literal[tuple(k.value for k in Kind)]  # type: ignore[valid-type]
UnitKindName = Literal[tuple(k.value for k in UnitKind)]  # type: ignore[valid-type]


class NextDue(BaseModel):
    what: str
    date: str


class CaseSummary(BaseModel):
    """One case, as ``inspections list --json`` prints it."""

    id: int
    campaign: str
    unit: str = Field(description="The unit's name as it was when the case was opened")
    unit_id: int
    unit_kind: UnitKindName
    kind: KindName
    state: StateName
    state_label: str
    version: int
    visit_date: str | None
    visit_time: str | None
    notice_number: str | None
    notice_date: str | None
    received_date: str | None
    visited_date: str | None
    minutes_date: str | None
    conclusion_date: str | None
    closed_date: str | None
    notice_due: str | None
    report_due: str | None
    minutes_due: str | None
    conclusion_due: str | None
    remediation_due: str | None
    self_report_due: str | None
    self_check_due: str | None
    next_due: NextDue | None
    late: list[str]
    findings: int
    reinspection_of: int | None


class FindingOut(BaseModel):
    number: int
    section: str
    text: str
    due_date: str
    status: str
    unit_note: str | None
    accepted: bool | None


class CaseDetail(CaseSummary):
    available_triggers: list[str] = Field(description="What the caller may fire now")
    finding_list: list[FindingOut]


class FireRequest(BaseModel):
    trigger: str = Field(description="One of the triggers; see the x-trigger-data schemas")
    data: dict[str, Any] = Field(default_factory=dict)
    expected_version: int | None = Field(None, description="The version the caller last saw; 409 if it moved")


class OpenRequest(BaseModel):
    """Open a case outside the plan's list (workflow.campaigns.opening)."""

    campaign: str = Field(max_length=50, description="The campaign's code")
    unit: str = Field(max_length=200, description="The unit's name; an unknown one answers 422 with the close matches")
    kind: Literal["surprise", "direct", "self"]
    data: OpeningData = Field(default_factory=OpeningData, description="visit_date (ISO), visit_time (HH:MM), reason")


class FireResponse(BaseModel):
    inspection_id: int
    trigger: str
    from_state: StateName
    to_state: StateName
    version: int
    audit_entry_id: int
    extra: dict[str, Any]


class AuditEntryOut(BaseModel):
    id: int
    at: str = Field(description="ISO 8601, in the configured time zone")
    actor: str
    entity: str
    entity_id: int
    seq: int
    inspection_id: int | None
    unit: str | None
    trigger: str
    from_state: str | None
    to_state: str | None
    comment: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    total: int
    entries: list[AuditEntryOut]


class SignatureOut(BaseModel):
    """One digital signature of a PDF, as ``documents.signatures.check_pdf`` judged it."""

    field: str
    signer: str = Field(description="The certificate's common name")
    organisation: str | None
    signed_at: str | None = Field(description="The signing time the signature claims, ISO 8601")
    intact: bool
    trusted: bool = Field(description="The certificate chains to a root of the trust folder (TRUST_ROOTS)")
    valid_at_signing: bool
    revoked: bool
    covers_whole_file: bool
    role: Literal["person", "organisation"]
    problem: str | None
    status: Literal["valid", "broken", "untrusted", "expired", "revoked"]


class Signatures(BaseModel):
    """The verdict on a PDF's digital signatures: ``valid`` when it carries at least one and all are."""

    status: Literal["valid", "unsigned", "broken", "untrusted", "expired", "revoked"]
    signatures: list[SignatureOut]
    has_person: bool
    has_organisation: bool
    message: str


class ProblemField(BaseModel):
    field: str | None
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemField] = []


class SignatureSummary(BaseModel):
    status: Literal["valid", "unsigned", "broken", "untrusted", "expired", "revoked"]
    message: str = Field(description="One line: who signed when, or why the check failed")


class FileOut(BaseModel):
    """A file of a case, as ``documents list --json`` prints it."""

    id: int
    kind: str
    stage: Literal["draft", "issued", "signed"] | None = Field(description="A document's version; null for any other file")
    label: str = Field(description="Dự thảo, Ban hành, Đã ký (n/m); empty for any other file")
    name: str
    document: str | None = Field(description="The document it is a version of: minutes, conclusion_notice …")
    parent: int | None = Field(description="The version it was made from")
    signatures: SignatureSummary | None = Field(description="The check of its signatures when it was signed in the product")


class IssueRequest(BaseModel):
    number: str | None = Field(None, max_length=50, description="The number the văn thư gave (types it numbers), or another than the register's next")
    date: str | None = Field(None, description="ISO date of the document; default today")
    number_reason: str | None = Field(None, max_length=500, description="Why another number than the register's next")
