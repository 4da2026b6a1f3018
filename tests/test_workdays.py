"""Working-day arithmetic against hand-counted cases, including announced swaps and fallbacks."""
import datetime as dt

import pytest

from pipeline.workdays import WorkCalendar, default_calendar

D = dt.date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return default_calendar()


@pytest.mark.parametrize(
    "issued, due",
    [
        (D(2024, 3, 5), D(2024, 3, 12)),  # the contract's own example: plain weeks
        (D(2020, 8, 31), D(2020, 9, 9)),  # the real letter: Quốc khánh 2–3/9/2020 skipped
        (D(2024, 4, 25), D(2024, 5, 6)),  # 29/4 swapped off, 30/4–1/5 holidays, Sat 4/5 make-up workday
        (D(2026, 2, 12), D(2026, 2, 26)),  # Tết Bính Ngọ 16–20/2/2026
        (D(2026, 1, 7), D(2026, 1, 13)),  # Sat 10/01/2026 is a make-up workday
        (D(2027, 4, 28), D(2027, 5, 7)),  # unannounced year: 30/4 and 1/5 (Sat → Mon 3/5) by rule
    ],
)
def test_fifth_working_day(cal, issued, due):
    assert cal.add_workdays(issued, 5) == due


def test_make_up_saturday_is_a_workday_and_swapped_weekday_is_not(cal):
    assert cal.is_workday(D(2024, 5, 4))
    assert not cal.is_workday(D(2024, 4, 29))
    assert not cal.is_workday(D(2024, 5, 11))  # an ordinary Saturday


def test_workdays_between_is_inverse_of_add(cal):
    start = D(2025, 1, 20)
    for n in (1, 5, 17, 40):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n
    assert cal.workdays_between(D(2025, 2, 10), D(2025, 1, 20)) < 0


def test_announced_years_are_known(cal):
    assert cal.is_announced(2026)
    assert not cal.is_announced(2031)
    assert cal.day_off_name(D(2026, 4, 27)) == "Nghỉ bù Giỗ Tổ Hùng Vương"


def test_calendar_is_data_not_code():
    text = """
version = "t"
fixed = [{ month = 1, day = 1, name = "Tết Dương lịch" }]
[years.2030]
days_off = [{ date = 2030-03-04, name = "Nghỉ thử" }]
make_up_workdays = [{ date = 2030-03-09, name = "Làm bù thử" }]
"""
    cal = WorkCalendar.from_toml(text)
    assert not cal.is_workday(D(2030, 3, 4))
    assert cal.is_workday(D(2030, 3, 9))
    assert cal.add_workdays(D(2030, 3, 1), 1) == D(2030, 3, 5)
