"""Proposing the visit schedule of a campaign's direct inspections."""
from __future__ import annotations

from datetime import date, time, timedelta
from typing import Iterator

from models import Campaign
from vocabulary.i18n import _
from workflow.deadlines.counting import counting_of
from workflow.errors import BadData

# Morning and afternoon first, then the later slots when more visits a day are wanted.
SLOT_TIMES = (time(8, 0), time(14, 0), time(10, 0), time(16, 0))


def first_visit_day(campaign: Campaign, first_notice: date) -> date:
    """The first working day of the window whose notice is still due on or after ``first_notice``."""
    counting = counting_of(campaign)
    day = counting.calendar.on_or_after(max(campaign.window_start, first_notice))
    while counting.due_before(day, campaign.notice_lead_days) < first_notice:
        day = counting.calendar.on_or_after(day + timedelta(days=1))
    return day


def _slots(campaign: Campaign, first_notice: date) -> Iterator[tuple[date, time]]:
    per_day = SLOT_TIMES[: max(1, min(campaign.visits_per_day, len(SLOT_TIMES)))]
    for day in counting_of(campaign).calendar.working_days(first_visit_day(campaign, first_notice), campaign.window_end):
        for slot in sorted(per_day):
            yield day, slot


def propose_schedule(campaign: Campaign, count: int, first_notice: date) -> list[tuple[date, time]]:
    """``count`` visit slots on working days of the window, ``visits_per_day`` a day, each late
    enough that its schedule notice can still go out on time from ``first_notice`` on."""
    slots = []
    for slot in _slots(campaign, first_notice):
        if len(slots) == count:
            break
        slots.append(slot)
    if len(slots) < count:
        raise BadData(_("The window {start}–{end} has room for {room} visits at {per_day} a day, not {count}.", start=campaign.window_start, end=campaign.window_end, room=len(slots), per_day=campaign.visits_per_day, count=count))
    return slots
