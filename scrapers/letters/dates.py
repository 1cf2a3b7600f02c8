"""Article dates and the dates a sentence mentions, resolved to intervals of days."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateSpan", "DateMention", "Anchor", "parse_published", "find_article_date", "find_dates", "anchor_for"]


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

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30,
}
_ORDINAL_WEEK = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}

_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = _DAY.replace("?P<day>", "?P<day2>")
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)"
_NUM = r"(?P<num>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"

# Absolute dates, longest forms first.
_FULL = [
    re.compile(rf"\b{_WD}?{_MON}\s+{_DAY},?\s+(?:Juche\s+\d+\s+\(\s*)?{_YEAR}\)?\b"),
    re.compile(rf"\b{_WD}?{_DAY}\s+{_MON},?\s+{_YEAR}\b"),
    re.compile(r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
]
_DAY_MONTH = [
    re.compile(rf"\b{_MON}\s+{_DAY}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![:\d])"),
    re.compile(rf"\b{_DAY}\s+{_MON}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)"),
]
_MONTH_YEAR = re.compile(rf"\b(?:(?P<part>early|late|mid|mid-)\s*)?{_MON},?\s+{_YEAR}\b")
_WEEK_OF = re.compile(rf"\b(?:the\s+)?(?P<ord>first|second|third|fourth|last)\s+week\s+of\s+{_MON}(?:,?\s+{_YEAR})?", re.I)
_MONTH_ALONE = re.compile(
    rf"\b(?P<prep>(?i:in|since|during|until|by|from|of|last|this|early|late|mid|mid-|earlier in|later in|in early|in late|in mid|in mid-))\s*{_MON}\b(?!\s+[0-3]?\d\b)(?!,?\s+(?:19|20)\d\d)"
)
_YEAR_ALONE = re.compile(rf"\b(?:(?P<prep>(?i:in|since|during|of|until|by))\s+(?:(?P<part>early|late|mid)[\s-]+)?|\()(?P<year>(?:19|20)\d\d)\b(?!\s*-\s*\d)")
_OFFSET = re.compile(
    rf"\b{_NUM}\s+(?P<unit>days?|weeks?|months?)\s+(?P<dir>after|before|later than|earlier than)\s+(?:the\s+)?",
    re.I,
)
_AGO = re.compile(rf"\b{_NUM}\s+(?P<unit>days?|weeks?|months?)\s+ago\b", re.I)
_WEEKDAY = re.compile(r"\b(?P<pre>on\s+|last\s+|this\s+|next\s+|early\s+|late\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!,?\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)(?!,?\s+[0-3]?\d\s+)")
_RELATIVE = re.compile(
    r"\b(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|this\s+morning|this\s+afternoon|this\s+evening|"
    r"earlier\s+this\s+week|later\s+this\s+week|this\s+week|last\s+week|earlier\s+this\s+month|this\s+month|last\s+month|"
    r"earlier\s+this\s+year|this\s+year|(?:late|early|earlier|later)\s+last\s+year|last\s+year|last\s+weekend|over\s+the\s+weekend|this\s+weekend)\b",
    re.I,
)


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


_DATELINE_LINE = re.compile(r"^\s*(?:[A-Z][\w .'-]{0,40},\s*)?(?P<rest>.*)$")
_SLASH_DATE = re.compile(r"\bDate:\s*(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>(?:19|20)\d\d)\b")


def _full_date_in(text: str) -> tuple[int, int, date] | None:
    best = None
    for rx in _FULL:
        for m in rx.finditer(text):
            d = _full_match_date(m)
            if d and (best is None or m.start() < best[0]):
                best = (m.start(), m.end(), d)
    return best


def _full_match_date(m: re.Match) -> date | None:
    gd = m.groupdict()
    if gd.get("iso"):
        try:
            return date.fromisoformat(gd["iso"])
        except ValueError:
            return None
    return _mk(int(gd["year"]), _MONTHS[gd["mon"].lower().rstrip(".")], int(gd["day"]))


def find_article_date(text: str) -> date | None:
    """The article's own date when no publication date was given: a dateline or byline date.

    Only short lines near the top (or a line that is nothing but a date) count, so dates in
    captions and body sentences are not mistaken for the publication date.
    """
    if not text:
        return None
    m = _SLASH_DATE.search(text[:3000])
    top_candidates: list[date] = []
    if m:
        d = _mk(int(m.group("y")), int(m.group("m")), int(m.group("d")))
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
        found = _full_date_in(s)
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


_ANY_DATE = re.compile(
    r"\d|January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|"
    r"tonight|this morning|this afternoon|this evening|week|month|year|ago\b",
    re.I,
)
_MONTH_HINT = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_YEAR_HINT = re.compile(r"(?:19|20)\d\d")
_RELATIVE_HINT = re.compile(r"(?i)yesterday|today|tonight|this\s|last\s|weekend")


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


_OFFSET_HINT = re.compile(r"(?i)\b(?:days?|weeks?|months?)\s+(?:after|before|later|earlier|ago)\b")


def find_dates(text: str, anchor: Anchor) -> list[DateMention]:
    """Every date expression in `text` with its interval, relative ones resolved against `anchor`."""
    out: list[DateMention] = []
    if not _ANY_DATE.search(text):
        return out
    offsets = _OFFSET_HINT.search(text) is not None
    # cheap tests that let most regexes skip most texts
    low = text.lower()
    month_windows = _windows(text, _MONTH_HINT, 30)
    months = bool(month_windows)
    years = _YEAR_HINT.search(text) is not None
    taken: list[tuple[int, int]] = []

    def add(a: int, b: int, span: DateSpan | None, relative: bool) -> None:
        if span is None or _overlaps_any(a, b, taken):
            return
        taken.append((a, b))
        out.append(DateMention(a, b, span, relative))

    # "24 days after the June 12 summit": the offset is applied to the date that follows
    for m in (_OFFSET.finditer(text) if offsets else ()):
        rest = text[m.end():m.end() + 40]
        base = _first_date(rest, anchor)
        if base is None:
            continue
        num = m.group("num")
        n = int(num) if num.isdigit() else _NUMBERS.get(num.lower(), 1)
        unit = m.group("unit").lower()
        days = n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
        sign = 1 if m.group("dir").lower().startswith(("after", "later")) else -1
        bspan, blen = base
        if unit.startswith("month"):
            span = DateSpan(bspan.start + timedelta(days=sign * days - 3), bspan.end + timedelta(days=sign * days + 3), bspan.anchored)
        else:
            span = DateSpan(bspan.start + timedelta(days=sign * days), bspan.end + timedelta(days=sign * days), bspan.anchored)
        add(m.start(), m.end() + blen, span, True)
    for m in (_AGO.finditer(text) if offsets else ()):
        n = int(m.group("num")) if m.group("num").isdigit() else _NUMBERS.get(m.group("num").lower(), 1)
        unit = m.group("unit").lower()
        if unit.startswith("day"):
            d0 = anchor.start - timedelta(days=n)
            d1 = anchor.end - timedelta(days=n)
        elif unit.startswith("week"):
            d0 = anchor.start - timedelta(days=7 * n + 3)
            d1 = anchor.end - timedelta(days=7 * n - 3)
        else:
            d0 = anchor.start - timedelta(days=30 * n + 10)
            d1 = anchor.end - timedelta(days=30 * n - 10)
        add(m.start(), m.end(), _span(d0, d1, anchor), True)
    for rx in (_FULL if years else ()):
        for m in rx.finditer(text):
            d = _full_match_date(m)
            if d:
                add(m.start(), m.end(), DateSpan(d, d, True), False)
    for m in (_WEEK_OF.finditer(text) if "week of" in low else ()):
        mon = _MONTHS[m.group("mon").lower().rstrip(".")]
        if m.group("year"):
            y, anchored = int(m.group("year")), True
        else:
            y, _ = _recent_month(mon, anchor)
            anchored = anchor.known
        k = _ORDINAL_WEEK[m.group("ord").lower()]
        last = calendar.monthrange(y, mon)[1]
        if k < 0:
            a, b = date(y, mon, max(1, last - 6)), date(y, mon, last)
        else:
            a, b = date(y, mon, 1 + 7 * k), date(y, mon, min(last, 7 + 7 * k))
        add(m.start(), m.end(), DateSpan(a, b, anchored), not m.group("year"))
    for m in (_in_windows(_MONTH_YEAR, text, month_windows) if months and years else ()):
        mon = _MONTHS[m.group("mon").lower().rstrip(".")]
        y = int(m.group("year"))
        add(m.start(), m.end(), DateSpan(date(y, mon, 1), _month_end(y, mon), True), False)
    for rx in (_DAY_MONTH if months else ()):
        for m in _in_windows(rx, text, month_windows):
            mon = _MONTHS[m.group("mon").lower().rstrip(".")]
            if m.group("mon") == "May" and not m.group("day"):
                continue
            day = int(m.group("day"))
            y = anchor.end.year
            d = _mk(y, mon, day)
            if d is None:
                continue
            if d > anchor.end + timedelta(days=7):
                d = _mk(y - 1, mon, day)
                if d is None:
                    continue
            add(m.start(), m.end(), DateSpan(d, d, anchor.known), True)
    for m in (_in_windows(_MONTH_ALONE, text, month_windows) if months else ()):
        mon = _MONTHS[m.group("mon").lower().rstrip(".")]
        if m.group("mon") in ("May", "March") and m.group("prep").lower() in ("of", "from"):
            continue
        prep = m.group("prep").lower()
        y, mo = _recent_month(mon, anchor, strictly_before=prep == "last")
        add(m.start(), m.end(), DateSpan(date(y, mo, 1), _month_end(y, mo), anchor.known), True)
    for m in (_YEAR_ALONE.finditer(text) if years else ()):
        y = int(m.group("year"))
        if m.group(0).startswith("(") and not text[m.end():m.end() + 1] == ")":
            continue
        add(m.start(), m.end(), DateSpan(date(y, 1, 1), date(y, 12, 31), True), False)
    for m in _WEEKDAY.finditer(text):
        wd = _WEEKDAYS[m.group("wd").lower()]
        pre = (m.group("pre") or "").strip().lower()
        if pre == "next":
            continue
        strictly = pre == "last"
        d0 = _weekday_before(wd, anchor.start, strictly)
        d1 = _weekday_before(wd, anchor.end, strictly)
        add(m.start(), m.end(), _span(d0, d1, anchor), True)
    relative = any(k in low for k in ("yesterday", "today", "tonight", "this ", "last ", "weekend", "earlier this", "later this"))
    for m in (_in_windows(_RELATIVE, text, _windows(text, _RELATIVE_HINT, 25)) if relative else ()):
        add(m.start(), m.end(), _relative(m.group("rel"), anchor), True)
    out.sort(key=lambda x: x.start)
    return out


def _first_date(text: str, anchor: Anchor) -> tuple[DateSpan, int] | None:
    """A date at the very start of `text` (used after "N days after the ...")."""
    for rx in _FULL:
        m = rx.match(text)
        if m:
            d = _full_match_date(m)
            if d:
                return DateSpan(d, d, True), m.end()
    for rx in _DAY_MONTH:
        m = rx.match(text)
        if m:
            mon = _MONTHS[m.group("mon").lower().rstrip(".")]
            d = _mk(anchor.end.year, mon, int(m.group("day")))
            if d is None:
                return None
            if d > anchor.end:
                d = _mk(anchor.end.year - 1, mon, int(m.group("day")))
                if d is None:
                    return None
            return DateSpan(d, d, anchor.known), m.end()
    return None

