"""What a document's versions show wherever they are listed (a case's files, the campaign's
documents): the label (Dự thảo, Ban hành, Đã ký (n/m)), the signing steps done and to do, and
what the current user may do with each — issue a draft, take the next signing step."""
from __future__ import annotations

from models import Attachment, Campaign, User
from web.database import db_session
from workflow.casefile import versions
from workflow.casefile.signing_steps import SIGNING_STEPS
from workflow.records import register
from workflow.records.files import PDF

from ..access import current_actor

# The register's type of each document numbered at issue, where the văn thư may give the number.
NUMBERED_AT_ISSUE = {"minutes": "BB", "schedule_notice": "TB"}


def version_views(files: list[Attachment], campaign: Campaign, unit_id: int | None, changing: bool) -> dict[int, dict]:
    """By file id, for the files that are versions of a document: its label and steps, whether
    the user may issue it (and type the văn thư's number) or sign it now."""
    from workflow.casefile import signing  # pyHanko: loaded by the first page that shows versions

    actor, session = current_actor(), db_session()
    user = session.get(User, actor.user_id) if actor.user_id else None
    may_issue = changing and actor.may_edit("issue_document", unit_id)
    return {
        a.id: {"label": versions.stage_label(a), "steps": signing.steps_view(a),
               # Issued from the DOCX it was drawn up as (the PDF beside a draft is for reading): one button a draft.
               "issue": may_issue and a.stage == versions.DRAFT and a.document in SIGNING_STEPS and a.content_type != PDF.content_type,
               "number": a.document in NUMBERED_AT_ISSUE and register.numbered_by(campaign, NUMBERED_AT_ISSUE[a.document]) == register.AGENCY,
               "sign": changing and user is not None and signing.may_sign_next(session, a, user)}
        for a in files if a.stage
    }
