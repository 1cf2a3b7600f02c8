"""Patterns and word tables for dates in English news text."""
from __future__ import annotations

import re

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30,
}
ORDINAL_WEEK = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}

MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?:(?<=\b[A-Z][a-z][a-z])\.|(?<=Sept)\.)?"
MON2 = MON.replace("?P<mon>", "?P<mon2>")
DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
DAY2 = DAY.replace("?P<day>", "?P<day2>")
YEAR = r"(?P<year>(?:19|20)\d\d)"
WD = r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)"
NUM = r"(?P<num>\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + r")"

# Absolute dates, longest forms first.
FULL = [
    re.compile(rf"\b{WD}?{MON}\s+{DAY},?\s+(?:Juche\s+\d+\s+\(\s*)?{YEAR}\)?\b"),
    re.compile(rf"\b{WD}?{DAY}\s+{MON},?\s+{YEAR}\b"),
    # "2017-12-30", and "2017/12/30" as bylines write it ("Published: 2017/12/30 20:10")
    re.compile(r"\b(?P<iso>(?:19|20)\d\d(?P<sep>[-/])[01]\d(?P=sep)[0-3]\d)\b"),
]
DAY_MONTH = [
    re.compile(rf"\b{MON}\s+{DAY}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![:\d])"),
    re.compile(rf"\b{DAY}\s+{MON}\b(?!\s*(?:,\s*)?(?:19|20)\d\d)"),
]
MONTH_YEAR = re.compile(rf"\b(?:(?P<part>early|late|mid|mid-)\s*)?{MON},?\s+{YEAR}\b")
WEEK_OF = re.compile(rf"\b(?:the\s+)?(?P<ord>first|second|third|fourth|last)\s+week\s+of\s+{MON}(?:,?\s+{YEAR})?", re.I)
MONTH_ALONE = re.compile(
    rf"\b(?P<prep>(?i:in|since|during|until|by|from|of|last|this|early|late|mid|mid-|earlier in|later in|in early|in late|in mid|in mid-))\s*{MON}\b(?!\s+[0-3]?\d\b)(?!,?\s+(?:19|20)\d\d)"
)
YEAR_ALONE = re.compile(r"\b(?:(?P<prep>(?i:in|since|during|of|until|by))\s+(?:(?P<part>early|late|mid)[\s-]+)?|\()(?P<year>(?:19|20)\d\d)\b(?!\s*-\s*\d)")
OFFSET = re.compile(
    rf"\b{NUM}\s+(?P<unit>days?|weeks?|months?)\s+(?P<dir>after|before|later than|earlier than)\s+(?:the\s+)?",
    re.I,
)
AGO = re.compile(rf"\b{NUM}\s+(?P<unit>days?|weeks?|months?)\s+ago\b", re.I)
WEEKDAY = re.compile(r"\b(?P<pre>on\s+|last\s+|this\s+|next\s+|early\s+|late\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?!,?\s+(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b)(?!,?\s+[0-3]?\d\s+)")
RELATIVE = re.compile(
    r"\b(?P<rel>the\s+day\s+before\s+yesterday|the\s+previous\s+day|a\s+day\s+earlier|"
    r"yesterday|today|tonight|this\s+morning|this\s+afternoon|this\s+evening|"
    r"earlier\s+this\s+week|later\s+this\s+week|this\s+week|last\s+week|earlier\s+this\s+month|this\s+month|last\s+month|"
    r"earlier\s+this\s+year|this\s+year|(?:late|early|earlier|later)\s+last\s+year|last\s+year|last\s+weekend|over\s+the\s+weekend|this\s+weekend)\b",
    re.I,
)


ANY_DATE = re.compile(
    r"\d|January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|"
    r"Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|"
    r"tonight|this morning|this afternoon|this evening|week|month|year|ago\b|previous day|day earlier",
    re.I,
)
MONTH_HINT = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
YEAR_HINT = re.compile(r"(?:19|20)\d\d")
RELATIVE_HINT = re.compile(r"(?i)yesterday|today|tonight|this\s|last\s|weekend|\bday\s+earlier|previous\s+day")


OFFSET_HINT = re.compile(r"(?i)\b(?:days?|weeks?|months?)\s+(?:after|before|later|earlier|ago)\b")


RELATIVE_WORDS = ("yesterday", "today", "tonight", "this ", "last ", "weekend", "earlier this", "later this",
                   "previous day", "day earlier")
HOLIDAY_HINT = re.compile(r"(?i)eve\b|new year|christmas|eid|festival|nowruz|navruz|nauryz|norooz|\btet\b|seollal")
