"""Personnel rules: salary grid, raise intervals with history, appointment terms, retirement ages,
effective dates — each on an event that triggers the rule and on one that passes."""
import datetime as dt

import pytest

from pipeline.model import Event, Person, Post, Salary
from validators import personnel, salary_grid

AN = Person("Nguyễn Văn An", dt.date(1980, 5, 12), sex="male")


def event(type_="salary_raise", salary=None, effective=dt.date(2025, 3, 1), person=AN, **fields):
    return Event(type_, person, salary=salary, effective_date=effective, page=1, **fields)


def rules_of(findings):
    return [f.rule for f in findings]


@pytest.mark.parametrize("salary, code", [
    (Salary("01.003", 4, 3.33), None),
    (Salary("01.003", 4, 3.34), "SALARY-GRID-MISMATCH"),  # off-grid coefficient
    (Salary("01.003", 10, 4.98), "SALARY-GRID-MISMATCH"),  # A1 has 9 steps
    (Salary("01.004", 10, 4.89), None),  # cán sự is A0 since TT 02/2021: 10 steps
    (Salary("02.008", 12, 4.06), None),
    (Salary("A2.1", 2, 4.74), None),  # a group code instead of a ngạch code
    (Salary("01.003", None, 3.66), None),
    (Salary("01.003", None, 3.50), "SALARY-GRID-MISMATCH"),
    (Salary(None, 3, 3.00), None),
    (Salary(None, 3, 3.01), "SALARY-GRID-MISMATCH"),
    (Salary("99.999", 3, 3.00), "SALARY-SCALE-UNKNOWN"),
    (Salary("01.003", None, None), None),
])
def test_salary_triple_must_be_on_the_grid(salary, code):
    findings = salary_grid.check_salary(salary, "Nguyễn Văn An", page=1)
    assert rules_of(findings) == ([code] if code else [])


def test_grid_mismatch_message_gives_the_right_coefficient():
    (finding,) = salary_grid.check_salary(Salary("01.003", 4, 3.34), "Nguyễn Văn An")
    assert finding.severity == "error" and "3.33" in finding.message and "Nguyễn Văn An" in finding.message


def test_a_raise_goes_up_exactly_one_step():
    good = event(salary=Salary("01.003", 4, 3.33), previous_salary=Salary("01.003", 3, 3.00))
    jump = event(salary=Salary("01.003", 5, 3.66), previous_salary=Salary("01.003", 3, 3.00))
    assert personnel.check_event(good) == []
    assert rules_of(personnel.check_event(jump)) == ["SALARY-STEP-NOT-NEXT"]


def history_at(date, step=3):
    return (Event("salary_raise", AN, salary=Salary("01.003", step, salary_grid.expected_coefficient("01.003", step)),
                  effective_date=date),)


def test_regular_raise_needs_36_months_in_step_for_a1():
    raise_ = event(salary=Salary("01.003", 4, 3.33))
    assert personnel.check_raise_interval(raise_, history_at(dt.date(2022, 3, 1))) == []
    (finding,) = personnel.check_raise_interval(raise_, history_at(dt.date(2023, 3, 1)))
    assert finding.rule == "RAISE-INTERVAL-SHORT" and finding.severity == "error"
    assert "24 tháng" in finding.message and "36 tháng" in finding.message
    assert personnel.check_raise_interval(raise_, ()) == []  # no history: nothing to measure


def test_regular_raise_needs_24_months_for_group_b():
    raise_ = event(salary=Salary("01.005", 5, 2.66))
    history = (Event("salary_raise", AN, salary=Salary("01.005", 4, 2.46), effective_date=dt.date(2023, 3, 1)),)
    assert personnel.check_raise_interval(raise_, history) == []


def test_early_raise_at_most_12_months_early():
    early = event("early_salary_raise", salary=Salary("01.003", 4, 3.33))
    assert personnel.check_raise_interval(early, history_at(dt.date(2023, 3, 1))) == []  # 24 months: 12 early
    (finding,) = personnel.check_raise_interval(early, history_at(dt.date(2023, 9, 1)))  # 18 months: 18 early
    assert finding.rule == "EARLY-RAISE-TOO-EARLY" and "18 tháng" in finding.message


def test_the_event_itself_in_the_history_is_not_its_own_predecessor():
    raise_ = event(salary=Salary("01.003", 4, 3.33))
    assert personnel.check_raise_interval(raise_, history_at(dt.date(2022, 3, 1)) + (raise_,)) == []


def appointment(type_, date):
    return Event(type_, AN, to_post=Post("Sở Nội vụ", "Trưởng phòng"), effective_date=date, page=1)


