"""SQLAlchemy 2 models. The schema is created and changed only by the Alembic migrations."""
from .alert import ALERT_STATUSES, OUTBOX_STATUSES, RAISED_STATUSES, Alert, OutboxMessage
from .audit import AuditEntry, CaseMoveTally
from .base import Audited, Base, GENESIS_HASH, UTCDateTime
from .campaign import Campaign, CampaignUnit, TeamMember
from .case_file import ATTACHMENT_KINDS, DOCUMENT_STAGES, RENDER_JOB_STATUSES, Attachment, RegisterCounter, RegisterEntry, RenderJob, SectionReview
from .inspection import DUE_DATE_FIELDS, Finding, Inspection
from .outline import Outline, OutlineItem, OutlineSection
from .scheduler import JobRun, SchedulerLease
from .signing_key import SigningKey
from .step_tally import StepDayTally
from .scoring import CriteriaSet, Criterion, ScoreEntry, ScoreEvidence, ScoreSheet
from .unit import Unit, UnitChange
from .user import LoginThrottle, User

AUDITED_MODELS: tuple[type[Audited], ...] = (Inspection, Campaign, Unit, User, Alert)

__all__ = [
    "ALERT_STATUSES",
    "Alert",
    "JobRun",
    "LoginThrottle",
    "OUTBOX_STATUSES",
    "OutboxMessage",
    "RAISED_STATUSES",
    "SchedulerLease",
    "StepDayTally",
    "ATTACHMENT_KINDS",
    "AUDITED_MODELS",
    "Attachment",
    "AuditEntry",
    "Audited",
    "Base",
    "Campaign",
    "CampaignUnit",
    "TeamMember",
    "CaseMoveTally",
    "CriteriaSet",
    "Criterion",
    "DOCUMENT_STAGES",
    "DUE_DATE_FIELDS",
    "Finding",
    "GENESIS_HASH",
    "Inspection",
    "Outline",
    "OutlineItem",
    "OutlineSection",
    "RegisterCounter",
    "RegisterEntry",
    "RENDER_JOB_STATUSES",
    "RenderJob",
    "ScoreEntry",
    "ScoreEvidence",
    "ScoreSheet",
    "SectionReview",
    "SigningKey",
    "Unit",
    "UnitChange",
    "User",
    "UTCDateTime",
]
