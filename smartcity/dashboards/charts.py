"""Charts drawn on the server as SVG: no script and no library, so they render offline, print, and read the same
in both languages. Each chart is drawn from a ``Section`` (``smartcity.reports.sections``), whose table is also
the chart's text alternative and its CSV export."""

from dataclasses import dataclass

from smartcity.reports.sections import display

WIDTH, LABEL_WIDTH, BAR_START, BAR_WIDTH, ROW_HEIGHT = 680, 210, 220, 280, 26


@dataclass
class Bar:
    label: str
    value: float
    text: str
    target: float | None = None
    y: float = 0
    width: float = 0
    target_width: float = 0


@dataclass
class BarChart:
    """Horizontal bars, one per row of ``section``: the value of column ``value`` against, if given, column
    ``target`` (drawn as a lighter bar behind it); ``label`` names the row."""

    section: object
    label: int = 0
    value: int = 1
    target: int | None = None
    style: str = "real"

    @property
    def slug(self):
        return self.section.slug

    @property
    def bars(self):
        bars = []
        for row in self.section.cells():
            value, kind = row[self.value]
            target = row[self.target][0] if self.target is not None else None
            bars.append(Bar(str(row[self.label][0]), value or 0, display(value, kind), target))
        largest = max([bar.value for bar in bars] + [bar.target or 0 for bar in bars] + [0]) or 1
        for index, bar in enumerate(bars):
            bar.y = 6 + index * ROW_HEIGHT
            bar.width = round(BAR_WIDTH * float(bar.value) / float(largest), 1)
            bar.target_width = round(BAR_WIDTH * float(bar.target or 0) / float(largest), 1)
        return bars

    @property
    def value_title(self):
        return self.section.columns[self.value].title

    @property
    def target_title(self):
        return self.section.columns[self.target].title if self.target is not None else ""

    @property
    def height(self):
        return 12 + ROW_HEIGHT * len(self.section.rows)


GEOMETRY = {"width": WIDTH, "label_width": LABEL_WIDTH, "bar_start": BAR_START, "value_x": BAR_START + BAR_WIDTH + 8}
