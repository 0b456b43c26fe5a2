"""What the state machine sees of a case while one trigger is being decided."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from sqlalchemy.orm import Session

from models import Attachment, Campaign, Inspection
from vocabulary.config import local_date
from workflow.deadlines.counting import DayCounting, counting_of
from workflow.engine.trigger_data import TriggerData
from workflow.errors import Problem
from workflow.people.permissions import Actor


@dataclass(eq=False)
class CaseContext:
    """The model that ``transitions`` drives: a case, the data given with the trigger, the moment.

    ``data`` is None when the UI only asks which triggers are possible ("preview"): guards that
    need the trigger's data then let it pass, and those that depend only on the case decide.
    """

    session: Session
    inspection: Inspection
    campaign: Campaign
    now: datetime
    actor: Actor
    data: TriggerData | None = None
    refusals: list[Problem] = field(default_factory=list)
    # Files the effects recorded, linked to the change's audit entry by the service.
    attachments: list[Attachment] = field(default_factory=list)

    # ``transitions`` reads and writes the state through this attribute.
    @property
    def state(self) -> str:
        return self.inspection.state

    @state.setter
    def state(self, value: str) -> None:
        if self.inspection.state != value:
            self.inspection.state = value

    @property
    def preview(self) -> bool:
        return self.data is None

    @cached_property
    def today(self) -> date:
        return local_date(self.now)

    @property
    def counting(self) -> DayCounting:
        return counting_of(self.campaign)
