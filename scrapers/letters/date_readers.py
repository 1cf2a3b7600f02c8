"""Readers of date expressions in a text, one per form, and `find_dates` that runs them."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from .date_patterns import (
    AGO,
    ANY_DATE,
    DAY_MONTH,
    FULL,
    HOLIDAY_HINT,
    MONTH_ALONE,
    MONTH_HINT,
    MONTH_YEAR,
    MONTHS,
    NUMBERS,
    OFFSET,
    OFFSET_HINT,
    ORDINAL_WEEK,
    RELATIVE,
    RELATIVE_HINT,
    RELATIVE_WORDS,
    WEEK_OF,
    WEEKDAY,
    WEEKDAYS,
    YEAR_ALONE,
    YEAR_HINT,
)
from .date_types import Anchor, DateMention, DateSpan, _mk, _month_end
from .holidays import holidays

__all__ = ["find_dates", "full_date_in", "full_match_date"]


def full_date_in(text: str) -> tuple[int, int, date] | None:
    best = None
    for rx in FULL:
        for m in rx.finditer(text):
            d = full_match_date(m)
            if d and (best is None or m.start() < best[0]):
                best = (m.start(), m.end(), d)
    return best


def full_match_date(m: re.Match) -> date | None:
    gd = m.groupdict()
    if gd.get("iso"):
        try:
            return date.fromisoformat(gd["iso"].replace("/", "-"))
        except ValueError:
            return None
    return _mk(int(gd["year"]), MONTHS[gd["mon"].lower().rstrip(".")], int(gd["day"]))


def _span(a: date, b: date, anchor: Anchor) -> DateSpan:
    return DateSpan(min(a, b), max(a, b), anchor.known)


def _recent_month(mon: int, anchor: Anchor, strictly_before: bool = False) -> tuple[int, int]:
    y = anchor.end.year
    if mon > anchor.end.month or (strictly_before and mon == anchor.end.month):
        y -= 1
    return y, mon


def _weekday_before(wd: int, ref: date, strictly: bool) -> date:
    delta = (ref.weekday() - wd) % 7
    if strictly and delta == 0:
        delta = 7
    return ref - timedelta(days=delta)


def _relative(rel: str, anchor: Anchor) -> DateSpan | None:
    rel = " ".join(rel.lower().split())
    a0, a1 = anchor.start, anchor.end
    if rel == "yesterday":
        return _span(a0 - timedelta(days=1), a1 - timedelta(days=1), anchor)
    if rel in ("the previous day", "a day earlier"):
        return _span(a0 - timedelta(days=1), a1 - timedelta(days=1), anchor)
    if rel == "the day before yesterday":
        return _span(a0 - timedelta(days=2), a1 - timedelta(days=2), anchor)
    if rel in ("today", "tonight", "this morning", "this afternoon", "this evening"):
        return _span(a0, a1, anchor)
    if rel in ("this week", "earlier this week", "later this week"):
        return _span(a0 - timedelta(days=a0.weekday()), a1, anchor)
    if rel == "last week":
        monday = a0 - timedelta(days=a0.weekday() + 7)
        end = a1 - timedelta(days=a1.weekday() + 1)
        return _span(monday, end, anchor)
    if rel in ("last weekend", "over the weekend", "this weekend"):
        sat = _weekday_before(5, a1, strictly=False)
        return _span(sat, sat + timedelta(days=1) if sat + timedelta(days=1) <= a1 else sat, anchor)
    if rel in ("this month", "earlier this month"):
        return _span(a0.replace(day=1), a1, anchor)
    if rel == "last month":
        first = a0.replace(day=1) - timedelta(days=1)
        return _span(first.replace(day=1), _month_end(first.year, first.month), anchor)
    if rel in ("this year", "earlier this year"):
        return _span(date(a0.year, 1, 1), a1, anchor)
    if rel.endswith("last year"):
        y = a0.year - 1
        if rel.startswith(("late", "later")):
            return _span(date(y, 7, 1), date(y, 12, 31), anchor)
        if rel.startswith(("early", "earlier")):
            return _span(date(y, 1, 1), date(y, 6, 30), anchor)
        return _span(date(y, 1, 1), date(y, 12, 31), anchor)
    return None


def _overlaps_any(a: int, b: int, taken: list[tuple[int, int]]) -> bool:
    return any(a < y and x < b for x, y in taken)


def _windows(text: str, hint: re.Pattern, pad: int) -> list[tuple[int, int]]:
    """Merged stretches of text around the places a hint matches; the full regexes run only there."""
    out: list[tuple[int, int]] = []
    for m in hint.finditer(text):
        a, b = max(0, m.start() - pad), min(len(text), m.end() + pad)
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _in_windows(rx: re.Pattern, text: str, windows: list[tuple[int, int]]):
    seen = -1
    for a, b in windows:
        for m in rx.finditer(text, a, b):
            if m.start() > seen:
                seen = m.start()
                yield m


class _Found:
    """Date mentions of one text, each span of characters read once (longest forms are read first)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[DateMention] = []
        self.taken: list[tuple[int, int]] = []

    def add(self, a: int, b: int, span: DateSpan | None, relative: bool) -> None:
        if span is None or _overlaps_any(a, b, self.taken):
            return
        self.taken.append((a, b))
        self.out.append(DateMention(a, b, span, relative))


