"""Article dates and the dates a sentence mentions, resolved to intervals of days.

The types live in `date_types`, the readers of each form in `date_readers`; this module is the
public face and dates whole articles (datelines, bylines, a year at the top, the era of an
undated text).
"""
from __future__ import annotations

import re
from datetime import date

from .date_patterns import MONTHS
from .date_readers import find_dates, full_date_in, full_match_date
from .date_types import Anchor, DateMention, DateSpan, _mk, anchor_for, parse_published

__all__ = ["DateSpan", "DateMention", "Anchor", "parse_published", "find_article_date", "find_dates", "anchor_for",
           "dateline_date", "find_article_interval", "era_of", "full_match_date"]

_DATELINE_LINE = re.compile(r"^\s*(?:[A-Z][\w .'-]{0,40},\s*)?(?P<rest>.*)$")
_DOTTED_DATE = re.compile(r"(?m)^[^\n]{0,60}?\b(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:19|20)\d\d)\b[^\n]{0,40}$")
_SLASH_DATE = re.compile(r"\bDate:\s*(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)\d\d)\b")


def find_article_date(text: str) -> date | None:
    """The article's own date when no publication date was given: a dateline or byline date.

    Only short lines near the top (or a line that is nothing but a date) count, so dates in
    captions and body sentences are not mistaken for the publication date.
    """
    if not text:
        return None
    top_candidates: list[date] = []
    # "Date: 30/12/2017", and a day written with dots on a short line at the top ("12.03.2019"),
    # which is day first wherever it is written that way
    for m in (_SLASH_DATE.search(text[:3000]), _DOTTED_DATE.search(text[:400])):
        d = _mk(int(m.group("y")), int(m.group("m")), int(m.group("d"))) if m else None
        if d:
            top_candidates.append(d)
    pos = 0
    standalone: list[date] = []
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        s = line.strip()
        if not s:
            continue
        found = full_date_in(s)
        if not found:
            continue
        a, b, d = found
        if start < 2500 and (len(s) <= 120 or a <= 40):
            top_candidates.append(d)
        elif (b - a) >= 0.5 * len(s):
            standalone.append(d)
    if top_candidates:
        return top_candidates[0]
    return standalone[0] if standalone else None


_YEAR_LINE = re.compile(r"\A\s*(?P<year>(?:19|20)\d\d)\b(?!\s*[-/]\s*\d)(?=\s+[A-Z]|\s*$|\s*\n)")


def find_article_interval(text: str) -> tuple[date, date] | None:
    """The article's own date as an interval: a dateline or byline day (`find_article_date`), else a
    year that opens the text ("1998 News Story"), which dates the article to that year."""
    d = find_article_date(text)
    if d is not None:
        return d, d
    m = _YEAR_LINE.match(text[:80])
    if m is None:
        return None
    y = int(m.group("year"))
    return date(y, 1, 1), date(y, 12, 31)


def era_of(text: str, today: date | None = None) -> date | None:
    """A stand-in date for an undated text: the latest date it states outright (not a relative one),
    so "the president" in a text about 2001 is the president of 2001, not of today. Dates after
    `today` (plans, "by 2030") are left out."""
    today = today or date.today()
    found = [d.span for d in find_dates(text, anchor_for(None)) if not d.relative and d.span.start <= today]
    if not found:
        return None
    latest = max(found, key=lambda s: s.end)
    return min(latest.end, today) if latest.start != latest.end else latest.start


_DATELINE_DAY = re.compile(
    r"\A\s*[A-Z][\w .'\-]{1,40}?(?:\s*\[[^\]]{1,30}\])?,\s*(?P<mon>January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+(?P<day>[0-3]?\d)\b"
    r"(?:,?\s*(?P<year>(?:19|20)\d\d))?\s*(?:\(|--|-|:|/)"
)


def dateline_date(text: str, published: tuple[date, date] | None) -> date | None:
    """The day a wire dateline gives ("Abu Dhabi [UAE], August 7 (WAM):") when it is the day of
    writing, up to three days before the publication date: "today" in such a lead is that day."""
    m = _DATELINE_DAY.match(text[:200])
    if m is None or published is None:
        return None
    mon, day = MONTHS[m.group("mon").lower()], int(m.group("day"))
    year = int(m.group("year")) if m.group("year") else published[1].year
    d = _mk(year, mon, day)
    if d is not None and not m.group("year") and d > published[1]:
        d = _mk(year - 1, mon, day)
    if d is None or not 0 <= (published[0] - d).days <= 3:
        return None
    return d
