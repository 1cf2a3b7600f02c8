"""The types of dates: intervals of days, the anchor relative dates are read against, and mentions."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["DateSpan", "DateMention", "Anchor", "parse_published", "anchor_for"]


@dataclass(frozen=True, slots=True)
class DateSpan:
    """A closed interval of days; `anchored` is False when it was resolved against a guessed date."""

    start: date
    end: date
    anchored: bool = True

    def iso(self) -> str | None:
        """The most precise ISO text covering the interval ("2019-08-09", "2019-08", "2019")."""
        if not self.anchored:
            return None
        if self.start == self.end:
            return self.start.isoformat()
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.start.year == self.end.year:
            return f"{self.start.year:04d}"
        return None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: "DateSpan") -> bool:
        return self.start <= other.end and other.start <= self.end


@dataclass(frozen=True, slots=True)
class Anchor:
    """The publication date (or a stand-in for it) that relative dates are resolved against."""

    start: date
    end: date
    known: bool

    @property
    def span(self) -> DateSpan:
        return DateSpan(self.start, self.end, self.known)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in a sentence: its character span and its interval."""

    start: int
    end: int
    span: DateSpan
    relative: bool


# A stand-in "today" when the article's date is unknown: dates are still compared with one
# another (a July letter is not the letter "sent this week") but never reported.
_SURROGATE = date(2001, 12, 31)

def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_published(value: str | None) -> tuple[date, date] | None:
    """An ISO date or datetime (or "YYYY-MM", "YYYY") as a (first day, last day) interval."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip()
    m = re.match(r"^((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?", s)
    if not m:
        try:
            from dateutil import parser as du  # only for unusual formats such as RFC 2822

            d = du.parse(s, fuzzy=False).date()
            return d, d
        except (ValueError, OverflowError, ImportError):
            return None
    y = int(m.group(1))
    if m.group(3):
        d = _mk(y, int(m.group(2)), int(m.group(3)))
        return (d, d) if d else None
    if m.group(2):
        mo = int(m.group(2))
        if not 1 <= mo <= 12:
            return None
        return date(y, mo, 1), _month_end(y, mo)
    return date(y, 1, 1), date(y, 12, 31)


def anchor_for(published: tuple[date, date] | None) -> Anchor:
    if published is None:
        return Anchor(_SURROGATE, _SURROGATE, False)
    return Anchor(published[0], published[1], True)
