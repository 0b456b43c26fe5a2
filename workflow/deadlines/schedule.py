"""Proposing the visit schedule of a campaign's direct inspections."""
from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta
from typing import Collection, Iterator, Sequence

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


def _slots(campaign: Campaign, first_notice: date, per_day: int, slot_times: Sequence[time],
           days_to_avoid: Collection[date], taken: Collection[tuple[date, time | None]]) -> Iterator[tuple[date, time]]:
    times = sorted(slot_times[: max(1, min(per_day, len(slot_times)))])
    taken_slots = set(taken)
    taken_per_day = Counter(day for day, _time in taken)
    for day in counting_of(campaign).calendar.working_days(first_visit_day(campaign, first_notice), campaign.window_end):
        if day in days_to_avoid:
            continue
        used = taken_per_day[day]
        for slot in times:
            if used >= per_day:
                break
            if (day, slot) in taken_slots:
                continue
            used += 1
            yield day, slot


def propose_schedule(campaign: Campaign, count: int, first_notice: date, *, visits_per_day: int | None = None,
                     slot_times: Sequence[time] = SLOT_TIMES, days_to_avoid: Collection[date] = (),
                     taken: Collection[tuple[date, time | None]] = ()) -> list[tuple[date, time]]:
    """``count`` visit slots on working days of the window, ``visits_per_day`` a day (default: the
    campaign's) at ``slot_times``, each late enough that its schedule notice can still go out on
    time from ``first_notice`` on; never on ``days_to_avoid``, and around the visits already
    ``taken`` (date and time)."""
    per_day = visits_per_day or campaign.visits_per_day
    slots = []
    for slot in _slots(campaign, first_notice, per_day, slot_times, days_to_avoid, taken):
        if len(slots) == count:
            break
        slots.append(slot)
    if len(slots) < count:
        raise BadData(_("The window {start}–{end} has room for {room} visits at {per_day} a day, not {count}.", start=campaign.window_start, end=campaign.window_end, room=len(slots), per_day=per_day, count=count))
    return slots
