import datetime

from masterplans.schedule import OFFICIAL_CALENDAR, WEEKENDS_ONLY, Quarter, due_date


def test_a_due_date_on_a_working_day_stays():
    due = Quarter(2026, 3).due()  # 30 September + 15 days = Thursday 15 October 2026
    assert (due.date, due.rule) == (datetime.date(2026, 10, 15), OFFICIAL_CALENDAR)


def test_a_due_date_moves_over_a_weekend_and_a_public_holiday():
    # Saturday 15 August 2026, then Sunday, then Monday 17 August (Proklamasi Kemerdekaan): Tuesday 18 August.
    due = due_date(datetime.date(2026, 8, 15))
    assert (due.date, due.rule) == (datetime.date(2026, 8, 18), OFFICIAL_CALENDAR)


def test_cuti_bersama_counts_as_a_day_off():
    # Idulfitri 2026: cuti bersama 20 March, libur 21-22 March, cuti bersama 23-24 March.
    assert due_date(datetime.date(2026, 3, 20)).date == datetime.date(2026, 3, 25)


def test_a_year_without_an_official_calendar_skips_weekends_only_and_says_so():
    # Q4 2027 ends 31 December 2027; 15 January 2028 is a Saturday and lokal-id has no 2028 calendar.
    due = Quarter(2027, 4).due()
    assert (due.date, due.rule) == (datetime.date(2028, 1, 17), WEEKENDS_ONLY)
    assert "no official holiday calendar for 2028" in str(due.rule_label)
    # Monday 18 August 2025 was a holiday (cuti bersama), but lokal-id has no 2025 calendar: weekends only.
    assert due_date(datetime.date(2025, 8, 16)) == due_date(datetime.date(2025, 8, 18))
    assert due_date(datetime.date(2025, 8, 18)).rule == WEEKENDS_ONLY


def test_quarters_follow_each_other_across_years():
    assert Quarter.containing(datetime.date(2026, 11, 27)) == Quarter(2026, 4)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2026, 4).end == datetime.date(2026, 12, 31)
    assert str(Quarter(2026, 2)) == "2026 Q2"