def _count(num: str) -> int:
    return int(num) if num.isdigit() else NUMBERS.get(num.lower(), 1)


def _offsets(f: _Found, anchor: Anchor) -> None:
    """"24 days after the June 12 summit", "three weeks ago"."""
    text = f.text
    for m in OFFSET.finditer(text):
        base = _first_date(text[m.end():m.end() + 40], anchor)
        if base is None:
            continue
        unit = m.group("unit").lower()
        days = _count(m.group("num")) * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
        sign = 1 if m.group("dir").lower().startswith(("after", "later")) else -1
        bspan, blen = base
        slack = 3 if unit.startswith("month") else 0
        f.add(m.start(), m.end() + blen, DateSpan(bspan.start + timedelta(days=sign * days - slack),
                                                 bspan.end + timedelta(days=sign * days + slack), bspan.anchored), True)
    for m in AGO.finditer(text):
        n = _count(m.group("num"))
        unit = m.group("unit").lower()
        if unit.startswith("day"):
            d0, d1 = anchor.start - timedelta(days=n), anchor.end - timedelta(days=n)
        elif unit.startswith("week"):
            d0, d1 = anchor.start - timedelta(days=7 * n + 3), anchor.end - timedelta(days=7 * n - 3)
        else:
            d0, d1 = anchor.start - timedelta(days=30 * n + 10), anchor.end - timedelta(days=30 * n - 10)
        f.add(m.start(), m.end(), _span(d0, d1, anchor), True)


def _full_dates(f: _Found) -> None:
    for rx in FULL:
        for m in rx.finditer(f.text):
            d = full_match_date(m)
            if d:
                f.add(m.start(), m.end(), DateSpan(d, d, True), False)


def _weeks_of(f: _Found, anchor: Anchor) -> None:
    """"The first week of March"."""
    for m in WEEK_OF.finditer(f.text):
        mon = MONTHS[m.group("mon").lower().rstrip(".")]
        if m.group("year"):
            y, anchored = int(m.group("year")), True
        else:
            y, _ = _recent_month(mon, anchor)
            anchored = anchor.known
        k = ORDINAL_WEEK[m.group("ord").lower()]
        last = calendar.monthrange(y, mon)[1]
        if k < 0:
            a, b = date(y, mon, max(1, last - 6)), date(y, mon, last)
        else:
            a, b = date(y, mon, 1 + 7 * k), date(y, mon, min(last, 7 + 7 * k))
        f.add(m.start(), m.end(), DateSpan(a, b, anchored), not m.group("year"))


