import datetime

import lokal
import pytest

from masterplans.schedule import (
    OFFICIAL_CALENDAR,
    WEEKENDS_ONLY,
    Quarter,
    days_off,
    due_date,
    has_official_calendar,
    is_working_day,
)


def days_of(year):
    day = datetime.date(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


def test_a_due_date_on_a_working_day_stays():
    due = Quarter(2026, 3).due()  # 30 September + 15 days = Thursday 15 October 2026
    assert (due.date, due.rule) == (datetime.date(2026, 10, 15), OFFICIAL_CALENDAR)


def test_a_normal_week_has_five_working_days():
    # 14-18 October 2024, the week of the 2024 Q3 due date: no holiday, no cuti bersama.
    week = [datetime.date(2024, 10, 14) + datetime.timedelta(days=n) for n in range(7)]
    assert [is_working_day(day) for day in week] == [True] * 5 + [False] * 2
    due = Quarter(2024, 3).due()
    assert (due.date, due.rule) == (datetime.date(2024, 10, 15), OFFICIAL_CALENDAR)


def test_a_due_date_moves_over_a_weekend_and_a_public_holiday():
    # Saturday 15 August 2026, then Sunday, then Monday 17 August (Proklamasi Kemerdekaan): Tuesday 18 August.
    due = due_date(datetime.date(2026, 8, 15))
    assert (due.date, due.rule) == (datetime.date(2026, 8, 18), OFFICIAL_CALENDAR)


def test_a_due_date_on_good_friday_2022_moves_to_the_monday():
    # Q1 2022 updates fell due on Friday 15 April 2022, Wafat Yesus Kristus; then a weekend.
    due = Quarter(2022, 1).due()
    assert (due.date, due.rule) == (datetime.date(2022, 4, 18), OFFICIAL_CALENDAR)


def test_a_due_date_on_a_cuti_bersama_of_idul_fitri_2024_moves_to_the_next_day():
    # Q1 2024 updates fell due on Monday 15 April 2024, cuti bersama of Idul Fitri 1445 H.
    due = Quarter(2024, 1).due()
    assert (due.date, due.rule) == (datetime.date(2024, 4, 16), OFFICIAL_CALENDAR)


def test_cuti_bersama_counts_as_a_day_off():
    # Idulfitri 2019: cuti bersama 3-4 June, libur 5-6 June, cuti bersama 7 June, then a weekend.
    assert [is_working_day(datetime.date(2019, 6, day)) for day in (3, 4, 7)] == [False, False, False]
    assert due_date(datetime.date(2019, 6, 3)).date == datetime.date(2019, 6, 10)
    # Idulfitri 2026: cuti bersama 20 March, libur 21-22 March, cuti bersama 23-24 March.
    assert due_date(datetime.date(2026, 3, 20)).date == datetime.date(2026, 3, 25)
    # Monday 18 August 2025 was cuti bersama after Proklamasi on the Sunday.
    assert due_date(datetime.date(2025, 8, 16)) == due_date(datetime.date(2025, 8, 19))
    assert due_date(datetime.date(2025, 8, 18)).rule == OFFICIAL_CALENDAR


def test_every_year_of_the_programme_has_the_official_calendar():
    assert [year for year in range(2017, 2028) if not has_official_calendar(year)] == []


def test_only_two_due_dates_of_2017_to_2025_moved_from_weekends_only():
    """The quarters whose updates were due on a weekday holiday or cuti bersama, and so later than the weekends-only
    rule that was used for them before."""

    def weekends_only(day):
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        return day

    moved = [
        quarter
        for quarter in (Quarter(year, number) for year in range(2017, 2026) for number in (1, 2, 3, 4))
        if quarter.due().date != weekends_only(quarter.end + datetime.timedelta(days=15))
    ]
    assert moved == [Quarter(2022, 1), Quarter(2024, 1)]


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_calendar_agrees_with_lokal_id_where_it_has_one(year):
    """``lokal-id``, which schedule.py read before (``lokal.is_working_day``, cuti bersama as days off), carries
    2026 and 2027 only; the ``holidays`` package agrees with it on every day of both, holidays on a Sunday too."""
    assert year in lokal.HOLIDAY_YEARS
    assert [day for day in days_of(year) if is_working_day(day) != lokal.is_working_day(day)] == []
    assert days_off(year) == {datetime.date.fromisoformat(h.date) for h in lokal.get_holidays(year).holidays}


def test_a_year_without_an_official_calendar_skips_weekends_only_and_says_so():
    # Q4 2027 ends 31 December 2027; 15 January 2028 is a Saturday and no SKB for 2028 is carried yet.
    due = Quarter(2027, 4).due()
    assert (due.date, due.rule) == (datetime.date(2028, 1, 17), WEEKENDS_ONLY)
    assert "no official holiday calendar for 2028" in str(due.rule_label)
    # Thursday 17 August 2028 is Proklamasi, but without the year's calendar only weekends count.
    assert is_working_day(datetime.date(2028, 8, 17)) and not has_official_calendar(2028)


def test_the_rule_has_no_brackets_of_its_own():
    """Pages and emails put the rule in brackets: "Due on … (rule)." must not end in "))"."""
    for due in (Quarter(2026, 3).due(), Quarter(2027, 4).due()):
        assert "(" not in str(due.rule_label) and ")" not in str(due.rule_label)


def test_quarters_follow_each_other_across_years():
    assert Quarter.containing(datetime.date(2026, 11, 27)) == Quarter(2026, 4)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).end == datetime.date(2026, 12, 31)
    assert str(Quarter(2026, 2)) == "2026 Q2"