@pytest.mark.parametrize("reappointed, code", [
    (dt.date(2025, 3, 1), None),
    (dt.date(2025, 5, 1), None),  # within the 90-day tolerance
    (dt.date(2024, 6, 1), "APPOINTMENT-TERM-EARLY"),
    (dt.date(2026, 3, 1), "APPOINTMENT-TERM-LAPSED"),
])
def test_reappointment_falls_due_when_the_five_year_term_ends(reappointed, code):
    history = (appointment("appointment", dt.date(2020, 3, 1)),)
    findings = personnel.check_appointment_term(appointment("reappointment", reappointed), history)
    assert rules_of(findings) == ([code] if code else [])


def test_a_reappointment_to_another_post_is_not_measured_against_this_one():
    history = (Event("appointment", AN, to_post=Post("Sở Y tế", "Phó Giám đốc"), effective_date=dt.date(2024, 1, 1)),)
    assert personnel.check_appointment_term(appointment("reappointment", dt.date(2025, 3, 1)), history) == []


@pytest.mark.parametrize("birth, sex, due", [
    (dt.date(1960, 5, 10), "male", dt.date(2020, 5, 10)),  # 60 before 2021
    (dt.date(1961, 1, 15), "male", dt.date(2021, 4, 15)),  # 60y3m in 2021
    (dt.date(1961, 10, 1), "male", dt.date(2022, 4, 1)),  # 60y3m would fall in 2022, where 60y6m applies
    (dt.date(1966, 1, 20), "female", dt.date(2021, 5, 20)),  # 55y4m in 2021
    (dt.date(1980, 5, 12), "male", dt.date(2042, 5, 12)),  # 62 from 2028
    (dt.date(1980, 5, 12), "female", dt.date(2040, 5, 12)),  # 60 from 2035
])
def test_retirement_age_follows_decree_135(birth, sex, due):
    assert personnel.retirement_due(birth, sex) == due


def test_retirement_before_the_age_is_flagged_and_from_the_month_of_the_age_passes():
    woman = Person("Lê Thị Hoa", dt.date(1968, 3, 10), sex="female")
    due = personnel.retirement_due(woman.birth_date, "female")
    assert due == dt.date(2024, 7, 10)  # 56 falls in 2024, where 56y4m applies
    on_time = Event("retirement", woman, effective_date=due.replace(day=1))
    early = Event("retirement", woman, effective_date=dt.date(2024, 6, 1))
    assert personnel.check_retirement_age(on_time) == []
    assert rules_of(personnel.check_retirement_age(early)) == ["RETIREMENT-AGE-EARLY"]


def test_an_appointment_after_retirement_age_is_flagged():
    old = Person("Phạm Văn Cường", dt.date(1955, 1, 1))  # sex unknown: the later (men's) age counts
    late = Event("appointment", old, effective_date=dt.date(2025, 1, 1))
    assert rules_of(personnel.check_retirement_age(late)) == ["EVENT-AFTER-RETIREMENT-AGE"]
    assert personnel.check_retirement_age(appointment("appointment", dt.date(2025, 1, 1))) == []


@pytest.mark.parametrize("type_, effective, code", [
    ("appointment", dt.date(2025, 3, 1), None),
    ("appointment", dt.date(2023, 3, 1), "EFFECTIVE-DATE-IMPLAUSIBLE"),
    ("appointment", dt.date(2026, 3, 1), "EFFECTIVE-DATE-IMPLAUSIBLE"),
    ("salary_raise", dt.date(2024, 1, 1), None),  # raises are back-dated
    ("salary_raise", dt.date(2021, 1, 1), "EFFECTIVE-DATE-IMPLAUSIBLE"),
])
def test_effective_date_against_issue_date(type_, effective, code):
    findings = personnel.check_effective_date(event(type_, effective=effective), dt.date(2025, 2, 5))
    assert rules_of(findings) == ([code] if code else [])


def test_check_events_uses_each_persons_history():
    raise_ = event(salary=Salary("01.003", 4, 3.33), previous_salary=Salary("01.003", 3, 3.00))
    histories = {AN.name: history_at(dt.date(2024, 3, 1))}
    findings = personnel.check_events([raise_], dt.date(2025, 2, 5), lambda p: histories.get(p.name, ()))
    assert rules_of(findings) == ["RAISE-INTERVAL-SHORT"]
    assert personnel.check_events([raise_], dt.date(2025, 2, 5)) == ()


def test_month_arithmetic():
    assert personnel.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert personnel.months_between(dt.date(2022, 3, 15), dt.date(2025, 3, 14)) == 35
    assert personnel.months_between(dt.date(2022, 3, 15), dt.date(2025, 3, 15)) == 36
    assert personnel.term_end(dt.date(2020, 3, 1)) == dt.date(2025, 2, 28)