def _months(f: _Found, anchor: Anchor, windows: list[tuple[int, int]], years: bool) -> None:
    """"March 2019", then year-less "April 12" (the latest such day up to a week after the anchor),
    then a month alone ("in March", "last March")."""
    text = f.text
    if years:
        for m in _in_windows(MONTH_YEAR, text, windows):
            mon, y = MONTHS[m.group("mon").lower().rstrip(".")], int(m.group("year"))
            f.add(m.start(), m.end(), DateSpan(date(y, mon, 1), _month_end(y, mon), True), False)
    for rx in DAY_MONTH:
        for m in _in_windows(rx, text, windows):
            mon, day = MONTHS[m.group("mon").lower().rstrip(".")], int(m.group("day"))
            d = _mk(anchor.end.year, mon, day)
            if d is not None and d > anchor.end + timedelta(days=7):
                d = _mk(anchor.end.year - 1, mon, day)
            if d is not None:
                f.add(m.start(), m.end(), DateSpan(d, d, anchor.known), True)
    for m in _in_windows(MONTH_ALONE, text, windows):
        prep = m.group("prep").lower()
        if m.group("mon") in ("May", "March") and prep in ("of", "from"):
            continue
        y, mo = _recent_month(MONTHS[m.group("mon").lower().rstrip(".")], anchor, strictly_before=prep == "last")
        f.add(m.start(), m.end(), DateSpan(date(y, mo, 1), _month_end(y, mo), anchor.known), True)


def _years(f: _Found) -> None:
    for m in YEAR_ALONE.finditer(f.text):
        if m.group(0).startswith("(") and f.text[m.end():m.end() + 1] != ")":
            continue
        y = int(m.group("year"))
        f.add(m.start(), m.end(), DateSpan(date(y, 1, 1), date(y, 12, 31), True), False)


def _weekdays(f: _Found, anchor: Anchor) -> None:
    """"On Saturday", "last Tuesday": the latest such day on or before the anchor."""
    for m in WEEKDAY.finditer(f.text):
        pre = (m.group("pre") or "").strip().lower()
        if pre == "next":
            continue
        wd = WEEKDAYS[m.group("wd").lower()]
        d0 = _weekday_before(wd, anchor.start, pre == "last")
        d1 = _weekday_before(wd, anchor.end, pre == "last")
        f.add(m.start(), m.end(), _span(d0, d1, anchor), True)


def _holidays(f: _Found, anchor: Anchor) -> None:
    """"On New Year's Eve", "during Eid al-Fitr": the latest such day up to a week after the anchor."""
    table = holidays()
    for m in table.pattern.finditer(f.text):
        d = table.on_or_before(m.group(0), anchor.end + timedelta(days=7))
        if d is not None:
            f.add(m.start(), m.end(), DateSpan(d, d, anchor.known), True)


def find_dates(text: str, anchor: Anchor) -> list[DateMention]:
    """Every date expression in `text` with its interval, relative ones resolved against `anchor`."""
    holiday = HOLIDAY_HINT.search(text) is not None
    if not holiday and not ANY_DATE.search(text):
        return []
    f = _Found(text)
    low = text.lower()
    years = YEAR_HINT.search(text) is not None
    month_windows = _windows(text, MONTH_HINT, 30)
    # cheap tests let most readers skip most texts
    if OFFSET_HINT.search(text):
        _offsets(f, anchor)
    if years:
        _full_dates(f)
    if "week of" in low:
        _weeks_of(f, anchor)
    if month_windows:
        _months(f, anchor, month_windows, years)
    if years:
        _years(f)
    _weekdays(f, anchor)
    if holiday:
        _holidays(f, anchor)
    if any(k in low for k in RELATIVE_WORDS):
        for m in _in_windows(RELATIVE, text, _windows(text, RELATIVE_HINT, 25)):
            f.add(m.start(), m.end(), _relative(m.group("rel"), anchor), True)
    f.out.sort(key=lambda x: x.start)
    return f.out


def _first_date(text: str, anchor: Anchor) -> tuple[DateSpan, int] | None:
    """A date at the very start of `text` (used after "N days after the ...")."""
    for rx in FULL:
        m = rx.match(text)
        if m:
            d = full_match_date(m)
            if d:
                return DateSpan(d, d, True), m.end()
    for rx in DAY_MONTH:
        m = rx.match(text)
        if m:
            mon = MONTHS[m.group("mon").lower().rstrip(".")]
            d = _mk(anchor.end.year, mon, int(m.group("day")))
            if d is None:
                return None
            if d > anchor.end:
                d = _mk(anchor.end.year - 1, mon, int(m.group("day")))
                if d is None:
                    return None
            return DateSpan(d, d, anchor.known), m.end()
    return None
