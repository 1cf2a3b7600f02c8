"""Letters counted per month or year and kind: what the charts draw and their CSV holds."""

from __future__ import annotations

import csv
import inspect
import io
from dataclasses import replace
from typing import Any

from store import Store

from ..web.charts import Timeline, periods_between
from .queries import LETTERS_T, LetterFilter

CSV_COLUMNS = ("period", "side", "kind", "letters")
MONTHS_UP_TO_YEARS = 3  # a span of more years than this is drawn by year


def _where(f: LetterFilter, store: Store) -> tuple[str, list[Any]]:
    # Filters that search text through the store's own index need the store to say how.
    if "store" in inspect.signature(f.where).parameters:
        return f.where(store)  # type: ignore[call-arg]
    return f.where()


def counts(store: Store, f: LetterFilter) -> list[dict[str, Any]]:
    """(month, kind, letters) for the filter; the month is shorter when the date is: "2019"
    for a letter dated to the year, "" for an undated one."""
    where, params = _where(f, store)
    sql = (f"SELECT substr(sort_date, 1, 7) AS period, kind, COUNT(*) AS n FROM {LETTERS_T}"
           + (f" WHERE {where}" if where else "") + " GROUP BY substr(sort_date, 1, 7), kind")
    return [{"period": r["period"] or "", "kind": r["kind"], "n": int(r["n"])}
            for r in store.query(sql, params)]


def person_sides(f: LetterFilter, person: str) -> dict[str, LetterFilter]:
    """A person's letters split into those they sent and those they received."""
    return {"sent": replace(f, person=None, sender=person),
            "received": replace(f, person=None, recipient=person)}


def build(sides: dict[str, list[dict[str, Any]]], unit: str | None = None) -> Timeline:
    """The chart's data from ``counts`` per side (the first drawn above the axis, a second
    below). Without ``unit``: by month over three years or fewer, else by year."""
    dated = [r["period"] for rows in sides.values() for r in rows if r["period"]]
    if unit is None:
        span = int(max(dated)[:4]) - int(min(dated)[:4]) if dated else 0
        unit = "month" if span < MONTHS_UP_TO_YEARS else "year"
    names = list(sides)
    t = Timeline(unit=unit, periods=[], up_label=names[0],
                 down_label=names[1] if len(names) > 1 else "")
    buckets: list[dict[str, dict[str, int]]] = []
    fine = [p for p in dated if unit == "year" or len(p) >= 7]
    for rows in sides.values():
        bucket: dict[str, dict[str, int]] = {}
        for r in rows:
            period = r["period"]
            if not period:
                t.undated += r["n"]
                continue
            if unit == "month" and len(period) < 7:
                t.coarse += r["n"]
                continue
            key = period[:4] if unit == "year" else period[:7]
            kinds = bucket.setdefault(key, {})
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + r["n"]
        buckets.append(bucket)
    if fine:
        t.periods = periods_between(min(fine), max(fine), unit)
    t.up = buckets[0]
    t.down = buckets[1] if len(buckets) > 1 else None
    return t


def csv_text(sides: dict[str, list[dict[str, Any]]]) -> str:
    """The counts as CSV, one row per period (month, or year for letters dated only to one;
    "undated" for the rest), side and kind."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for side, rows in sides.items():
        for r in sorted(rows, key=lambda r: (r["period"] or "~", r["kind"])):
            writer.writerow((r["period"] or "undated", side, r["kind"], r["n"]))
    return out.getvalue()
