"""Counting days the way the plan and the Civil Code do.

* Calendar days by default (the plan says "trước 10 ngày"); a campaign may count working days.
* Working days: Monday–Friday, minus Vietnamese public holidays (``holidays.VN``, lunar Tết
  included, with the swapped working days it knows), minus the campaign's extra days off, plus its
  make-up working days.
* A forward period ("within N days after") whose last day is a day off ends at the close of the
  next working day (Bộ luật Dân sự 2015, Art. 148).
* A backward requirement ("at least N days before") has a *limit* (the latest date that satisfies
  it) and a *due date*: the limit moved back to a working day, the last day staff can act on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Iterable

import holidays

from vocabulary.day_counting import CALENDAR, COUNTING_MODES, WORKING

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1)
def _vietnam() -> holidays.HolidayBase:
    return holidays.VN(language="vi")


@dataclass(frozen=True)
class WorkCalendar:
    extra_days_off: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.extra_days_off:
            return False
        return _vietnam().is_working_day(day)

    def day_off_name(self, day: date) -> str | None:
        """The Vietnamese name of the holiday on ``day``, if it is one."""
        return _vietnam().get(day)

    def on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def shift_working_days(self, day: date, count: int) -> date:
        """Move ``count`` working days forward (positive) or back (negative) from ``day``."""
        step = ONE_DAY if count >= 0 else -ONE_DAY
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days(self, start: date, end: date) -> Iterable[date]:
        day = start
        while day <= end:
            if self.is_working_day(day):
                yield day
            day += ONE_DAY


@dataclass(frozen=True)
class DayCounting:
    """How a campaign counts the days of its lead times and periods."""

    calendar: WorkCalendar
    mode: str = CALENDAR

    def period_end(self, start: date, days: int) -> date:
        """Last day of a period of ``days`` after ``start`` (Art. 148 when it falls on a day off)."""
        if self.mode == WORKING:
            return self.calendar.shift_working_days(start, days)
        return self.calendar.on_or_after(start + timedelta(days=days))

    def limit_before(self, event: date, days: int) -> date:
        """Latest date that is still at least ``days`` before ``event``."""
        if self.mode == WORKING:
            return self.calendar.shift_working_days(event, -days)
        return event - timedelta(days=days)

    def due_before(self, event: date, days: int) -> date:
        """The limit before ``event``, moved back to a working day."""
        return self.calendar.on_or_before(self.limit_before(event, days))


def _dates(entries: Iterable[str]) -> frozenset[date]:
    return frozenset(date.fromisoformat(entry) for entry in entries)


@lru_cache(maxsize=64)
def _counting(mode: str, days_off: tuple[str, ...], makeup: tuple[str, ...]) -> DayCounting:
    return DayCounting(WorkCalendar(_dates(days_off), _dates(makeup)), mode)


def counting_for(mode: str, extra_days_off: list[dict] | None, makeup_workdays: list[dict] | None) -> DayCounting:
    """The day counting of a campaign, cached on its settings themselves (so a campaign changed
    in any way, saved or not, in any database, gets its own).

    ``extra_days_off`` and ``makeup_workdays`` are lists of ``{"date": "YYYY-MM-DD", "note": …}``.
    """
    return _counting(
        mode if mode in COUNTING_MODES else CALENDAR,
        tuple(sorted(entry["date"] for entry in extra_days_off or ())),
        tuple(sorted(entry["date"] for entry in makeup_workdays or ())),
    )


def counting_of(campaign: Any) -> DayCounting:
    """The day counting of a campaign (its mode, extra days off and make-up working days)."""
    return counting_for(campaign.day_counting, campaign.extra_days_off, campaign.makeup_workdays)
