"""The distinct ways a change to a case can be refused.

Each error carries one or more :class:`Problem` (a field, when one is to blame, and a translatable
text), so the CLI prints the reason, the API returns it as problem+json and the admin UI shows it
next to the field.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from vocabulary.i18n import Text, _


@dataclass(frozen=True)
class Problem:
    text: Text
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": str(self.text)}


class WorkflowError(Exception):
    """Base of every refusal. ``http_status`` is what the JSON API answers with."""

    http_status = 400
    code = "workflow_error"
    title = "Refused"

    def __init__(self, problems: Iterable[Problem] | Text, *, field: str | None = None):
        if isinstance(problems, Text):
            problems = [Problem(problems, field)]
        self.problems: list[Problem] = list(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "; ".join(str(problem.text) for problem in self.problems)


class NotFound(WorkflowError):
    http_status = 404
    code = "not_found"
    title = "Not found"


class NotPermitted(WorkflowError):
    http_status = 403
    code = "not_permitted"
    title = "Not permitted"


class TransitionNotAllowed(WorkflowError):
    """The machine has no such move from the case's current state."""

    http_status = 409
    code = "transition_not_allowed"
    title = "Not allowed from this state"


class GuardRefused(WorkflowError):
    """The move exists but one of its rules refuses it."""

    http_status = 422
    code = "guard_refused"
    title = "A rule refuses this change"


class BadData(WorkflowError):
    """The data given with the trigger is missing, malformed or unknown."""

    http_status = 422
    code = "bad_data"
    title = "Invalid data"


class CampaignClosed(WorkflowError):
    """The case belongs to a closed campaign: it can be read and reported on, not changed."""

    http_status = 409
    code = "campaign_closed"
    title = "The campaign is closed"


class ConcurrentUpdate(WorkflowError):
    """Someone else changed the case first; reload and try again."""

    http_status = 409
    code = "concurrent_update"
    title = "Changed by someone else"

    def __init__(self, problems: Iterable[Problem] | Text | None = None, **kwargs: Any):
        super().__init__(
            problems
            or _("The case was changed by someone else at the same time; reload it and try again."),
            **kwargs,
        )
