"""Who signs which document, in which order: the one table of the signing steps.

A document the office draws up goes draft → issued (numbered, PDF) → signed, one version per
step (workflow.casefile.issuing, workflow.casefile.signing). The competent person signs first,
the organisation (its seal, applied by the văn thư) after (Nghị định 30/2020/NĐ-CP, Art. 32(2d));
an annex in its own file carries only the organisation's text signature at the top right of its
first page (Phụ lục I).
"""
from __future__ import annotations

from dataclasses import dataclass

from vocabulary.i18n import N_

PERSON, ORGANISATION, ANNEX = "person", "organisation", "annex"

# Who a step names: the campaign's signer (TM./KT. of the body, a leader), the team's chair and
# secretary as the case records them, or the văn thư.
CAMPAIGN_SIGNER, CHAIR, SECRETARY, CLERK = "campaign_signer", "chair", "secretary", "clerk"


@dataclass(frozen=True)
class Step:
    kind: str  # PERSON, ORGANISATION or ANNEX
    signer: str  # CAMPAIGN_SIGNER, CHAIR, SECRETARY or CLERK
    seal_over: str | None = None  # an organisation's step: whose signature box its seal covers


BODY = (Step(PERSON, CAMPAIGN_SIGNER), Step(ORGANISATION, CLERK, seal_over=CAMPAIGN_SIGNER))
SIGNING_STEPS: dict[str, tuple[Step, ...]] = {
    "conclusion_notice": BODY,
    "unit_schedule_notice": BODY,
    "schedule_notice": BODY,
    "minutes": (Step(PERSON, CHAIR), Step(PERSON, SECRETARY), Step(ORGANISATION, CLERK, seal_over=CHAIR)),
    "scores_annex": (Step(ANNEX, CLERK),),
}

SIGNER_LABELS = {
    CAMPAIGN_SIGNER: N_("the signer of the body"),
    CHAIR: N_("the team's chair"),
    SECRETARY: N_("the team's secretary"),
    CLERK: N_("the records clerk (the organisation's signature)"),
}
