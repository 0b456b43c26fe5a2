"""Day counting: calendar days, working days with Vietnamese holidays, Art. 148 BLDS 2015."""
from datetime import date

import pytest

from vocabulary.day_counting import CALENDAR, WORKING
from workflow.deadlines.counting import counting_for


def calendar(extra_off=(), makeup=()):
    return counting_for(CALENDAR, [{"date": d} for d in extra_off], [{"date": d} for d in makeup])


def working(extra_off=(), makeup=()):
    return counting_for(WORKING, [{"date": d} for d in extra_off], [{"date": d} for d in makeup])


def test_weekends_and_holidays_are_days_off():
    cal = calendar().calendar
    assert cal.is_working_day(date(2023, 7, 20))  # Thursday
    assert not cal.is_working_day(date(2023, 7, 22))  # Saturday
    assert not cal.is_working_day(date(2023, 9, 1))  # Quốc khánh
    assert not cal.is_working_day(date(2023, 9, 4))  # Quốc khánh (nghỉ bù)
    assert not cal.is_working_day(date(2023, 1, 24))  # Mùng ba Tết
    assert cal.day_off_name(date(2023, 9, 2)) == "Quốc khánh"


def test_swapped_and_extra_days_come_from_the_campaign():
    # holidays.VN misses the day off of 02/01/2026; a campaign lists it, and a make-up Saturday.
    assert calendar().calendar.is_working_day(date(2026, 1, 2))
    custom = calendar(extra_off=["2026-01-02"], makeup=["2026-01-10"]).calendar
    assert not custom.is_working_day(date(2026, 1, 2))
    assert custom.is_working_day(date(2026, 1, 10))  # a Saturday worked in exchange


def test_forward_period_ending_on_a_day_off_ends_the_next_working_day():
    # Art. 148: 5 days after Mon 28/08/2023 is Sat 02/09 (holiday), then Sun, Mon 04/09 (nghỉ bù).
    assert calendar().period_end(date(2023, 8, 28), 5) == date(2023, 9, 5)
    assert calendar().period_end(date(2023, 7, 20), 5) == date(2023, 7, 25)


def test_backward_limit_and_its_working_day_due_date():
    counting = calendar()
    # 10 days before Wed 02/08/2023 is Sun 23/07: the limit stays, the due date moves to Fri 21/07.
    assert counting.limit_before(date(2023, 8, 2), 10) == date(2023, 7, 23)
    assert counting.due_before(date(2023, 8, 2), 10) == date(2023, 7, 21)
    assert counting.due_before(date(2023, 7, 20), 10) == date(2023, 7, 10)


def test_working_day_counting_skips_weekends_and_tet():
    counting = working()
    assert counting.period_end(date(2023, 7, 20), 5) == date(2023, 7, 27)  # Thu + 5 working days
    assert counting.limit_before(date(2023, 7, 31), 10) == date(2023, 7, 17)
    # Across Tết 2023 (20/01–26/01 off): 3 working days after Thu 19/01 is Tue 31/01.
    assert counting.period_end(date(2023, 1, 19), 3) == date(2023, 1, 31)


@pytest.mark.parametrize("mode", [CALENDAR, WORKING])
def test_due_date_is_always_a_working_day(mode):
    counting = counting_for(mode, [], [])
    for day in range(1, 32):
        visit = date(2023, 8, day)
        assert counting.calendar.is_working_day(counting.due_before(visit, 10))
        assert counting.calendar.is_working_day(counting.period_end(visit, 5))
