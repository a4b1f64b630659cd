"""The noticeboard programme: a week's public events laid out to fit one A4 page.

Pure: the week's lines in, the days to print and a type size out. The page is a grid of two
columns, Monday and Tuesday side by side and so on, each event one line of title and one of
place and hosts, neither wrapping (an over-long title ends in "…"). So every height is
known in advance: `lay_out` picks the largest type at which the week fits and, when even the
smallest does not, shows the first events of the busiest days and "n more". The sizes below
mirror static/css/print.css; tests/browser/test_print_pages.py measures the result in
Chromium.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

MM_PER_PT = 25.4 / 72
LINE_HEIGHT = 1.25
# What the day grid may use of the A4 sheet: 297 mm less 2 x 12 mm margins, the heading with
# the QR code (about 47 mm) and the footer (about 12 mm), with some 10 mm to spare.
BUDGET_MM = 210
# What a chosen municipality adds to the sheet, so the days get that much less: its name under
# the title (print.css: 18 pt at line-height 1.1, 7 mm), which makes the heading taller wherever
# the text column outgrows the QR code (Finnish, whose welcome line wraps), and a second line
# for the printed address, whose query it lengthens (10 pt, 4.4 mm). Measured in Chromium.
MUNICIPALITY_MM = 12
ROW_GAP_MM = 3
ENTRY_GAP_MM = 1.5


@dataclass(frozen=True)
class Density:
    css: str
    points: float  # the events' type size
    second_line: bool  # place and hosts under the title

    def line(self, scale: float = 1.0) -> float:
        return self.points * scale * LINE_HEIGHT * MM_PER_PT

    @property
    def heading(self) -> float:
        return self.line(1.15) + 1.5  # the day's name and its rule

    @property
    def entry(self) -> float:
        return self.line() + (self.line(0.8) if self.second_line else 0) + ENTRY_GAP_MM


DENSITIES = [
    Density("print--roomy", 14, True),
    Density("print--normal", 12, True),
    Density("print--dense", 10, False),
]


@dataclass
class Line:
    start: datetime
    end: datetime
    title: str
    place: str
    hosts: str
    online: bool
    free: bool = True


@dataclass
class Day:
    day: date
    lines: list[Line] = field(default_factory=list)
    more: int = 0  # events left out for room, told as one line

    @property
    def rows(self) -> int:
        return max(1, len(self.lines) + (1 if self.more else 0))  # "no events" is a line too


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def height(days: list[Day], density: Density) -> float:
    """The grid's height: pairs of days side by side, each pair as tall as its longer day."""
    pairs = [days[i : i + 2] for i in range(0, len(days), 2)]
    rows = [density.heading + max(d.rows for d in pair) * density.entry for pair in pairs]
    return sum(rows) + ROW_GAP_MM * (len(rows) - 1)


def lay_out(days: dict[date, list[Line]], budget: float = BUDGET_MM) -> tuple[list[Day], str]:
    result = [Day(day, list(lines)) for day, lines in days.items()]
    for density in DENSITIES:
        if height(result, density) <= budget:
            return result, density.css
    dense = DENSITIES[-1]
    full = {d.day: list(d.lines) for d in result}
    # Shorten the longest day of the tallest pair, one event at a time, until the week fits.
    while height(result, dense) > budget:
        pairs = [result[i : i + 2] for i in range(0, len(result), 2)]
        tallest = max(pairs, key=lambda pair: max(d.rows for d in pair))
        longest = max(tallest, key=lambda d: d.rows)
        if not longest.lines:
            break
        longest.lines.pop()
        longest.more = len(full[longest.day]) - len(longest.lines)
    return result, dense.css
