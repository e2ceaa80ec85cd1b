"""A report's period: a calendar month (``2026-10``) or a quarter (``2026-Q3``)."""

import datetime
import re
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from masterplans.schedule import Quarter
from mou.models import FIRST_PROGRAMME_YEAR
from smartcity.reports.choices import PeriodKind

KEY_PATTERN = re.compile(r"^(?P<year>\d{4})-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4]))$")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int

    @classmethod
    def parse(cls, key):
        """``2026-10`` or ``2026-Q3``; a ValueError with a message for the user otherwise."""
        match = KEY_PATTERN.match(key or "")
        if not match:
            raise ValueError(_("Give a month as YYYY-MM (e.g. 2026-10) or a quarter as YYYY-Qn (e.g. 2026-Q3)."))
        year = int(match["year"])
        if match["quarter"]:
            period = cls(PeriodKind.QUARTER, year, int(match["quarter"]))
        elif 1 <= int(match["month"]) <= 12:
            period = cls(PeriodKind.MONTH, year, int(match["month"]))
        else:
            raise ValueError(_("There is no month %(month)s.") % {"month": match["month"]})
        if year < FIRST_PROGRAMME_YEAR:
            raise ValueError(_("The programme began in %(year)s.") % {"year": FIRST_PROGRAMME_YEAR})
        return period

    @classmethod
    def month_before(cls, day):
        first = day.replace(day=1) - datetime.timedelta(days=1)
        return cls(PeriodKind.MONTH, first.year, first.month)

    @property
    def key(self):
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    def __str__(self):
        return self.key

    @property
    def start(self):
        if self.kind == PeriodKind.QUARTER:
            return Quarter(self.year, self.number).start
        return datetime.date(self.year, self.number, 1)

    @property
    def end(self):
        if self.kind == PeriodKind.QUARTER:
            return Quarter(self.year, self.number).end
        following = datetime.date(self.year + self.number // 12, self.number % 12 + 1, 1)
        return following - datetime.timedelta(days=1)

    @property
    def label(self):
        if self.kind == PeriodKind.QUARTER:
            return Quarter(self.year, self.number).label
        return formats.date_format(self.start, "F Y")

    def has_started(self, today):
        return self.start <= today

    def progress_quarter(self):
        """The latest quarter that has ended by the period's end: the one whose progress updates the report reads."""
        return quarter_ended_by(self.end)


def quarter_ended_by(day):
    """The latest quarter that has ended on or before ``day``."""
    quarter = Quarter.containing(day)
    return quarter if quarter.end == day else quarter.previous()
